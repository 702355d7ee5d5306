"""What the OCR engine saw and where it stands: each value's text, confidence, page and box (`Seen`),
the placeholders that carry values through the table readers (`ScanRead`), and a table cell's text
from the words inside it. Shared by the page reader (scan), the borderless-table reader and the
trust pass (ocrtrust), none of which imports another for it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.ingest.blocks import Block
from assistant.ingest.ocrengine import Word

if TYPE_CHECKING:
    import numpy as np

# what a table cell's content may be to count as a value (OCR's O for 0, l for 1 included, so
# that a misread digit is caught as such instead of becoming a label)
_VALUEISH = re.compile(r"^[0-9０-９OoIl|.,，．/／—\-–－+]{1,12}$")
_PLACEHOLDER = re.compile(r"\b9\d{8}\b")
_FIRST_PLACEHOLDER = 900_000_000


@dataclass(frozen=True)
class Seen:
    """A value as the engine saw it: text, confidence, page (1-based) and box (page pixels at
    RENDER_DPI), and what makes its place uncertain ("" when it is certain)."""

    text: str
    score: float
    page: int
    box: tuple[int, int, int, int]
    doubt: str = ""

    def where(self) -> str:
        x0, y0, x1, y1 = self.box
        return f"第{self.page}页({x0},{y0})-({x1},{y1})"


@dataclass
class ScanRead:
    """What the OCR pages gave: blocks in page order, and the values behind the placeholders."""

    blocks: list[Block] = field(default_factory=list)
    seen: dict[str, Seen] = field(default_factory=dict)
    pages: int = 0

    def placeholder(self, seen: Seen) -> str:
        key = str(_FIRST_PLACEHOLDER + len(self.seen))
        self.seen[key] = seen
        return key

    def restore(self, text: str) -> str:
        """Text with every placeholder put back to what was seen."""
        if not self.seen:
            return text
        return _PLACEHOLDER.sub(lambda m: self.seen[m[0]].text if m[0] in self.seen else m[0], text)


def is_valueish(text: str) -> bool:
    return bool(_VALUEISH.match(unicodedata.normalize("NFKC", text).replace(" ", "")))


def overlap_share(w: Word, box: tuple[int, int, int, int]) -> float:
    """How much of the word's width lies inside the box's columns."""
    width = max(w.x1 - w.x0, 1.0)
    return max(0.0, min(w.x1, box[2]) - max(w.x0, box[0])) / width


def box_of(w: Word) -> tuple[int, int, int, int]:
    return (round(w.x0), round(w.y0), round(w.x1), round(w.y1))


def cell_value(
    gray: np.ndarray,
    words: list[Word],
    box: tuple[int, int, int, int],
    page: int,
    read: ScanRead,
) -> str:
    """A cell's text, a value as its placeholder. The detector can miss a lone small digit: an
    empty cell with ink in it is read on its own, and marked unreadable if that fails too."""
    from assistant.ingest import ocrengine, ruling

    if not words:
        x0, y0, x1, y1 = box
        pad = 6
        crop = ruling.ink(gray[y0:y1, x0:x1])[pad:-pad, pad:-pad] if y1 - y0 > 3 * pad else None
        if crop is not None and crop.size and (crop > 0).mean() > 0.004:
            text, score = ocrengine.recognize_line(gray[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2])
            words = [
                Word(text if text.strip() else "?", score if text.strip() else 0.0, x0, y0, x1, y1)
            ]
    return _cell_text(words, box, page, read)


def _cell_text(words: list[Word], box: tuple[int, int, int, int], page: int, read: ScanRead) -> str:
    if not words:
        return ""
    values = [w for w in words if is_valueish(w.text) or w.text == "?"]
    if values and len(values) == len(words):
        text = "".join(w.text for w in sorted(values, key=lambda w: w.x0))
        doubt = ""
        if len(values) > 1:
            doubt = f"一格中识别出{len(values)}段文字（{'、'.join(w.text for w in values)}）"
        elif overlap_share(values[0], box) < 0.8:
            doubt = "数字跨过了表格线，无法确定属于哪一格"
        score = min(w.score for w in values)
        x0 = min(w.x0 for w in values)
        y0 = min(w.y0 for w in values)
        x1 = max(w.x1 for w in values)
        y1 = max(w.y1 for w in values)
        return read.placeholder(
            Seen(text, score, page, box_of(Word(text, score, x0, y0, x1, y1)), doubt)
        )
    lines = group_lines(words)
    return "".join("".join(w.text for w in line) for line in lines)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words → lines (top to bottom), each left to right: a word joins the line whose middle
    lies within its own height."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines:
            last = lines[-1]
            mid = sum(x.cy for x in last) / len(last)
            h = max(min(w.height, last[0].height), 1.0)
            if abs(w.cy - mid) <= h * 0.5:
                last.append(w)
                continue
        lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]
