"""Tables printed without ruling lines, on a page image: rows are the text lines that hold
figures, columns the x-ranges the figures share, and a row's label is the text in the label area
from its figures' line down to the next row's (cells are read top-aligned, as Word and LibreOffice
print them). The rows go to the reader as label path + figures in order, like flattened text, so
that a row is only filled when its label is recognised and its count of figures fits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.ingest.blocks import Table
from assistant.ingest.ocrengine import Word

if TYPE_CHECKING:
    import numpy as np

    from assistant.ingest.scancells import ScanRead

_MIN_FIGURES = 3  # a line with this many separate figures is a table row
_SHORT = 10  # characters: a header or label word; a longer word spanning the figures is prose


def _spans(words: list[Word], slack: float) -> list[tuple[float, float]]:
    """x-ranges that the words' boxes cover, overlapping boxes (within `slack`) merged."""
    out: list[list[float]] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 <= out[-1][1] + slack:
            out[-1][1] = max(out[-1][1], w.x1)
        else:
            out.append([w.x0, w.x1])
    return [(a, b) for a, b in out]


def _overlaps(w: Word, span: tuple[float, float]) -> bool:
    return min(w.x1, span[1]) - max(w.x0, span[0]) > 0


def find_tables(
    lines: list[list[Word]],
    gray: np.ndarray,
    page: int,
    read: ScanRead,
    is_value: Callable[[str], bool],
) -> tuple[list[tuple[float, Table]], set[int]]:
    """Tables among the page's text lines (top to bottom), and the indices of the lines used."""
    from assistant.ingest.scancells import cell_value

    valueish = is_value
    rows = [
        i
        for i, line in enumerate(lines)
        if sum(1 for w in line if valueish(w.text)) >= _MIN_FIGURES
    ]
    tables: list[tuple[float, Table]] = []
    used: set[int] = set()
    k = 0
    while k < len(rows):
        first = rows[k]
        figures = [w for w in lines[first] if valueish(w.text)]
        height = sorted(w.height for w in figures)[len(figures) // 2]
        left = min(w.x0 for w in figures) - height * 0.5
        last = first
        group = [first]
        for j in range(first + 1, len(lines)):
            if j in rows[k:]:
                group.append(j)
                last = j
            elif not _belongs(lines[j], left):
                break
        k = rows.index(last) + 1
        top = first
        while top - 1 >= 0 and top - 1 not in used and _belongs(lines[top - 1], left, header=True):
            top -= 1
        value_rows = [i for i in group if i in rows]
        all_figures = [w for i in value_rows for w in lines[i] if valueish(w.text)]
        columns = _spans(all_figures, slack=height * 0.3)
        label_words = [
            (i, w) for i in range(top, last + 1) for w in lines[i] if w.x1 <= columns[0][0]
        ]
        label_columns = _spans([w for _, w in label_words], slack=height * 0.5)
        out_rows: list[list[str]] = []
        for i in range(top, first):  # the header: only counted, the figures go by order
            out_rows.append(["".join(w.text for w in lines[i])])
        for n, i in enumerate(value_rows):
            end = value_rows[n + 1] if n + 1 < len(value_rows) else last + 1
            band = [w for j, w in label_words if i <= j < end]
            labels = [
                "".join(w.text for w in sorted(band, key=lambda w: (w.cy, w.x0)) if _overlaps(w, s))
                for s in label_columns
            ]
            values = []
            for span in columns:
                here = [w for w in lines[i] if valueish(w.text) and _overlaps(w, span)]
                y0 = min(w.y0 for w in lines[i])
                y1 = max(w.y1 for w in lines[i])
                box = (int(span[0]), int(y0), int(span[1]), int(y1))
                values.append(cell_value(gray, here, box, page, read))
            out_rows.append([x for x in labels if x] + values)
        used.update(range(top, last + 1))
        tables.append(
            (
                min(w.y0 for w in lines[top]),
                Table.from_rows(out_rows, positional=False, location=f"第{page}页的表格"),
            )
        )
    return tables, used


def _belongs(line: list[Word], left: float, *, header: bool = False) -> bool:
    """A line of a table's label area (left of the figures) or of its header (short words)."""
    if all(w.x1 <= left for w in line):
        return not header or all(len(w.text) <= _SHORT * 3 for w in line)
    return all(len(w.text) <= _SHORT for w in line)
