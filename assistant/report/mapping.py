"""SPEC b.6: carry a fmt2019 report's cells into fmt2021, listing what cannot be mapped."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.report.cells import Cell
from assistant.report.layout import load_layout
from assistant.report.model import ReadNote, Report

# fmt2019 cell → fmt2021 cell, where SPEC b.6 calls them equivalent (≈ for 制作/制发).
_DIRECT_ACTIVE = {
    "active19.rules.new_made": "active.rules.made",
    "active19.normative_docs.new_made": "active.normative_docs.made",
    "active19.licensing.decisions": "active.licensing.decisions",
    "active19.penalty.decisions": "active.penalty.decisions",
    "active19.coercion.decisions": "active.coercion.decisions",
}
# fmt2021 cells that no fmt2019 cell gives (new or changed meaning): left blank, never guessed.
_NO_SOURCE = (
    "active.rules.repealed",
    "active.rules.valid",
    "active.normative_docs.repealed",
    "active.normative_docs.valid",
    "active.admin_fees.amount_wan",
)


@dataclass(frozen=True)
class Mapped:
    report: Report
    unmapped: tuple[str, ...]  # fmt2021 cells left blank because no fmt2019 cell gives them
    dropped: tuple[str, ...]  # fmt2019 cells with no place in fmt2021
    split_unknown: tuple[str, ...]  # fmt2021 cells whose value is a lump sum (其他处理)


def to_fmt2021(report: Report) -> Mapped:
    """Map a fmt2019 report onto the fmt2021 layout (SPEC b.6). fmt2021 input comes back as is."""
    if report.format == "2021":
        return Mapped(report, (), (), ())
    new = load_layout("2021")
    cells: dict[str, Cell] = {}
    used: set[str] = set()
    for old, target in _DIRECT_ACTIVE.items():
        if old in report.cells:
            cells[target] = report.cells[old]
            used.add(old)
    for old_id, cell in report.cells.items():
        if old_id.startswith(("apply19.", "review19.")):
            table, rest = old_id.split(".", 1)
            if rest.startswith("res.other."):
                # the single 2019 row holds the sum of the three 2021 rows: put it in .other
                col = rest.removeprefix("res.other.")
                cells[f"apply.res.other.other.{col}"] = cell
                for part in ("no_correction", "fee_unpaid"):
                    cells[f"apply.res.other.{part}.{col}"] = Cell(kind="blank", source="格式转换")
            else:
                cells[f"{table.removesuffix('19')}.{rest}"] = cell
            used.add(old_id)
    unmapped = tuple(dict.fromkeys(c for c in _NO_SOURCE if new.has_cell(c)))
    for cid in unmapped:
        cells[cid] = Cell(kind="blank", source="格式转换：2019格式无对应数据")
    split = tuple(c for c in cells if c.startswith("apply.res.other.other."))
    dropped = tuple(c for c in report.cells if c not in used)
    notes = [
        *report.notes,
        ReadNote(
            level="warning",
            message=(
                f"已按2021年格式转换：{len(unmapped)}个单元格在2019年格式中没有对应数据，已留空待填；"
                f"“（六）其他处理”的数量已全部计入“3.其他”，需按实际情况拆分。"
            ),
        ),
    ]
    mapped = report.model_copy(update={"format": "2021", "cells": cells, "notes": notes})
    return Mapped(mapped, unmapped, dropped, split)
