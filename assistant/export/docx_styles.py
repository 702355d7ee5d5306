"""The 公文 look of GB/T 9704-2012 as Word styles and page setup: what reference.docx ships."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, Twips
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import _Element

from assistant.export.docx_xml import PPR_ORDER, RPR_ORDER, SECTPR_ORDER, TBLPR_ORDER, put

REFERENCE_DOCX = Path(__file__).resolve().parent / "templates" / "reference.docx"

# GB/T 9704-2012 5.2.1 / 7.x: A4, 版心 156 × 225 mm, 22 lines of 28 characters.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225
LINES_PER_PAGE = 22  # GB/T 9704: 22 lines of 28 characters
# rounded down to whole twips (579 = 28.95 pt): 580 would make 22 lines 0.07 mm too tall for
# the text block, and LibreOffice then sets 21
LINE_PITCH = Twips(math.floor(Mm(TEXT_HEIGHT_MM).twips / LINES_PER_PAGE))
BODY_PT, TITLE_PT, PAGE_NUMBER_PT, TABLE_PT = 16, 22, 14, 10.5  # 3号, 2号, 4号, 五号
# 16 pt glyphs give 27.6 per 156 mm line; closing them up by 0.25 pt makes 28 fit (15.75 pt each).
BODY_CHAR_SPACING_TWIPS = -5
BODY_CHAR_PT = BODY_PT - 0.25
LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class FontSpec:
    name: str  # what the style asks for
    fallback: str  # what fontTable offers Word/WPS when `name` is not installed


FONTS = {
    "title": FontSpec("方正小标宋简体", "宋体"),
    "body": FontSpec("仿宋_GB2312", "仿宋"),
    "heading1": FontSpec("黑体", "SimHei"),
    "heading2": FontSpec("楷体_GB2312", "楷体"),
    "page_number": FontSpec("宋体", "SimSun"),
}

# The styles the exporter uses, named so that an office can restyle the report in Word or WPS
# (修改样式) instead of every paragraph: 正文 and 标题 are Word's built-in Normal and Title (shown
# as 正文 and 标题 in Chinese Word and WPS, and given those names as aliases); the rest are ours,
# with Chinese names and ASCII ids. The headings carry outline levels, so the navigation pane and
# a table of contents find them without Word's own "Heading 1".
STYLE_BODY = "Normal"
STYLE_TITLE = "Title"
STYLE_HEADING1 = "一级标题"
STYLE_HEADING2 = "二级标题"
STYLE_TABLE = "表格"  # the table style: borders and table text font
STYLE_TABLE_TEXT = "表格文字"
STYLE_TABLE_LABEL = "表格栏目"
STYLE_SIGNATURE = "落款"
STYLE_PAGE_NUMBER = "页码"
STYLE_DRAFT_MARK = "稿件标记"
STYLE_APPENDIX_TEXT = "附录文字"
ALIASES = {STYLE_BODY: "正文", STYLE_TITLE: "标题"}
_STYLE_IDS = {
    STYLE_HEADING1: "xxgkHeading1",
    STYLE_HEADING2: "xxgkHeading2",
    STYLE_TABLE: "xxgkTable",
    STYLE_TABLE_TEXT: "xxgkTableText",
    STYLE_TABLE_LABEL: "xxgkTableLabel",
    STYLE_SIGNATURE: "xxgkSignature",
    STYLE_PAGE_NUMBER: "xxgkPageNumber",
    STYLE_DRAFT_MARK: "xxgkDraftMark",
    STYLE_APPENDIX_TEXT: "xxgkAppendixText",
}
STYLE_TABLE_ID = _STYLE_IDS[STYLE_TABLE]
_OUTLINE_LEVELS = {STYLE_HEADING1: 0, STYLE_HEADING2: 1}
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
TABLE_BORDER_EIGHTHS = 4  # ½ pt lines


def set_fonts(rpr_owner: BaseStyle | _Element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts outright: theme attributes would win over w:ascii/w:eastAsia, so drop them."""
    element = rpr_owner.element if isinstance(rpr_owner, BaseStyle) else rpr_owner
    rpr = element.get_or_add_rPr()
    put(
        rpr,
        "rFonts",
        RPR_ORDER,
        {"w:ascii": latin, "w:hAnsi": latin, "w:eastAsia": east_asia, "w:cs": latin},
    )
    put(rpr, "lang", RPR_ORDER, {"w:val": "en-US", "w:eastAsia": "zh-CN"})


