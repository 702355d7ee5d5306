"""The report as a Word document in the 公文 layout (GB/T 9704-2012), from reference.docx."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from assistant.errors import ExportError
from assistant.export.appendix import ReviewerAppendix
from assistant.export.docx_styles import (
    REFERENCE_DOCX,
    STYLE_APPENDIX_TEXT,
    STYLE_BODY,
    STYLE_DRAFT_MARK,
    STYLE_HEADING1,
    STYLE_HEADING2,
    STYLE_SIGNATURE,
    STYLE_TITLE,
    setup_page,
)
from assistant.export.docx_tables import add_grid_table, add_simple_table
from assistant.export.gate import DRAFT, FINAL, ExportKind
from assistant.export.outline import Heading, TableBlock, build_outline
from assistant.report import Report

_TITLE_LINE_CHARS = 20  # 2号 characters in the 156 mm line
_AFTER_TABLE = Pt(8)  # a little air between a table and the heading below it
_NUMBER_WIDTHS_MM = (10, 18, 20, 58, 50)
_FINDING_WIDTHS_MM = (10, 16, 12, 70, 24, 24)
_CITATION_WIDTHS_MM = (30, 16, 110)


def _load_reference() -> DocxDocument:
    try:
        return Document(str(REFERENCE_DOCX))
    except (OSError, KeyError, ValueError) as exc:
        raise ExportError(
            f"Word 模板“{REFERENCE_DOCX}”无法打开，请重新安装 xxgk，或运行 "
            f"python scripts/make_reference_docx.py 重新生成。"
        ) from exc


def _title(doc: DocxDocument, title: str, year: int) -> DocxParagraph:
    """A long title breaks after the agency's name (平潭综合实验区 / 2023年政府信息公开工作年度
    报告), as 公文 titles are set, not wherever the line runs out."""
    p = doc.add_paragraph(style=STYLE_TITLE)
    head, sep, tail = title.partition(f"{year}年")
    if len(title) > _TITLE_LINE_CHARS and sep and head and not any(c.isdigit() for c in head):
        run = p.add_run(head)
        run.add_break()
        run.add_text(sep + tail)
    else:
        p.add_run(title)
    return p


def _draft_mark(doc: DocxDocument) -> None:
    """征求意见稿 in the header of every page (odd and even)."""
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        p.text = DRAFT
        p.style = doc.styles[STYLE_DRAFT_MARK]


def _appendix(doc: DocxDocument, appendix: ReviewerAppendix) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(appendix.TITLE, style=STYLE_HEADING1)
    doc.add_paragraph(
        f"本附录供审核使用，不对外公开。导出类型：{appendix.kind}。", style=STYLE_BODY
    )
    doc.add_paragraph(appendix.NUMBERS_TITLE, style=STYLE_HEADING1)
    if appendix.numbers:
        add_simple_table(doc, appendix.NUMBER_HEADERS, appendix.number_rows(), _NUMBER_WIDTHS_MM)
    else:
        doc.add_paragraph("正文中没有需要核对的数字。", style=STYLE_BODY)
    doc.add_paragraph(appendix.FINDINGS_TITLE, style=STYLE_HEADING1)
    if appendix.findings:
        add_simple_table(doc, appendix.FINDING_HEADERS, appendix.finding_rows(), _FINDING_WIDTHS_MM)
    else:
        doc.add_paragraph("校验未发现问题。", style=STYLE_BODY)
    if appendix.citations:
        doc.add_paragraph(appendix.CITATIONS_TITLE, style=STYLE_HEADING1)
        add_simple_table(
            doc, appendix.CITATION_HEADERS, appendix.citation_rows(), _CITATION_WIDTHS_MM
        )
    if appendix.overrides:
        doc.add_paragraph("放行记录（随导出记录保存）：", style=STYLE_BODY)
        for line in appendix.overrides:
            doc.add_paragraph(line, style=STYLE_APPENDIX_TEXT)


@dataclass
class Anchors:
    """Where each part of the report landed in the document: what a review comment or a
    tracked change is attached to (export/review_docx.py)."""

    title: DocxParagraph
    headings: dict[str, DocxParagraph] = field(default_factory=dict)  # section id → 一、…
    paragraphs: list[tuple[str, DocxParagraph]] = field(default_factory=list)  # section's lines
    cells: dict[str, _Cell] = field(default_factory=dict)  # data cell id → its table cell


def build_docx(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> DocxDocument:
    """The whole report as a python-docx Document: title, sections, the three tables,
    signature; the 征求意见稿 mark for drafts; the reviewer appendix when given."""
    return compose_docx(report, kind=kind, appendix=appendix)[0]


def compose_docx(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> tuple[DocxDocument, Anchors]:
    """`build_docx`, with where each heading, paragraph and data cell was put."""
    doc = _load_reference()
    setup_page(doc.sections[0])
    outline = build_outline(report)
    anchors = Anchors(_title(doc, outline.title, report.year))
    # style objects, not names: looking a style up by name scans every style, per paragraph
    body, h1, h2 = (doc.styles[n] for n in (STYLE_BODY, STYLE_HEADING1, STYLE_HEADING2))
    after_table = False
    for block in outline.blocks:
        if isinstance(block, TableBlock):
            add_grid_table(doc, block.grid, anchors.cells)
            after_table = True
            continue
        if isinstance(block, Heading):
            p = doc.add_paragraph(block.text, style=h1 if block.level == 1 else h2)
            if block.level == 1:
                anchors.headings[block.section] = p
            else:
                anchors.paragraphs.append((block.section, p))
        else:
            p = doc.add_paragraph(block.text, style=body)
            anchors.paragraphs.append((block.section, p))
        if after_table:
            p.paragraph_format.space_before = _AFTER_TABLE
        after_table = False
    if outline.signature:
        if doc.paragraphs:  # the signature never starts a page on its own
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
        doc.add_paragraph("", style=STYLE_SIGNATURE)  # 正文下空一行
        for line in outline.signature:
            doc.add_paragraph(line, style=STYLE_SIGNATURE)
    if kind == DRAFT:
        _draft_mark(doc)
    if appendix is not None:
        _appendix(doc, appendix)
    props = doc.core_properties
    props.title = outline.title
    props.author = report.agency.name or "xxgk"
    props.subject = kind
    return doc, anchors


def docx_bytes(
    report: Report, *, kind: ExportKind = FINAL, appendix: ReviewerAppendix | None = None
) -> bytes:
    buffer = BytesIO()
    build_docx(report, kind=kind, appendix=appendix).save(buffer)
    return buffer.getvalue()


def write_docx(
    report: Report,
    path: str | Path,
    *,
    kind: ExportKind = FINAL,
    appendix: ReviewerAppendix | None = None,
) -> Path:
    path = Path(path)
    data = docx_bytes(report, kind=kind, appendix=appendix)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ExportError(
            f"无法写入“{path}”：{exc.strerror}。请检查文件夹是否存在、文件是否已在 "
            f"Word/WPS 中打开。",
            source=path,
        ) from exc
    return path
