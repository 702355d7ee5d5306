"""Round trip: a random Report written by our own exporters (plain text with grid tables,
Markdown, HTML page, Word) and read back gives identical cells and narrative."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.export.document import html_page, markdown, plain_text
from assistant.export.docx import docx_bytes
from assistant.ingest import read_report
from assistant.report.cells import Cell
from assistant.report.layout import CellSpec, FormatVersion, load_layout
from assistant.report.model import Agency, Report, Section

_AGENCY = "示例县自然资源局"
_NARRATIVE = {
    "overview": "本年度主动公开政府信息120条。",
    "problems": "存在问题：解读不够。",
    "other": "本年度未收取信息处理费。",
}


# prose of the kind reports contain: Chinese, digits, Chinese punctuation, quotes and brackets
_SENTENCE = st.text(
    alphabet="政府信息公开申请办理年度条件主动依法规范工作平台建设总体情况问题改进"
    "0123456789，。、；：“”（）《》%",
    max_size=120,
)


def _cell(spec: CellSpec) -> st.SearchStrategy[Cell]:
    if spec.type == "dec":
        number: st.SearchStrategy[Cell] = st.decimals(
            min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False
        ).map(lambda d: Cell.of(int(d) if d == d.to_integral_value() else d.normalize()))
    elif spec.type == "sint":
        number = st.integers(-500, 500).map(Cell.of)
    else:
        number = st.integers(0, 10**6).map(Cell.of)
    marks = st.sampled_from(
        [Cell(kind="blank", raw=""), Cell(kind="slash", raw="/"), Cell(kind="dash", raw="—")]
    )
    return st.one_of(number, number, number, number, number, number, number, number, marks)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    fmt: FormatVersion = draw(st.sampled_from(["2019", "2021"]))
    year = draw(st.integers(2019, 2020) if fmt == "2019" else st.integers(2021, 2030))
    layout = load_layout(fmt)
    cells = {c.id: draw(_cell(c)) for t in layout.tables if t.render for c in t.cells}
    sections = {
        "preamble": Section(
            id="preamble", text=f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。"
        )
    }
    for sid, text in _NARRATIVE.items():
        sections[sid] = Section(id=sid, text=text + draw(_SENTENCE))  # type: ignore[index]
    return Report(
        agency=Agency(name=_AGENCY),
        year=year,
        format=fmt,
        cells=cells,
        sections=sections,
        title=f"{_AGENCY}{year}年政府信息公开工作年度报告",
    )


_RENDER = {"txt": plain_text, "md": markdown, "html": html_page}


def _same_cells(original: Report, read: Report) -> None:
    assert read.format == original.format
    assert read.agency.name == _AGENCY and read.year == original.year
    got = {k: (c.kind, c.value) for k, c in read.cells.items()}
    want = {k: (c.kind, c.value) for k, c in original.cells.items()}
    assert got == want
    for sid in _NARRATIVE:
        assert read.text(sid) == original.text(sid).strip(), sid  # type: ignore[arg-type]


_SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_SETTINGS
@given(report=reports(), render=st.sampled_from(["txt", "md", "html"]))
def test_text_markdown_html_round_trip(report: Report, render: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{render}"
        path.write_text(_RENDER[render](report), encoding="utf-8")
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
