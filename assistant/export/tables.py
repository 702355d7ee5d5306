"""The three tables of a Report drawn in the official layout as plain text, Markdown and HTML."""

from __future__ import annotations

import html

from assistant.report.cells import display_width
from assistant.report.grid import Grid, GridCell, report_grids
from assistant.report.model import Report

# ---------------------------------------------------------------------------------------------
# Plain text: a grid table (the reStructuredText "grid table" shape) that keeps every merge.
#
#   +----------+--------+        - every merged cell is a rectangle bounded by "+", "-" and "|";
#   | 信息内容 | 本年制 |          a line inside a merged cell has no border, so spans are visible;
#   |          | 发件数 |        - CJK (East Asian Wide/Fullwidth) characters count two columns;
#   +----------+--------+        - a cell's text is wrapped by character; to read it back, take
#   | 规章     |      0 |          the lines inside its rectangle, strip each, join them with "";
#   +----------+--------+        - numbers are right-aligned, headers centred, labels left;
#                                - a blank cell is all spaces (never "0").
# The section heading precedes each table on its own line, then a blank line.
# ---------------------------------------------------------------------------------------------

_CAPS = {"label": 24, "group": 10, "header": 8, "caption": 0, "note": 0}
_MIN_WIDTH = 2  # one CJK character


