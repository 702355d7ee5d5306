"""Roll-up: read every unit's report in a folder, sum them against the roster, check the sum."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from assistant.checks.findings import CheckResult
from assistant.checks.options import CheckOptions
from assistant.checks.rollup import RollupRun, check_rollup, run_rollup
from assistant.errors import InputError
from assistant.ingest import read_report
from assistant.ingest.roster import read_roster
from assistant.report.model import Agency, Report
from assistant.usecases.batch import report_files


def rollup_folder(
    roster: Path,
    folder: Path,
    *,
    year: int | None = None,
    prior: Path | None = None,
    published: Path | None = None,
    options: CheckOptions | None = None,
) -> tuple[RollupRun, CheckResult]:
    """Check every unit's report of `folder`, sum them as the roster says, and check the sum
    (against the aggregate as published, when given). `prior` is last year's aggregate."""
    names = read_roster(roster)
    files = _read_units(folder)
    y = _year(names.year, files, year)
    run = run_rollup(
        names.units,
        files,
        year=y,
        agency=names.agency or Agency(name=f"{y}年度汇总", kind="government"),
        prior=read_report(prior) if prior is not None else None,
        prior_units=_prior_units(prior) if prior is not None else None,
        options=options,
    )
    target = read_report(published) if published is not None else None
    return run, check_rollup(run, published=target, options=options)


def _read_units(folder: Path) -> list[tuple[str, Report | str]]:
    """Every report file in the folder: its Report, or the Chinese reason it is unusable."""
    out: list[tuple[str, Report | str]] = []
    for path in report_files(folder):
        name = str(path.relative_to(folder))
        try:
            out.append((name, read_report(path)))
        except InputError as exc:
            out.append((name, exc.message))
    return out


def _year(roster_year: int | None, files: list[tuple[str, Report | str]], given: int | None) -> int:
    if given:
        return given
    if roster_year:
        return roster_year
    years = Counter(r.year for _, r in files if isinstance(r, Report))
    if not years:
        raise InputError("文件夹中没有可读取的单位报告，无法确定汇总年度。请用 --year 指定。")
    return years.most_common(1)[0][0]


def _prior_units(path: Path) -> list[str] | None:
    """The unit list a previous `xxgk rollup --out/--json` recorded in `report.units`."""
    if path.suffix.lower() != ".json":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    header = data.get("report") if isinstance(data, dict) else None
    units = header.get("units") if isinstance(header, dict) else None
    return [str(u) for u in units] if isinstance(units, list) else None
