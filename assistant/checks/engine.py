"""The rule registry and `run_checks`: every rule of SPEC c, applied by format and year."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, cast

from assistant.checks.findings import CheckResult, Finding, Severity, Status
from assistant.checks.options import CheckOptions
from assistant.report.cells import Number, format_number
from assistant.report.derived import derive
from assistant.report.layout import FormatLayout, FormatVersion, SectionId
from assistant.report.model import UNREAD, Report

# "rollup" rules (RU) judge a roll-up run passed in `options.rollup`; they run only when
# asked for with `scope="rollup"`, never on a single unit's report.
Scope = Literal["report", "narrative", "rollup"]

# SPEC c.0: for report year 2019 these drop from error to warning (the format was "可参照").
_RELAXED_2019 = frozenset({"FMT-01", "FMT-03", "FMT-04", "FMT-05", "FMT-06"})


@dataclass
class CheckContext:
    """What a rule sees: the report, last year's report when given, and helpers to speak."""

    report: Report
    prior: Report | None = None
    rule: Rule | None = None
    options: CheckOptions = field(default_factory=CheckOptions)
    severity: Severity | None = None  # the current rule's, for this report (set by run_checks)

    @cached_property
    def layout(self) -> FormatLayout:
        return self.report.layout

    @cached_property
    def unread_tables(self) -> frozenset[str]:
        """The ids of the tables the reader could not read whole (its notes say so)."""
        return frozenset(
            n.cell.split(".", 1)[0] for n in self.report.notes if n.location == UNREAD and n.cell
        )

    @cached_property
    def derived(self) -> dict[str, Number | None]:
        return derive(self.report)

    @cached_property
    def numbers(self) -> dict[str, Number]:
        """Every given cell that holds a number → its value; blank, "/", "—" and text are absent.
        Built once per run, so the table identities read plain values."""
        # a Cell's value is set only when its kind is "number"
        return {cid: v for cid, c in self.report.cells.items() if (v := c.value) is not None}

    def v(self, cell_id: str) -> Number | None:
        """A cell's number, or a derived value; None when unknown (blank, "/", text, absent)."""
        value = self.numbers.get(cell_id)
        if value is not None or cell_id in self.report.cells:
            return value
        if self.layout.has_cell(cell_id):
            return None  # a table cell the source did not give
        # derived values are computed only when a rule asks for one (derive() is the slow part)
        return self.derived.get(cell_id)

    def where(self, cell_id: str) -> str:
        return self.layout.cell(cell_id).describe() if self.layout.has_cell(cell_id) else cell_id

    def names(self, cells: Iterable[str], limit: int = 3) -> str:
        """The Chinese locations of some cells, e.g. 表三「…」行「自然人」列、…等5处."""
        cells = list(cells)
        text = "、".join(self.where(c) for c in cells[:limit])
        return text + (f"等{len(cells)}处" if len(cells) > limit else "")

    def finding(
        self,
        status: Status,
        message: str = "",
        *,
        cells: Iterable[str] = (),
        expected: object = None,
        found: object = None,
        severity: Severity | None = None,
        section: SectionId | None = None,
        quote: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> Finding:
        rule = self.rule
        assert rule is not None
        if not message and status == "pass":
            message = f"{rule.title}：通过"
        # tuple.__new__ straight: the named tuple's own __new__ is Python code, and a batch
        # review makes some 45 findings per report
        return _new_finding(
            Finding,
            (
                rule.id,
                severity or self.severity or rule.severity_for(self.report),
                status,
                message,
                cells if type(cells) is tuple else tuple(cells),
                None if expected is None else _text(expected),
                None if found is None else _text(found),
                section,
                quote,
                start,
                end,
            ),
        )

    def passed(self, message: str = "", **kw: object) -> Finding:
        return self.finding("pass", message, **kw)  # type: ignore[arg-type]

    def fail(self, message: str, **kw: object) -> Finding:
        return self.finding("fail", message, **kw)  # type: ignore[arg-type]

    def unknown(self, cells: Iterable[str], message: str = "", **kw: object) -> Finding:
        """NOT_ASSESSABLE: a needed cell is blank, "/", "—", text or missing (SPEC c.0)."""
        cells = tuple(cells)
        missing = [c for c in cells if self.v(c) is None and self.layout.has_cell(c)]
        names = "、".join(self.where(c) for c in missing[:3]) + ("等" if len(missing) > 3 else "")
        if any(c.split(".", 1)[0] in self.unread_tables for c in missing):
            text = (
                message or f"{names}未能从原文读取（见读取说明），无法判断。请核对原表或手工补录。"
            )
        else:
            text = message or f"{names}未填写数字，无法判断。请填写（没有的填 0）。"
        return self.finding("not_assessable", text, cells=cells, **kw)  # type: ignore[arg-type]


_new_finding = tuple.__new__


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return format_number(value)  # type: ignore[arg-type]
    return str(value)


RuleFunc = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    formats: frozenset[FormatVersion]
    title: str  # short Chinese name, e.g. 表三列勾稽关系
    func: RuleFunc
    scope: Scope = "report"
    needs_prior: bool = False

    def severity_for(self, report: Report) -> Severity:
        if report.year == 2019 and self.id in _RELAXED_2019 and self.severity == "error":
            return "warning"
        return self.severity


_REGISTRY: dict[str, Rule] = {}
_ORDERED: list[Rule] = []


def rule(
    rule_id: str,
    severity: Severity,
    formats: str = "19/21",
    *,
    title: str,
    scope: Scope = "report",
    needs_prior: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule. `formats` is SPEC's notation: "19", "21" or "19/21" ("08": also the
    reports from before the 2019 format)."""
    fmts = frozenset(cast(FormatVersion, "20" + f) for f in formats.split("/"))

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = Rule(
            rule_id,
            severity,
            fmts,
            title,
            func,
            scope,
            needs_prior,
        )
        _ORDERED.clear()
        _APPLICABLE.clear()
        return func

    return register


def registered_rules() -> list[Rule]:
    if not _ORDERED:
        _load_rule_modules()
        _ORDERED.extend(sorted(_REGISTRY.values(), key=lambda r: _rule_order(r.id)))
    return list(_ORDERED)


def _rule_order(rule_id: str) -> tuple[int, str, int]:
    prefix, _, num = rule_id.partition("-")
    order = ["FMT", "T2", "T3", "T4", "XY", "NAR", "S1", "S5", "S6", "PUB", "RU"]
    return (order.index(prefix) if prefix in order else 99, prefix, int(num or 0))


def _load_rule_modules() -> None:
    # importing the modules registers their rules; each module holds one family of SPEC c
    # (found in this file's folder, not through the package object: the package imports this
    # module, and importing it back from here made the only cycle of the import graph)
    import importlib
    import pkgutil
    from pathlib import Path

    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("rules_"):
            importlib.import_module(f"{__package__}.{info.name}")


def run_checks(
    report: Report,
    *,
    prior: Report | None = None,
    only: Iterable[str] | None = None,
    scope: Scope | None = None,
    options: CheckOptions | None = None,
) -> CheckResult:
    """Apply every rule that fits the report's format (and needs no prior, unless given)."""
    rules = _applicable(report.format, scope, prior is not None)
    if only is not None:
        wanted = set(only)
        rules = tuple(r for r in rules if r.id in wanted)
    findings: list[Finding] = []
    # one context for the whole run: the layout and the derived values (computed only when a
    # rule first asks) are the same for every rule; only `rule` changes
    ctx = CheckContext(report=report, prior=prior, options=options or CheckOptions())
    for r in rules:
        ctx.rule, ctx.severity = r, r.severity_for(report)
        findings.extend(r.func(ctx))
    return CheckResult(findings=findings)


_APPLICABLE: dict[tuple[str, Scope | None, bool], tuple[Rule, ...]] = {}


def _applicable(fmt: FormatVersion, scope: Scope | None, has_prior: bool) -> tuple[Rule, ...]:
    """The rules one run applies, in SPEC order; worked out once per kind of run."""
    key = (fmt, scope, has_prior)
    if key not in _APPLICABLE:
        _APPLICABLE[key] = tuple(
            r
            for r in registered_rules()
            if fmt in r.formats
            and (r.scope == scope if scope is not None else r.scope != "rollup")
            and (has_prior or not r.needs_prior)
        )
    return _APPLICABLE[key]
