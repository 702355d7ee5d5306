"""Findings are data: rule id, severity, status, Chinese message, evidence cells, location."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from assistant.report.layout import SectionId

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "not_assessable"]
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"pass": "通过", "fail": "不通过", "not_assessable": "无法判断"}


class Finding(NamedTuple):
    """One rule's verdict on one place. `fingerprint` is stable across re-runs (rule id + cells,
    or + the quoted sentence for narrative findings), so a person's decision on it survives.

    An immutable named tuple rather than a validated model: the engine is its only maker, and a
    batch review makes some 45 of them per report (a model's validation was a third of a check).
    """

    rule: str
    severity: Severity
    status: Status
    message: str
    cells: tuple[str, ...] = ()
    expected: str | None = None
    found: str | None = None
    section: SectionId | None = None  # narrative findings: where the sentence is
    quote: str | None = None  # the sentence the finding is about
    start: int | None = None  # character offsets of `quote` in that section's text
    end: int | None = None

    @property
    def fingerprint(self) -> str:
        key = "|".join([self.rule, ",".join(sorted(self.cells)), self.quote or ""])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_json(self) -> dict[str, Any]:
        """The finding as `xxgk check --json` writes it (every field, cells as a list)."""
        data: dict[str, Any] = self._asdict()
        data["cells"] = list(self.cells)
        data["fingerprint"] = self.fingerprint
        return data


@dataclass(slots=True)
class CheckResult:
    """Every finding of one run, passes and not-assessables included."""

    findings: list[Finding]

    def failures(self, severity: Severity | None = None) -> list[Finding]:
        return [
            f for f in self.findings if f.failed and (severity is None or f.severity == severity)
        ]

    @property
    def errors(self) -> list[Finding]:
        return self.failures("error")

    @property
    def warnings(self) -> list[Finding]:
        return self.failures("warning")

    @property
    def not_assessable(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "not_assessable"]

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]
