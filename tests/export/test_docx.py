"""The DOCX export checked structurally: page, styles and fonts, merged tables, marks, footers."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assistant.export.docx import docx_bytes, write_docx
from assistant.export.docx_styles import REFERENCE_DOCX, build_reference
from assistant.export.gate import DRAFT
from assistant.report import Report
from assistant.report.grid import report_grids


def _reopen(report: Report, **kw: object) -> docx.document.Document:
    return docx.Document(BytesIO(docx_bytes(report, **kw)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def doc(shared_sample: Report) -> docx.document.Document:
    return _reopen(shared_sample)  # read-only in every test: built once


def _east_asia(style: docx.styles.style.BaseStyle) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_page_is_a4_with_the_gbt9704_margins(doc: docx.document.Document) -> None:
    s = doc.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(0.1) and abs(s.page_height - Mm(297)) < Mm(0.1)
    for value, mm in (
        (s.top_margin, 37),
        (s.bottom_margin, 35),
        (s.left_margin, 28),
        (s.right_margin, 26),
    ):
        assert abs(value - Mm(mm)) < Mm(0.1), (value, mm)
    grid = s._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    assert grid.get(qn("w:type")) == "lines" and pitch * 22 <= Mm(225).twips < (pitch + 1) * 22


@pytest.mark.parametrize(
    ("style", "font", "size"),
    [
        ("Title", "方正小标宋简体", 22),
        ("Normal", "仿宋_GB2312", 16),
        ("一级标题", "黑体", 16),
        ("二级标题", "楷体_GB2312", 16),
    ],
)
def test_styles_name_the_east_asian_fonts(
    doc: docx.document.Document, style: str, font: str, size: int
) -> None:
    st = doc.styles[style]
    assert _east_asia(st) == font
    assert st.font.size == Pt(size) and not st.font.bold
    fonts = st.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over the name


def test_body_is_22_lines_of_28_characters(doc: docx.document.Document) -> None:
    fmt = doc.styles["Normal"].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28.8 <= fmt.line_spacing.pt and fmt.line_spacing * 22 <= Mm(225)  # 22 lines fit
    ind = doc.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    spacing = doc.styles["Normal"].element.rPr.find(qn("w:spacing"))
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(156 / 25.4 * 72 / pitch) == 28
    assert doc.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_fallback_fonts_are_declared_for_word_and_wps(doc: docx.document.Document) -> None:
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    xml = part.blob.decode("utf-8")
    for name, alt in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in xml


def test_paragraphs_carry_the_right_styles(doc: docx.document.Document, sample: Report) -> None:
    paras = doc.paragraphs
    assert paras[0].style.name == "Title" and "政府信息公开工作年度报告" in paras[0].text
    by_text = {p.text: p.style.name for p in paras}
    assert by_text["一、总体情况"] == "一级标题"
    assert by_text["四、政府信息公开行政复议、行政诉讼情况"] == "一级标题"
    assert by_text["（一）主动公开方面"] == "二级标题"
    assert by_text[sample.text("other")] == "Normal"
    tail = [p for p in paras if p.text][-2:]
    assert [p.text for p in tail] == ["平潭综合实验区", "2024年3月8日"]
    assert all(p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in tail)


def test_tables_have_the_official_merges(doc: docx.document.Document, sample: Report) -> None:
    grids = report_grids(sample)
    assert len(doc.tables) == len(grids) == 3
    for table, grid in zip(doc.tables, grids, strict=True):
        assert (len(table.rows), len(table.columns)) == (grid.height, grid.width)
        flat = table._cells  # python-docx repeats a merged cell at every position it covers
        at = [flat[r * grid.width : (r + 1) * grid.width] for r in range(grid.height)]
        for gc in grid.cells:
            top = at[gc.row][gc.col]
            assert top.text == gc.text, (grid.table.id, gc)
            bottom = at[gc.row + gc.rowspan - 1][gc.col + gc.colspan - 1]
            assert bottom._tc is top._tc, (grid.table.id, gc)  # one merged cell
            if gc.col + gc.colspan < grid.width:
                assert at[gc.row][gc.col + gc.colspan]._tc is not top._tc
            if gc.row + gc.rowspan < grid.height:
                assert at[gc.row + gc.rowspan][gc.col]._tc is not top._tc
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) <= Mm(156.5).twips, grid.table.id  # fits the text block
        assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
    note = doc.tables[1].cell(0, 0)
    assert "勾稽关系" in note.text and doc.tables[1].cell(2, 2)._tc is note._tc
    assert doc.tables[1].cell(3, 3).text == "80"


def test_table_text_is_small_fangsong_and_numbers_are_centred(doc: docx.document.Document) -> None:
    style = doc.styles["表格文字"]
    assert _east_asia(style) == "仿宋_GB2312" and style.font.size == Pt(10.5)
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    data = doc.tables[2].cell(3, 0).paragraphs[0]
    assert data.text == "1" and data.style.name == "表格文字"


def test_page_numbers_outer_bottom_with_dashes(doc: docx.document.Document) -> None:
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer, align in (
        (s.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        assert p.alignment == align and p.style.name == "页码"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert " PAGE " in "".join(t.text for t in p._p.iter(qn("w:instrText")))
    assert doc.styles["页码"].font.size == Pt(14)
    assert _east_asia(doc.styles["页码"]) == "宋体"


def test_draft_carries_the_mark_and_final_does_not(
    shared_sample: Report, doc: docx.document.Document
) -> None:
    draft = _reopen(shared_sample, kind=DRAFT)
    assert draft.sections[0].header.paragraphs[0].text == "征求意见稿"
    assert draft.sections[0].even_page_header.paragraphs[0].text == "征求意见稿"
    final = doc
    assert "征求意见稿" not in "".join(p.text for p in final.sections[0].header.paragraphs)
    assert final.core_properties.subject == "正式稿"


def test_title_breaks_after_the_agency(doc: docx.document.Document) -> None:
    title = doc.paragraphs[0]
    assert title._p.find(".//" + qn("w:br")) is not None
    assert title.text == "平潭综合实验区\n2023年政府信息公开工作年度报告"


def test_shipped_reference_matches_the_style_code() -> None:
    shipped = docx.Document(str(REFERENCE_DOCX))
    fresh = build_reference()
    for name in (
        "Normal",
        "Title",
        "一级标题",
        "二级标题",
        "表格",
        "表格栏目",
        "表格文字",
        "页码",
        "落款",
        "稿件标记",
    ):
        a, b = shipped.styles[name], fresh.styles[name]
        assert a.element.xml == b.element.xml, (
            f"{name}: reference.docx is stale; run python scripts/make_reference_docx.py"
        )


def test_write_docx_reports_an_unwritable_path(sample: Report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.errors import ExportError

    with pytest.raises(ExportError, match="无法写入"):
        write_docx(sample, tmp_path / "missing" / "x.docx")


@pytest.mark.parametrize("year", [2020, 2025])
def test_an_empty_new_report_exports_with_every_heading(year: int) -> None:
    from assistant.report import zero_report

    doc = _reopen(zero_report(year))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"{year}年政府信息公开工作年度报告"  # no agency yet: one line
    assert sum(1 for p in doc.paragraphs if p.style.name == "一级标题") == 6
    assert len(doc.tables) == 3 and doc.tables[1].cell(3, 3).text == "0"
    assert doc.paragraphs[-1].style.name != "落款"  # no agency, no date: no signature


def test_control_characters_pasted_from_word_do_not_break_the_export(sample: Report) -> None:
    from assistant.report import Section, parse_cell

    sections = {**sample.sections, "other": Section(id="other", text="无\x0b收费\x0c情况。\x07")}
    odd = sample.model_copy(update={"sections": sections}).with_cells(
        {"apply.new.legal.other": parse_cell("见\x0b说明")}
    )
    doc = _reopen(odd)
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index("无") : texts.index("无") + 3] == ["无", "收费", "情况。"]
    assert doc.tables[1].cell(3, 8).text == "见\n说明"


_FONT_TAGS = ("rFonts", "sz", "szCs", "b", "bCs", "i", "iCs", "color", "spacing", "kern", "w", "u")


def _parts(d: docx.document.Document) -> list:  # type: ignore[type-arg]
    section = d.sections[0]
    parts = [d.element.body]
    for hf in (section.header, section.even_page_header, section.footer, section.even_page_footer):
        parts.append(hf._element)
    return parts


def test_no_run_carries_direct_font_formatting(shared_sample: Report) -> None:
    """Everything a person sees is styled: restyling 正文 or 一级标题 restyles the report."""
    for d in (_reopen(shared_sample), _reopen(shared_sample, kind=DRAFT)):
        runs = [r for part in _parts(d) for r in part.iter(qn("w:r"))]
        assert len(runs) > 100
        for r in runs:
            rpr = r.find(qn("w:rPr"))
            direct = (
                [] if rpr is None else [c.tag for c in rpr if c.tag.split("}")[1] in _FONT_TAGS]
            )
            assert not direct, (r.xpath("string(.)"), direct)
        used = {p.style.name for p in d.paragraphs}
        assert used <= {"Title", "Normal", "一级标题", "二级标题", "落款"}


def test_every_style_names_an_east_asian_font_and_no_theme_font(
    doc: docx.document.Document,
) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles = [
        s
        for s in doc.styles
        if s.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)
    ]
    assert len(styles) > 20
    for s in styles:
        fonts = s.element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), s.name
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")], s.name
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert defaults.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # the Chinese names an office sees, and outline levels for the navigation pane
    assert doc.styles["Normal"].element.find(qn("w:aliases")).get(qn("w:val")) == "正文"
    assert doc.styles["Title"].element.find(qn("w:aliases")).get(qn("w:val")) == "标题"
    for name, level in (("一级标题", "0"), ("二级标题", "1")):
        outline = doc.styles[name].element.pPr.find(qn("w:outlineLvl"))
        assert outline.get(qn("w:val")) == level


def test_tables_state_their_borders_and_widths(doc: docx.document.Document) -> None:
    assert len(doc.tables) == 3
    for table in doc.tables:
        tblpr = table._tbl.tblPr
        assert tblpr.find(qn("w:tblStyle")).get(qn("w:val")) == "xxgkTable"
        borders = tblpr.find(qn("w:tblBorders"))
        sides = {c.tag.split("}")[1]: c.get(qn("w:val")) for c in borders}
        assert sides == dict.fromkeys(
            ("top", "left", "bottom", "right", "insideH", "insideV"), "single"
        )
        width = tblpr.find(qn("w:tblW"))
        assert width.get(qn("w:type")) == "dxa" and int(width.get(qn("w:w"))) > 8000
        assert tblpr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        cols = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert all(w > 0 for w in cols) and abs(sum(cols) - int(width.get(qn("w:w")))) <= len(cols)
        for tc in table._tbl.iter(qn("w:tc")):
            tcw = tc.tcPr.find(qn("w:tcW"))
            assert tcw.get(qn("w:type")) == "dxa" and int(tcw.get(qn("w:w"))) > 0
