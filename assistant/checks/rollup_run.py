"""What a roll-up run found: the units included and left out, and the sum (SPEC f). The data
the RU rules judge, apart from the run itself (checks/rollup.py), which runs the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.checks.findings import CheckResult, Finding
from assistant.report.layout import FormatVersion
from assistant.report.model import Agency, Report
from assistant.report.rollup import Aggregate, RosterUnit

# RU-01: the table rules each included unit must pass before the aggregate is final
UNIT_TABLE_RULES = (
    "FMT-04",
    "FMT-05",
    "FMT-06",
    "FMT-08",
    "FMT-09",
    "T3-01",
    "T3-02",
    "T3-03",
    "T4-01",
    "T4-02",
    "T4-03",
)


@dataclass(frozen=True)
class UnitEntry:
    """One unit report found in the folder and included in the sum."""

    name: str
    path: str
    report: Report
    result: CheckResult
    roster: RosterUnit | None
    deadline: dt.date | None
    published: dt.date | None

    @property
    def late_days(self) -> int | None:
        if self.published is None or self.deadline is None:
            return None
        return (self.published - self.deadline).days

    @property
    def table_failures(self) -> list[Finding]:
        return [f for f in self.result.findings if f.failed and f.rule in UNIT_TABLE_RULES]


@dataclass
class RollupRun:
    year: int
    format: FormatVersion
    agency: Agency
    roster: tuple[RosterUnit, ...]
    included: list[UnitEntry]
    aggregate: Aggregate
    missing: list[RosterUnit] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (unit, file left out)
    vertical: list[tuple[str, str]] = field(default_factory=list)  # (unit, file left out)
    unlisted: list[tuple[str, str]] = field(default_factory=list)  # (unit, file left out)
    # (unit, file, format): fmt2019 units of a fmt2021 year are converted and summed, others left out
    wrong_format: list[tuple[str, str, str]] = field(default_factory=list)
    wrong_year: list[tuple[str, str, int]] = field(default_factory=list)  # (unit, file, year)
    prior: Report | None = None  # last year's aggregate (RU-07)
    prior_units: tuple[str, ...] | None = None

    @property
    def failing(self) -> list[UnitEntry]:
        return [u for u in self.included if u.table_failures]

    @property
    def late(self) -> list[UnitEntry]:
        return [u for u in self.included if (u.late_days or 0) > 0]

    @property
    def complete(self) -> bool:
        return not (
            self.missing or self.unreadable or self.failing or self.wrong_format or self.wrong_year
        )
