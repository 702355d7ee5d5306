"""The official layout of a table as a grid of merged cells: the one geometry every renderer
(text, Markdown, HTML, DOCX, Excel) draws, and every grid reader aligns against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.report.layout import BlockSpec, TableSpec
from assistant.report.model import Report

GridKind = Literal["caption", "note", "header", "group", "label", "data"]


@dataclass(frozen=True)
class GridCell:
    """One merged cell: it starts at (row, col) and covers rowspan × colspan grid positions."""

    row: int
    col: int
    text: str
    kind: GridKind
    rowspan: int = 1
    colspan: int = 1
    cell_id: str | None = None  # data cells only


@dataclass(frozen=True)
class Grid:
    table: TableSpec
    width: int
    height: int
    cells: tuple[GridCell, ...]
    header_rows: int  # rows before the first data row of a matrix table (0 for block tables)

    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by the row they start in (the shape of HTML <tr>s)."""
        out: list[list[GridCell]] = [[] for _ in range(self.height)]
        for c in self.cells:
            out[c.row].append(c)
        return out

    def matrix(self, *, repeat_spans: bool = False) -> list[list[str]]:
        """Every grid position's text. A merged cell's text sits in its top-left position; the
        others are empty, or repeat it when `repeat_spans` (for plain text that loses merges)."""
        m = [["" for _ in range(self.width)] for _ in range(self.height)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) == (c.row, c.col) or repeat_spans:
                        m[r][k] = c.text
        return m


def _depth(block: BlockSpec) -> tuple[int, int]:
    label_cols = max((len(r.groups) + 1 for r in block.rows if r.label), default=0)
    header_rows = max(len(c.groups) + 1 for c in block.columns)
    return label_cols, header_rows


def _values(report: Report | None, cell_id: str) -> str:
    if report is None:
        return ""
    cell = report.cell(cell_id)
    return cell.display() if cell is not None else ""


def _matrix_grid(table: TableSpec, report: Report | None) -> Grid:
    block = table.blocks[0]
    label_cols, header_rows = _depth(block)
    width = label_cols + len(block.columns)
    cells: list[GridCell] = []
    if label_cols:
        cells.append(GridCell(0, 0, table.header_note or "", "note", header_rows, label_cols))
    # header: at each level, runs of columns sharing the same group prefix merge
    for level in range(header_rows):
        i = 0
        while i < len(block.columns):
            col = block.columns[i]
            if len(col.groups) == level:
                cells.append(
                    GridCell(
                        level, label_cols + i, col.label, "header", rowspan=header_rows - level
                    )
                )
                i += 1
                continue
            if len(col.groups) < level:
                i += 1
                continue
            prefix = col.groups[: level + 1]
            j = i
            while j < len(block.columns) and block.columns[j].groups[: level + 1] == prefix:
                j += 1
            cells.append(GridCell(level, label_cols + i, prefix[-1], "header", colspan=j - i))
            i = j
    # body: row-group label cells merge down over the rows that share them
    for i, row in enumerate(block.rows):
        r = header_rows + i
        for d in range(len(row.groups)):
            prefix = row.groups[: d + 1]
            if i and block.rows[i - 1].groups[: d + 1] == prefix:
                continue
            n = 1
            while i + n < len(block.rows) and block.rows[i + n].groups[: d + 1] == prefix:
                n += 1
            cells.append(GridCell(r, d, prefix[-1], "group", rowspan=n))
        if label_cols:
            cells.append(
                GridCell(
                    r, len(row.groups), row.label, "label", colspan=label_cols - len(row.groups)
                )
            )
        for k, col in enumerate(block.columns):
            cid = ".".join(p for p in (table.id, row.id, col.id) if p)
            cells.append(GridCell(r, label_cols + k, _values(report, cid), "data", cell_id=cid))
    return Grid(table, width, header_rows + len(block.rows), tuple(cells), header_rows)


def _block_grid(table: TableSpec, report: Report | None) -> Grid:
    data_width = max(sum(c.colspan for c in b.columns) for b in table.blocks)
    width = 1 + data_width
    cells: list[GridCell] = []
    r = 0
    for block in table.blocks:
        if block.caption:
            cells.append(GridCell(r, 0, block.caption, "caption", colspan=width))
            r += 1
        cells.append(GridCell(r, 0, block.label_header or "", "header"))
        k = 1
        for n, col in enumerate(block.columns):
            span = col.colspan if n < len(block.columns) - 1 else width - k
            cells.append(GridCell(r, k, col.label, "header", colspan=span))
            k += span
        r += 1
        for row in block.rows:
            cells.append(GridCell(r, 0, row.label, "label"))
            k = 1
            for n, col in enumerate(block.columns):
                span = col.colspan if n < len(block.columns) - 1 else width - k
                cid = ".".join(p for p in (table.id, row.id, col.id) if p)
                cells.append(
                    GridCell(r, k, _values(report, cid), "data", colspan=span, cell_id=cid)
                )
                k += span
            r += 1
    return Grid(table, width, r, tuple(cells), 0)


def table_grid(table: TableSpec, report: Report | None = None) -> Grid:
    """The official grid of `table`, filled from `report` (empty data cells when None).

    Section 二 is a run of captioned blocks; 三 and 四 are matrices with merged headers (三 has
    the 勾稽 note in its top-left corner)."""
    if any(b.caption for b in table.blocks):
        return _block_grid(table, report)
    return _matrix_grid(table, report)


def report_grids(report: Report) -> list[Grid]:
    """The grids of the report's printed tables (二, 三, 四) in order."""
    return [table_grid(t, report) for t in report.layout.tables if t.render]
