"""A report in the workspace: create it, import data into it, and gather what a workflow needs
of it (last year's report, the staff's notes, the decisions taken on findings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant.checks.options import CheckOptions
from assistant.compare.carry import carry_forward
from assistant.config import LimitSettings
from assistant.errors import InputError
from assistant.export.filenames import safe_stem
from assistant.export.gate import FindingDecision
from assistant.ingest import read_report
from assistant.limits import DEFAULT_LIMITS
from assistant.report import SECTION_IDS, Agency, Report, SectionId, format_for_year, zero_report
from assistant.report.citations import CITATION_MARK
from assistant.store import StoredReport, Workspace

FIRST_YEAR, LAST_YEAR = 2008, 2100  # the 条例 took effect on 2008-05-01


@dataclass(frozen=True)
class ReportContext:
    """One report and what its workflows read beside it. `workspace_id` is None for a report
    read from a file; `notes` are the staff's notes per section, oldest first."""

    report: Report
    stem: str  # a name for the files written from it, e.g. 某局2025年度报告
    prior: Report | None = None
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    decisions: dict[str, FindingDecision] = field(default_factory=dict)
    workspace_id: int | None = None
    options: CheckOptions = field(default_factory=CheckOptions)  # what the checks are told
    # a data file's 备注: working notes for whoever drafts (their numbers may be cited, the
    # model reads them), never pasted into the report as they are
    remarks: dict[str, str] = field(default_factory=dict)
    # what the accepted text's [n] cite, per section: the provenance stored with its version
    citations: tuple[tuple[SectionId, int, str], ...] = ()

    def notes_text(self) -> dict[str, str]:
        """The notes of each section as one text, a note per line (the fact ledger's input)."""
        return {s: "\n".join(texts).strip() for s, texts in self.notes.items()}


_DATA_FILES = (".yaml", ".yml", ".json")  # the files that carry 备注 beside the figures


def file_context(
    path: Path,
    *,
    prior: Path | None = None,
    options: CheckOptions,
    year: int | None = None,
    agency: str | None = None,
    limits: LimitSettings = DEFAULT_LIMITS,
) -> ReportContext:
    """A report read from a file, with last year's from another file when given; `year` and
    `agency` stand in for what a published report does not print. A data file's 备注 are the
    staff's notes the drafts use."""
    remarks: dict[str, str] = {}
    if path.suffix.lower() in _DATA_FILES:
        from assistant.ingest.datafile import read_notes

        notes = read_notes(path, limits=limits)
        remarks = {section: text for section, text in notes.items() if text.strip()}
    return ReportContext(
        read_report(path, year=year, agency=agency, limits=limits),
        path.stem,
        prior=read_report(prior, limits=limits) if prior is not None else None,
        options=options,
        remarks=remarks,
    )


def workspace_context(
    ws: Workspace, stored: StoredReport, *, with_prior: bool, options: CheckOptions
) -> ReportContext:
    """A stored report with its notes and decisions, and (`with_prior`) last year's report of
    the same agency when the workspace holds it."""
    notes: dict[str, tuple[str, ...]] = {}
    for note in ws.notes(stored.id):
        notes[note.section] = (*notes.get(note.section, ()), note.text)
    decisions = {
        fp: FindingDecision(d.decision, d.reason, d.author)
        for fp, d in ws.decisions(stored.id).items()
    }
    return ReportContext(
        stored.report,
        f"{safe_stem(stored.agency, fallback='报告')}{stored.year}年度报告",
        prior=prior_of(ws, stored.report) if with_prior else None,
        notes=notes,
        decisions=decisions,
        workspace_id=stored.id,
        options=options,
        citations=accepted_citations(ws, stored),
    )


def accepted_citations(
    ws: Workspace, stored: StoredReport
) -> tuple[tuple[SectionId, int, str], ...]:
    """What the [n] of each section's accepted text cite: the sources kept with the newest
    version whose text it is (a person's own text cites nothing of the knowledge base)."""
    out: list[tuple[SectionId, int, str]] = []
    for section in SECTION_IDS:
        text = stored.report.text(section)
        if not text or not CITATION_MARK.search(text):
            continue
        version = next((v for v in reversed(ws.drafts(stored.id, section)) if v.text == text), None)
        for source in (version.sources or []) if version is not None else []:
            out.append((section, int(source["n"]), str(source["label"])))
    return tuple(out)


def prior_of(ws: Workspace, report: Report) -> Report | None:
    """Last year's report of the same agency, when the workspace holds it."""
    stored = ws.find_report(report.agency.name, report.year - 1)
    return stored.report if stored is not None else None


def pick_report(ws: Workspace, agency: str | None, year: int | None) -> StoredReport:
    """The report named by agency and year; either may be left out when only one report fits."""
    fits = [
        s
        for s in ws.reports()
        if (agency is None or s.agency == agency) and (year is None or s.year == year)
    ]
    if len(fits) == 1:
        return ws.load_report(fits[0].id)
    if not fits:
        what = f"{agency or ''}{f'{year}年度' if year else ''}报告" if agency or year else "报告"
        raise InputError(
            f"工作区中没有{what}。请用 xxgk report list 查看，"
            "或用 xxgk report new 机关名称 年度 新建。"
        )
    names = "；".join(f"{s.agency} {s.year}" for s in fits)
    raise InputError(f"工作区中有多份报告（{names}）。请用 -a 机关名称 -y 年度 指明是哪一份。")


