"""Wording per section against earlier years: similarity, the 年年雷同 flag, and a Chinese diff."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from assistant.report import SECTION_IDS, Report
from assistant.report.similarity import (
    SAME_AS_LAST_YEAR,
    SAME_NARRATIVE,
    char_ngrams,
    similarity,
    strip_boilerplate,
)

# SPEC c.5: XY-05 flags section 五 at 0.8; other sections use the same bar here, and the whole
# narrative (XY-06) 0.9.
SECTION_THRESHOLD = SAME_AS_LAST_YEAR
NARRATIVE_THRESHOLD = SAME_NARRATIVE
# A one-line statement ("2023年，无收取信息处理费情况。") is rightly the same every year; only
# text long enough to have been written can have been copied.
MIN_FLAG_CHARS = 40

Op = Literal["equal", "delete", "insert"]
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？\n]?")
# Equal runs this short between two changes are folded into the change: a diff that keeps
# single shared characters ("的", "了") reads as noise in Chinese.
_MIN_EQUAL = 3


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


@dataclass(frozen=True)
class SectionWording:
    section: str
    year: int  # this year
    prior_year: int
    similarity: float
    flagged: bool  # at or over the threshold: the wording is copied
    diff: tuple[Piece, ...]  # the prior text → this text, boilerplate removed
    threshold: float = SECTION_THRESHOLD

    @property
    def label(self) -> str:
        """What the reviewer reads next to the similarity: a short fixed statement the same
        every year (六's "未收取信息处理费") is neither copied nor "未见雷同"."""
        if self.flagged:
            return "高度相似，可能照搬往年"
        if self.similarity >= self.threshold:
            return "与往年相同（篇幅很短的固定表述，不计雷同）"
        return "未见雷同"


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


def _char_diff(a: str, b: str) -> list[Piece]:
    out: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Piece("equal", a[i1:i2]))
            continue
        if i2 > i1:
            out.append(Piece("delete", a[i1:i2]))
        if j2 > j1:
            out.append(Piece("insert", b[j1:j2]))
    return out


def _fold_short_equals(pieces: list[Piece]) -> list[Piece]:
    """Fold short shared runs between changes into the changes, then merge neighbours."""
    out: list[Piece] = []
    for k, p in enumerate(pieces):
        inner = 0 < k < len(pieces) - 1
        if p.op == "equal" and inner and len(p.text) < _MIN_EQUAL:
            out += [Piece("delete", p.text), Piece("insert", p.text)]
        else:
            out.append(p)
    # group each run of changes as all deletions first, then all insertions
    merged: list[Piece] = []
    run: dict[str, list[str]] = {"delete": [], "insert": []}

    def flush() -> None:
        for op in ("delete", "insert"):
            if run[op]:
                merged.append(Piece(op, "".join(run[op])))
                run[op] = []

    for p in out:
        if p.op == "equal":
            flush()
            if merged and merged[-1].op == "equal":
                merged[-1] = Piece("equal", merged[-1].text + p.text)
            else:
                merged.append(p)
        else:
            run[p.op].append(p.text)
    flush()
    return merged


def diff_text(old: str, new: str) -> list[Piece]:
    """A diff of two Chinese texts that reads well: sentences matched first, then characters
    inside each changed sentence pair; whole sentences added or removed stay whole."""
    a, b = _sentences(old), _sentences(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
        elif tag == "replace":
            pieces += _char_diff("".join(a[i1:i2]), "".join(b[j1:j2]))
        elif tag == "delete":
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        else:
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return _fold_short_equals([p for p in pieces if p.text])


def compare_wording(
    this: Report, priors: Sequence[Report], threshold: float = SECTION_THRESHOLD
) -> list[SectionWording]:
    """Each narrative section of `this` against the same section of each earlier report."""
    out = []
    for prior in sorted(priors, key=lambda r: r.year, reverse=True):
        for section in SECTION_IDS[1:]:  # the preamble is boilerplate by design
            now, before = this.text(section), prior.text(section)
            if not now and not before:
                continue
            sim = similarity(now, before)
            long_enough = len(char_ngrams(strip_boilerplate(now))) >= MIN_FLAG_CHARS
            out.append(
                SectionWording(
                    section,
                    this.year,
                    prior.year,
                    round(sim, 3),
                    sim >= threshold and long_enough,
                    tuple(diff_text(strip_boilerplate(before), strip_boilerplate(now))),
                    threshold,
                )
            )
    return out


def narrative_similarity(this: Report, prior: Report) -> float:
    """XY-06: the whole narrative, tables excluded, boilerplate removed."""
    return similarity(this.narrative, prior.narrative)
