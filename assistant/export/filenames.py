"""A file name made from what a user typed (an agency name): never a path, never unwritable."""

from __future__ import annotations

import re
import unicodedata

# separators, NUL and the other characters Windows or a shell would refuse or misread
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_MAX_CHARS = 80


def safe_stem(name: str, *, fallback: str = "年度报告") -> str:
    """`name` as one file name without a suffix: path separators, NUL, control characters and
    reserved punctuation become “_”, leading dots and spaces go (no `..`, no hidden file), and
    the length is bounded. “../../../out/x” becomes “_.._.._out_x”, in the current folder."""
    text = unicodedata.normalize("NFKC", name)
    text = _UNSAFE.sub("_", text).strip().lstrip(". ").rstrip(". ")
    return text[:_MAX_CHARS] or fallback
