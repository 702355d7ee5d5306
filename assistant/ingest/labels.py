"""Fuzzy matching of table labels: brackets, widths, numbering, line breaks and quote styles."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

# "一、" "（三）" "(3)" "1." "2、" — printed numbering that reports add, drop or restyle
_NUMBERING = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．](?!\d))"
)
_FUZZY_MIN = 0.8


@lru_cache(maxsize=8192)
def norm_label(text: str) -> str:
    """The comparable core of a label: NFKC, no spaces or line breaks, no leading numbering,
    no punctuation (brackets and quotes of every style)."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for _ in range(2):
        m = _NUMBERING.match(t)
        if not m:
            break
        t = t[m.end() :]
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PSZC")


def similarity(a: str, b: str, *, fuzzy: bool = False) -> float:
    """How well two normalised labels agree: 1 equal, 0.9 one is a cut-down form of the other
    ("（二）部分公开"), else (only when `fuzzy`) the difflib ratio if close (typos)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and long.startswith(short):
        return 0.9
    if not fuzzy or len(long) - len(short) > max(2, len(long) // 4):
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return ratio if ratio >= _FUZZY_MIN else 0.0


@dataclass(frozen=True)
class Candidate:
    """Something a label may name: a row, a column or a caption, with its group path."""

    key: object
    labels: tuple[str, ...]  # normalised label and variants
    groups: tuple[str, ...] = ()  # normalised group labels, outermost first


def candidate(
    key: object, label: str, variants: Sequence[str] = (), groups: Sequence[str] = ()
) -> Candidate:
    labels = tuple(dict.fromkeys(x for x in (norm_label(label), *map(norm_label, variants)) if x))
    return Candidate(key, labels, tuple(norm_label(g) for g in groups))


AMBIGUOUS = object()


def best_match(path: Sequence[str], candidates: Sequence[Candidate]) -> object:
    """The candidate the innermost label of `path` names, using the outer labels of the path to
    tell apart candidates with the same label (三个「结果维持」). Returns the key, None when
    nothing matches, or AMBIGUOUS when two candidates fit equally well."""
    key = (id(candidates), tuple(path))
    if key in _MEMO:
        return _MEMO[key]
    if len(_MEMO) > 200_000:
        _MEMO.clear()
    _MEMO[key] = found = _best_match(path, candidates)
    return found


# called with the long-lived candidate tuples of the cached table indexes, so a tuple's id names
# it; the same header and row labels recur in every report
_MEMO: dict[tuple[int, tuple[str, ...]], object] = {}


def _best_match(path: Sequence[str], candidates: Sequence[Candidate]) -> object:
    path = [p for p in (norm_label(x) for x in path) if p]
    if not path or not candidates:
        return None
    leaf, outer = path[-1], path[:-1]
    tied = [c for c in candidates if leaf in c.labels]  # the usual case: an exact label
    if tied:
        return _by_groups(tied, outer)
    for fuzzy in (False, True):
        scored = [
            (max(similarity(leaf, lab, fuzzy=fuzzy) for lab in c.labels), c)
            for c in candidates
            if c.labels
        ]
        top = max((s for s, _ in scored), default=0.0)
        if top > 0:
            break
    else:
        return None
    return _by_groups([c for s, c in scored if s == top], outer)


def _by_groups(tied: list[Candidate], outer: list[str]) -> object:
    if len(tied) == 1:
        return tied[0].key

    def group_score(c: Candidate) -> int:
        return sum(1 for g in c.groups if any(similarity(o, g) > 0 for o in outer))

    best = max(group_score(c) for c in tied)
    winners = [c for c in tied if group_score(c) == best]
    return winners[0].key if len(winners) == 1 else AMBIGUOUS
