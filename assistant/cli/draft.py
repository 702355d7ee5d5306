"""`xxgk draft` and `xxgk revise`: narrative drafts with citations and the guard's flags."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.checks.guard import FLAG_LABELS
from assistant.cli.exitcodes import EXIT_FAIL, EXIT_OK
from assistant.cli.given import given_options
from assistant.config import load_settings
from assistant.errors import AssistantError
from assistant.report.layout import preamble_name
from assistant.report.model import Report
from assistant.usecases.drafting import open_drafter
from assistant.usecases.workspace import file_context

if TYPE_CHECKING:
    from assistant.drafting.drafter import Draft, Drafter
    from assistant.report.layout import SectionId
    from assistant.store import Workspace

DEFAULT_AUTHOR = "命令行"


def _common(func: Any) -> Any:
    options = [
        click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option(
            "--prior",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="上一年度的报告或数据文件（用于比上年增减、上年问题整改和防雷同）。",
        ),
        click.option(
            "--notes",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="工作说明 notes.yaml：按部分（一、五、六）和小标题写只有本机关知道的情况。",
        ),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            help="把草稿写入此 Markdown 文件（UTF-8）。",
        ),
        click.option("--offline", is_flag=True, help="不调用语言模型，用离线起草（确定性模板）。"),
        click.option(
            "--no-retrieve", is_flag=True, help="不检索知识库（不引用条例、格式和范例）。"
        ),
        click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。"),
    ]
    for option in reversed(options):
        func = option(func)
    return given_options(func)


def _drafter(
    data: Path,
    prior: Path | None,
    notes: Path | None,
    offline: bool,
    no_retrieve: bool,
    quiet: bool = False,
    *,
    year: int | None = None,
    agency: str | None = None,
) -> tuple[Drafter, Report, list[str]]:
    from assistant.drafting.notes import load_notes
    from assistant.service import build_assistant

    settings = load_settings()
    if offline:
        settings = settings.model_copy(
            update={"llm": settings.llm.model_copy(update={"offline": True})}
        )
    assistant = build_assistant(settings)
    ctx = file_context(
        data,
        prior=prior,
        options=assistant.check_options,
        year=year,
        agency=agency,
        limits=settings.limits,
    )
    if not no_retrieve and not quiet:
        click.echo(
            "正在准备知识库（首次使用需建立索引，可能要几分钟；加 --no-retrieve 可跳过）…",
            err=True,
        )
    drafter, warnings = open_drafter(
        assistant,
        ctx,
        retrieve=not no_retrieve,
        build_index=True,
        notes=load_notes(notes) if notes else None,
    )
    return drafter, ctx.report, warnings


def _stream_sink(as_json: bool, engine: str) -> Any:
    if as_json:
        return None
    click.echo(f"（{engine} 正在生成，以下为实时输出）", err=True)
    return _print_piece


def _print_piece(piece: str) -> None:
    sys.stderr.write(piece)
    sys.stderr.flush()


def render_markdown(report: Report, drafts: list[Any], warnings: list[str]) -> str:
    """The draft for people: sections, then the passages cited and what needs checking."""
    title = (
        f"# {report.agency.name or '（机关名称）'}{report.year}年政府信息公开工作年度报告（草稿）"
    )
    lines = [title, ""]
    engines = "、".join(dict.fromkeys(d.engine for d in drafts))
    lines += [
        f"> 起草方式：{engines}。数字均来自数据和工作说明；【待补充：…】处须由工作人员填写。",
        "",
    ]
    for d in drafts:
        lines += [f"## {d.heading or preamble_name()}", ""]
        if d.status == "incomplete":
            lines += [f"> **未完成**：{d.error}", ""]
        lines += [d.text, ""]
        if d.passages:
            lines += ["**参考资料**", ""]
            lines += [f"[{n}] {h.citation()}" for n, h in enumerate(d.passages, start=1)] + [""]
        notes = [
            f"- 【{FLAG_LABELS[f.kind]}】“{f.text}”（第{f.start + 1}字起）：{f.message}"
            for f in d.flags
        ]
        notes += [f"- 【检查 {f.rule}】{f.message}" for f in d.findings]
        notes += [f"- 【提示】{w}" for w in d.warnings]
        if notes:
            lines += ["**核对提示**", "", *notes, ""]
    lines += [f"> {w}" for w in warnings]
    return "\n".join(lines).rstrip() + "\n"


def _summary(drafts: list[Any]) -> str:
    flags = sum(len(d.flags) for d in drafts)
    todo = sum(d.todo_count for d in drafts)
    incomplete = [d.heading or preamble_name() for d in drafts if d.status == "incomplete"]
    parts = [f"共起草{len(drafts)}个部分", f"核对提示{flags}处", f"待补充{todo}处"]
    if incomplete:
        parts.append("未完成：" + "、".join(incomplete))
    return "；".join(parts) + "。"


def _finish(
    report: Report, drafts: list[Any], warnings: list[str], out: Path | None, as_json: bool
) -> int:
    if as_json:
        doc = {
            "report": {
                "agency": report.agency.name,
                "year": report.year,
                "format": report.format,
                "source": report.source,
            },
            "drafts": [{**d.model_dump(mode="json"), "todo_count": d.todo_count} for d in drafts],
            "warnings": warnings,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    text = render_markdown(report, drafts, warnings)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise AssistantError(f"无法写入 {out}：{exc.strerror}。请检查路径和权限。") from exc
    if not as_json:
        if out is None:
            click.echo(text)
        click.echo(_summary(drafts) + (f"草稿已写入 {out}。" if out else ""), err=True)
    bad = any(
        d.status == "incomplete" or any(f.severity == "error" for f in d.flags) for d in drafts
    )
    return EXIT_FAIL if bad else EXIT_OK


@click.command("draft")
@_common
@click.option(
    "--section",
    default="all",
    show_default=True,
    help="起草哪些部分：引言、一、五、六（逗号分隔），或 all；二、三、四为表格说明。",
)
def draft_command(
    data: Path,
    prior: Path | None,
    notes: Path | None,
    out: Path | None,
    offline: bool,
    no_retrieve: bool,
    as_json: bool,
    given_year: int | None,
    given_agency: str | None,
    section: str,
) -> int:
    """起草报告的文字部分：数字只来自数据，引用可追溯，核对提示逐条列出。

    \b
    未配置语言模型（XXGK_LLM_BASE_URL）或加 --offline 时用离线起草；
    配置后通过任何 OpenAI 兼容接口（vLLM、Ollama、DeepSeek、通义千问等）生成并实时输出。
    退出码：0 完成；1 有无出处的数字、草稿未完成或调用失败；2 输入无法使用。
    """
    from assistant.drafting.drafter import DraftingStopped
    from assistant.drafting.plan import parse_sections, section_heading

    sections = parse_sections(section)
    drafter, report, warnings = _drafter(
        data, prior, notes, offline, no_retrieve, as_json, year=given_year, agency=given_agency
    )
    streaming = drafter.chat is not None and not as_json
    started: list[SectionId] = []

    def begin(section: SectionId) -> None:
        if streaming:
            if started:
                click.echo("", err=True)  # end the previous section's live output
            click.echo(f"（{drafter.engine} 正在生成，以下为实时输出）", err=True)
        started.append(section)

    try:
        drafts = drafter.draft_all(
            sections, on_token=_print_piece if streaming else None, on_section=begin
        )
    except DraftingStopped as exc:
        # the sections finished before the failure are written all the same, then the
        # failure is reported (exit 1): a 500 on the second section loses nothing done
        left = "、".join(section_heading(x) or preamble_name() for x in exc.remaining)
        warnings.append(f"模型调用失败，以下部分未起草：{left}。原因：{exc.message}")
        _finish(report, exc.drafts, warnings, out, as_json)
        raise
    if streaming:
        click.echo("", err=True)
    return _finish(report, drafts, warnings, out, as_json)


@click.command("revise")
@_common
@click.option("--section", required=True, help="修改哪一部分：引言、一、五、六。")
@click.option(
    "--instruction", "-i", required=True, help="修改意见，例如“第二段更具体一些，加上培训人次”。"
)
@click.option(
    "--current",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="该部分的现稿（纯文本）；不给则先离线起草一稿再修改。",
)
def revise_command(
    data: Path,
    prior: Path | None,
    notes: Path | None,
    out: Path | None,
    offline: bool,
    no_retrieve: bool,
    as_json: bool,
    given_year: int | None,
    given_agency: str | None,
    section: str,
    instruction: str,
    current: Path | None,
) -> int:
    """按修改意见改写一个部分；数字仍锁定在数据上，修改意见中给出的数字作为工作说明事实。"""
    from assistant.drafting.plan import parse_sections

    sections = parse_sections(section)
    if len(sections) != 1:
        raise click.UsageError("revise 一次只修改一个部分，例如 --section 五。")
    drafter, report, warnings = _drafter(
        data, prior, notes, offline, no_retrieve, as_json, year=given_year, agency=given_agency
    )
    text = current.read_text(encoding="utf-8") if current else None
    sink = _stream_sink(as_json, drafter.engine) if drafter.chat is not None else None
    conversation = _conversation_of(report)
    if conversation is None:
        draft = drafter.revise(sections[0], instruction, current=text, on_token=sink)
    else:
        draft = _revise_in_conversation(conversation, drafter, sections[0], instruction, text, sink)
    if sink is not None:
        click.echo("", err=True)
    return _finish(report, [draft], warnings, out, as_json)


def _conversation_of(report: Report) -> tuple[Workspace, int] | None:
    """The workspace's report of the same agency and year, when a workspace exists and holds
    it: then a revision continues that report's conversation (and is kept as a version)."""
    from assistant.store import Workspace
    from assistant.store.engine import DB_FILENAME

    settings = load_settings()
    if not settings.database_url and not (Path(settings.paths.home) / DB_FILENAME).is_file():
        return None  # no workspace here: a revision of a file is one request
    ws = Workspace.open(settings)
    stored = ws.find_report(report.agency.name, report.year) if report.agency.name else None
    return (ws, stored.id) if stored is not None else None


def _revise_in_conversation(
    conversation: tuple[Workspace, int],
    drafter: Drafter,
    section: SectionId,
    instruction: str,
    current: str | None,
    sink: Any,
) -> Draft:
    from assistant.errors import RefusedError
    from assistant.usecases.drafting import chat_turn

    ws, report_id = conversation
    reply = chat_turn(
        ws,
        report_id,
        drafter,
        section,
        instruction,
        author=DEFAULT_AUTHOR,
        mode="instruction",
        on_token=sink,
        current=current,
    )
    if reply.draft is None:  # the offline composer's refusal, kept in the conversation
        raise RefusedError(reply.message)
    assert reply.version is not None
    click.echo(
        f"已接着工作区中该报告“{section}”部分的对话修改，存为第{reply.version.number}版（待采用）。",
        err=True,
    )
    return reply.draft


COMMANDS = (draft_command, revise_command)
