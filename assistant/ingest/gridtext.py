"""Tables drawn in text: grid tables ("+---+" borders, CJK characters two columns wide, merged
cells as larger rectangles) and Markdown pipe rows."""

from __future__ import annotations

import re
import unicodedata

from assistant.ingest.blocks import TableCell

_WIDE = "\x00"  # the second display column of a wide character
_MAX_CELLS = 5000


def _columns(line: str) -> str:
    """The line in display columns: a wide character is followed by a placeholder column."""
    wide = {ord(ch): ch + _WIDE for ch in set(line) if unicodedata.east_asian_width(ch) in "WF"}
    return line.translate(wide) if wide else line


_EDGE_H = frozenset("-=+")
_EDGE_V = frozenset("|+")


def parse_grid_table(lines: list[str]) -> list[TableCell]:
    """The cells of a grid table; a cell's text is its lines stripped and joined with ""."""
    rows = [_columns(x.rstrip()) for x in lines]
    width = max((len(r) for r in rows), default=0)
    canvas = [r.ljust(width) for r in rows]
    height = len(canvas)
    columns = ["".join(r[x] for r in canvas) for x in range(width)]

    def at(y: int, x: int) -> str:
        return canvas[y][x] if 0 <= y < height and 0 <= x < width else " "

    def closes(top: int, left: int, bottom: int, right: int) -> bool:
        return (
            at(bottom, left) == "+"
            and set(canvas[bottom][left + 1 : right]) <= _EDGE_H
            and set(columns[left][top + 1 : bottom]) <= _EDGE_V
        )

    def down(top: int, left: int, right: int) -> int | None:
        for bottom in range(top + 1, height):
            ch = at(bottom, right)
            if ch == "+":
                if closes(top, left, bottom, right):
                    return bottom
            elif ch != "|":
                return None
        return None

    def scan(top: int, left: int) -> tuple[int, int] | None:
        for right in range(left + 1, width):
            ch = at(top, right)
            if ch == "+":
                bottom = down(top, left, right)
                if bottom is not None:
                    return bottom, right
            elif ch not in "-=":
                return None
        return None

    start = next(((0, x) for x in range(width) if at(0, x) == "+"), None)
    if start is None:
        return []
    todo = [start]
    seen: set[tuple[int, int]] = set()
    rects: list[tuple[int, int, int, int]] = []
    while todo and len(rects) < _MAX_CELLS:
        top, left = todo.pop()
        if (top, left) in seen:
            continue
        seen.add((top, left))
        found = scan(top, left)
        if found is None:
            continue
        bottom, right = found
        rects.append((top, left, bottom, right))
        todo.extend([(top, right), (bottom, left)])
    ys = sorted({r[0] for r in rects} | {r[2] for r in rects})
    xs = sorted({r[1] for r in rects} | {r[3] for r in rects})
    cells: list[TableCell] = []
    for top, left, bottom, right in rects:
        text = "".join(
            canvas[y][left + 1 : right].replace(_WIDE, "").strip() for y in range(top + 1, bottom)
        )
        row, col = ys.index(top), xs.index(left)
        cells.append(TableCell(row, col, text, ys.index(bottom) - row, xs.index(right) - col))
    return cells


_SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")


def parse_pipe_rows(lines: list[str]) -> list[list[str]]:
    """Markdown pipe-table rows → cells; the |---| rule is dropped and "\\|" unescaped."""
    rows: list[list[str]] = []
    for line in lines:
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
        cells = [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]
        if cells and all(_SEPARATOR.match(c) for c in cells):
            continue
        rows.append(cells)
    return rows
