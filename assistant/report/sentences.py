"""Sentences of a section with their character offsets, so a finding can quote and point."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_END = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split on 。；！？ and line breaks; offsets index the original text."""
    out = []
    for m in _END.finditer(text):
        chunk = m.group(0)
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        start = m.start() + lead
        out.append(Sentence(start, start + len(stripped), stripped))
    return out


def sentence_at(text: str, pos: int) -> Sentence:
    for s in sentences(text):
        if s.start <= pos < s.end:
            return s
    return Sentence(pos, pos, "")


def word_count(text: str) -> int:
    """字数 as Word counts it (SPEC S1-03): every non-space character after NFKC, with each
    run of ASCII letters or digits counting as one."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[A-Za-z0-9]+(?:[.,][0-9]+)*", "A", text)
    return sum(1 for ch in text if not ch.isspace())
