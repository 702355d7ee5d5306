"""One reviewer's comparison of a report with earlier years: numbers, wording, problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from assistant.checks import Finding, run_checks
from assistant.compare.numbers import NumberComparison, compare_numbers
from assistant.compare.problems import (
    MeaningSimilarity,
    ProblemMatch,
    ProblemThread,
    match_problems,
    trace_problems,
)
from assistant.compare.wording import (
    NARRATIVE_THRESHOLD,
    SectionWording,
    compare_wording,
    narrative_similarity,
)
from assistant.report import Report

# The rules that need last year's report (SPEC c.5): run on every pair of consecutive years
# given, so a chain broken in any year of the series shows on its cell.
CROSS_YEAR_RULES = ("XY-01", "XY-02", "XY-03", "XY-04", "XY-05", "XY-06", "XY-07", "XY-08")


@dataclass(frozen=True)
class YearFinding:
    """A cross-year rule's failure for one year against the year before it."""

    year: int
    prior_year: int
    finding: Finding

    def as_json(self) -> dict[str, Any]:
        f = self.finding
        return {
            "rule": f.rule,
            "severity": f.severity,
            "year": self.year,
            "prior_year": self.prior_year,
            "message": f.message,
            "cells": list(f.cells),
            "section": f.section,
            "quote": f.quote,
            "expected": f.expected,
            "found": f.found,
        }


@dataclass(frozen=True)
class Comparison:
    this: Report
    priors: tuple[Report, ...]  # newest first
    numbers: NumberComparison
    wording: tuple[SectionWording, ...]
    narrative: tuple[tuple[int, float, bool], ...]  # (prior year, similarity, flagged)
    problems: tuple[ProblemMatch, ...]  # last year's 五 against this year's
    threads: tuple[ProblemThread, ...] = ()  # every year's problems, followed over the years
    crossyear: tuple[YearFinding, ...] = ()  # XY failures of each year against the one before
    meaning_used: bool = False  # repeated problems were matched by meaning, not wording only

    @property
    def previous(self) -> Report:
        return self.priors[0]

    @property
    def repeated_threads(self) -> tuple[ProblemThread, ...]:
        return tuple(t for t in self.threads if t.repeated)

    def cell_findings(self, cell: str) -> list[YearFinding]:
        """The cross-year failures about one cell (its first evidence cell is the one checked)."""
        return [y for y in self.crossyear if y.finding.cells and y.finding.cells[0] == cell]

    def section_findings(self, section: str) -> list[YearFinding]:
        """The cross-year failures about a narrative section (no cell of their own)."""
        return [y for y in self.crossyear if not y.finding.cells and y.finding.section == section]

    def report_findings(self) -> list[YearFinding]:
        """The cross-year failures shown at the top: about the whole report, or about a cell
        the comparison's rows do not hold (an older format's own cell)."""
        rows = {r.cell for r in self.numbers.rows}
        return [
            y
            for y in self.crossyear
            if (y.finding.cells and y.finding.cells[0] not in rows)
            or (not y.finding.cells and y.finding.section is None)
        ]


def _crossyear(series: Sequence[Report]) -> tuple[YearFinding, ...]:
    out = []
    for before, after in zip(series, series[1:], strict=False):
        if after.year != before.year + 1:
            continue  # the XY rules compare consecutive years only
        result = run_checks(after, prior=before, only=CROSS_YEAR_RULES)
        out += [YearFinding(after.year, before.year, f) for f in result.failures()]
    return tuple(out)


def compare_reports(
    this: Report, priors: Sequence[Report], *, meaning: MeaningSimilarity | None = None
) -> Comparison:
    """Compare `this` with one or more earlier reports of the same agency. `meaning` (injected
    by the caller: the embedding model) lets a reworded problem count as the same one."""
    if not priors:
        raise ValueError("compare_reports needs at least one earlier report")
    ordered = tuple(sorted(priors, key=lambda r: r.year, reverse=True))
    narrative = tuple(
        (p.year, round(s, 3), s >= NARRATIVE_THRESHOLD)
        for p in ordered
        for s in [narrative_similarity(this, p)]
    )
    series = [*reversed(ordered), this]
    threads = tuple(trace_problems([(r.year, r.text("problems")) for r in series], meaning))
    last = ordered[0]
    matches = []
    for m in match_problems(last.text("problems"), this.text("problems"), meaning):
        thread = next(
            (t for t in threads if (last.year, m.problem) in t.wordings),
            None,
        )
        matches.append(replace(m, years=thread.years if thread else (last.year,)))
    return Comparison(
        this=this,
        priors=ordered,
        numbers=compare_numbers([this, *ordered]),
        wording=tuple(compare_wording(this, ordered)),
        narrative=narrative,
        problems=tuple(matches),
        threads=threads,
        crossyear=_crossyear(series),
        meaning_used=meaning is not None and not getattr(meaning, "failed", None),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def _anchor(c: Comparison, y: YearFinding) -> dict[str, str]:
    """Where the comparison shows a cross-year failure: its cell's row, its section, or the top."""
    cells = {r.cell for r in c.numbers.rows}
    if y.finding.cells and y.finding.cells[0] in cells:
        return {"cell": y.finding.cells[0]}
    if y.finding.section is not None:
        return {"section": y.finding.section}
    return {"report": c.this.agency.name or ""}


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
                "findings": [y.as_json() for y in c.cell_findings(r.cell)],
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
                "label": w.label,
                "diff": [{"op": p.op, "text": p.text} for p in w.diff],
                "findings": [
                    y.as_json()
                    for y in c.section_findings(w.section)
                    if (y.year, y.prior_year) == (w.year, w.prior_year)
                ],
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
                "meaning": m.meaning,
                "years": list(m.years),
            }
            for m in c.problems
        ],
        "problems_findings": [y.as_json() for y in c.section_findings("problems")],
        "problem_threads": [
            {
                "problem": t.latest,
                "years": list(t.years),
                "wordings": [{"year": y, "text": text} for y, text in t.wordings],
            }
            for t in c.threads
        ],
        "repeated_problems": [
            {"problem": t.latest, "years": list(t.years)} for t in c.repeated_threads
        ],
        "meaning_used": c.meaning_used,
        "crossyear": [{**y.as_json(), "anchor": _anchor(c, y)} for y in c.crossyear],
        "series": [
            {"cell": cid, "name": name, "values": [_plain(v) for v in values]}
            for cid, name, values in c.numbers.series()
        ],
    }
