"""HTML, Markdown, text and JSON exports: structure, escaping, and round trips through our readers."""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest

from assistant.checks import run_checks
from assistant.export import document
from assistant.export.docx import write_docx
from assistant.export.gate import DRAFT
from assistant.ingest import read_report
from assistant.report import SECTION_IDS, Report, Section, parse_cell
from assistant.report.grid import report_grids

_WRITERS = {
    "html": lambda r, p: p.write_text(document.html_page(r), encoding="utf-8"),
    "fragment.html": lambda r, p: p.write_text(document.html_fragment(r), encoding="utf-8"),
    "md": lambda r, p: p.write_text(document.markdown(r), encoding="utf-8"),
    "txt": lambda r, p: p.write_text(document.plain_text(r), encoding="utf-8"),
    "docx": lambda r, p: write_docx(r, p),
}


def _cells(report: Report) -> dict[str, str]:
    return {cid: c.display() for cid, c in report.cells.items()}


@pytest.mark.parametrize("suffix", sorted(_WRITERS))
def test_round_trip_keeps_cells_and_sections(
    suffix: str, shared_sample: Report, tmp_path: Path
) -> None:
    path = tmp_path / f"report.{suffix}"
    _WRITERS[suffix](shared_sample, path)
    back = read_report(path)
    assert _cells(back) == _cells(shared_sample)
    for sid in SECTION_IDS:
        assert back.text(sid).strip() == shared_sample.text(sid).strip(), sid
    assert back.year == shared_sample.year and back.title == shared_sample.title
    assert back.publication.date == shared_sample.publication.date


def _parse(markup: str, *, fragment: bool) -> object:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(markup) if fragment else parser.parse(markup)


def test_html_is_valid_html5_with_exact_spans(shared_sample: Report) -> None:
    page = document.html_page(shared_sample)
    tree = _parse(page, fragment=False)  # strict: raises on any parse error
    tables = tree.findall(".//table")  # type: ignore[attr-defined]
    grids = report_grids(shared_sample)
    assert len(tables) == len(grids)
    for table, grid in zip(tables, grids, strict=True):
        cells = table.findall(".//th") + table.findall(".//td")
        spans = sorted((int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in cells)
        assert spans == sorted((g.rowspan, g.colspan) for g in grid.cells)
        assert "border-collapse:collapse" in table.get("style")
    _parse(document.html_fragment(shared_sample), fragment=True)


def test_html_has_no_external_resources(shared_sample: Report) -> None:
    page = document.html_page(shared_sample, kind=DRAFT)
    for needle in ("<script", "<link", "src=", "href=", "@import", "url("):
        assert needle not in page
    assert "征求意见稿" in page


def _hostile(report: Report) -> Report:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    sections = dict(report.sections)
    sections["overview"] = Section(id="overview", text=f"{evil}\n（一）<b>主动公开</b>")
    report = report.with_cells({"apply.new.natural_person": parse_cell(evil)})
    return report.model_copy(update={"sections": sections, "title": f"报告{evil}"})


def test_script_in_report_text_comes_out_inert(shared_sample: Report) -> None:
    hostile = _hostile(shared_sample)
    for markup in (document.html_page(hostile), document.html_fragment(hostile)):
        tree = _parse(markup, fragment=markup.startswith("<div"))
        assert not tree.findall(".//script") and not tree.findall(".//img")  # type: ignore[attr-defined]
        assert not tree.findall(".//b")  # type: ignore[attr-defined]
        assert "&lt;script&gt;" in markup
    md = document.markdown(hostile)
    assert "<script" not in md.replace("\\<script", "") and "\\<script>" in md
    assert "<img" not in md.replace("\\<img", "")
    table_row = next(line for line in md.splitlines() if line.startswith("| 一、本年新收"))
    assert "\\<script>" in table_row  # a text cell in a table is escaped too


def test_markdown_keeps_paragraphs_plain() -> None:
    assert document._md_escape("1. 这不是列表") == "\\1. 这不是列表"
    assert document._md_escape("# 不是标题") == "\\# 不是标题"
    assert document._md_escape("2023年，全年受理") == "2023年，全年受理"
    assert document._md_escape("1.属于国家秘密") == "1.属于国家秘密"
    assert document._md_escape("印发<中华人民共和国>的通知") == "印发<中华人民共和国>的通知"
    assert document._md_escape("见</p>") == "见\\</p>"


def test_text_and_markdown_carry_the_draft_mark(shared_sample: Report) -> None:
    assert document.plain_text(shared_sample, kind=DRAFT).startswith("（征求意见稿）")
    assert "征求意见稿" in document.markdown(shared_sample, kind=DRAFT)
    assert "征求意见稿" not in document.plain_text(shared_sample)


def test_json_has_the_check_keys_and_the_sections(shared_sample: Report, tmp_path: Path) -> None:
    checks = run_checks(shared_sample)
    doc = document.json_document(shared_sample, checks)
    assert {"report", "cells", "findings", "sections"} <= set(doc)
    assert doc["cells"]["apply.new.total"]["value"] == 81
    assert list(doc["sections"]) == list(SECTION_IDS)
    assert doc["sections"]["overview"]["heading"] == "一、总体情况"
    assert len(doc["findings"]) == len(checks.findings)
    from assistant.checks.document import check_document  # the keys `xxgk check --json` writes

    assert {k: v for k, v in doc.items() if k != "sections"} == check_document(
        shared_sample, checks
    )
    path = tmp_path / "report.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    back = read_report(path)  # the data-file reader takes the check-JSON shape
    assert _cells(back) == _cells(shared_sample)
    assert back.text("overview") == shared_sample.text("overview")


_SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.mark.parametrize(
    "sample_file",
    [
        "wendeng-gxj-2020.txt",  # the 2019 trial format's tables
        pytest.param("pingtan-2021.html", marks=pytest.mark.slow),
        pytest.param(
            "pingtan-2022.html", marks=pytest.mark.slow
        ),  # "<中华人民共和国…>" in the text
    ],
)
@pytest.mark.parametrize("suffix", sorted(_WRITERS))
def test_published_samples_round_trip(sample_file: str, suffix: str, tmp_path: Path) -> None:
    original = read_report(_SAMPLES / sample_file)
    path = tmp_path / f"report.{suffix}"
    _WRITERS[suffix](original, path)
    back = read_report(path)
    assert back.format == original.format
    assert _cells(back) == _cells(original)
    for sid in SECTION_IDS:
        assert back.text(sid).strip() == original.text(sid).strip(), sid
    assert (back.title, back.agency.name) == (original.title, original.agency.name)


def test_citation_markers_are_provenance_never_printed(shared_sample: Report) -> None:
    sections = dict(shared_sample.sections)
    sections["problems"] = Section(
        id="problems", text="依据《条例》第五十条[1]，先写整改情况[2,3]。〔2021〕30号保留。"
    )
    report = shared_sample.model_copy(update={"sections": sections})
    doc = document.json_document(report, run_checks(report))["sections"]["problems"]["text"]
    for out in (
        document.plain_text(report),
        document.markdown(report),
        document.html_page(report),
        doc,
    ):
        assert "第五十条，先写整改情况。〔2021〕30号保留。" in out
        assert "[1]" not in out and "[2,3]" not in out
