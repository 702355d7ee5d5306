"""Wording similarity of two Chinese texts: character 3-grams after removing shared boilerplate.
One measure for the comparison (compare/wording.py), the year-on-year rules (XY-05/07) and the
drafting guard, so a text judged "the same as last year" is judged so everywhere."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Literal

Measure = Literal["jaccard", "cosine"]

GRAM = 3
# SPEC c.5 [H]: a section this similar to last year's is "the same as last year" (XY-05), and the
# whole narrative at the second bar (XY-06); the comparison and the drafting guard use them too
SAME_AS_LAST_YEAR = 0.8
SAME_NARRATIVE = 0.9

# Sentences every report shares whatever its content (the preamble formula of both formats and
# the 勾稽 note of table 三). Left in, they would make any two reports look alike.
_BOILERPLATE_SENTENCES = tuple(
    re.compile(p)
    for p in (
        r"^根据.{0,40}《中华人民共和国政府信息公开条例》.*(?:报告|编制|公布)",
        r"^(?:本|该)(?:年度)?报告由.*(?:组成|构成)",
        r"^(?:本|该)报告(?:中)?所列数据的统计(?:时限|期限|时间|区间)",
        r"^(?:本|该)报告(?:的)?电子版",
        r"^如对(?:本|该)报告有(?:任何)?(?:疑问|疑义)",
        r"^(?:本报告|报告)中?(?:所列)?数据(?:统计)?(?:时限|期限)",
        r"^现(?:予)?公布.{0,40}年度?政府信息公开工作(?:年度)?报告$",
    )
)
_NOTE = re.compile(r"[（(]\s*本列数据的勾稽关系为[：:][^）)]*[）)]")
_CN_NUM = "一二三四五六七八九十"
# A heading line: "一、总体情况", "（一）主动公开", "1.主动公开情况" — short and with no full stop.
_HEADING_LINE = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[）)]|\d{{1,2}}[.、．])[^。；！？]{{0,30}}$"
)
# A heading that starts a paragraph: "（一）主动公开。本年度…" keeps the text after the stop.
_HEADING_LEAD = re.compile(rf"^\s*[（(][{_CN_NUM}]+[）)][^。；！？，,;!?]{{0,14}}[。：:．.]")
_TITLE_LINE = re.compile(r"^.{0,40}政府信息公开工作年度报告$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_KEEP = re.compile(r"[\w#]")


def strip_boilerplate(text: str) -> str:
    """The text without headings, the report title, the preamble formula and the 勾稽 note.

    Patterns are matched on the NFKC form, but the kept text is the original (full-width
    punctuation stays), one kept line per source line, so callers may show it.
    """
    text = _NOTE.sub("", text)
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        norm = unicodedata.normalize("NFKC", stripped)
        if not stripped or _HEADING_LINE.match(norm) or _TITLE_LINE.match(norm):
            continue
        stripped = _HEADING_LEAD.sub("", stripped)
        kept = [
            s for s in _SENTENCE_END.split(stripped) if s.strip() and not _is_boilerplate(s.strip())
        ]
        if kept:
            out.append("".join(kept).strip())
    return "\n".join(out)


def _is_boilerplate(sentence: str) -> bool:
    norm = unicodedata.normalize("NFKC", sentence)
    return any(p.match(norm) for p in _BOILERPLATE_SENTENCES)


def _normalized(text: str) -> str:
    """Only letters, digits and CJK; every number becomes "#".

    A text copied from last year with this year's figures filled in is exactly the 年年雷同 the
    format forbids, so changed numbers must not make it look new.
    """
    text = _DIGITS.sub("#", unicodedata.normalize("NFKC", text))
    return "".join(_KEEP.findall(text)).replace("_", "")


def char_ngrams(text: str, n: int = GRAM) -> Counter[str]:
    """Character n-grams (with counts) of the normalized text; a shorter text is one gram."""
    norm = _normalized(text)
    if not norm:
        return Counter()
    if len(norm) < n:
        return Counter([norm])
    return Counter(norm[i : i + n] for i in range(len(norm) - n + 1))


def similarity(a: str, b: str, *, measure: Measure = "jaccard", strip: bool = True) -> float:
    """How alike two texts are, 0.0 (nothing shared) to 1.0 (the same wording).

    Character 3-grams after `strip_boilerplate` (unless `strip=False`), punctuation and spaces
    dropped, numbers masked. `jaccard` compares the sets of 3-grams, `cosine` their counts.
    An empty text is similar to nothing: 0.0, so that a missing section never reads as copied.
    """
    if strip:
        a, b = strip_boilerplate(a), strip_boilerplate(b)
    ga, gb = char_ngrams(a), char_ngrams(b)
    if not ga or not gb:
        return 0.0
    if measure == "jaccard":
        sa, sb = set(ga), set(gb)
        return len(sa & sb) / len(sa | sb)
    if measure == "cosine":
        dot = sum(count * gb[g] for g, count in ga.items() if g in gb)
        norm = math.sqrt(sum(v * v for v in ga.values())) * math.sqrt(
            sum(v * v for v in gb.values())
        )
        return dot / norm
    raise ValueError(f"unknown similarity measure: {measure}")
