"""What every reader produces before the Report: paragraphs and tables in document order."""

from __future__ import annotations

from dataclasses import dataclass, field

# a span larger than this is a malformed page, not a table (keeps hostile input cheap)
_MAX_ROWSPAN = 200
_MAX_COLSPAN = 60


@dataclass(frozen=True)
class TableCell:
    """One merged cell of a source table: it starts at (row, col) and covers rowspan × colspan."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A source table. `positional` is False for rows whose columns are unknown (flattened text,
    where a row is just its cells in reading order)."""

    cells: list[TableCell]
    positional: bool = True
    location: str = ""  # for messages, e.g. "第2个表格"
    # the short line printed just above the table ("行政诉讼（未经复议直接起诉）"): for a table cut
    # into parts it names the column group the part's headers belong to
    caption: str = ""
    _rows: list[list[TableCell]] | None = field(default=None, repr=False, compare=False)
    _covering: dict[int, list[TableCell]] | None = field(default=None, repr=False, compare=False)

    @property
    def height(self) -> int:
        return max((c.row + 1 for c in self.cells), default=0)

    def rows(self) -> list[list[TableCell]]:
        """Cells grouped by the row they start in, left to right."""
        if self._rows is None:
            out: list[list[TableCell]] = [[] for _ in range(self.height)]
            for c in self.cells:
                out[c.row].append(c)
            for row in out:
                row.sort(key=lambda c: c.col)
            self._rows = out
        return self._rows

    def covering(self, row: int) -> list[TableCell]:
        """Every cell covering `row`, also those merged down from above, left to right."""
        if self._covering is None:
            by_row: dict[int, list[TableCell]] = {}
            for c in sorted(self.cells, key=lambda c: c.col):
                for r in range(c.row, c.row + c.rowspan):
                    by_row.setdefault(r, []).append(c)
            self._covering = by_row
        return self._covering.get(row, [])

    @classmethod
    def from_rows(
        cls, rows: list[list[str]], *, positional: bool = True, location: str = ""
    ) -> Table:
        cells = [TableCell(r, k, text) for r, row in enumerate(rows) for k, text in enumerate(row)]
        return cls(cells, positional=positional, location=location)


@dataclass(frozen=True)
class Paragraph:
    text: str


Block = Paragraph | Table

# a paragraph holding only this stands for a picture (html <img>, a Word drawing): a table
# published as an image is a defect the checks report (FMT-07), and the reader says so
PICTURE = "\x00图片"


def place_cells(rows: list[list[tuple[str, int, int]]]) -> list[TableCell]:
    """Lay out rows of (text, rowspan, colspan) as HTML and Word do: each cell takes the next
    grid column not already covered by a cell merged down from a row above."""
    n_rows = len(rows)
    occupied: set[tuple[int, int]] = set()
    out: list[TableCell] = []
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in occupied:
                c += 1
            rs = n_rows - r if rowspan <= 0 else min(rowspan, _MAX_ROWSPAN, n_rows - r)
            cs = min(max(colspan, 1), _MAX_COLSPAN)
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    occupied.add((i, j))
            out.append(TableCell(r, c, text, max(rs, 1), cs))
            c += cs
    return out
