"""Drafting a report's text: a drafter for a report, draft and revise a section, a turn of the
conversation about it, and saving what came out as a version with its transcript."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.drafting.notes import Notes, normalize_notes
from assistant.errors import KnowledgeError
from assistant.llm.base import ChatMessage
from assistant.report.layout import SectionId
from assistant.store import DraftVersion, Workspace
from assistant.usecases.workspace import ReportContext

if TYPE_CHECKING:
    from assistant.config import LLMSettings
    from assistant.drafting.drafter import Draft, Drafter, TokenSink
    from assistant.service import Assistant

REQUEST_DRAFT = "起草本节"  # what the transcript says was asked when nobody typed a request


def open_drafter(
    assistant: Assistant,
    ctx: ReportContext,
    *,
    retrieve: bool,
    build_index: bool = False,
    notes: Notes | None = None,
    llm: LLMSettings | None = None,
) -> tuple[Drafter, list[str]]:
    """A drafter for the report, with last year's report and the staff's notes (`notes`, or
    else the context's). With `retrieve` it cites the knowledge base (indexed first when
    `build_index`); a knowledge base that cannot be used leaves the drafts without citations
    and says so in the warnings."""
    if notes is None:
        notes = normalize_notes({section: list(texts) for section, texts in ctx.notes.items()})
    drafter = assistant.drafter(ctx.report, prior=ctx.prior, notes=notes, retrieve=False, llm=llm)
    warnings: list[str] = []
    if retrieve:
        try:
            kb = assistant.knowledge
            if build_index:
                kb.ensure_built()
            drafter.retriever = kb
        except KnowledgeError as exc:
            warnings.append(f"知识库不可用，草稿不引用参考资料：{exc.message}")
    return drafter, warnings


def chat_turn(
    ws: Workspace,
    report_id: int,
    drafter: Drafter,
    section: SectionId,
    request: str,
    *,
    on_token: TokenSink | None = None,
) -> Draft:
    """One turn of the conversation about a section: the request revises the newest version
    (or the accepted text), with the section's earlier turns as context."""
    conversation = [
        ChatMessage(role=e.role, content=e.content)  # type: ignore[arg-type]
        for e in ws.chat(report_id, section)
    ]
    head = ws.draft(report_id, section)
    current = head.text if head is not None else drafter.report.text(section)
    return drafter.revise(
        section, request, conversation, current=current or None, on_token=on_token
    )


def flag_dict(flag: Any) -> dict[str, Any]:
    """A guard flag as stored in the workspace (JSON), whatever form it came in."""
    if isinstance(flag, Mapping):
        return dict(flag)
    if dataclasses.is_dataclass(flag) and not isinstance(flag, type):
        return dataclasses.asdict(flag)
    raise TypeError(f"not a guard flag: {flag!r}")


def record_request(
    ws: Workspace, report_id: int, section: str, request: str, *, author: str
) -> None:
    """The transcript's line for what a person asked (before the answer arrives)."""
    ws.add_chat(report_id, section, "user", request or REQUEST_DRAFT, author=author)


def record_failure(ws: Workspace, report_id: int, section: str, message: str) -> None:
    """The transcript says a run failed; nothing else changes."""
    ws.add_chat(report_id, section, "assistant", f"生成失败：{message}", author="系统")


@dataclass(frozen=True)
class Saved:
    version: DraftVersion
    engine: str  # who wrote it, in words: 大模型 qwen… or 离线撰写
    message: str  # what to tell the person: the version, its flags, what went wrong


def save_version(
    ws: Workspace, report_id: int, section: str, draft: Draft, *, author: str
) -> Saved:
    """Store a finished draft as the section's newest version (not accepted: a person accepts
    it) and add the answer to the transcript."""
    from assistant.drafting.drafter import OFFLINE

    llm = draft.engine != OFFLINE
    version = ws.add_draft(
        report_id,
        section,
        draft.text,
        author_kind="llm" if llm else "composer",
        author=author,
        model=draft.engine if llm else None,
        flags=[flag_dict(f) for f in draft.flags],
        incomplete=draft.status == "incomplete",
    )
    engine = f"大模型 {draft.engine}" if llm else "离线撰写"
    message = f"{engine}写出第{version.number}版（{len(draft.text)}字）"
    message += f"，有 {len(draft.flags)} 处需要核对。" if draft.flags else "，数字均有出处。"
    if draft.error:
        message += f"\n\n生成中断：{draft.error} 已保存收到的部分并标为不完整，原正文未改动。"
    for w in draft.warnings:
        message += f"\n\n{w}"
    ws.add_chat(report_id, section, "assistant", f"{message}\n\n{draft.text}", author=engine)
    return Saved(version, engine, message)
