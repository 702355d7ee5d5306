"""Round trip: a random Report drawn by our own renderers (grid text, Markdown, HTML, Word) and
read back gives identical cells."""

from __future__ import annotations

import html
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.export.docx import docx_bytes
from assistant.export.tables import table_html, table_markdown, table_text
from assistant.ingest import read_report
from assistant.report.cells import Cell
from assistant.report.grid import report_grids
from assistant.report.layout import CellSpec, FormatVersion, load_layout
from assistant.report.model import Agency, Report, Section

_AGENCY = "示例县自然资源局"
_NARRATIVE = {"overview": "本年度主动公开政府信息120条。", "problems": "存在问题：解读不够。",
              "other": "本年度未收取信息处理费。"}


def _cell(spec: CellSpec) -> st.SearchStrategy[Cell]:
    if spec.type == "dec":
        number: st.SearchStrategy[Cell] = st.decimals(
            min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False
        ).map(lambda d: Cell.of(int(d) if d == d.to_integral_value() else d.normalize()))
    elif spec.type == "sint":
        number = st.integers(-500, 500).map(Cell.of)
    else:
        number = st.integers(0, 10**6).map(Cell.of)
    marks = st.sampled_from([Cell(kind="blank", raw=""), Cell(kind="slash", raw="/"),
                             Cell(kind="dash", raw="—")])
    return st.one_of(number, number, number, number, number, number, number, number, marks)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    fmt: FormatVersion = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if fmt == "2019" else st.integers(2021, 2030))
    layout = load_layout(fmt)
    cells = {c.id: draw(_cell(c)) for t in layout.tables if t.render for c in t.cells}
    sections = {"preamble": Section(id="preamble", text=f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。")}
    for sid, text in _NARRATIVE.items():
        sections[sid] = Section(id=sid, text=text)  # type: ignore[index]
    return Report(agency=Agency(name=_AGENCY), year=year, format=fmt, cells=cells,
                  sections=sections, title=f"{_AGENCY}{year}年政府信息公开工作年度报告")


_HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
_ORDER = ["overview", "active", "apply", "review", "problems", "other"]


def _document(report: Report, render: str) -> str:
    grids = {g.table.section: g for g in report_grids(report)}
    title = report.title or ""
    if render == "html":
        parts = [f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
                 f"<body><h1>{html.escape(title)}</h1><p>{report.text('preamble')}</p>"]
        for sid, heading in zip(_ORDER, _HEADINGS, strict=True):
            parts.append(f"<h2>{heading}</h2>")
            if sid in grids:
                parts.append(table_html(grids[sid]))
            if report.text(sid):  # type: ignore[arg-type]
                parts.append(f"<p>{html.escape(report.text(sid))}</p>")  # type: ignore[arg-type]
        return "\n".join(parts) + "</body></html>"
    draw = table_markdown if render == "md" else table_text
    prefix = "## " if render == "md" else ""
    lines = [title, "", report.text("preamble"), ""]
    for sid, heading in zip(_ORDER, _HEADINGS, strict=True):
        lines += [prefix + heading, ""]
        if sid in grids:
            lines += [draw(grids[sid]), ""]
        if report.text(sid):  # type: ignore[arg-type]
            lines += [report.text(sid), ""]  # type: ignore[arg-type]
    return "\n".join(lines)


def _same_cells(original: Report, read: Report) -> None:
    assert read.format == original.format
    assert read.agency.name == _AGENCY and read.year == original.year
    got = {k: (c.kind, c.value) for k, c in read.cells.items()}
    want = {k: (c.kind, c.value) for k, c in original.cells.items()}
    assert got == want


_SETTINGS = settings(max_examples=10, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_SETTINGS
@given(report=reports(), render=st.sampled_from(["txt", "md", "html"]))
def test_text_markdown_html_round_trip(report: Report, render: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{render}"
        path.write_text(_document(report, render), encoding="utf-8")
        _same_cells(report, read_report(path))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports())
def test_word_round_trip(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        path.write_bytes(docx_bytes(report))
        _same_cells(report, read_report(path))


def test_money_with_its_unit_in_the_cell_is_converted() -> None:
    layout = load_layout("2021")
    assert layout.cell("active.admin_fees.amount_wan").unit == "万元"
    from assistant.report.cells import parse_cell

    cell = parse_cell("73802895.90元", unit="万元")
    assert cell.value == Decimal("7380.28959") and cell.raw == "73802895.90元"