def _wrap(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` columns, by character (Chinese has no spaces)."""
    lines: list[str] = []
    line, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    lines.append(line)
    return lines


def _clean(text: str) -> str:
    return " ".join(text.split())


def _desired(cell: GridCell) -> int:
    text = _clean(cell.text)
    if cell.kind == "data":
        return display_width(text)
    cap = _CAPS[cell.kind]
    if cell.kind == "header" and cell.colspan > 1:
        cap = display_width(text)
    return min(display_width(text), cap)


def _column_widths(grid: Grid) -> list[int]:
    widths = [_MIN_WIDTH] * grid.width
    for c in grid.cells:
        if c.colspan == 1:
            widths[c.col] = max(widths[c.col], _desired(c))
    for c in sorted((c for c in grid.cells if c.colspan > 1), key=lambda c: c.colspan):
        span = sum(widths[c.col : c.col + c.colspan]) + 3 * (c.colspan - 1)
        if _desired(c) > span:
            widths[c.col + c.colspan - 1] += _desired(c) - span
    return widths


def _cell_width(widths: list[int], c: GridCell) -> int:
    return sum(widths[c.col : c.col + c.colspan]) + 3 * (c.colspan - 1)


def _row_heights(grid: Grid, widths: list[int]) -> list[int]:
    heights = [1] * grid.height
    lines = {c: len(_wrap(_clean(c.text), _cell_width(widths, c))) for c in grid.cells}
    for c in grid.cells:
        if c.rowspan == 1:
            heights[c.row] = max(heights[c.row], lines[c])
    for c in sorted((c for c in grid.cells if c.rowspan > 1), key=lambda c: c.rowspan):
        span = sum(heights[c.row : c.row + c.rowspan]) + (c.rowspan - 1)
        if lines[c] > span:
            heights[c.row + c.rowspan - 1] += lines[c] - span
    return heights


def _align(text: str, width: int, kind: str) -> str:
    pad = width - display_width(text)
    if kind == "data":
        return " " * pad + text
    if kind == "header":
        left = pad // 2
        return " " * left + text + " " * (pad - left)
    return text + " " * pad


def table_text(grid: Grid) -> str:
    """One table as a plain-text grid table (format described at the top of this module)."""
    widths = _column_widths(grid)
    heights = _row_heights(grid, widths)
    xs = [0]
    for w in widths:
        xs.append(xs[-1] + w + 3)
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    # one canvas slot per display column; a wide character fills its slot and blanks the next
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    for c in grid.cells:
        x0, x1 = xs[c.col], xs[c.col + c.colspan]
        y0, y1 = ys[c.row], ys[c.row + c.rowspan]
        for x in range(x0 + 1, x1):
            canvas[y0][x] = canvas[y1][x] = "-"
        for y in range(y0 + 1, y1):
            canvas[y][x0] = canvas[y][x1] = "|"
        width = x1 - x0 - 3
        for i, line in enumerate(_wrap(_clean(c.text), width)):
            x = x0 + 2
            for ch in _align(line, width, c.kind):
                canvas[y0 + 1 + i][x] = ch
                if display_width(ch) == 2:
                    canvas[y0 + 1 + i][x + 1] = ""
                    x += 1
                x += 1
    for c in grid.cells:
        for y in (ys[c.row], ys[c.row + c.rowspan]):
            for x in (xs[c.col], xs[c.col + c.colspan]):
                canvas[y][x] = "+"
    return "\n".join("".join(line).rstrip() for line in canvas)


def tables_text(report: Report) -> str:
    """Every printed table of `report`, each after its section heading, as plain text."""
    return "\n\n".join(f"{g.table.title}\n\n{table_text(g)}" for g in report_grids(report)) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown (GFM pipe tables). GFM has no merged cells, so:
# - a table of captioned blocks (表二) becomes one pipe table per block, each after its caption
#   in bold on its own line (**第二十条第（一）项**); a data cell spanning columns is one column;
# - a matrix table (表三, 表四) is one pipe table. Its header row names each data column by the
#   path of merged header cells above it, joined with "/" ("法人或其他组织/商业企业"); a header
#   cell that spans every data column ("申请人情况") is left out as it adds nothing. The label
#   columns become one first column headed by the top-left note (the 勾稽 note of 表三), and
#   each row's label is its path of row-group cells joined with "/"
#   ("三、本年度办理结果/（三）不予公开/1.属于国家秘密");
# - "|" in a cell is written "\|"; line breaks become spaces; a blank cell is empty.
# The section heading precedes each table as "## 二、主动公开政府信息情况".
# ---------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return _clean(text).replace("|", "\\|")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_block_tables(grid: Grid) -> str:
    parts: list[str] = []
    lines: list[str] = []
    for row in grid.rows():
        if row and row[0].kind == "caption":
            if lines:
                parts.append("\n".join(lines))
            parts.append(f"**{_md(row[0].text)}**")
            lines = []
        elif row and all(c.kind == "header" for c in row):
            lines.append(_md_row([_md(c.text) for c in row]))
            lines.append(_md_row([":---"] + ["---:"] * (len(row) - 1)))
        elif row:
            lines.append(_md_row([_md(c.text) for c in row]))
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _md_matrix_table(grid: Grid) -> str:
    data_cols = [c.col for c in grid.cells if c.kind == "data" and c.row == grid.header_rows]
    first = min(data_cols)
    n_data = grid.width - first
    headers: list[str] = []
    for k in range(first, grid.width):
        path = [
            c.text
            for c in grid.cells
            if c.kind == "header" and c.col <= k < c.col + c.colspan and c.colspan < n_data
        ]
        headers.append("/".join(_md(t) for t in path))
    note = next((c.text for c in grid.cells if c.kind == "note"), None)
    head = ([_md(note or "")] if first else []) + headers
    lines = [_md_row(head), _md_row([":---"] * (1 if first else 0) + ["---:"] * n_data)]
    for r in range(grid.header_rows, grid.height):
        label = [
            c.text
            for c in grid.cells
            if c.kind in ("group", "label") and c.row <= r < c.row + c.rowspan
        ]
        data = sorted(
            (c for c in grid.cells if c.kind == "data" and c.row == r), key=lambda c: c.col
        )
        lines.append(
            _md_row(
                (["/".join(_md(t) for t in label)] if first else []) + [_md(c.text) for c in data]
            )
        )
    return "\n".join(lines)


def table_markdown(grid: Grid) -> str:
    """One table as GFM Markdown (format described above)."""
    if any(c.kind == "caption" for c in grid.cells):
        return _md_block_tables(grid)
    return _md_matrix_table(grid)


def tables_markdown(report: Report) -> str:
    """Every printed table of `report`, each after its section heading, as GFM Markdown."""
    return (
        "\n\n".join(f"## {g.table.title}\n\n{table_markdown(g)}" for g in report_grids(report))
        + "\n"
    )


# ---------------------------------------------------------------------------------------------
# HTML: a fragment, no external resources. Each table follows <h2>section heading</h2>. One
# <tr> per grid row (Grid.rows()); each merged cell is one <th> (captions, notes, headers,
# row-group and row labels) or <td> (data) with the exact rowspan/colspan; data cells carry
# data-cell="<cell id>". Borders are inline styles (1px solid, border-collapse), so the
# fragment looks right pasted into any CMS. Every text node and attribute is html.escape'd.
# ---------------------------------------------------------------------------------------------

_TABLE_STYLE = "border-collapse:collapse;border:1px solid #000;font-size:14px"
_CELL_STYLE = "border:1px solid #000;padding:2px 6px"
_ALIGN = {
    "data": "text-align:right",
    "header": "text-align:center",
    "caption": "text-align:left;font-weight:bold",
    "note": "text-align:left",
    "group": "text-align:center",
    "label": "text-align:left",
}


def _html_cell(c: GridCell) -> str:
    tag = "td" if c.kind == "data" else "th"
    attrs = [f'class="{c.kind}"']
    if c.rowspan > 1:
        attrs.append(f'rowspan="{c.rowspan}"')
    if c.colspan > 1:
        attrs.append(f'colspan="{c.colspan}"')
    if c.cell_id:
        attrs.append(f'data-cell="{html.escape(c.cell_id)}"')
    weight = "" if c.kind in ("header", "caption") else ";font-weight:normal"
    attrs.append(f'style="{_CELL_STYLE};{_ALIGN[c.kind]}{weight}"')
    return f"<{tag} {' '.join(attrs)}>{html.escape(_clean(c.text))}</{tag}>"


def table_html(grid: Grid) -> str:
    """One table as an HTML <table> fragment (format described above)."""
    rows = [f"<tr>{''.join(_html_cell(c) for c in row)}</tr>" for row in grid.rows()]
    return (
        f'<table class="xxgk-table" data-table="{html.escape(grid.table.id)}" '
        f'style="{_TABLE_STYLE}">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def tables_html(report: Report) -> str:
    """Every printed table of `report`, each after its <h2> section heading, as HTML."""
    return (
        "\n".join(
            f"<h2>{html.escape(g.table.title)}</h2>\n{table_html(g)}" for g in report_grids(report)
        )
        + "\n"
    )
