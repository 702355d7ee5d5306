"""Derived values of SPEC b.2 (`derived`): subtotals used by rules and the narrative, not printed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from assistant.report.cells import Number
from assistant.report.layout import FormatVersion, load_layout
from assistant.report.model import Report

_GROUPS = ("res.denied", "res.unavailable", "res.not_processed", "res.other")


def apply_table_id(report: Report) -> str:
    return "apply" if report.format == "2021" else "apply19"


@dataclass(frozen=True)
class _Plan:
    """Which cells each derived value sums: fixed by the format, so worked out once."""

    sums: tuple[tuple[str, tuple[str, ...]], ...]  # derived id → the cell ids it adds up


@cache
def _plan(format: FormatVersion) -> _Plan:
    # a pre-2019 report (format 2008) has no table 三 of the format: nothing is derived
    table = load_layout(format).table_for_section("apply")
    if table is None:
        return _Plan(())
    block = table.blocks[0]
    row_ids = [r.id for r in block.rows]
    leaves = [r for r in row_ids if r.startswith("res.") and r != "res.total"]
    sums: list[tuple[str, tuple[str, ...]]] = []
    for col in block.columns:

        def cells(rows: Iterable[str], col_id: str = col.id) -> tuple[str, ...]:
            return tuple(f"{table.id}.{r}.{col_id}" for r in rows)

        for group in _GROUPS:
            members = [r for r in row_ids if r == group or r.startswith(group + ".")]
            if members and members != [group]:
                sums.append((f"{table.id}.{group}.{col.id}", cells(members)))
        sums.append((f"{table.id}.res.leaf_sum.{col.id}", cells(leaves)))
        sums.append((f"{table.id}.received.{col.id}", cells(("new", "carry_in"))))
    legal_cols = [c.id for c in block.columns if c.id.startswith("legal.")]
    for row in row_ids:
        sums.append(
            (f"{table.id}.{row}.legal.subtotal", tuple(f"{table.id}.{row}.{c}" for c in legal_cols))
        )
    return _Plan(tuple(sums))


def derive(report: Report) -> dict[str, Number | None]:
    """Every derived value of table 三, per column: `apply.res.denied.total`,
    `apply.res.leaf_sum.natural_person`, `apply.new.legal.subtotal`, `apply.received.total`…
    A derived value whose inputs include a blank is None."""
    cells = report.cells
    values: dict[str, Number | None] = {}
    out: dict[str, Number | None] = {}
    for derived_id, members in _plan(report.format).sums:
        total: Number | None = 0
        for cid in members:
            if cid not in values:
                c = cells.get(cid)
                values[cid] = c.value if c is not None and c.kind == "number" else None
            v = values[cid]
            if v is None:
                total = None
                break
            total += v  # type: ignore[operator]
        out[derived_id] = total
    return out
