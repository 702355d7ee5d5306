"""`xxgk export`: a ready-to-publish file (docx html md txt json xlsx) behind the publish gate."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from assistant.checks import CheckOptions
from assistant.cli.report import open_workspace
from assistant.config import load_settings
from assistant.errors import InputError
from assistant.export.gate import DRAFT, FINAL, GateResult
from assistant.ingest import read_report
from assistant.report import SECTION_IDS, load_sections
from assistant.store import section_label
from assistant.usecases import publishing
from assistant.usecases.workspace import (
    ReportContext,
    file_context,
    pick_report,
    workspace_context,
)

_NUMBERS = {s.id: s.number for s in load_sections()}  # overview → 一, as a clerk types it
DEFAULT_AUTHOR = "命令行"


def _parse_overrides(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        fp, sep, reason = item.partition("=")
        if not sep or not fp.strip():
            raise click.BadParameter(
                f"“{item}”应写成 编号=理由，例如 --override 225d5b60f7fe1b05=已与业务科室核对。",
                param_hint="--override",
            )
        out[fp.strip()] = reason
    return out


def _from_workspace(
    agency: str | None, year: int | None, prior: Path | None, options: CheckOptions
) -> ReportContext:
    with open_workspace() as ws:
        stored = pick_report(ws, agency, year)
        report = stored.report
        # the text to publish is the accepted one, as in the UI; a newer version nobody has
        # accepted yet is pointed out, never published behind the clerk's back
        for sid in SECTION_IDS:
            draft = ws.draft(stored.id, sid)
            if draft is not None and draft.text.strip() != report.text(sid).strip():
                click.echo(
                    f"提示：{section_label(sid)}有尚未采用的第{draft.number}版，导出使用已采用的文字。"
                    f"如要采用它：xxgk report restore {_NUMBERS.get(sid, sid)} {draft.number}，"
                    f"或在网页“起草与修改”中采用。",
                    err=True,
                )
        ctx = workspace_context(ws, stored, with_prior=False, options=options)
    return replace(ctx, prior=read_report(prior)) if prior is not None else ctx


def _summary(fmt: str, path: Path, result: GateResult) -> dict[str, Any]:
    return {
        "path": str(path),
        "format": fmt,
        "kind": result.kind,
        "overrides": result.override_records(),
        "open": [
            {"fingerprint": b.fingerprint, "kind": b.kind, "message": b.message}
            for b in result.remaining
        ],
    }


@click.command(
    "export",
    help="导出可发布的文件：Word（公文格式）、网页 HTML、Markdown、纯文本、"
    "JSON 或 Excel。默认导出征求意见稿；--final 导出正式稿，须先处理全部"
    "错误和无出处的数字（或用 --override 写明理由）。不给 SOURCE 时导出"
    "工作区中的报告。",
)
@click.argument("source", required=False, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(publishing.FORMATS), required=True, help="导出格式。"
)
@click.option("--final", is_flag=True, help="导出正式稿（经发布把关）；不加则为征求意见稿。")
@click.option(
    "--override",
    "overrides",
    multiple=True,
    metavar="编号=理由",
    help="放行一个问题并写明理由（可重复）；编号见拒绝导出正式稿时列出的问题。",
)
@click.option(
    "--reviewer",
    is_flag=True,
    help="另存一份审核包（报告加审核附录：正文数字的出处和各问题的处理情况）；"
    "有放行的正式稿总会另存审核包。",
)
@click.option("--fragment", is_flag=True, help="HTML 只输出可粘贴进网站后台的片段。")
@click.option("--prior", type=click.Path(path_type=Path), help="上年报告，用于跨年度校验。")
@click.option("-o", "--out", type=click.Path(path_type=Path), help="输出文件；默认在当前文件夹。")
@click.option("-a", "--agency", help="工作区中的机关名称（不给 SOURCE 时）。")
@click.option("-y", "--year", type=int, help="工作区中的报告年度（不给 SOURCE 时）。")
@click.option("--author", default=DEFAULT_AUTHOR, show_default=True, help="记入导出记录的操作人。")
@click.option(
    "--json", "as_json", is_flag=True, help="输出一个 JSON 文档（路径、类型、放行记录）。"
)
def export(
    source: Path | None,
    fmt: str,
    final: bool,
    overrides: tuple[str, ...],
    reviewer: bool,
    fragment: bool,
    prior: Path | None,
    out: Path | None,
    agency: str | None,
    year: int | None,
    author: str,
    as_json: bool,
) -> None:
    if fragment and fmt != "html":
        raise click.UsageError("--fragment 只用于 --format html。")
    settings = load_settings()
    options = CheckOptions.from_settings(settings.checks.deadlines)
    if source is not None:
        src = file_context(source, prior=prior, options=options, limits=settings.limits)
    else:
        src = _from_workspace(agency, year, prior, options)
    path = out or Path(f"{src.stem}-{FINAL if final else DRAFT}.{fmt}")
    if source is not None and path.resolve() == source.resolve():
        raise InputError(f"输出文件与源文件相同（{path}）。请用 --out 指定另一个文件名。")
    done = publishing.export(
        src,
        fmt,
        path,
        final=final,
        overrides=_parse_overrides(overrides),
        reviewer=reviewer,
        fragment=fragment,
    )
    result, package, kind = done.result, done.package, done.result.kind
    if src.workspace_id is not None:
        with open_workspace() as ws:
            publishing.record_export(ws, src.workspace_id, fmt, done, author)
    if as_json:
        summary = _summary(fmt, path, result)
        summary["reviewer_package"] = str(package) if package else None
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(f"已导出{kind}：{path}")
    if package is not None:
        click.echo(f"审核包：{package}")
    for line in result.override_records():
        click.echo(f"  放行：{line}")
    if kind == DRAFT and result.remaining:
        click.echo(
            f"  提示：还有{len(result.remaining)}个问题未处理，导出正式稿前须修改或写明理由"
            "（加 --final 导出时会逐条列出问题及编号）。"
        )


COMMANDS = (export,)
