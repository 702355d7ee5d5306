"""Citation markers [n]: provenance kept beside a draft's text, never printed in a report."""

from __future__ import annotations

import re

# [3], [1,2], [1、3], ［2］; at most two digits, so 〔2021〕 and [2021] are not citations
CITATION_MARK = re.compile(r"[\[［](\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)[\]］](?!\])")


def strip_citations(text: str) -> str:
    """The text as published: markers removed (not [[fact:…]] references, which the guard
    flags when left)."""
    return CITATION_MARK.sub(
        lambda m: m.group() if text[max(0, m.start() - 1) : m.start()] == "[" else "", text
    )


def cited_numbers(text: str) -> list[int]:
    """The passage numbers a text cites, in order of first citation."""
    found: list[int] = []
    for m in CITATION_MARK.finditer(text):
        for n in re.findall(r"\d+", m.group(1)):
            if int(n) not in found:
                found.append(int(n))
    return found
