"""One reviewer's comparison of a report with earlier years: numbers, wording, problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assistant.compare.numbers import NumberComparison, compare_numbers
from assistant.compare.problems import ProblemMatch, match_problems
from assistant.compare.wording import (
    NARRATIVE_THRESHOLD,
    SectionWording,
    compare_wording,
    narrative_similarity,
)
from assistant.report import Report


@dataclass(frozen=True)
class Comparison:
    this: Report
    priors: tuple[Report, ...]  # newest first
    numbers: NumberComparison
    wording: tuple[SectionWording, ...]
    narrative: tuple[tuple[int, float, bool], ...]  # (prior year, similarity, flagged)
    problems: tuple[ProblemMatch, ...]  # last year's 五 against this year's

    @property
    def previous(self) -> Report:
        return self.priors[0]


def compare_reports(this: Report, priors: Sequence[Report]) -> Comparison:
    """Compare `this` with one or more earlier reports of the same agency."""
    if not priors:
        raise ValueError("compare_reports needs at least one earlier report")
    ordered = tuple(sorted(priors, key=lambda r: r.year, reverse=True))
    narrative = tuple(
        (p.year, round(s, 3), s >= NARRATIVE_THRESHOLD)
        for p in ordered
        for s in [narrative_similarity(this, p)]
    )
    return Comparison(
        this=this,
        priors=ordered,
        numbers=compare_numbers([this, *ordered]),
        wording=tuple(compare_wording(this, ordered)),
        narrative=narrative,
        problems=tuple(match_problems(ordered[0].text("problems"), this.text("problems"))),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def comparison_json(c: Comparison) -> dict[str, Any]:
    """The comparison as one JSON-ready document (`xxgk compare --json`)."""
    return {
        "agency": c.this.agency.name,
        "years": list(c.numbers.years),
        "numbers": [
            {
                "cell": r.cell,
                "label": r.label,
                "values": [_plain(v) for v in r.values],
                "shown": list(r.shown),
                "change": _plain(r.change),
                "percent": _plain(r.percent),
                "comparable": r.comparable,
            }
            for r in c.numbers.rows
        ],
        "changed_cells": [r.cell for r in c.numbers.changed],
        "unmapped_cells": list(c.numbers.unmapped),
        "wording": [
            {
                "section": w.section,
                "year": w.year,
                "prior_year": w.prior_year,
                "similarity": w.similarity,
                "flagged": w.flagged,
                "diff": [{"op": p.op, "text": p.text} for p in w.diff],
            }
            for w in c.wording
        ],
        "narrative": [{"prior_year": y, "similarity": s, "flagged": f} for y, s, f in c.narrative],
        "problems": [
            {
                "problem": m.problem,
                "status": m.status,
                "label": m.label,
                "evidence": m.evidence,
                "overlap": m.overlap,
                "similarity": m.similarity,
            }
            for m in c.problems
        ],
        "series": [
            {"cell": cid, "name": name, "values": [_plain(v) for v in values]}
            for cid, name, values in c.numbers.series()
        ],
    }