def _set_rpr_flag(style: BaseStyle, tag: str, value: str | None) -> None:
    put(style.element.get_or_add_rPr(), tag, RPR_ORDER, None if value is None else {"w:val": value})


def _set_ppr_flag(style: BaseStyle, tag: str, attrs: dict[str, str] | None) -> None:
    put(style.element.get_or_add_pPr(), tag, PPR_ORDER, attrs)


def _paragraph_style(doc: DocxDocument, name: str) -> ParagraphStyle:
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), _STYLE_IDS[name])
        style.base_style = doc.styles[STYLE_BODY]
        style.quick_style = True  # in the gallery, where an office looks to restyle
        return style


def _alias(style: BaseStyle, alias: str) -> None:
    el = style.element
    existing = el.find(qn("w:aliases"))
    if existing is None:
        existing = el.makeelement(qn("w:aliases"), {})
        el.find(qn("w:name")).addnext(existing)
    existing.set(qn("w:val"), alias)


def table_borders(tblpr: _Element) -> None:
    """Single ½ pt black lines on every side and between every cell, written out in full: a
    table style alone is not enough for WPS, which drops borders it cannot resolve."""
    borders = put(tblpr, "tblBorders", TBLPR_ORDER, {})
    assert borders is not None
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = borders.makeelement(qn(f"w:{side}"), {})
        for k, v in (
            ("w:val", "single"),
            ("w:sz", str(TABLE_BORDER_EIGHTHS)),
            ("w:space", "0"),
            ("w:color", "000000"),
        ):
            el.set(qn(k), v)
        borders.append(el)


def _table_style(doc: DocxDocument) -> None:
    try:
        style = doc.styles[STYLE_TABLE]
    except KeyError:
        style = doc.styles.add_style(STYLE_TABLE, WD_STYLE_TYPE.TABLE)
        style.element.set(qn("w:styleId"), _STYLE_IDS[STYLE_TABLE])
    style.quick_style = True
    set_fonts(style, FONTS["body"].name)
    tblpr = style.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = style.element.makeelement(qn("w:tblPr"), {})
        style.element.append(tblpr)
    table_borders(tblpr)


def _every_style_names_its_fonts(doc: DocxDocument) -> None:
    """No theme fonts anywhere (WPS replaces them), and an East Asian font on every paragraph,
    character and table style: a style the office applies by hand looks like the report."""
    for style in doc.styles:
        if style.type not in (
            WD_STYLE_TYPE.PARAGRAPH,
            WD_STYLE_TYPE.CHARACTER,
            WD_STYLE_TYPE.TABLE,
        ):
            continue
        rpr = style.element.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None:
            for attr in _THEME_ATTRS:
                fonts.attrib.pop(qn(attr), None)
        if fonts is None or fonts.get(qn("w:eastAsia")) is None:
            set_fonts(style, FONTS["body"].name)


def _text_style(
    style: ParagraphStyle,
    font: FontSpec,
    size: float,
    *,
    align: WD_ALIGN_PARAGRAPH | None,
    indent_chars: int = 0,
    latin: str = LATIN_FONT,
    exact_line: bool = True,
) -> None:
    set_fonts(style, font.name, latin)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    _set_rpr_flag(style, "szCs", str(int(size * 2)))
    _set_rpr_flag(style, "color", "000000")
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact_line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # firstLineChars is what Word and WPS honour; firstLine is the same in points for others
    fmt.first_line_indent = Pt(BODY_CHAR_PT * indent_chars) if indent_chars else Pt(0)
    ind = style.element.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))


