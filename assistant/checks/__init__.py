"""The rules of SPEC c as data-producing functions: `run_checks(report) -> CheckResult`.

Rules live in `rules_<family>.py` modules (structure, tables, cross-year, narrative, fees,
publication, roll-up); each registers itself with `@rule(...)` from `engine`."""

from __future__ import annotations

from assistant.checks.engine import CheckContext, Rule, registered_rules, rule, run_checks
from assistant.checks.findings import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    CheckResult,
    Finding,
    Severity,
    Status,
)
from assistant.checks.options import CheckOptions

__all__ = [
    "SEVERITY_LABELS",
    "STATUS_LABELS",
    "CheckContext",
    "CheckOptions",
    "CheckResult",
    "Finding",
    "Rule",
    "Severity",
    "Status",
    "registered_rules",
    "rule",
    "run_checks",
]
