"""What a caller tells the rules beyond the report itself: the office's settings (publication
deadlines, read at the edge from `config.CheckSettings` and passed in) and facts the report does
not state (a unit's deadline on a roster, the 专栏 address, copies found elsewhere). Each field's
default is SPEC's; the rules that read a field say so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.report.model import Report

if TYPE_CHECKING:
    from assistant.checks.rollup_run import RollupRun


@dataclass(frozen=True)
class CheckOptions:
    # PUB-01…03, PUB-07: deadline kind → "MM-DD" in year Y+1 (or a date), over SPEC's defaults
    deadlines: Mapping[str, str | dt.date] = field(default_factory=dict)
    deadline: dt.date | None = None  # PUB-01/03: this unit's own deadline (a roll-up roster)
    may_make_rules: bool | None = None  # T2-01: whether the agency makes 规章 (国务院部门)
    procurement_unit: str | None = None  # T2-07: the unit printed in the table's header
    scope_unchanged: bool = False  # XY-01: the statistics' scope is the same as last year's
    carry_out_share: float = 0.5  # T3-06: 结转下年度 at most this share of 新收 …
    carry_out_min_new: int = 10  # … once 新收 exceeds this many
    other_share: float = 0.2  # T3-07: 其他处理 at most this share of the total …
    other_min_total: int = 10  # … once the total reaches this many
    central_publication: tuple[str, ...] = ()  # PUB-04: the 专栏 address(es)
    earlier_versions: tuple[Report, ...] = ()  # PUB-05: earlier captures of the report
    copies: tuple[Report, ...] = ()  # PUB-06: the report as found on other platforms
    system_aggregate: bool = False  # PUB-07: a 垂直管理部门's 全系统汇总
    rollup: RollupRun | None = None  # RU-01…08: the roll-up run they judge

    @classmethod
    def from_settings(cls, deadlines: Mapping[str, str]) -> CheckOptions:
        """The options an office's settings give (`settings.checks.deadlines`)."""
        return cls(deadlines=dict(deadlines))
