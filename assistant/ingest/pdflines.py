"""A PDF page's lines joined back into paragraphs: one rule for text layers (pdf) and OCR'd pages
(scan) alike."""

from __future__ import annotations

import re

from assistant.ingest.assemble import line_cells
from assistant.ingest.sections import match_heading

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)\s*$"
)
_ENDS_SENTENCE = tuple("。；！？：:;!?）)”」』")


def unwrap(lines: list[str]) -> list[str]:
    """A PDF breaks paragraphs into lines; join a line to the one before unless the one before
    ends a sentence, or either is a heading or a table row."""
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if _PAGE_NUMBER.match(text):
            continue
        if (
            out
            and out[-1]
            and text
            and len(out[-1]) >= 15
            and not out[-1].endswith(_ENDS_SENTENCE)
            and not match_heading(out[-1])
            and not match_heading(text)
            and not ("年度报告" in out[-1] and len(out[-1]) <= 60)
            and line_cells(out[-1]) is None
            and line_cells(text) is None
        ):
            out[-1] += text
        else:
            out.append(text)
    return out
