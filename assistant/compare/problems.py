"""Problems carried over: last year's 五 split into problems (report/problems.py, the one splitter),
each traced in this year's 五."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.report.problems import (
    REFERENCED,
    PointKind,
    reference_overlap,
    split_points,
    split_problems,
    states_persisting,
    states_progress,
    topic_bigrams,
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


class MeaningSimilarity(Protocol):
    """How alike in meaning each left text is to each right text (a cosine matrix). The
    embedding model is injected by the caller (the composition root), so this core never loads
    it (ARCHITECTURE: compare is core)."""

    threshold: float  # for this model, a cosine at or over which two sentences say the same

    def __call__(self, left: Sequence[str], right: Sequence[str]) -> list[list[float]]: ...


_SENTENCE = re.compile(r"[^。；！？\n]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class ProblemMatch:
    problem: str  # as last year's report listed it
    status: Status
    evidence: str | None  # this year's sentence that refers to it
    overlap: float  # share of the problem's distinctive bigrams in the evidence
    similarity: float
    meaning: float | None = None  # the model's cosine of problem and evidence, when one was given
    years: tuple[int, ...] = ()  # every year given whose 五 lists this problem (trace_problems)

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


def _meaning_hits(
    left: Sequence[str], right: Sequence[str], meaning: MeaningSimilarity | None
) -> dict[tuple[int, int], float]:
    """The pairs the model says mean the same: at or over its threshold, each the other's best
    match, and naming a common topic in their wording. A small model finds every two sentences
    of a 五 somewhat alike ("栏目更新不及时" and "留言回复不及时" score as high as a problem and
    its rewording), so its judgement counts only where the wording shares what it is about."""
    if meaning is None or not left or not right:
        return {}
    topics_l = [topic_bigrams(t) for t in left]
    topics_r = [topic_bigrams(t) for t in right]
    if not any(a & b for a in topics_l for b in topics_r):
        return {}  # nothing shares a topic: no need to run the model (~80 ms CPU a sentence)
    m = meaning(left, right)
    out = {}
    for i, row in enumerate(m):
        j = max(range(len(row)), key=row.__getitem__)
        if (
            row[j] >= meaning.threshold
            and all(m[k][j] <= row[j] for k in range(len(left)))
            and topics_l[i] & topics_r[j]
        ):
            out[(i, j)] = round(float(row[j]), 3)
    return out


def _match(
    problem: str, candidates: list[_Candidate], hits: dict[int, float] | None = None
) -> ProblemMatch:
    grams = frozenset(char_ngrams(problem))
    hits = hits or {}
    scored = [
        # the same measure as `similarity(problem, sentence, strip=False)`, sets precomputed
        (reference_overlap(problem, c.sentence), _jaccard(grams, c.grams), c, hits.get(j))
        for j, c in enumerate(candidates)
    ]
    referring = [s for s in scored if s[0] >= REFERENCED or s[1] >= VERBATIM or s[3] is not None]
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
            overlap, sim, c, sense = max(group, key=lambda s: (s[:2], s[3] or 0.0))
            return ProblemMatch(
                problem,
                status,  # type: ignore[arg-type]
                c.sentence,
                round(overlap, 3),
                round(sim, 3),
                sense,
            )
    raise AssertionError("unreachable: referring is not empty")


def match_problem(problem: str, this_text: str) -> ProblemMatch:
    """One problem of last year's 五 with what this year's 五 says about it."""
    return _match(problem, _candidates(this_text))


def match_problems(
    prior_text: str, this_text: str, meaning: MeaningSimilarity | None = None
) -> list[ProblemMatch]:
    """Each problem of last year's 五 with what this year's 五 says about it: by wording, and by
    meaning when a model is given (a problem reworded each year is still the same problem)."""
    candidates = _candidates(this_text)
    problems = split_problems(prior_text)
    pairs = _meaning_hits(problems, [c.sentence for c in candidates], meaning)
    return [
        _match(p, candidates, {j: v for (i, j), v in pairs.items() if i == k})
        for k, p in enumerate(problems)
    ]


@dataclass(frozen=True)
class ProblemThread:
    """One problem followed through the years: how each year's 五 worded it, oldest first."""

    wordings: tuple[tuple[int, str], ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(y for y, _ in self.wordings)

    @property
    def latest(self) -> str:
        return self.wordings[-1][1]

    @property
    def repeated(self) -> bool:
        return len(self.wordings) > 1


SAME_WORDING = 0.5  # share of the shorter problem's distinctive pairs the other one names


def _same_wording(a: str, b: str) -> float:
    grams = _jaccard(frozenset(char_ngrams(a)), frozenset(char_ngrams(b)))
    overlap = max(reference_overlap(a, b), reference_overlap(b, a))
    return max(grams / VERBATIM, overlap / SAME_WORDING)  # ≥ 1 means the same problem


def trace_problems(
    series: Sequence[tuple[int, str]], meaning: MeaningSimilarity | None = None
) -> list[ProblemThread]:
    """The problems of every year's 五 (year, text), each joined to the same problem of earlier
    years by wording or by meaning; a problem may skip a year and come back."""
    threads: list[list[tuple[int, str]]] = []
    for year, text in sorted(series):
        listed = list(dict.fromkeys(split_problems(text)))
        open_ = [t for t in threads if t[-1][0] < year]
        latest = [t[-1][1] for t in open_]
        sense = _meaning_hits(listed, latest, meaning)
        scores = []
        for i, p in enumerate(listed):
            for j, before in enumerate(latest):
                score = max(_same_wording(p, before), 1.0 if (i, j) in sense else 0.0)
                if score >= 1.0:
                    scores.append((score, i, j))
        taken_p: set[int] = set()
        taken_t: set[int] = set()
        for _, i, j in sorted(scores, reverse=True):
            if i not in taken_p and j not in taken_t:
                open_[j].append((year, listed[i]))
                taken_p.add(i)
                taken_t.add(j)
        threads += [[(year, p)] for i, p in enumerate(listed) if i not in taken_p]
    return [ProblemThread(tuple(t)) for t in threads]