def report_year(year: object) -> int:
    """The year a person typed, as a number in the range reports exist for."""
    try:
        value = int(year)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise InputError(f"年度“{year}”不是年份。请填写四位数字，例如 2025。") from exc
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise InputError(f"年度 {value} 不在可用范围内。请填写 {FIRST_YEAR} 年以后的年度。")
    return value


@dataclass(frozen=True)
class Created:
    stored: StoredReport
    carried: tuple[str, ...]  # the cells filled from last year's closing figures


def create_report(
    ws: Workspace,
    agency: str,
    year: int,
    *,
    prior: Report | None = None,
    prior_source: Path | None = None,
    blank: bool = False,
    author: str,
) -> Created:
    """A new report for agency × year: every table cell 0 (or, `blank`, not filled in: the web
    app's tables start so), the agency's saved profile, and the opening figures (上年结转,
    现行有效件数) from last year's report: `prior` (read from `prior_source`), or else the
    workspace's."""
    if prior is not None and prior.year != year - 1:
        name = prior_source.name if prior_source is not None else "所给上年报告"
        raise InputError(
            f"{name} 是{prior.year}年度的报告，不是{year - 1}年度的。请提供上一年度的报告。",
            source=prior_source,
        )
    report = (
        Report(agency=Agency(name=agency), year=year, format=format_for_year(year))
        if blank
        else zero_report(year, agency)
    )
    profile = ws.agency(agency)
    if profile is not None:
        report = report.model_copy(update={"agency": profile})
    if prior is None:
        prior = prior_of(ws, report)
    carried: tuple[str, ...] = ()
    if prior is not None:
        result = carry_forward(prior, report)
        report, carried = result.report, result.filled
    return Created(ws.create_report(report, author=author), carried)


@dataclass(frozen=True)
class Imported:
    stored: StoredReport | None  # the report before the import; None when it was created
    version: int  # the version saved (the same as before when nothing changed)
    changes: int  # cells and texts changed
    notes: int = 0  # staff notes (备注) of the file added to the report


def import_data(
    ws: Workspace,
    data: Report,
    *,
    source: Path,
    agency: str | None,
    year: int | None,
    author: str,
    notes: Mapping[str, str] | None = None,
) -> Imported:
    """A data file's cells, non-empty sections and profile fields over the workspace's report
    of agency × year (created from the file when there is none); every change is recorded.
    The file's staff notes (备注, section → text) are added to the report's notes, each once."""
    agency = agency or data.agency.name or None
    year = year or data.year
    if data.year != year:
        raise InputError(
            f"{source.name} 是{data.year}年度的数据，不能导入{year}年度报告。", source=source
        )
    found = ws.find_report(agency, year) if agency else None
    if found is None and agency is None:
        found = pick_report(ws, None, year)
    if found is None:
        data = data.model_copy(update={"agency": data.agency.model_copy(update={"name": agency})})
        created = ws.create_report(data, author=author)
        return Imported(None, created.version, 0, _add_notes(ws, created.id, notes, author))
    version = ws.save_report(
        found.id, merge_data(found.report, data), expected_version=found.version, author=author
    )
    changes = [c for c in ws.changes(found.id) if c.report_version == version]
    added = _add_notes(ws, found.id, notes, author)
    return Imported(found, version, len(changes) if version != found.version else 0, added)


def _add_notes(ws: Workspace, report_id: int, notes: Mapping[str, str] | None, author: str) -> int:
    """The notes not already there (the same text in the same section): importing the same
    file twice adds nothing."""
    have = {(n.section, n.text.strip()) for n in ws.notes(report_id)}
    added = 0
    for section, text in (notes or {}).items():
        if text.strip() and (section, text.strip()) not in have:
            ws.add_note(report_id, section, text.strip(), author=author)
            added += 1
    return added


def merge_data(current: Report, data: Report) -> Report:
    """The file's cells and non-empty sections and profile fields over the stored report."""
    sections = {**current.sections, **{k: v for k, v in data.sections.items() if v.text}}
    profile = {k: v for k, v in data.agency.model_dump().items() if v not in (None, "")}
    profile.pop("name", None)
    return current.model_copy(
        update={
            "cells": {**current.cells, **data.cells},
            "sections": sections,
            "agency": current.agency.model_copy(update=profile),
            "format": data.format,
        }
    )


@dataclass(frozen=True)
class PriorImported:
    prior: Report  # last year's report as kept in the workspace
    report: Report  # this year's, its opening figures filled from last year's closing ones
    filled: tuple[str, ...]  # the cells filled: this year's report is to be saved when any


def import_prior(
    ws: Workspace, current: Report, prior: Report, *, source: str, author: str
) -> PriorImported:
    """Keep last year's published report in the workspace as this agency's report of the year
    before, and prefill this year's opening figures from its closing ones (never over a clerk's
    entry). The caller saves this year's report, as it saves any edit of it."""
    year = current.year - 1
    if prior.year != year:
        raise InputError(
            f"“{source}”是{prior.year}年度的报告，而上一年度是{year}年。请上传{year}年度的报告。"
        )
    # the published text may spell the agency differently; it is this agency's report
    prior = prior.model_copy(
        update={"agency": prior.agency.model_copy(update={"name": current.agency.name})}
    )
    existing = ws.find_report(current.agency.name, year)
    if existing is None:
        ws.create_report(prior, author=author)
    else:
        ws.save_report(existing.id, prior, expected_version=existing.version, author=author)
    carried = carry_forward(prior, current)
    return PriorImported(prior, carried.report, carried.filled)
