"""The three tables rendered as plain text, Markdown and HTML in the official layout."""

from __future__ import annotations

import os
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.export.tables import (
    display_width,
    table_html,
    table_markdown,
    table_text,
    tables_html,
    tables_markdown,
    tables_text,
)
from assistant.report import Cell, Report, load_layout, parse_cell, zero_report
from assistant.report.grid import report_grids, table_grid

GOLDEN = Path(__file__).parent / "golden"
_NS = "{http://www.w3.org/1999/xhtml}"


def _sample_like() -> Report:
    """A 2025 report with figures in every table, a blank, a slash and a money amount."""
    r = zero_report(2025, agency="示例县市场监督管理局")
    figures = {
        "active.normative_docs.made": 2,
        "active.normative_docs.valid": 11,
        "active.licensing.decisions": 1326,
        "active.penalty.decisions": 87,
        "active.admin_fees.amount_wan": "3.25",
        "apply.new.natural_person": 12,
        "apply.new.legal.commercial": 3,
        "apply.new.total": 15,
        "apply.res.granted.natural_person": 8,
        "apply.res.granted.total": 8,
        "apply.res.unavailable.not_held.natural_person": 4,
        "apply.res.unavailable.not_held.legal.commercial": 3,
        "apply.res.unavailable.not_held.total": 7,
        "apply.res.total.natural_person": 12,
        "apply.res.total.legal.commercial": 3,
        "apply.res.total.total": 15,
        "review.admin_review.corrected": 1,
        "review.admin_review.total": 1,
        "review.litigation_direct.pending": None,
        "review.litigation_after_review.other": "/",
    }
    cells = {
        k: parse_cell(v if isinstance(v, (int, type(None))) else str(v)) for k, v in figures.items()
    }
    return r.with_cells(cells)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":  # regenerate after a deliberate change
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden render"


def test_text_golden() -> None:
    _golden("sample-2025.txt", tables_text(_sample_like()))


def test_markdown_golden() -> None:
    _golden("sample-2025.md", tables_markdown(_sample_like()))


def test_text_golden_fmt2019_zero() -> None:
    _golden("zero-2020.txt", tables_text(zero_report(2020, agency="示例区工业和信息化局")))


def test_text_lines_align_in_display_columns() -> None:
    for grid in report_grids(_sample_like()):
        lines = table_text(grid).splitlines()
        widths = {display_width(line) for line in lines}
        assert len(widths) == 1, grid.table.id
        assert lines[0].startswith("+") and lines[-1].startswith("+")


def test_text_keeps_blank_blank_and_slash() -> None:
    r = _sample_like()
    review = table_text(table_grid(r.layout.table("review"), r)).splitlines()
    data_line = review[-2]
    cells = [c.strip() for c in data_line.strip("|").split("|")]
    assert cells[1] == "1" and cells[4] == "1"
    assert cells[8] == "" and cells[12] == "/"


def test_text_headings_in_order() -> None:
    text = tables_text(_sample_like())
    heads = [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    assert [text.index(h) for h in heads] == sorted(text.index(h) for h in heads)


def _parse(fragment: str):  # type: ignore[no-untyped-def]
    return html5lib.parseFragment(fragment, namespaceHTMLElements=True)


def _spans(table) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    out = []
    for tr in table.iter(f"{_NS}tr"):
        for c in tr:
            out.append(("".join(c.itertext()), int(c.get("rowspan", 1)), int(c.get("colspan", 1))))
    return out


@pytest.mark.parametrize("year", [2020, 2025])
def test_html_spans_match_the_grid(year: int) -> None:
    r = zero_report(year)
    doc = _parse(tables_html(r))
    tables = list(doc.iter(f"{_NS}table"))
    grids = report_grids(r)
    assert len(tables) == len(grids) == 3
    for table, grid in zip(tables, grids, strict=True):
        expected = [(c.text, c.rowspan, c.colspan) for row in grid.rows() for c in row]
        assert _spans(table) == expected
        assert "border-collapse:collapse" in table.get("style")
    heads = ["".join(h.itertext()) for h in doc.iter(f"{_NS}h2")]
    assert heads == [g.table.title for g in grids]


def test_html_apply_note_and_group_spans() -> None:
    table = _parse(table_html(table_grid(load_layout("2021").table("apply"))))
    spans = _spans(table)
    assert ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3) in spans
    assert ("三、本年度办理结果", 22, 1) in spans and ("法人或其他组织", 1, 5) in spans


