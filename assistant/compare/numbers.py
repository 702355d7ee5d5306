"""Every table cell side by side over two or more years, with the change and the percentage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistant.report import Number, Report, load_layout, to_fmt2021

# The figures a reviewer looks at first; also the lines of the chart (SPEC b.2–b.3 ids).
MAIN_FIGURES: tuple[tuple[str, str], ...] = (
    ("apply.new.total", "新收申请"),
    ("apply.res.total.total", "办结总计"),
    ("apply.res.granted.total", "予以公开"),
    ("apply.carry_out.total", "结转下年度"),
    ("review.admin_review.total", "行政复议"),
    ("review.litigation_direct.total", "直接起诉"),
    ("review.litigation_after_review.total", "复议后起诉"),
)


@dataclass(frozen=True)
class CellRow:
    cell: str
    table: str
    label: str  # 表三「…」行「…」列
    values: tuple[Number | None, ...]  # one per year, oldest first
    shown: tuple[str, ...]  # what each year's table shows ("", "/", "0", …)
    change: Number | None  # newest − the year before it
    percent: Decimal | None  # change as a percentage of the year before, 1 decimal
    comparable: bool = True  # False when the year before (fmt2019) has no such cell

    @property
    def changed(self) -> bool:
        return self.comparable and self.shown[-1] != self.shown[-2]


@dataclass(frozen=True)
class NumberComparison:
    years: tuple[int, ...]
    rows: tuple[CellRow, ...]
    unmapped: tuple[str, ...]  # cells an older fmt2019 report cannot give (SPEC b.6)

    def row(self, cell: str) -> CellRow:
        return next(r for r in self.rows if r.cell == cell)

    @property
    def changed(self) -> tuple[CellRow, ...]:
        return tuple(r for r in self.rows if r.changed)

    def series(self) -> list[tuple[str, str, tuple[Number | None, ...]]]:
        """(cell, name, values per year) of the main figures that any year has."""
        by_id = {r.cell: r for r in self.rows}
        out = []
        for cid, name in MAIN_FIGURES:
            table, rest = cid.split(".", 1)
            for candidate in (cid, f"{table}19.{rest}"):  # fmt2019 tables are apply19, review19
                row = by_id.get(candidate)
                if row is not None and any(v is not None for v in row.values):
                    out.append((candidate, name, row.values))
                    break
        return out


def percent_change(old: Number | None, new: Number | None) -> Decimal | None:
    """(new − old) / old × 100, rounded half up to one place; None when old is 0 or missing."""
    if old is None or new is None or old == 0:
        return None
    pct = (Decimal(new) - Decimal(old)) * 100 / Decimal(old)
    return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _aligned(reports: Sequence[Report]) -> tuple[list[Report], str, list[set[str]]]:
    """The reports in the newest one's format, older fmt2019 ones mapped onto fmt2021; and per
    report the cells the mapping could not give."""
    fmt = reports[-1].format
    if fmt == "2019":
        return list(reports), fmt, [set() for _ in reports]
    out, unmapped = [], []
    for r in reports:
        m = to_fmt2021(r)
        out.append(m.report)
        unmapped.append(set(m.unmapped))
    return out, fmt, unmapped


def compare_numbers(reports: Sequence[Report]) -> NumberComparison:
    """Cell by cell over the years; `reports` in any order, at least two."""
    if len(reports) < 2:
        raise ValueError("compare_numbers needs at least two reports")
    ordered = sorted(reports, key=lambda r: r.year)
    aligned, fmt, unmapped = _aligned(ordered)
    layout = load_layout(fmt)
    rows: list[CellRow] = []
    for table in layout.tables:
        for spec in table.cells:
            cells = [r.cell(spec.id) for r in aligned]
            if all(c is None for c in cells):
                continue
            values = tuple(r.value(spec.id) for r in aligned)
            shown = tuple(c.display() if c is not None else "" for c in cells)
            rows.append(
                _row(
                    spec.id,
                    table.id,
                    spec.describe(),
                    values,
                    shown,
                    comparable=spec.id not in unmapped[-2],
                )
            )
    every_unmapped = tuple(sorted(set().union(*unmapped)))
    return NumberComparison(tuple(r.year for r in ordered), tuple(rows), every_unmapped)


def _row(
    cid: str,
    table: str,
    label: str,
    values: tuple[Number | None, ...],
    shown: tuple[str, ...],
    *,
    comparable: bool,
) -> CellRow:
    old, new = values[-2], values[-1]
    change = new - old if old is not None and new is not None else None
    return CellRow(cid, table, label, values, shown, change, percent_change(old, new), comparable)
