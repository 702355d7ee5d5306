"""Publishing: the publish gate over a report, the export behind it, the reviewer package."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.checks import run_checks
from assistant.checks.guard import guard_text, matching_facts
from assistant.errors import ExportError
from assistant.export import document
from assistant.export.appendix import ReviewerAppendix, build_appendix, sentence_around
from assistant.export.docx import write_docx
from assistant.export.gate import (
    DRAFT,
    FINAL,
    GUARDED_SECTIONS,
    GateInput,
    GateResult,
    UntracedNumber,
    enforce_gate,
    evaluate_gate,
    gate_input,
)
from assistant.report import Report
from assistant.report.facts import FactLedger, build_ledger
from assistant.store import Workspace
from assistant.usecases.workspace import ReportContext

FORMATS = ("docx", "html", "md", "txt", "json", "xlsx")
# guard flags that block a 正式稿 until overridden: a number no fact supports, a reference left
# in the text, an 增减 word against the data
_UNTRACED_KINDS = ("number", "fact_ref", "direction")


def untraced_numbers(report: Report, ledger: FactLedger) -> list[UntracedNumber]:
    """The number guard's flags of numbers no fact supports, section by section."""
    out: list[UntracedNumber] = []
    for section in GUARDED_SECTIONS:
        text = report.text(section)
        for flag in guard_text(text, ledger):
            if flag.kind not in _UNTRACED_KINDS:
                continue
            out.append(
                UntracedNumber(
                    section,
                    flag.text,
                    sentence_around(text, flag.start, flag.end),
                    flag.start,
                    flag.end,
                )
            )
    return out


def _gate_input(
    ctx: ReportContext, overrides: Mapping[str, str] | None
) -> tuple[GateInput, FactLedger]:
    report = ctx.report
    ledger = build_ledger(report, prior=ctx.prior, notes=ctx.notes_text())
    inp = gate_input(
        report,
        checks=run_checks(report, prior=ctx.prior, options=ctx.options),
        untraced=untraced_numbers(report, ledger),
        overrides=overrides,
        decisions=ctx.decisions,
    )
    return inp, ledger


def judge(
    ctx: ReportContext, *, final: bool, overrides: Mapping[str, str] | None = None
) -> GateResult:
    """What the gate says of the report as it stands: its checks, and the guard over its text."""
    inp, _ = _gate_input(ctx, overrides)
    return evaluate_gate(inp, FINAL if final else DRAFT)


def reviewer_path(path: Path, fmt: str) -> Path:
    """Where the reviewer package goes: beside the export; a workbook's package is a Word file,
    since a workbook holds data only."""
    suffix = ".docx" if fmt == "xlsx" else path.suffix
    return path.with_name(f"{path.stem}-审核包{suffix}")


def write_file(
    fmt: str,
    report: Report,
    path: Path,
    result: GateResult,
    *,
    fragment: bool = False,
    appendix: ReviewerAppendix | None = None,
) -> None:
    """The report (or, with `appendix`, its reviewer package) as one file of format `fmt`."""
    kind = result.kind
    if fmt == "xlsx" and appendix is None:
        from assistant.export.xlsx import write_workbook

        write_workbook(path, report)
        return
    if fmt in ("docx", "xlsx"):  # a workbook's reviewer package is a Word file
        write_docx(report, path, kind=kind, appendix=appendix)
        return
    text: str
    if fmt == "html":
        render = document.html_fragment if fragment else document.html_page
        text = render(report, kind=kind, appendix=appendix)
    elif fmt == "md":
        text = document.markdown(report, kind=kind, appendix=appendix)
    elif fmt == "txt":
        text = document.plain_text(report, kind=kind, appendix=appendix)
    else:
        doc = document.json_document(report, result.input.checks, appendix=appendix)
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(
            f"无法写入“{path}”：{exc.strerror}。请检查文件夹是否存在。", source=path
        ) from exc


@dataclass(frozen=True)
class ExportOutcome:
    path: Path
    package: Path | None  # the reviewer package, when one was written
    result: GateResult


def export(
    ctx: ReportContext,
    fmt: str,
    path: Path,
    *,
    final: bool = False,
    overrides: Mapping[str, str] | None = None,
    reviewer: bool = False,
    fragment: bool = False,
) -> ExportOutcome:
    """Judge the report at the gate and write it as `fmt`. The published file stays clean; a
    reviewer package goes beside it on request, and always for a 正式稿 that let problems
    through, so their reasons are on paper. Raises PublishGateError for a 正式稿 while
    anything blocks it."""
    inp, ledger = _gate_input(ctx, overrides)
    result = enforce_gate(inp, FINAL if final else DRAFT)
    write_file(fmt, ctx.report, path, result, fragment=fragment)
    package = None
    if reviewer or result.overridden:
        package = reviewer_path(path, fmt)
        write_file(
            fmt,
            ctx.report,
            package,
            result,
            fragment=fragment,
            appendix=build_appendix(result, matching_facts, ledger, citations=ctx.citations),
        )
    return ExportOutcome(path, package, result)


def record_export(
    ws: Workspace, report_id: int, fmt: str, done: ExportOutcome, author: str
) -> None:
    """Note an export in the workspace's record: format, 征求意见稿 or 正式稿, file, reasons."""
    ws.record_export(
        report_id,
        format=fmt,
        kind=done.result.kind,
        path=done.path,
        author=author,
        overrides=done.result.override_records(),
    )