def test_html_data_cells_carry_ids_and_values() -> None:
    r = _sample_like()
    doc = _parse(tables_html(r))
    by_id = {td.get("data-cell"): "".join(td.itertext()) for td in doc.iter(f"{_NS}td")}
    assert len(by_id) == len([c for t in r.layout.tables if t.render for c in t.cells])
    assert by_id["active.licensing.decisions"] == "1326"
    assert by_id["active.admin_fees.amount_wan"] == "3.25"
    assert by_id["review.litigation_direct.pending"] == ""


def test_script_in_cells_is_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    r = _sample_like().with_cells({"apply.new.natural_person": Cell(kind="text", raw=evil)})
    out = tables_html(r)
    assert "<script>" not in out and "&lt;script&gt;" in out
    doc = _parse(out)
    assert not list(doc.iter(f"{_NS}script"))
    texts = ["".join(td.itertext()) for td in doc.iter(f"{_NS}td")]
    assert evil in texts
    assert "<script>" not in table_html(table_grid(r.layout.table("review"), r))


def test_script_in_a_label_is_escaped() -> None:
    from dataclasses import replace

    grid = table_grid(load_layout("2021").table("active"))
    cells = tuple(
        replace(c, text="<script>x</script>") if c.kind == "label" else c for c in grid.cells
    )
    out = table_html(replace(grid, cells=cells))
    assert "<script>" not in out and out.count("&lt;script&gt;") == 6


def test_markdown_flattens_headers_and_escapes_pipes() -> None:
    r = _sample_like().with_cells({"apply.new.natural_person": Cell(kind="text", raw="a|b")})
    md = table_markdown(table_grid(r.layout.table("apply"), r))
    header = md.splitlines()[0]
    assert "| 法人或其他组织/商业企业 |" in header and "申请人情况" not in header
    assert "a\\|b" in md
    rows = md.splitlines()[2:]
    assert len(rows) == 25
    assert all(row.count(" | ") - row.count("\\| ") == 7 for row in rows)
    assert rows[4].startswith("| 三、本年度办理结果/（三）不予公开/1.属于国家秘密 |")


# ---- every format reads back to the same cells (the readers rely on this regularity) ----------

_VALUES = st.one_of(
    st.integers(0, 999_999).map(str),
    st.decimals(0, 10**6, places=2).map(str),
    st.sampled_from(["", "/", "—", "+3", "-2"]),
)


def _random_report(data: st.DataObject) -> Report:
    year = data.draw(st.sampled_from([2020, 2025]))
    layout = zero_report(year).layout
    return Report(year=year, cells={c: parse_cell(data.draw(_VALUES)) for c in layout.cell_ids})


def _text_data_rows(text: str) -> list[list[str]]:
    """The first line of every grid row (the line after a border), split at "|"."""
    lines = text.splitlines()
    return [
        [f.strip() for f in line.split("|")[1:-1]]
        for prev, line in zip(lines, lines[1:], strict=False)
        if "+-" in prev and "+-" not in line
    ]


def _grid_rows(grid) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [
        [c.text for c in sorted(row, key=lambda c: c.col) if c.kind == "data"]
        for row in grid.rows()
    ]


@settings(max_examples=8, deadline=None)
@given(st.data())
def test_text_reads_back(data: st.DataObject) -> None:
    for grid in report_grids(_random_report(data)):
        first_lines = _text_data_rows(table_text(grid))
        assert len(first_lines) == grid.height
        for fields, expected in zip(first_lines, _grid_rows(grid), strict=True):
            if expected:
                assert fields[len(fields) - len(expected) :] == expected


@settings(max_examples=8, deadline=None)
@given(st.data())
def test_markdown_reads_back(data: st.DataObject) -> None:
    for grid in report_grids(_random_report(data)):
        rows = [line for line in table_markdown(grid).splitlines() if line.startswith("| ")]
        aligns = {i for i, r in enumerate(rows) if r.startswith(("| :---", "| ---:"))}
        body = [r for i, r in enumerate(rows) if i not in aligns and i + 1 not in aligns]
        expected = [r for r in _grid_rows(grid) if r]
        assert len(body) == len(expected)
        for line, values in zip(body, expected, strict=True):
            fields = [f.strip() for f in line[1:-1].split(" | ")]
            assert fields[len(fields) - len(values) :] == values


@settings(max_examples=8, deadline=None)
@given(st.data())
def test_html_reads_back(data: st.DataObject) -> None:
    report = _random_report(data)
    doc = _parse(tables_html(report))
    found = {td.get("data-cell"): "".join(td.itertext()) for td in doc.iter(f"{_NS}td")}
    shown = {
        c: report.cells[c].display() for t in report.layout.tables if t.render for c in t.cell_ids
    }
    assert found == shown
