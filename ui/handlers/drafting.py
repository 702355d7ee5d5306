"""起草与修改: sections and their status, versions (accept, reject, restore, edit), flags, chat."""

from __future__ import annotations

import html
import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from assistant.checks.guard import FLAG_LABELS
from assistant.compare.wording import diff_text
from assistant.config import LLMSettings
from assistant.errors import AssistantError, ConflictError, InputError, RefusedError
from assistant.report import SECTION_IDS, Report, Section
from assistant.report.layout import SectionId
from assistant.service import Assistant
from assistant.store import DraftVersion, section_label
from assistant.usecases import drafting
from assistant.usecases.drafting import flag_dict
from assistant.usecases.workspace import workspace_context
from ui.handlers import workspace as ws
from ui.markup import md_text

if TYPE_CHECKING:
    from assistant.drafting.drafter import Draft

# The sections a person drafts or revises here; 二、三、四 are tables with optional short notes.
DRAFT_SECTIONS = SECTION_IDS
STATUS_LABELS = {
    "empty": "空白",
    "pending": "待采用",
    "drafted": "已起草",
    "edited": "人工修改",
    "flags": "有标记",
}
SECTION_HEADERS = ("部分", "状态", "版本数", "标记")
HISTORY_HEADERS = ("版本", "作者", "时间", "标记", "字数")


@dataclass(frozen=True)
class SectionState:
    section: str
    text: str  # the accepted text (what the report says now)
    head: DraftVersion | None  # the newest version in the history
    versions: int

    @property
    def pending(self) -> bool:
        """A version was written that the report does not say yet: accept or reject it."""
        return self.head is not None and self.head.text != self.text

    @property
    def flags(self) -> list[dict[str, Any]]:
        return [flag_dict(f) for f in self.head.flags] if self.head is not None else []

    @property
    def status(self) -> str:
        if self.pending:
            return "pending"
        if self.flags and self.head is not None and self.head.text == self.text:
            return "flags"
        if not self.text:
            return "empty"
        if self.head is not None and self.head.author_kind == "person":
            return "edited"
        return "drafted"


def section_state(assistant: Assistant, opened: ws.Opened, section: str) -> SectionState:
    versions = assistant.store.drafts(opened.id, section)
    return SectionState(
        section,
        opened.report.text(section),  # type: ignore[arg-type]
        versions[-1] if versions else None,
        len(versions),
    )


def section_rows(assistant: Assistant, state: dict[str, int] | None) -> list[list[str]]:
    if not state:
        return []
    opened = ws.current(assistant, state)
    rows = []
    for sid in DRAFT_SECTIONS:
        s = section_state(assistant, opened, sid)
        rows.append(
            [
                section_label(sid),
                STATUS_LABELS[s.status],
                str(s.versions),
                str(len(s.flags)) if s.flags else "",
            ]
        )
    return rows


def section_choices() -> list[tuple[str, str]]:
    return [(section_label(s), s) for s in DRAFT_SECTIONS]


