"""The official tables in Word: the grid's merges, 0.5 pt borders, widths that fit the 156 mm
text block, header rows repeated on each page, numbers centred in 10.5 pt 仿宋."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell

from assistant.export.docx_styles import (
    STYLE_APPENDIX_TEXT,
    STYLE_TABLE_ID,
    STYLE_TABLE_LABEL,
    STYLE_TABLE_TEXT,
    TEXT_WIDTH_MM,
    table_borders,
)
from assistant.export.docx_xml import PPR_ORDER, TBLPR_ORDER, TRPR_ORDER, put
from assistant.export.outline import printable
from assistant.report.grid import Grid

# merged row-group labels: 三、本年度办理结果 reads in a narrow column; （三）不予公开 needs four
# characters a line, or the bracket wraps on its own
_GROUP_COLS_MM = (11.0, 16.0)
_DATA_SHARE = 0.5  # of the text width given to the data columns, when there are labels
_MAX_DATA_MM = 34.0
_WIDE_TABLE_COLS = 12  # from this many columns on (表四 has 15) the cell margins shrink


def column_widths(grid: Grid) -> list[float]:
    """Millimetres per grid column, summing to the text width. Data columns share one width;
    label columns take the rest, the innermost (the row labels) the most."""
    data_cols = sorted({c.col for c in grid.cells if c.kind == "data" and c.colspan == 1})
    if not data_cols:
        data_cols = sorted({c.col for c in grid.cells if c.kind == "data"})
    label_cols = [k for k in range(grid.width) if k not in data_cols]
    if not label_cols:
        return [TEXT_WIDTH_MM / grid.width] * grid.width
    data_w = min(_MAX_DATA_MM, TEXT_WIDTH_MM * _DATA_SHARE / max(1, len(data_cols)))
    label_total = TEXT_WIDTH_MM - data_w * len(data_cols)
    groups = label_cols[:-1]
    group_w = {k: _GROUP_COLS_MM[min(i, len(_GROUP_COLS_MM) - 1)] for i, k in enumerate(groups)}
    inner = label_total - sum(group_w.values())
    return [data_w if k in data_cols else group_w.get(k, inner) for k in range(grid.width)]


def _borders(table: Table) -> None:
    """The 表格 style, and its borders written on the table itself as well (WPS)."""
    tblpr = table._tbl.tblPr
    put(tblpr, "tblStyle", TBLPR_ORDER, {"w:val": STYLE_TABLE_ID})
    table_borders(tblpr)


def _fixed_layout(table: Table, widths_mm: Sequence[float], cell_margin_twips: int) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    total = sum(round(Mm(w).twips) for w in widths_mm)
    put(tblpr, "tblW", TBLPR_ORDER, {"w:w": str(total), "w:type": "dxa"})
    put(tblpr, "tblLayout", TBLPR_ORDER, {"w:type": "fixed"})
    margins = put(tblpr, "tblCellMar", TBLPR_ORDER, {})
    assert margins is not None
    for side in ("left", "right"):
        el = margins.makeelement(qn(f"w:{side}"), {})
        el.set(qn("w:w"), str(cell_margin_twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    for col, w in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(w)


def _write(cell: _Cell, text: str, style: ParagraphStyle) -> None:
    paragraphs = cell.paragraphs
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    p = paragraphs[0]
    for run in list(p.runs):
        run._r.getparent().remove(run._r)
    p._p.style = style.style_id  # the id directly: p.style = … rescans the styles per call
    lines = printable(text).split("\n")
    run = p.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_flags(table: Table, header_rows: int, *, keep_together: bool = False) -> None:
    """Rows never split; header rows repeat on each page. `keep_together` keeps every row with
    the next (Word's way to keep a table on one page; a table longer than a page still breaks,
    with its header repeated)."""
    rows = table.rows
    for i, row in enumerate(rows):
        trpr = row._tr.get_or_add_trPr()
        put(trpr, "cantSplit", TRPR_ORDER, {})
        if i < header_rows:
            put(trpr, "tblHeader", TRPR_ORDER, {})
        if keep_together and i < len(rows) - 1:
            for p in row._tr.iter(qn("w:p")):
                put(p.get_or_add_pPr(), "keepNext", PPR_ORDER, {})


def add_grid_table(
    doc: DocxDocument, grid: Grid, cells_out: dict[str, _Cell] | None = None
) -> Table:
    """Draw `grid` as a Word table, merging exactly as the grid says; each data cell's Word
    cell goes into `cells_out` by cell id when given."""
    table = doc.add_table(rows=grid.height, cols=grid.width)
    widths = column_widths(grid)
    _fixed_layout(table, widths, 28 if grid.width >= _WIDE_TABLE_COLS else 57)
    _borders(table)
    text_style, label_style = doc.styles[STYLE_TABLE_TEXT], doc.styles[STYLE_TABLE_LABEL]
    # every position's cell, taken once before merging: the merged regions never overlap, so
    # the cells of a region are untouched until it is merged (table.cell() rescans the table)
    flat = table._cells
    at = [flat[r * grid.width : (r + 1) * grid.width] for r in range(grid.height)]
    for gc in grid.cells:
        cell = at[gc.row][gc.col]
        if gc.rowspan > 1 or gc.colspan > 1:
            cell = cell.merge(at[gc.row + gc.rowspan - 1][gc.col + gc.colspan - 1])
        cell.width = Mm(sum(widths[gc.col : gc.col + gc.colspan]))
        _write(cell, gc.text, label_style if gc.kind == "label" else text_style)
        if cells_out is not None and gc.cell_id is not None:
            cells_out[gc.cell_id] = cell
    _row_flags(table, grid.header_rows, keep_together=True)
    return table


def add_simple_table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
) -> Table:
    """A plain bordered table (the reviewer appendix): one header row, no merges."""
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    _fixed_layout(table, widths_mm, 57)
    _borders(table)
    head, body = doc.styles[STYLE_TABLE_TEXT], doc.styles[STYLE_APPENDIX_TEXT]
    flat = table._cells
    for r, values in enumerate([headers, *rows]):
        for k, text in enumerate(values):
            cell = flat[r * len(headers) + k]
            cell.width = Mm(widths_mm[k])
            _write(cell, text, head if r == 0 else body)
    _row_flags(table, 1)
    return table
