"""This year against earlier years: numbers, wording, problems carried over."""

from __future__ import annotations

from assistant.compare.carry import CARRIED, Carried, carry_forward
from assistant.compare.comparison import Comparison, compare_reports, comparison_json
from assistant.compare.html import render_html
from assistant.compare.numbers import CellRow, NumberComparison, compare_numbers, percent_change
from assistant.compare.problems import ProblemMatch, match_problems
from assistant.compare.wording import SectionWording, compare_wording, diff_text
from assistant.report.problems import split_problems
from assistant.report.similarity import similarity, strip_boilerplate

__all__ = [
    "CARRIED",
    "Carried",
    "CellRow",
    "Comparison",
    "NumberComparison",
    "ProblemMatch",
    "SectionWording",
    "carry_forward",
    "compare_numbers",
    "compare_reports",
    "compare_wording",
    "comparison_json",
    "diff_text",
    "match_problems",
    "percent_change",
    "render_html",
    "similarity",
    "split_problems",
    "strip_boilerplate",
]
