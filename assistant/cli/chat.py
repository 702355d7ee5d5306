"""`xxgk chat` and `xxgk ask`: the conversation about a report in the terminal.

`chat` is the same conversation as the app's: each line is routed (a question is answered with
sources and kept as a chat turn; an instruction writes a new version), streamed as it is
written, and kept in the workspace per report and section, so the app and a later `chat`
continue it. `ask` answers one question with its sources."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.config import load_settings
from assistant.errors import AssistantError, InputError
from assistant.store import Workspace, section_label

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.store import StoredReport
    from assistant.usecases.drafting import Reply

DEFAULT_AUTHOR = "命令行"
QUIT = ("退出", "exit", "quit", "q", "/q")
HISTORY_SHOWN = 6


def _assistant(offline: bool) -> Assistant:
    from assistant.service import build_assistant

    settings = load_settings()
    if offline:
        settings = settings.model_copy(
            update={"llm": settings.llm.model_copy(update={"offline": True})}
        )
    return build_assistant(settings)


def _section(value: str) -> str:
    from assistant.drafting.plan import parse_sections

    sections = parse_sections(value)
    if len(sections) != 1:
        raise click.UsageError("一次只能对一个部分对话，例如 --section 五。")
    return sections[0]


def _stored_report(
    ws: Workspace, file: Path | None, agency: str | None, year: int | None, author: str
) -> StoredReport:
    """The workspace's report: named by -a/-y, or the one a file belongs to (stored first when
    the workspace does not hold it yet, so the conversation has a place to be kept)."""
    from assistant.ingest import read_report
    from assistant.usecases.workspace import pick_report

    if file is None:
        return pick_report(ws, agency, year)
    report = read_report(file)
    if not report.agency.name.strip():
        raise InputError(f"{file.name} 中没有机关名称，无法在工作区中保存对话。请先补上机关名称。")
    found = ws.find_report(report.agency.name, report.year)
    if found is not None:
        return found
    created = ws.create_report(report, author=author)
    click.echo(
        f"已将 {file.name} 存入工作区（{created.agency} {created.year}年度），对话记录保存在工作区。",
        err=True,
    )
    return created


def _drafter(assistant: Assistant, ws: Workspace, stored: StoredReport, no_retrieve: bool) -> Any:
    from assistant.usecases.drafting import open_drafter
    from assistant.usecases.workspace import workspace_context

    ctx = workspace_context(ws, stored, with_prior=True, options=assistant.check_options)
    drafter, warnings = open_drafter(assistant, ctx, retrieve=not no_retrieve, build_index=True)
    for w in warnings:
        click.echo(w, err=True)
    return drafter


def _print_sources(sources: list[Any]) -> None:
    if not sources:
        return
    click.echo("参考资料：")
    for n, s in enumerate(sources, 1):
        click.echo(f"  [{n}] {s.citation()}")


def _print_reply(reply: Reply, streamed: bool) -> None:
    if not streamed:
        click.echo(reply.text)
    click.echo("")
    if reply.kind == "answer":
        _print_sources(reply.sources)
    click.echo(f"—— {reply.message}", err=True)


@click.command("chat")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("-a", "--agency", help="机关名称；工作区只有一份报告时可省略。")
@click.option("-y", "--year", type=int, help="报告年度；工作区只有一份报告时可省略。")
@click.option("--section", default="五", show_default=True, help="对话的部分：引言、一…六。")
@click.option("--offline", is_flag=True, help="不调用语言模型：问题以检索结果回答。")
@click.option("--no-retrieve", is_flag=True, help="不检索知识库。")
@click.option("--author", default=DEFAULT_AUTHOR, show_default=True, help="记录在对话中的提问人。")
def chat_command(
    file: Path | None,
    agency: str | None,
    year: int | None,
    section: str,
    offline: bool,
    no_retrieve: bool,
    author: str,
) -> int:
    """与助手就报告的一个部分对话：提问（回答并注明出处，不改正文）或提修改意见（写出新版本）。

    \b
    每行一条消息，回车发送；输入“起草本节”起草，输入“退出”或按 Ctrl+D 结束。
    对话保存在工作区（按报告和部分），下次 xxgk chat 或网页中可以接着谈。
    """
    from assistant.usecases.drafting import chat_turn

    sid = _section(section)
    assistant = _assistant(offline)
    ws = assistant.store
    assistant.use_office_settings()  # on the workspace, the office's model settings apply
    stored = _stored_report(ws, file, agency, year, author)
    drafter = _drafter(assistant, ws, stored, no_retrieve)
    earlier = ws.chat(stored.id, sid)
    click.echo(
        f"{stored.agency} {stored.year}年度 · {section_label(sid)} · {drafter.engine}"
        f"（此前 {len(earlier)} 条对话）",
        err=True,
    )
    for e in earlier[-HISTORY_SHOWN:]:
        who = "我" if e.role == "user" else "助手"
        click.echo(f"  {who}：{e.content.splitlines()[0][:60]}", err=True)
    stdin = sys.stdin
    while True:
        click.echo("> ", nl=False, err=True)
        line = stdin.readline()
        if not line:
            click.echo("", err=True)
            return 0
        message = line.strip()
        if not message:
            continue
        if message in QUIT:
            return 0
        streamed = False

        def sink(piece: str) -> None:
            nonlocal streamed
            streamed = True
            sys.stdout.write(piece)
            sys.stdout.flush()

        try:
            reply = chat_turn(
                ws,
                stored.id,
                drafter,
                sid,  # type: ignore[arg-type]
                message,
                author=author,
                on_token=sink,
            )
        except AssistantError as exc:  # said, kept in the transcript; the conversation goes on
            click.echo(f"\n{exc.message}", err=True)
            continue
        _print_reply(reply, streamed)


@click.command("ask")
@click.argument("question")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("-a", "--agency", help="机关名称（工作区中的报告）。")
@click.option("-y", "--year", type=int, help="报告年度（工作区中的报告）。")
@click.option(
    "--prior",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="上一年度的报告（与 FILE 一起用）。",
)
@click.option("--section", default="五", show_default=True, help="问答记入哪一部分的对话。")
@click.option("--offline", is_flag=True, help="不调用语言模型：以检索到的资料回答。")
@click.option("--no-retrieve", is_flag=True, help="不检索知识库。")
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。")
@click.option("--author", default=DEFAULT_AUTHOR, show_default=True, help="记录在对话中的提问人。")
def ask_command(
    question: str,
    file: Path | None,
    agency: str | None,
    year: int | None,
    prior: Path | None,
    section: str,
    offline: bool,
    no_retrieve: bool,
    as_json: bool,
    author: str,
) -> int:
    """回答一个问题并注明出处：依据资料库（条例、格式通知、写作指引）、本报告数据和上年报告。

    \b
    不给报告时只查资料库；给出 FILE（可加 --prior）时也依据该报告的数据；用 -a/-y 指明工作区中的
    报告时，问答记入该报告这一部分的对话。回答不改动报告正文。
    """
    from assistant.usecases.drafting import open_drafter, save_answer
    from assistant.usecases.workspace import ReportContext, file_context, workspace_context

    sid = _section(section)
    assistant = _assistant(offline)
    stored = None
    if file is not None:
        ctx = file_context(
            file, prior=prior, options=assistant.check_options, limits=assistant.settings.limits
        )
    elif agency is not None or year is not None:
        ws = assistant.store
        assistant.use_office_settings()  # on the workspace, the office's model settings apply
        stored = _stored_report(ws, None, agency, year, author)
        ctx = workspace_context(ws, stored, with_prior=True, options=assistant.check_options)
    else:
        from assistant.report import Report

        ctx = ReportContext(Report(year=dt.date.today().year - 1), "问答")
    drafter, warnings = open_drafter(assistant, ctx, retrieve=not no_retrieve, build_index=True)
    sink = None
    if not as_json and drafter.chat is not None:

        def sink(piece: str) -> None:
            sys.stdout.write(piece)
            sys.stdout.flush()

    history = []
    if stored is not None:
        from assistant.usecases.drafting import history as chat_history
        from assistant.usecases.drafting import record_request

        history = chat_history(assistant.store, stored.id, sid)
        record_request(assistant.store, stored.id, sid, question, author=author, kind="question")
    try:
        answer = drafter.answer(question, history, on_token=sink)
    except AssistantError as exc:
        if stored is not None:
            from assistant.usecases.drafting import record_failure

            record_failure(assistant.store, stored.id, sid, exc.message)
        raise
    if stored is not None:
        save_answer(assistant.store, stored.id, sid, answer)
    warnings += answer.warnings
    if as_json:
        doc = {
            "question": question,
            "answer": answer.text,
            "engine": answer.engine,
            "sources": [s.as_dict() for s in answer.sources],
            "warnings": warnings,
            "stored": stored is not None,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    if sink is None:
        click.echo(answer.text)
    else:
        click.echo("")
    _print_sources(answer.sources)
    for w in warnings:
        click.echo(w, err=True)
    return 0


COMMANDS = (chat_command, ask_command)
