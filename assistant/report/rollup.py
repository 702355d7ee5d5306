"""Roll-up (SPEC f.2): the cell-by-cell sum of many units' reports into one aggregate Report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.report.cells import Cell, Number, format_number, normalize_text
from assistant.report.derived import derive
from assistant.report.layout import CellSpec, FormatVersion, format_for_year, load_layout
from assistant.report.model import Agency, AgencyKind, Level, ReadNote, Report
from assistant.report.units import convert_money

JOINT_DOCUMENTS_NOTE = (
    "联合制发的文件（条例第十条第三款，由牵头机关公开）可能被多个单位计入“本年制发件数”，"
    "汇总数未去重。"
)


@dataclass(frozen=True)
class RosterUnit:
    """One expected unit of a roll-up: who must report, and by when (SPEC f.2)."""

    name: str
    kind: AgencyKind | None = None
    level: Level | None = None
    vertical: bool = False  # 垂直管理: reports within its system, not to the local 主管部门
    deadline: dt.date | None = None  # its own deadline, when the roster sets one

    @property
    def key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """How unit names are matched: NFKC, no spaces, full-width brackets as half-width."""
    return normalize_text(name)


@dataclass(frozen=True)
class Aggregate:
    """The summed report, and what the sum could not know."""

    report: Report
    units: tuple[str, ...]  # the units summed, in input order
    # cell id → the units whose cell was blank, "/", "—", text or missing: the sum is null there
    null_cells: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # units left out because their format is not the report year's (RU-05): name → format
    wrong_format: dict[str, str] = field(default_factory=dict)

    @property
    def derived(self) -> dict[str, Number | None]:
        """Derived values (res.denied, …) recomputed from the summed leaves."""
        return derive(self.report)

    def responsible(self, cell_id: str) -> tuple[str, ...]:
        return self.null_cells.get(cell_id, ())


def unit_name(report: Report, fallback: str = "") -> str:
    return report.agency.name or fallback or (report.source or "未命名单位")


def _money_value(cell: Cell, spec: CellSpec) -> Decimal:
    """A money cell in its column's unit (元 for the fmt2019 采购总金额, which states none)."""
    value = Decimal(cell.value)  # type: ignore[arg-type]
    raw = normalize_text(cell.raw)
    stated = "万元" if raw.endswith("万元") else ("元" if raw.endswith("元") else None)
    target = spec.unit or "元"  # a bare number in a unit-less column is read as 元 (T2-07)
    if stated is None or stated == target:
        return value
    number = raw.removesuffix(stated).replace(",", "")
    try:
        as_written = Decimal(number)
    except ArithmeticError:
        return value
    # the reader may already have converted "12500元" in a 万元 column; convert only if not
    return convert_money(value, stated, target) if as_written == value else value


def aggregate(
    reports: Sequence[Report],
    *,
    year: int,
    format: FormatVersion | None = None,
    agency: Agency | None = None,
    names: Sequence[str] | None = None,
) -> Aggregate:
    """Sum every data cell of 二, 三, 四 and the 六 fee figures across `reports`.

    Counts are summed exactly, money as Decimal after unit normalisation, fmt2019 `delta` as
    signed values. A cell that is not a number in any unit is null in the aggregate, and those
    units are listed. Reports in another format than `format` (default: the year's) are left
    out and listed: fmt2019 and fmt2021 cells cannot be summed. Pure: reads no file.
    """
    fmt = format or format_for_year(year)
    layout = load_layout(fmt)
    labels = list(names) if names is not None else [unit_name(r) for r in reports]
    if len(labels) != len(reports):
        raise ValueError("names must match reports one to one")
    included: list[tuple[str, Report]] = []
    wrong: dict[str, str] = {}
    for name, report in zip(labels, reports, strict=True):
        if report.format != fmt:
            wrong[name] = report.format
        else:
            included.append((name, report))
    cells: dict[str, Cell] = {}
    nulls: dict[str, tuple[str, ...]] = {}
    for table in layout.tables:
        for spec in table.cells:
            total: Number = Decimal(0) if spec.type == "dec" else 0
            missing: list[str] = []
            for name, report in included:
                cell = report.cells.get(spec.id)
                if cell is None or cell.kind != "number" or cell.value is None:
                    missing.append(name)
                elif spec.type == "dec":
                    total += _money_value(cell, spec)
                else:
                    total += cell.value
            if table.optional and len(missing) == len(included):
                continue  # no unit gave fee figures: leave them out, as a unit report would
            if missing:
                nulls[spec.id] = tuple(missing)
                shown = "、".join(missing[:3]) + ("等" if len(missing) > 3 else "")
                cells[spec.id] = Cell(
                    kind="blank", raw="", source=f"汇总：{shown}{len(missing)}个单位未填数字"
                )
            else:
                cells[spec.id] = Cell(
                    value=total,
                    raw=format_number(total),
                    kind="number",
                    source=f"汇总{len(included)}个单位",
                )
    notes = [ReadNote(level="info", message=JOINT_DOCUMENTS_NOTE)]
    if wrong:
        notes.append(
            ReadNote(
                level="error",
                message=("以下单位的表格格式与报告年度不符，未计入汇总：" + "、".join(wrong)),
            )
        )
    report = Report(
        agency=agency or Agency(name="汇总", kind="government"),
        year=year,
        format=fmt,
        cells=cells,
        notes=notes,
    )
    return Aggregate(
        report=report, units=tuple(n for n, _ in included), null_cells=nulls, wrong_format=wrong
    )
