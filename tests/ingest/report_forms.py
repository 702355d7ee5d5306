"""One known fmt2021 2025 report written in the forms real sites produce: Word-exported HTML
(GB2312 meta, irregular merged grid, site chrome), .docx, PDF with a text layer, flattened text.
Run `python tests/ingest/report_forms.py` to rewrite tests/data/reports/ from these figures;
known-2025-libreoffice.pdf is then made with `soffice --headless --convert-to pdf known-2025.docx`
(renamed), a PDF whose narrow cells wrap every label."""

from __future__ import annotations

import html
import io
from decimal import Decimal
from pathlib import Path

from assistant.report.cells import Cell
from assistant.report.grid import Grid, report_grids
from assistant.report.layout import load_layout
from assistant.report.model import Agency, Report, Section

AGENCY = "示例市示例区数据资源局"
TITLE = f"{AGENCY}2025年政府信息公开工作年度报告"
PREAMBLE = (
    "本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发"
    "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）编制。"
    "本报告所列数据的统计期限自2025年1月1日起至2025年12月31日止。如对本报告有疑问，"
    "请与示例区数据资源局办公室联系（地址：示例区人民路8号，邮编：123456，电话：0631-1234567）。"
)
TEXTS = {
    "overview": "2025年，区数据资源局深入贯彻《条例》，全年主动公开政府信息312条。",
    "problems": "存在的问题：一是政策解读形式较单一。下一步，我们将丰富解读形式。",
    "other": "2025年，本机关未收取信息处理费。",
}
HEADINGS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "apply": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
ORDER = ("overview", "active", "apply", "review", "problems", "other")


def known_report() -> Report:
    """The truth every fixture is written from: non-zero, distinct-ish values in every table."""
    layout = load_layout("2021")
    cells: dict[str, Cell] = {}
    for t in layout.tables:
        if not t.render:
            continue
        for i, c in enumerate(t.cells):
            if c.type == "dec":
                cells[c.id] = Cell.of(Decimal("12.5"))
            else:
                cells[c.id] = Cell.of((i * 7 + 3) % 23)
    sections = {"preamble": Section(id="preamble", text=PREAMBLE)}
    for s in ORDER:
        sections[s] = Section(id=s, heading=HEADINGS[s], text=TEXTS.get(s, ""))  # type: ignore[arg-type]
    return Report(
        agency=Agency(name=AGENCY),
        year=2025,
        format="2021",
        title=TITLE,
        sections=sections,
        cells=cells,
    )


def _grids(report: Report) -> dict[str, Grid]:
    return {g.table.section: g for g in report_grids(report)}


# ------------------------------------------------------------------ Word-exported HTML

_SPAN = '<span style="font-family:仿宋_GB2312;font-size:12.0pt;mso-font-kerning:0pt">'


def _word_cell(text: str, rowspan: int = 1, colspan: int = 1, *, digits_wide: bool = False) -> str:
    attrs = ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt"'
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    body = html.escape(text)
    if digits_wide:  # Word in a Chinese input mode types full-width digits
        body = body.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    if len(text) == 4 and text in ("商业企业", "科研机构", "结果维持", "结果纠正", "尚未审结"):
        body = f"{body[:2]}<br/>{body[2:]}"  # the template breaks short labels in two
    return (
        f'<td{attrs}><p class="MsoNormal" align="center">{_SPAN}{body}</span>'
        f'<span lang="EN-US"><o:p>&nbsp;</o:p></span></p></td>'
    )


def _word_table(grid: Grid, *, irregular: bool) -> str:
    """Rows of <td>s from the official grid. `irregular` (表三): 自然人 spans two grid columns in
    the header and every data row carries an extra empty cell after it, as Word exports do."""
    rows = grid.rows()
    out = []
    for r, row in enumerate(rows):
        tds = []
        for c in row:
            colspan = c.colspan
            if irregular and c.text == "申请人情况":
                colspan += 1
            if irregular and c.text == "自然人":
                colspan = 2
            tds.append(
                _word_cell(
                    c.text,
                    c.rowspan,
                    colspan,
                    digits_wide=c.kind == "data" and (r + c.col) % 5 == 0,
                )
            )
            if (
                irregular
                and c.kind == "data"
                and c.cell_id
                and c.cell_id.endswith(".natural_person")
            ):
                tds.append(_word_cell(""))
        out.append("<tr>" + "".join(tds) + "</tr>")
    return (
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse">' + "".join(out) + "</table>"
    )


