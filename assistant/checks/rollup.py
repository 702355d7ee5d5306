"""A roll-up run (SPEC f): match unit reports to the roster, check each, sum, check the sum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.checks.engine import run_checks
from assistant.checks.findings import CheckResult
from assistant.checks.options import CheckOptions
from assistant.checks.rollup_run import RollupRun, UnitEntry
from assistant.checks.rules_publication import deadline_for, deadline_kind
from assistant.report.layout import FormatVersion, format_for_year
from assistant.report.mapping import to_fmt2021
from assistant.report.model import Agency, Report
from assistant.report.rollup import RosterUnit, aggregate, name_key, unit_name

# the rules the aggregate itself is checked with (no narrative: the office writes that later)
AGGREGATE_RULES = (
    "FMT-04",
    "FMT-05",
    "FMT-06",
    "FMT-08",
    "FMT-09",
    "T2-01",
    "T2-02",
    "T2-05",
    "T2-06",
    "T2-07",
    "T3-01",
    "T3-02",
    "T3-03",
    "T3-04",
    "T3-05",
    "T3-07",
    "T4-01",
    "T4-02",
    "T4-03",
    "S6-02",
    "S6-03",
    "S6-09",
)


def _with_profile(report: Report, unit: RosterUnit | None) -> Report:
    """The roster knows a unit's kind and level when its file does not."""
    if unit is None:
        return report
    agency = report.agency.model_copy(
        update={
            "name": report.agency.name or unit.name,
            "kind": report.agency.kind or unit.kind,
            "level": report.agency.level or unit.level,
        }
    )
    return report.model_copy(update={"agency": agency})


def run_rollup(
    units: Sequence[RosterUnit],
    files: Sequence[tuple[str, Report | str]],
    *,
    year: int,
    format: FormatVersion | None = None,
    agency: Agency | None = None,
    prior: Report | None = None,
    prior_units: Sequence[str] | None = None,
    options: CheckOptions | None = None,
) -> RollupRun:
    """`files` pairs each file name with its Report, or with the Chinese reason it was unreadable.
    Every readable report is checked; roster units are matched by name."""
    fmt = format or format_for_year(year)
    by_key = {u.key: u for u in units}
    seen: dict[str, str] = {}
    included: list[UnitEntry] = []
    run = RollupRun(
        year=year,
        format=fmt,
        agency=agency or Agency(name="汇总", kind="government"),
        roster=tuple(units),
        included=included,
        aggregate=aggregate([], year=year, format=fmt),
        prior=prior,
        prior_units=tuple(prior_units) if prior_units is not None else None,
    )
    for path, item in files:
        if isinstance(item, str):
            run.unreadable.append((path, item))
            continue
        name = unit_name(item, path)
        unit = by_key.get(name_key(name))
        report = _with_profile(item, unit)
        name = unit.name if unit else name
        if unit is None and report.agency.kind == "vertical" or unit is not None and unit.vertical:
            run.vertical.append((name, path))
            continue
        if unit is None:
            run.unlisted.append((name, path))
            continue
        if unit.key in seen:
            run.duplicates.append((name, path))
            continue
        seen[unit.key] = path
        opts = options or CheckOptions()
        if unit.deadline:
            opts = replace(opts, deadline=unit.deadline)
        result = run_checks(report, options=opts)
        if report.year != year:
            run.wrong_year.append((name, path, report.year))
            continue
        if report.format != fmt:
            run.wrong_format.append((name, path, report.format))
            if not (report.format == "2019" and fmt == "2021"):
                continue  # no mapping from fmt2021 back to fmt2019
            # SPEC RU-05: convert by b.6 first; the unmappable cells stay blank and are listed
            report = to_fmt2021(report).report
        kind = deadline_kind(report) or "department"
        due = unit.deadline or deadline_for(report, kind, opts)
        included.append(UnitEntry(name, path, report, result, unit, due, report.publication.date))
    run.missing = [u for u in units if not u.vertical and u.key not in seen]
    run.aggregate = aggregate(
        [u.report for u in included],
        year=year,
        format=fmt,
        agency=run.agency,
        names=[u.name for u in included],
    )
    return run


def check_rollup(
    run: RollupRun, *, published: Report | None = None, options: CheckOptions | None = None
) -> CheckResult:
    """The aggregate checked with the table identities and the RU rules. `published` is an
    aggregate someone made or edited by hand: RU-03 compares it with the sum of the units."""
    target = published or run.aggregate.report
    tables = run_checks(target, only=AGGREGATE_RULES, scope="report")
    ru = run_checks(target, scope="rollup", options=replace(options or CheckOptions(), rollup=run))
    return CheckResult(findings=[*tables.findings, *ru.findings])
