"""A model's answer made into report text: code fences, chat openers and closers, and Markdown
(headings, bold, bullets, quotes, rules) removed. Citation markers [n] stay: they are the
draft's provenance, removed only when the report is exported."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^```[\w-]*\n|\n?```\s*$")
_OPENER = re.compile(
    r"^\s*(?:好的|好|当然|没问题|收到|明白)?[，,！!。]?\s*"
    r"(?:(?:以下|下面|如下)(?:是|为)|根据(?:您|你)的|按照(?:您|你)的|已(?:根据|按照)|遵照)"
    r"[^。\n]{0,40}?[：:]\s*\n?"
    r"|^\s*(?:好的|当然|没问题|收到)[，,！!。]\s*"
)
_CLOSER = re.compile(
    r"\n*\s*(?:如(?:需|有|您|果)|希望|以上(?:是|为|即)|请(?:您)?(?:审阅|核对|参考))"
    r"[^。\n]{0,40}(?:修改|调整|改写|帮助|参考|满意|审阅|核对|草稿|内容)[^。\n]{0,20}[。！!]?\s*$"
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.M)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*\n]+?)\*(?!\*)")
_BULLET = re.compile(r"^\s*[-*+•]\s+", re.M)
_QUOTE = re.compile(r"^\s*>\s?", re.M)
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$\n?", re.M)


def clean_model_text(raw: str) -> str:
    """What the model wrote, as text a report can hold."""
    text = _FENCE.sub("", raw.strip()).strip()
    text = _OPENER.sub("", text, count=1)
    text = _CLOSER.sub("", text)
    text = _RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(r"\1", text)
    text = _BULLET.sub("", text)
    text = _QUOTE.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