def word_html(report: Report) -> bytes:
    grids = _grids(report)
    parts = [
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>',
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        f"<title>{TITLE}_年报_示例区人民政府</title>",
        "<script>var nav = '一、总体情况';</script><style>p.MsoNormal{margin:0}</style></head><body>",
        '<div class="header"><ul class="nav"><li>首页</li><li>政务公开</li></ul></div>',
        '<table class="xxgk_info"><tr><td>索引号：</td><td>11371000MB2853-01-2026-0003</td>'
        "<td>发布机构：</td><td>示例区数据资源局</td></tr><tr><td>公开日期：</td>"
        "<td>2026-01-20</td><td>主题分类：</td><td>其他</td></tr></table>",
        '<div class="article">',
        f'<p class="MsoNormal" align="center"><b>{_SPAN}{TITLE}</span></b></p>',
        f'<p class="MsoNormal">{_SPAN}{html.escape(PREAMBLE)}</span></p>',
    ]
    for s in ORDER:
        parts.append(
            f'<p class="MsoNormal"><b><span style="font-family:黑体">{HEADINGS[s]}</span></b></p>'
        )
        if s in grids:
            parts.append(_word_table(grids[s], irregular=s == "apply"))
        if report.text(s):
            parts.append(f'<p class="MsoNormal">{_SPAN}{html.escape(report.text(s))}</span></p>')
    parts.append(
        '</div><div class="footer">网站标识码：1234567890 版权所有：示例区人民政府</div>'
        "</body></html>"
    )
    return "\n".join(parts).encode("gb18030")


# ------------------------------------------------------------------ docx


def docx_bytes(report: Report) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(PREAMBLE)
    grids = _grids(report)
    for s in ORDER:
        document.add_paragraph(HEADINGS[s])
        if s in grids:
            g = grids[s]
            table = document.add_table(rows=g.height, cols=g.width)
            for c in g.cells:
                cell = table.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                cell.text = c.text
        if report.text(s):
            document.add_paragraph(report.text(s))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ PDF (reportlab)


def pdf_bytes(report: Report) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    story: list[object] = [Paragraph(TITLE, style), Paragraph(PREAMBLE, style)]
    grids = _grids(report)
    for s in ORDER:
        story.append(Paragraph(HEADINGS[s], style))
        if s in grids:
            g = grids[s]
            matrix = g.matrix()
            if g.table.header_note:  # the long note would run over its neighbours
                matrix = [[("" if x == g.table.header_note else x) for x in row] for row in matrix]
            spans = [
                ("SPAN", (c.col, c.row), (c.col + c.colspan - 1, c.row + c.rowspan - 1))
                for c in g.cells
                if c.rowspan > 1 or c.colspan > 1
            ]
            story.append(
                RLTable(
                    matrix,
                    style=[
                        ("FONT", (0, 0), (-1, -1), "STSong-Light", 6),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("GRID", (0, 0), (-1, -1), 0.3, "black"),
                        *spans,
                    ],
                )
            )
            story.append(Spacer(1, 6))
        if report.text(s):
            story.append(Paragraph(report.text(s), style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=landscape(A4), title=TITLE).build(story)  # type: ignore[arg-type]
    return buf.getvalue()


# ------------------------------------------------------------------ flattened text


def flat_text(report: Report, *, tabs: bool = True) -> str:
    """Text copied from a page: every table cell on its own line; with `tabs`, each cell line
    starts with a tab, merged-down label positions are empty cell lines, rows end with a blank
    line (as in the sample report); without, just the non-empty cells."""
    grids = _grids(report)
    lines = [AGENCY, "", "2025年政府信息公开工作年度报告", "", PREAMBLE, ""]
    for s in ORDER:
        lines += [HEADINGS[s], ""]
        if s in grids:
            g = grids[s]
            for r, row in enumerate(g.rows()):
                first = min((c.col for c in row), default=0)
                covered = [c for c in g.cells if c.row < r < c.row + c.rowspan and c.col < first]
                cells = ([""] * len(covered) if tabs else []) + [c.text for c in row]
                for text in cells:
                    if tabs:
                        lines.append("\t" + text)
                    elif text:
                        lines.append(text)
                if tabs:
                    lines.append("")
        if report.text(s):
            lines += [report.text(s), ""]
    return "\n".join(lines) + "\n"


def write_all(folder: Path) -> None:
    report = known_report()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "known-2025-word.html").write_bytes(word_html(report))
    (folder / "known-2025.docx").write_bytes(docx_bytes(report))
    (folder / "known-2025.pdf").write_bytes(pdf_bytes(report))
    (folder / "known-2025-flat.txt").write_bytes(flat_text(report).encode("gb18030"))


if __name__ == "__main__":
    write_all(Path(__file__).resolve().parents[1] / "data" / "reports")
