"""Findings are data: rule id, severity, status, Chinese message, evidence cells, location."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from assistant.report.layout import SectionId

Severity = Literal["error", "warning", "info"]
Status = Literal["pass", "fail", "not_assessable"]
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"pass": "通过", "fail": "不通过", "not_assessable": "无法判断"}


class Finding(BaseModel):
    """One rule's verdict on one place. `fingerprint` is stable across re-runs (rule id + cells,
    or + the quoted sentence for narrative findings), so a person's decision on it survives."""

    model_config = ConfigDict(frozen=True)

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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fingerprint(self) -> str:
        key = "|".join([self.rule, ",".join(sorted(self.cells)), self.quote or ""])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    @property
    def failed(self) -> bool:
        return self.status == "fail"


class CheckResult(BaseModel):
    """Every finding of one run, passes and not-assessables included."""

    findings: list[Finding]

    def failures(self, severity: Severity | None = None) -> list[Finding]:
        return [f for f in self.findings
                if f.failed and (severity is None or f.severity == severity)]

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
