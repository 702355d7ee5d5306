"""Drafting a report's text: a drafter for a report, draft and revise a section, a turn of the
conversation about it, and saving what came out as a version with its transcript."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.drafting.notes import Notes, normalize_notes
from assistant.errors import AssistantError, KnowledgeError, RefusedError
from assistant.llm.base import ChatMessage
from assistant.report.layout import SectionId
from assistant.store import DraftVersion, Workspace
from assistant.usecases.workspace import ReportContext

if TYPE_CHECKING:
    from assistant.config import LLMSettings
    from assistant.drafting.answers import Answer
    from assistant.drafting.drafter import Draft, Drafter, TokenSink
    from assistant.service import Assistant

REQUEST_DRAFT = "起草本节"  # what the transcript says was asked when nobody typed a request


def warm_up(assistant: Assistant) -> None:
    """Load the drafting stack (LangChain, the openai client, the drafter) ahead of the first
    draft; a bad model setting is left for drafting to report, where a person sees it."""
    import logging

    # `from … import` binds only `_drafter`: a plain `import assistant.drafting.drafter`
    # would rebind the name `assistant`, the parameter, to the package
    from assistant.drafting import drafter as _drafter  # noqa: F401

    try:
        _ = assistant.chat
    except AssistantError as exc:
        logging.getLogger(__name__).info("warm-up: %s", exc.message)


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
    `build_index`, unless another process is building it: then what that build has committed,
    and the drafts say so); a knowledge base that cannot be used leaves the drafts without
    citations and says so in the warnings."""
    if notes is None:
        notes = normalize_notes({section: list(texts) for section, texts in ctx.notes.items()})
    drafter = assistant.drafter(ctx.report, prior=ctx.prior, notes=notes, retrieve=False, llm=llm)
    if ctx.remarks:
        drafter.add_remarks(normalize_notes(dict(ctx.remarks)))
    warnings: list[str] = []
    if retrieve:
        try:
            kb = assistant.knowledge
            if build_index:  # not waiting for another process's build: its part is cited
                kb.ensure_built(wait=False)
            drafter.retriever = kb
        except KnowledgeError as exc:
            warnings.append(f"知识库不可用，草稿不引用参考资料：{exc.message}")
    return drafter, warnings


def history(ws: Workspace, report_id: int, section: str) -> list[ChatMessage]:
    """The section's conversation so far as the model is shown it: alternating messages, the
    last few turns only, each version named by its number instead of resent."""
    from assistant.drafting.conversation import Turn, history_messages

    return history_messages(
        [
            Turn(
                "user" if e.role == "user" else "assistant",
                e.kind,
                e.content,
                e.draft_number,
            )
            for e in ws.chat(report_id, section)
        ]
    )


@dataclass(frozen=True)
class Reply:
    """What a turn of the conversation came to: an answer (stored as a chat turn, not a
    version), a new version, or a plain refusal (the offline composer asked to rewrite)."""

    kind: Literal["answer", "version", "refusal"]
    message: str  # what to tell the person
    text: str  # the answer, the new version's text, or the refusal
    sources: list[Any]  # an answer's sources or a draft's passages, numbered as its [n]
    engine: str
    version: DraftVersion | None = None
    draft: Draft | None = None
    answer: Answer | None = None

    @property
    def passages(self) -> list[Any]:
        return self.sources


def route_of(message: str, mode: Literal["auto", "instruction"] = "auto") -> str:
    """draft (nothing typed), question or instruction. 起草本节 with text means an instruction."""
    from assistant.drafting.conversation import route

    message = message.strip().rstrip("。！!")
    if not message or message in (REQUEST_DRAFT, "起草", "起草本部分"):
        return "draft"
    return "instruction" if mode == "instruction" else route(message)


def chat_turn(
    ws: Workspace,
    report_id: int,
    drafter: Drafter,
    section: SectionId,
    message: str,
    *,
    author: str,
    mode: Literal["auto", "instruction"] = "auto",
    on_token: TokenSink | None = None,
    current: str | None = None,
) -> Reply:
    """One turn of the conversation about a section, stored in the workspace: a question is
    answered with sources; an instruction revises the newest version (or the accepted text);
    nothing typed drafts the section. The earlier turns go to the model as messages; `current`
    (a text the person gives) stands in for the newest version."""
    kind = route_of(message, mode)
    earlier = history(ws, report_id, section)
    record_request(ws, report_id, section, message, author=author, kind=kind)
    try:
        if kind == "question":
            answer = drafter.answer(message.strip(), earlier, on_token=on_token)
            return save_answer(ws, report_id, section, answer)
        if kind == "draft":
            draft = drafter.draft(section, on_token=on_token)
        else:
            if current is None:  # the newest version, else the accepted text
                head = ws.draft(report_id, section)
                current = head.text if head is not None else drafter.report.text(section)
            draft = drafter.revise(
                section, message.strip(), earlier, current=current or None, on_token=on_token
            )
    except RefusedError as exc:
        return save_refusal(ws, report_id, section, exc.message)
    except AssistantError as exc:
        record_failure(ws, report_id, section, exc.message)
        raise
    return finish_turn(ws, report_id, section, draft, author=author)