def flags_html(text: str, flags: Sequence[Any]) -> str:
    """The text with every flagged span in red; hovering shows the reason. Flags that cover the
    whole text (similarity) are listed, not painted."""
    spans = sorted((flag_dict(f) for f in flags), key=lambda f: (f["start"], f["end"]))
    out, pos = [], 0
    for f in spans:
        start, end = int(f["start"]), int(f["end"])
        if start < pos or end > len(text) or end - start >= len(text) > 40:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(
            f'<span class="xxgk-flag" title="{html.escape(f["message"])}">'
            f"{html.escape(text[start:end])}</span>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    body = "".join(out) or '<span style="color:#888">（本部分还没有内容）</span>'
    return f'<div class="xxgk-draft">{body}</div>'


def flags_markdown(flags: Sequence[Any]) -> str:
    if not flags:
        return "✔ 没有发现问题：每个数字都能在数据或备注中找到出处。"
    lines = [f"**⚠ {len(flags)} 处需要核对**（红色标出，鼠标停留可见原因）："]
    for f in map(flag_dict, flags):
        kind = FLAG_LABELS.get(f.get("kind", ""), "提示")
        lines.append(
            f"- <span style='color:#b3261e'>【{kind}】“{md_text(f.get('text', ''))}”</span>"
            f"：{md_text(f['message'])}"
        )
    return "\n".join(lines)


def history_rows(
    assistant: Assistant,
    state: dict[str, int] | None,
    section: str,
) -> list[list[str]]:
    if not state:
        return []
    versions = assistant.store.drafts(int(state["id"]), section)

    def who(v: DraftVersion) -> str:
        # 恢复此版本 stores an earlier text again: said so, not as new writing
        if v.author_kind == "person":
            earlier = next((u for u in versions if u.number < v.number and u.text == v.text), None)
            if earlier is not None:
                return f"{v.author or '本机用户'}：恢复为第{earlier.number}版的文字"
        return v.describe_author()

    return [
        [
            f"第{v.number}版" + ("（不完整）" if v.incomplete else ""),
            who(v),
            f"{v.at.astimezone():%Y-%m-%d %H:%M}",
            str(len(v.flags)) if v.flags else "",
            str(len(v.text)),
        ]
        for v in reversed(versions)
    ]


def diff_html(old: str, new: str) -> str:
    """What changed between two texts: deletions struck in red, insertions in green."""
    tags = {"insert": "ins", "delete": "del"}
    body = "".join(
        html.escape(p.text)
        if p.op == "equal"
        else f"<{tags[p.op]}>{html.escape(p.text)}</{tags[p.op]}>"
        for p in diff_text(old, new)
    )
    return f'<div class="xxgk-draft xxgk-diff">{body}</div>'


def version_diff(
    assistant: Assistant, state: dict[str, int] | None, section: str, number: int
) -> str:
    """What changed from version `number` to the text the report says now."""
    opened = ws.current(assistant, state)
    old = assistant.store.draft(opened.id, section, int(number))
    if old is None:
        raise InputError(f"{section_label(section)}没有第{number}版。")
    return diff_html(old.text, opened.report.text(section))  # type: ignore[arg-type]


def _with_text(report: Report, section: str, text: str) -> Report:
    section = cast(SectionId, section)  # one of DRAFT_SECTIONS: the page offers no other
    sections = dict(report.sections)
    old = sections.get(section)
    sections[section] = (
        old.model_copy(update={"text": text}) if old is not None else Section(id=section, text=text)
    )
    return report.model_copy(update={"sections": sections})


def accept(
    assistant: Assistant, state: dict[str, int] | None, section: str, *, author: str
) -> ws.Opened:
    """The newest version becomes the section's text in the report."""
    opened = ws.current(assistant, state)
    head = assistant.store.draft(opened.id, section)
    if head is None:
        raise InputError(f"{section_label(section)}还没有任何版本可以采用。请先起草。")
    return ws.save(assistant, opened, _with_text(opened.report, section, head.text), author=author)


def reject(
    assistant: Assistant, state: dict[str, int] | None, section: str, *, author: str
) -> ws.Opened:
    """Not this version: the history records that the accepted text is current again."""
    opened = ws.current(assistant, state)
    s = section_state(assistant, opened, section)
    if not s.pending:
        raise InputError(f"{section_label(section)}没有待采用的新版本。")
    assistant.store.add_draft(
        opened.id,
        section,
        s.text,
        author_kind="kept",
        author=author,
        based_on=s.head.number if s.head else None,
    )
    return ws.save(assistant, opened, opened.report, author=author)  # the stored version


def edit(
    assistant: Assistant,
    state: dict[str, int] | None,
    section: str,
    text: str,
    *,
    author: str,
    flags: Sequence[Any] = (),
) -> ws.Opened:
    """A person's own text: stored as a new version and made the section's text at once."""
    opened = ws.current(assistant, state)
    text = (text or "").strip()
    if text == opened.report.text(section):  # type: ignore[arg-type]
        return ws.save(assistant, opened, opened.report, author=author)  # the stored version
    s = section_state(assistant, opened, section)
    try:
        assistant.store.add_draft(
            opened.id,
            section,
            text,
            author_kind="person",
            author=author,
            flags=[flag_dict(f) for f in flags],
            based_on=s.head.number if s.head else None,
        )
    except ConflictError:
        # 保存修改 and leaving the box both save: the other event stored this very text
        head = assistant.store.draft(opened.id, section)
        if head is None or head.text != text:
            raise
    latest = ws.open_report(assistant, opened.id).report
    return ws.save(assistant, opened, _with_text(latest, section, text), author=author)


def restore(
    assistant: Assistant, state: dict[str, int] | None, section: str, number: Any, *, author: str
) -> ws.Opened:
    try:
        n = int(str(number).removeprefix("第").split("版")[0])
    except ValueError as exc:
        raise InputError("请在版本历史中选择要恢复的版本。") from exc
    opened = ws.current(assistant, state)
    restored = assistant.store.restore_draft(opened.id, section, n, author=author)
    return ws.save(
        assistant, opened, _with_text(opened.report, section, restored.text), author=author
    )


def chat_messages(
    assistant: Assistant,
    state: dict[str, int] | None,
    section: str,
) -> list[dict[str, str]]:
    """The section's conversation as the chat shows it; an answer lists the sources its [n]
    point to."""
    if not state:
        return []
    out = []
    for e in assistant.store.chat(int(state["id"]), section):
        content = md_text(e.content)
        if e.kind == "answer" and e.sources:
            content += "\n\n参考资料：\n" + "\n".join(
                f"\\[{s['n']}\\] {md_text(s['label'])}" for s in e.sources
            )
        out.append({"role": "user" if e.role == "user" else "assistant", "content": content})
    return out


def is_question(text: str, mode: str = "auto") -> bool:
    """Whether this message will be answered (not turned into a version)."""
    return drafting.route_of(text or "", "instruction" if mode == "instruction" else "auto") == (
        "question"
    )


def engine_markdown(assistant: Assistant, session: LLMSettings | None = None) -> str:
    """Which engine writes the drafts, said plainly, and how to connect an LLM. `session` is
    this browser's own model setting, when it made one."""
    llm = session or assistant.settings.llm
    own = "（本浏览器的设置）" if session is not None else ""
    if llm.base_url and not llm.offline:
        return (
            # the address as code: a bare one is made a link that runs on over the Chinese after it
            f"**起草引擎：大模型 {md_text(llm.model)}**（`{llm.base_url.replace('`', '')}`，"
            f"{'已设置密钥' if llm.api_key else '未设置密钥'}）{own}。"
            "每一版都会标明由哪个模型写成；数字由程序逐一核对。"
        )
    return (
        f"**起草引擎：离线撰写（未连接大模型）{own}。** 草稿由程序根据表格数据、备注和范文生成，"
        "每个数字都有出处；需要人工补充的地方标为【待补充】。\n\n"
        "连接大模型：在下方“大模型设置”中填写兼容 OpenAI 接口的地址、模型名和密钥"
        "（如本单位部署的 vLLM、Xinference、Ollama，或 DeepSeek、通义千问、智谱 GLM 的兼容接口），"
        "或在启动前设置环境变量 XXGK_LLM_BASE_URL、XXGK_LLM_MODEL、XXGK_LLM_API_KEY。"
    )


def key_placeholder(llm: LLMSettings) -> str:
    """What the key box says: whether a key is set, never the key."""
    return "已设置（不显示）；留空即沿用" if llm.api_key else "未设置；没有可留空"


# -- drafting and revising through the Drafter (LLM or offline composer) -------------------------


@dataclass(frozen=True)
class Waiting:
    """Yielded by a run whose model has not begun to answer within `wait_first` seconds: the
    page then says that drafting started. A model that answers sooner shows its text at once,
    without a placeholder that would be replaced a moment later."""


@dataclass(frozen=True)
class DraftResult:
    """What a finished run left: the stored version, the passages it may cite, what to say."""

    version: DraftVersion
    engine: str
    passages: list[Any]
    message: str


def sources_markdown(passages: Sequence[Any]) -> str:
    if not passages:
        return "**参考资料：** 本稿没有引用资料库中的段落。"
    lines = ["**参考资料**（正文中的 [n] 指向下列段落）："]
    for i, hit in enumerate(passages, 1):
        excerpt = hit.text.replace("\n", " ")[:80]
        lines.append(f"- \\[{i}\\] {md_text(hit.citation())}：{md_text(excerpt)}…")
    return "\n".join(lines)


def run_draft(
    assistant: Assistant,
    state: dict[str, int] | None,
    section: str,
    instruction: str = "",
    *,
    author: str,
    retrieve: bool = False,
    wait_first: float | None = None,
    llm: LLMSettings | None = None,
    mode: Literal["auto", "instruction"] = "auto",
) -> Iterator[str | Waiting | DraftResult | drafting.Reply]:
    """One message of the chat about a section. Nothing typed drafts the section; a question is
    answered from the knowledge base, the report's data and last year's report (a chat turn, not
    a version: a `Reply` comes last); anything else revises the newest version (a `DraftResult`
    comes last). `mode="instruction"` (the 起草本节 button with text) takes the text as an
    instruction whatever its wording. The model is asked at once, when this is called; the
    iterator yields each streamed piece of text as it arrives, then the result; with
    `wait_first`, a `Waiting` comes first if no text arrived within that many seconds. A new
    version is stored but not accepted; when the model fails, nothing is stored and the
    accepted text stays as it was."""
    opened = ws.current(assistant, state)
    if section not in DRAFT_SECTIONS:
        raise InputError("请选择要起草的部分。")
    instruction = (instruction or "").strip()
    store = assistant.store
    ctx = workspace_context(
        store, store.load_report(opened.id), with_prior=True, options=assistant.check_options
    )
    drafter, warned = drafting.open_drafter(assistant, ctx, retrieve=retrieve, llm=llm)
    sid: SectionId = section  # one of DRAFT_SECTIONS, checked above
    kind = drafting.route_of(instruction, mode)
    earlier = drafting.history(store, opened.id, section)  # before this request is recorded
    if kind == "question":

        def job(sink: Callable[[str], None]) -> Any:
            return drafter.answer(instruction, earlier, on_token=sink)
    elif kind == "instruction":
        head = store.draft(opened.id, section)
        current = head.text if head is not None else opened.report.text(sid)

        def job(sink: Callable[[str], None]) -> Any:
            return drafter.revise(sid, instruction, earlier, current=current or None, on_token=sink)
    else:

        def job(sink: Callable[[str], None]) -> Any:
            return drafter.draft(sid, on_token=sink)

    def with_warnings(sink: Callable[[str], None]) -> Any:
        result = job(sink)
        result.warnings[:0] = warned  # a knowledge base that could not be opened, said first
        return result

    return _follow(
        assistant,
        opened,
        section,
        instruction,
        kind,
        _start(with_warnings),
        author=author,
        wait_first=wait_first,
    )


def _follow(
    assistant: Assistant,
    opened: ws.Opened,
    section: str,
    asked: str,
    kind: str,
    pieces: queue.Queue[tuple[str, Any]],
    *,
    author: str,
    wait_first: float | None,
) -> Iterator[str | Waiting | DraftResult | drafting.Reply]:
    """The tokens of a started run as they arrive; then the answer or the version is stored,
    and the transcript records the request and what came of it."""
    store = assistant.store
    # saved while the model starts answering, so the request does not wait for the disk
    drafting.record_request(store, opened.id, section, asked, author=author, kind=kind)
    try:
        done = yield from _drain(pieces, wait_first)
    except RefusedError as exc:  # the offline composer cannot follow free instructions
        yield drafting.save_refusal(store, opened.id, section, exc.message)
        return
    except AssistantError as exc:  # the transcript says what happened; nothing else changes
        drafting.record_failure(store, opened.id, section, exc.message)
        raise
    reply = drafting.finish_turn(store, opened.id, section, done, author=author)
    if reply.version is None:
        yield reply  # an answer: a chat turn, the text untouched
    else:
        # shown in Markdown: the model's name and its error body are text, never markup
        yield DraftResult(reply.version, reply.engine, reply.sources, md_text(reply.message))


def _start(job: Callable[[Callable[[str], None]], Any]) -> queue.Queue[tuple[str, Any]]:
    """Run `job(on_token)` in a worker thread; its tokens, then its result or its exception,
    arrive on the queue."""
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            pieces.put(("done", job(lambda piece: pieces.put(("token", piece)))))
        except BaseException as exc:  # handed to the caller's thread, which re-raises it
            pieces.put(("error", exc))

    threading.Thread(target=work, name="xxgk-draft", daemon=True).start()
    return pieces


def _drain(
    pieces: queue.Queue[tuple[str, Any]],
    wait_first: float | None = None,
) -> Generator[str | Waiting, None, Draft]:
    """Yield the tokens as they arrive (after a `Waiting` if the first is later than
    `wait_first` seconds); the job's result is the return value, its exception is raised here."""
    try:
        kind, value = pieces.get(timeout=wait_first)
    except queue.Empty:
        yield Waiting()
        kind, value = pieces.get()
    while True:
        if kind == "token":
            yield value
        elif kind == "error":
            raise value
        else:
            return value
        kind, value = pieces.get()
