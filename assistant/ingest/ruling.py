"""Ruled tables on a page image: straighten the page by its ruling lines, then find each table's
grid (merged cells as larger rectangles) from where the lines are and are not drawn."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# a ruling line is at least this share of the page width (or height) long
_MIN_LINE = 1 / 30
# a boundary between two grid cells exists when this share of it is drawn
_DRAWN = 0.6
_MAX_SKEW = 5.0  # degrees: more is not a scan's tilt but a photo to be straightened by hand


@dataclass(frozen=True)
class GridCell:
    """One merged cell: grid position and span, and its rectangle in page pixels."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (inside the lines)


@dataclass(frozen=True)
class Grid:
    box: tuple[int, int, int, int]
    xs: tuple[int, ...]  # vertical line positions, left to right
    ys: tuple[int, ...]  # horizontal line positions, top to bottom
    cells: tuple[GridCell, ...]


def ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels as 255 on 0: Otsu's threshold copes with grey paper and faint toner."""
    _, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return bw


def _lines(bw: np.ndarray, text_height: float | None) -> tuple[np.ndarray, np.ndarray]:
    h, w = bw.shape
    if text_height:
        # longer than any stroke of a character, shorter than the rules of the narrowest cell
        hlen = vlen = max(int(text_height * 2), 10)
    else:
        hlen, vlen = max(int(w * _MIN_LINE), 10), max(int(h * _MIN_LINE), 10)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (hlen, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, vlen))
    horiz = cv2.morphologyEx(bw, cv2.MORPH_OPEN, hk)
    vert = cv2.morphologyEx(bw, cv2.MORPH_OPEN, vk)
    # close pixel gaps of scanned lines (toner, noise) along their direction
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horiz, vert


def skew_angle(gray: np.ndarray) -> float:
    """The page's tilt in degrees from its long horizontal lines (table rules, underlines);
    0 when it has none."""
    bw = ink(gray)
    h, w = bw.shape
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 12, 10), 1))
    # a tilted line is broken into steps: join them before opening
    joined = cv2.dilate(bw, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    horiz = cv2.morphologyEx(joined, cv2.MORPH_OPEN, k)
    n, _, stats, _ = cv2.connectedComponentsWithStats(horiz)
    angles: list[float] = []
    weights: list[float] = []
    contours, _ = cv2.findContours(horiz, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    for c in contours:
        x, y, cw, ch = cv2.boundingRect(c)
        if cw < w // 6:
            continue
        pts = c.reshape(-1, 2).astype(np.float64)
        slope = np.polyfit(pts[:, 0], pts[:, 1], 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
        weights.append(float(cw))
    del n, stats
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    return median if abs(median) <= _MAX_SKEW else 0.0


def straighten(gray: np.ndarray) -> np.ndarray:
    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def _positions(profile: np.ndarray, min_len: int) -> list[int]:
    """Centres of runs of positions where the profile (drawn pixels per row/column) is long."""
    on = profile >= min_len
    out: list[int] = []
    start = None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    if start is not None:
        out.append((start + len(on) - 1) // 2)
    return out


def find_grids(gray: np.ndarray, text_height: float | None = None) -> list[Grid]:
    """Every ruled table of the page, top to bottom. `text_height` (pixels, the median height of
    the recognised text) tells rules from strokes; without it, the page's size does."""
    bw = ink(gray)
    horiz, vert = _lines(bw, text_height)
    h, w = bw.shape
    frame = cv2.bitwise_or(horiz, vert)
    n, _, stats, _ = cv2.connectedComponentsWithStats(frame)
    grids: list[Grid] = []
    for i in range(1, n):
        x, y, bw_, bh, _ = stats[i]
        if bw_ < w // 4 or bh < h // 40:
            continue
        grid = _grid(horiz[y : y + bh, x : x + bw_], vert[y : y + bh, x : x + bw_], x, y)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.box[1])


def _grid(horiz: np.ndarray, vert: np.ndarray, ox: int, oy: int) -> Grid | None:
    h, w = horiz.shape
    ys = _positions((horiz > 0).sum(axis=1), max(w // 20, 10))
    xs = _positions((vert > 0).sum(axis=0), max(min(h // 20, 40), 10))
    if len(ys) < 2 or len(xs) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    def drawn(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int, along: int) -> bool:
        part = mask[max(y0, 0) : max(y1, 1), max(x0, 0) : max(x1, 1)]
        if part.size == 0:
            return False
        covered = (part > 0).any(axis=1 - along)
        return float(covered.mean()) >= _DRAWN

    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    pad = 3
    for r in range(n_rows):
        for c in range(n_cols):
            y0, y1 = ys[r] + pad * 2, ys[r + 1] - pad * 2
            x0, x1 = xs[c] + pad * 2, xs[c + 1] - pad * 2
            if c + 1 < n_cols:
                xb = xs[c + 1]
                if not drawn(vert, y0, y1, xb - pad, xb + pad + 1, 0):
                    union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows:
                yb = ys[r + 1]
                if not drawn(horiz, yb - pad, yb + pad + 1, x0, x1, 1):
                    union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells: list[GridCell] = []
    for members in groups.values():
        r0 = min(r for r, _ in members)
        r1 = max(r for r, _ in members)
        c0 = min(c for _, c in members)
        c1 = max(c for _, c in members)
        cells.append(
            GridCell(
                r0,
                c0,
                r1 - r0 + 1,
                c1 - c0 + 1,
                (ox + xs[c0], oy + ys[r0], ox + xs[c1 + 1], oy + ys[r1 + 1]),
            )
        )
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(
        (ox, oy, ox + w, oy + h),
        tuple(ox + x for x in xs),
        tuple(oy + y for y in ys),
        tuple(cells),
    )