def finish_turn(
    ws: Workspace, report_id: int, section: str, result: Draft | Answer, *, author: str
) -> Reply:
    """Store what a turn produced: an answer as a chat turn, a draft as the newest version."""
    from assistant.drafting.answers import Answer

    if isinstance(result, Answer):
        return save_answer(ws, report_id, section, result)
    saved = save_version(ws, report_id, section, result, author=author)
    return Reply(
        "version",
        saved.message,
        result.text,
        list(result.passages),
        saved.engine,
        version=saved.version,
        draft=result,
    )


def save_answer(ws: Workspace, report_id: int, section: str, answer: Answer) -> Reply:
    """An answer is a chat turn with its sources, never a version of the text."""
    from assistant.drafting.drafter import OFFLINE

    engine = "离线检索" if answer.engine == OFFLINE else f"大模型 {answer.engine}"
    ws.add_chat(
        report_id,
        section,
        "assistant",
        answer.text,
        author=engine,
        kind="answer",
        sources=[s.as_dict() for s in answer.sources],
    )
    message = f"{engine}回答了问题，引用{len(answer.sources)}条资料；正文没有改动。"
    for w in answer.warnings:
        message += f"\n\n{w}"
    return Reply("answer", message, answer.text, list(answer.sources), engine, answer=answer)


def save_refusal(ws: Workspace, report_id: int, section: str, message: str) -> Reply:
    ws.add_chat(report_id, section, "assistant", message, author="离线撰写", kind="refusal")
    return Reply("refusal", message, message, [], "离线撰写")


def flag_dict(flag: Any) -> dict[str, Any]:
    """A guard flag as stored in the workspace (JSON), whatever form it came in."""
    if isinstance(flag, Mapping):
        return dict(flag)
    if dataclasses.is_dataclass(flag) and not isinstance(flag, type):
        return dataclasses.asdict(flag)
    raise TypeError(f"not a guard flag: {flag!r}")


def record_request(
    ws: Workspace,
    report_id: int,
    section: str,
    request: str,
    *,
    author: str,
    kind: str = "instruction",
) -> None:
    """The transcript's line for what a person asked (before the answer arrives)."""
    ws.add_chat(
        report_id,
        section,
        "user",
        request.strip() or REQUEST_DRAFT,
        author=author,
        kind="question" if kind == "question" else "instruction",
    )


def record_failure(ws: Workspace, report_id: int, section: str, message: str) -> None:
    """The transcript says a run failed; nothing else changes."""
    ws.add_chat(
        report_id, section, "assistant", f"生成失败：{message}", author="系统", kind="failure"
    )


@dataclass(frozen=True)
class Saved:
    version: DraftVersion
    engine: str  # who wrote it, in words: 大模型 qwen… or 离线撰写
    message: str  # what to tell the person: the version, its flags, what went wrong


def cited_sources(text: str, passages: Sequence[Any]) -> list[dict[str, Any]]:
    """The passages a text cites as [n], numbered as in it: its provenance, kept with the version
    (the exported report never prints the markers)."""
    from assistant.report.citations import cited_numbers

    return [
        {"n": n, "label": passages[n - 1].citation()}
        for n in sorted(cited_numbers(text))
        if 1 <= n <= len(passages)
    ]


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
        sources=cited_sources(draft.text, draft.passages),
    )
    engine = f"大模型 {draft.engine}" if llm else "离线撰写"
    message = f"{engine}写出第{version.number}版（{len(draft.text)}字）"
    message += f"，有 {len(draft.flags)} 处需要核对。" if draft.flags else "，数字均有出处。"
    if draft.error:
        message += f"\n\n生成中断：{draft.error} 已保存收到的部分并标为不完整，原正文未改动。"
    for w in draft.warnings:
        message += f"\n\n{w}"
    ws.add_chat(
        report_id,
        section,
        "assistant",
        f"{message}\n\n{draft.text}",
        author=engine,
        kind="version",
        draft_number=version.number,
    )
    return Saved(version, engine, message)
