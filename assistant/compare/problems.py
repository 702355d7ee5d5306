"""Problems carried over: last year's 五 split into problems (report/problems.py, the one splitter),
each traced in this year's 五."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.report.problems import (
    REFERENCED,
    PointKind,
    reference_overlap,
    split_points,
    split_problems,
    states_persisting,
    states_progress,
)
from assistant.report.similarity import char_ngrams

Status = Literal["addressed", "repeated", "planned", "silent"]
STATUS_LABELS: dict[str, str] = {
    "addressed": "已说明整改",
    "repeated": "再次列为问题",
    "planned": "仅列改进措施",
    "silent": "未提及",
}
VERBATIM = 0.6  # 3-gram similarity of a problem and a sentence: stated again as it was

# How alike in meaning each left text is to each right text (cosine, -1…1): the embedding model
# is injected by the caller, so the core never loads it (ARCHITECTURE: compare is core).
MeaningSimilarity = Callable[[Sequence[str], Sequence[str]], list[list[float]]]

_SENTENCE = re.compile(r"[^。；！？\n]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ProblemMatch:
    problem: str  # as last year's report listed it
    status: Status
    evidence: str | None  # this year's sentence that refers to it
    overlap: float  # share of the problem's distinctive bigrams in the evidence
    similarity: float

    @property
    def label(self) -> str:
        if self.status == "repeated" and self.similarity >= VERBATIM:
            return "原样重复"
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class _Candidate:
    sentence: str
    kind: PointKind | None  # the point of this year's 五 it stands in, if any
    grams: frozenset[str]


def _candidates(text: str) -> list[_Candidate]:
    """This year's sentences, one point's sentence at a time, each with the kind of its point."""
    out = []
    covered: list[tuple[int, int]] = []
    for p in split_points(text):
        covered.append((p.start, p.end))
        for s in _SENTENCE.findall(p.text):
            if len(_CJK.findall(s)) >= 4:
                out.append(_Candidate(s.strip(), p.kind, frozenset(char_ngrams(s))))
    for m in _SENTENCE.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in covered):
            continue
        s = unicodedata.normalize("NFKC", m.group()).strip()
        if len(_CJK.findall(s)) >= 4:
            out.append(_Candidate(m.group().strip(), None, frozenset(char_ngrams(s))))
    return out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _match(problem: str, candidates: list[_Candidate]) -> ProblemMatch:
    grams = frozenset(char_ngrams(problem))
    scored = [
        # the same measure as `similarity(problem, sentence, strip=False)`, sets precomputed
        (reference_overlap(problem, c.sentence), _jaccard(grams, c.grams), c)
        for c in candidates
    ]
    referring = [s for s in scored if s[0] >= REFERENCED or s[1] >= VERBATIM]
    if not referring:
        best = max(scored, key=lambda s: s[:2], default=None)
        return ProblemMatch(
            problem,
            "silent",
            None,
            round(best[0], 3) if best else 0.0,
            round(best[1], 3) if best else 0.0,
        )
    # a sentence saying what was done about it beats one listing it again or planning for it
    progress = [s for s in referring if s[1] < VERBATIM and states_progress(s[2].sentence)]
    listed = [
        s for s in referring if s[2].kind in ("problem", None) or states_persisting(s[2].sentence)
    ]
    for status, group in (("addressed", progress), ("repeated", listed), ("planned", referring)):
        if group:
            overlap, sim, c = max(group, key=lambda s: s[:2])
            return ProblemMatch(problem, status, c.sentence, round(overlap, 3), round(sim, 3))  # type: ignore[arg-type]
    raise AssertionError("unreachable: referring is not empty")


def match_problem(problem: str, this_text: str) -> ProblemMatch:
    """One problem of last year's 五 with what this year's 五 says about it."""
    return _match(problem, _candidates(this_text))


def match_problems(prior_text: str, this_text: str) -> list[ProblemMatch]:
    """Each problem of last year's 五 with what this year's 五 says about it."""
    candidates = _candidates(this_text)
    return [_match(p, candidates) for p in split_problems(prior_text)]
