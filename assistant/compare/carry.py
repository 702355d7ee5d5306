"""Prior-year carry-forward: prefill this year's data from last year's report, never over a
clerk's entry."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.report import Cell, Report, zero_report
from assistant.report.derived import apply_table_id

CARRIED = "上年结转"  # Cell.source of every prefilled value


@dataclass(frozen=True)
class Carried:
    report: Report
    filled: tuple[str, ...]  # cells and profile fields prefilled from last year
    kept: tuple[str, ...]  # cells a clerk had entered that differ from last year's figure


def _is_entered(cell: Cell | None) -> bool:
    """Whether a person (or a data file) put this value there.

    A missing cell, an untouched starting zero (`zero_report`, no source) and an earlier
    prefill may be replaced; anything else is the clerk's and stays.
    """
    if cell is None or cell.source == CARRIED:
        return False
    if cell.source is None and (not cell.is_number or cell.value == 0):
        return False
    return True


def carry_forward(prior: Report, current: Report | None = None) -> Carried:
    """This year's report with last year's closing figures as its opening ones.

    - 上年结转 (`apply.carry_in.*`) ← last year's 结转下年度 (`apply.carry_out.*`), per column;
    - 现行有效件数 (`active.*.valid`) ← last year's, plus this year's 制发, minus 废止 (SPEC XY-02),
      only from a fmt2021 report: fmt2019's 对外公开总数量 is not the same quantity (SPEC b.6);
    - the agency profile fields this year's report leaves empty.
    """
    this = current if current is not None else zero_report(prior.year + 1, prior.agency.name)
    if this.year != prior.year + 1:
        raise ValueError(f"carry_forward from {prior.year} into {this.year}")
    updates: dict[str, Cell] = {}
    kept: list[str] = []

    def offer(cell_id: str, value: int | None) -> None:
        if value is None or not this.layout.has_cell(cell_id):
            return
        existing = this.cell(cell_id)
        if _is_entered(existing):
            if existing is not None and existing.value != value:
                kept.append(cell_id)
            return
        updates[cell_id] = Cell.of(value, source=CARRIED)

    src, dst = apply_table_id(prior), apply_table_id(this)
    for column in this.layout.table(dst).blocks[0].columns:
        value = prior.value(f"{src}.carry_out.{column.id}")
        offer(f"{dst}.carry_in.{column.id}", int(value) if value is not None else None)
    if prior.format == "2021" and this.format == "2021":
        for row in ("rules", "normative_docs"):
            base = prior.value(f"active.{row}.valid")
            if base is None:
                continue
            made = this.value(f"active.{row}.made") or 0
            repealed = this.value(f"active.{row}.repealed") or 0
            offer(f"active.{row}.valid", int(base + made - repealed))

    profile = this.agency.model_dump()
    filled_profile = [
        k
        for k, v in prior.agency.model_dump().items()
        if v not in (None, "") and profile.get(k) in (None, "")
    ]
    agency = this.agency.model_copy(update={k: getattr(prior.agency, k) for k in filled_profile})
    report = this.with_cells(updates).model_copy(update={"agency": agency})
    filled = (*sorted(updates), *(f"agency.{k}" for k in filled_profile))
    return Carried(report, filled, tuple(sorted(kept)))