def define_styles(doc: DocxDocument) -> None:
    """Make every style the exporter uses, with East-Asian fonts named in w:eastAsia."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        put(
            rpr,
            "rFonts",
            RPR_ORDER,
            {
                "w:ascii": LATIN_FONT,
                "w:hAnsi": LATIN_FONT,
                "w:eastAsia": FONTS["body"].name,
                "w:cs": LATIN_FONT,
            },
        )
        put(rpr, "lang", RPR_ORDER, {"w:val": "en-US", "w:eastAsia": "zh-CN"})

    body = doc.styles[STYLE_BODY]
    _text_style(
        body,
        FONTS["body"],
        BODY_PT,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent_chars=2,
    )
    _set_rpr_flag(body, "spacing", str(BODY_CHAR_SPACING_TWIPS))
    body.paragraph_format.widow_control = True

    title = _paragraph_style(doc, STYLE_TITLE)
    title.base_style = body
    _text_style(
        title, FONTS["title"], TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, latin=FONTS["title"].name
    )
    title.paragraph_format.space_after = LINE_PITCH  # 标题下空一行
    # Word's Title style draws a rule under the text; a 公文 title has none
    _set_ppr_flag(title, "pBdr", None)
    _set_rpr_flag(title, "kern", None)
    _set_rpr_flag(title, "spacing", "0")

    for name, font in ((STYLE_HEADING1, FONTS["heading1"]), (STYLE_HEADING2, FONTS["heading2"])):
        style = _paragraph_style(doc, name)
        style.base_style = body
        _text_style(style, font, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
        style.paragraph_format.keep_with_next = True
        _set_rpr_flag(style, "spacing", str(BODY_CHAR_SPACING_TWIPS))
        _set_ppr_flag(style, "outlineLvl", {"w:val": str(_OUTLINE_LEVELS[name])})
    for name, alias in ALIASES.items():
        _alias(doc.styles[name], alias)

    signature = _paragraph_style(doc, STYLE_SIGNATURE)
    _text_style(signature, FONTS["body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_CHAR_PT * 2)  # 右空二字
    signature.paragraph_format.keep_with_next = True

    for name, align in (
        (STYLE_TABLE_TEXT, WD_ALIGN_PARAGRAPH.CENTER),
        (STYLE_TABLE_LABEL, WD_ALIGN_PARAGRAPH.LEFT),
        (STYLE_APPENDIX_TEXT, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        style = _paragraph_style(doc, name)
        _text_style(style, FONTS["body"], TABLE_PT, align=align, exact_line=False)
        _set_rpr_flag(style, "spacing", "0")
        # off the 22-line grid, or every table line would take a full body line
        _set_ppr_flag(style, "snapToGrid", {"w:val": "0"})

    number = _paragraph_style(doc, STYLE_PAGE_NUMBER)
    _text_style(
        number,
        FONTS["page_number"],
        PAGE_NUMBER_PT,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        latin=FONTS["page_number"].name,
        exact_line=False,
    )
    _set_rpr_flag(number, "spacing", "0")
    _set_ppr_flag(number, "snapToGrid", {"w:val": "0"})

    mark = _paragraph_style(doc, STYLE_DRAFT_MARK)
    _text_style(mark, FONTS["heading1"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, exact_line=False)
    _set_rpr_flag(mark, "spacing", "0")

    _table_style(doc)
    _every_style_names_its_fonts(doc)


def _font_table_entries(doc: DocxDocument) -> None:
    """List our fonts in fontTable.xml with their fallbacks (w:altName) and the GB2312 charset,
    so Word and WPS substitute 宋体/仿宋/楷体 where the 公文 fonts are not installed."""
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    root = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for spec in FONTS.values():
        if spec.name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), spec.name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), spec.fallback)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if spec.name == "黑体" else "roman")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "variable")
    # python-docx loads fontTable.xml as a plain Part (bytes only); replacing its bytes is the
    # one way to edit it
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def setup_page(section: Section) -> None:
    """A4 with the GB/T 9704 margins, and a 22-line document grid."""
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(20)
    # the page number's dash line sits about 7 mm below the text block (GB/T 9704 7.5)
    section.footer_distance = Mm(22)
    pitch = str(LINE_PITCH.twips)
    put(section._sectPr, "docGrid", SECTPR_ORDER, {"w:type": "lines", "w:linePitch": pitch})


def _page_field(paragraph: Paragraph) -> None:
    """— PAGE — with the number as a live field."""
    paragraph.add_run("— ")
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""
    paragraph.add_run(" —")


def setup_page_numbers(doc: DocxDocument) -> None:
    """Odd pages right, even pages left, each one character in from the edge of the text block."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        paragraph.style = doc.styles[STYLE_PAGE_NUMBER]
        paragraph.alignment = align
        indent = Pt(PAGE_NUMBER_PT)  # 空一字
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _page_field(paragraph)


def build_reference() -> DocxDocument:
    """The shipped template: styles, fonts, page setup and page numbers; an empty body."""
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    define_styles(doc)
    _font_table_entries(doc)
    setup_page(doc.sections[0])
    setup_page_numbers(doc)
    props = doc.core_properties
    props.title, props.author, props.comments = "政府信息公开工作年度报告", "xxgk", ""
    # python-docx's template carries a picture of its own sample page as the file preview
    package_rels = doc.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package_rels[rid]
    # and a Word 2010 copy of the styles (stylesWithEffects) that our edits would not reach
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]
    return doc
