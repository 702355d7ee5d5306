"""起草与修改: the chat per section, the draft with its flags, accept/reject, history, editing."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.errors import InputError, LLMError
from assistant.store import section_label
from ui.handlers import drafting as dh
from ui.handlers import workspace as ws
from ui.markup import md_text
from ui.pages.common import Page, author_of, listen, shown_stream
from ui.pages.profile import banner_text
from ui.pages.runs import RunsFinished

log = logging.getLogger(__name__)

# Seconds to wait for the model's first words before the chat shows “正在生成”; a model that
# answers sooner shows its text at once (one redraw fewer before the first words).
FIRST_TOKEN_WAIT = 0.15
# how a clerk drafts while the model's service is down: clearing the address selects the composer
NO_INDEX = "\n\n资料库索引尚未建立，本稿没有引用参考资料；点“建立/更新资料库索引”后即可引用。"
OFFLINE_HINT = "也可以在左侧“大模型设置”中清空接口地址并点“用于本浏览器”，改用离线撰写先生成草稿。"


def status_html(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in dh.SECTION_HEADERS)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"pending" if c in ("待采用", "有标记") else ""}">{html.escape(c)}</td>'
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="xxgk-status"><tr>{head}</tr>{body}</table>'


def build(page: Page) -> dict[str, Any]:
    a = page.assistant
    with gr.Row():
        with gr.Column(scale=1, min_width=340):
            engine = gr.Markdown(
                dh.engine_markdown(a), elem_classes=["xxgk-engine"], elem_id="engine"
            )
            gr.Markdown("**各部分状态**")
            sections = gr.HTML(elem_id="section-status")
            section = gr.Radio(
                dh.section_choices(), value="problems", label="选择部分", elem_id="section-pick"
            )
            retrieve = gr.Checkbox(
                value=True,
                label="检索参考资料（条例、格式、往年报告）",
                info="资料库索引在启动时于后台建立；建好之前起草只引用已建好的部分",
                elem_id="retrieve",
            )
            index_btn = gr.Button("建立/更新资料库索引", size="sm", elem_id="index-btn")
            index_msg = gr.Markdown(page.index.status(), elem_id="index-msg")
            index_timer = gr.Timer(2.0, active=page.index.running)
            with gr.Accordion("大模型设置", open=False):
                llm = a.settings.llm
                base_url = gr.Textbox(
                    label="接口地址（兼容 OpenAI）",
                    value=llm.base_url or "",
                    placeholder="例如 http://127.0.0.1:8000/v1",
                    elem_id="llm-base-url",
                )
                model_box = gr.Textbox(label="模型名称", value=llm.model, elem_id="llm-model")
                key_box = gr.Textbox(
                    label="密钥",
                    type="password",
                    value="",
                    placeholder=dh.key_placeholder(llm),
                    elem_id="llm-key",
                )
                with gr.Row():
                    apply_btn = gr.Button("用于本浏览器", elem_id="llm-apply")
                    office_btn = gr.Button("保存为本单位设置", elem_id="llm-office")
                settings_msg = gr.Markdown(
                    "“用于本浏览器”只改变您这个浏览器的起草引擎；"
                    "“保存为本单位设置”改变所有人的，重启后仍然有效（须登录）。"
                    "换了接口地址时，请同时填写它的密钥：已设置的密钥只发给原来的地址。",
                    elem_id="llm-msg",
                )
            llm_state = gr.State(None)  # this browser's own model settings (kept on the server)
            # the address and model the boxes were last given by the page (not what was typed)
            llm_shown = gr.State((llm.base_url or "", llm.model))
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label="对话",
                height=300,
                elem_id="chat",
                buttons=["copy"],
                latex_delimiters=[],
                sanitize_html=True,
                feedback_options=None,
                placeholder="点“起草本节”开始，"
                "或写下修改要求，例如“第三点写得更具体”“加上培训2次”。",
            )
            instruction = gr.Textbox(
                label="修改要求",
                lines=2,
                elem_id="instruction",
                placeholder="例如：第三点写得更具体；加上全年培训2次",
            )
            with gr.Row():
                draft_btn = gr.Button("起草本节", variant="primary", elem_id="draft-btn")
                revise_btn = gr.Button("按要求修改", elem_id="revise-btn")
            gr.Markdown("#### 当前版本")
            draft_view = gr.HTML(elem_id="draft-view")
            flag_list = gr.Markdown(elem_id="flag-list")
            sources = gr.Markdown(elem_id="sources")
            with gr.Row():
                accept_btn = gr.Button("采用此稿", variant="primary", elem_id="accept-btn")
                reject_btn = gr.Button("不采用", elem_id="reject-btn")
            action_msg = gr.Markdown(elem_id="action-msg")
            with gr.Accordion("手工修改正文（离开输入框即保存为新版本）", open=False):
                editor = gr.Textbox(label="正文", show_label=False, lines=10, elem_id="editor")
                save_edit = gr.Button("保存修改", elem_id="save-edit")
            with gr.Accordion("版本历史", open=False):
                history = gr.Dataframe(
                    headers=list(dh.HISTORY_HEADERS), interactive=False, elem_id="history"
                )
                with gr.Row():
                    version = gr.Dropdown(
                        label="选择版本", choices=[], interactive=True, elem_id="version-pick"
                    )
                    restore_btn = gr.Button("恢复此版本", elem_id="restore-btn")
                diff = gr.HTML(elem_id="version-diff")

    view_outputs = [sections, draft_view, flag_list, editor, history, version, chat, action_msg]

    def view(state: dict[str, int] | None, sid: str) -> list[Any]:
        if not state:
            return ["", dh.flags_html("", []), "", "", [], gr.Dropdown(choices=[]), [], ""]
        opened = ws.current(a, state)
        s = dh.section_state(a, opened, sid)
        shown_text = s.head.text if s.pending and s.head else s.text
        flags = s.flags if s.head is not None and s.head.text == shown_text else []
        note = ""
        if s.pending and s.head is not None:
            note = (
                f"这是{s.head.describe_author()}写的第{s.head.number}版，尚未采用。"
                "请核对后点“采用此稿”或“不采用”。"
            )
            if s.head.incomplete:
                note += "**这一版不完整（生成中断），请重新起草或手工补全。**"
        rows = dh.history_rows(a, state, sid)
        return [
            status_html(dh.section_rows(a, state)),
            dh.flags_html(shown_text, flags),
            dh.flags_markdown(flags) if shown_text else "",
            s.text,
            rows,
            gr.Dropdown(choices=[r[0] for r in rows], value=None),
            dh.chat_messages(a, state, sid),
            note,
        ]

    def after(opened: ws.Opened, sid: str, told: str | None = None) -> list[Any]:
        shown = view(opened.state(), sid)
        if told is not None:  # what the click did, in place of the version's note
            shown[-1] = told
        return [opened.state(), banner_text(opened.report, opened.version), *shown]

    def do_accept(state: dict[str, int] | None, sid: str, request: gr.Request) -> list[Any]:
        head = a.store.draft(int(state["id"]), sid) if state else None
        opened = dh.accept(a, state, sid, author=author_of(request))
        number = head.number if head is not None else 0
        return after(
            opened, sid, f"✔ 已采用第{number}版：报告的“{section_label(sid)}”现在是这一版的文字。"
        )

    def do_reject(state: dict[str, int] | None, sid: str, request: gr.Request) -> list[Any]:
        head = a.store.draft(int(state["id"]), sid) if state else None
        opened = dh.reject(a, state, sid, author=author_of(request))
        number = head.number if head is not None else 0
        return after(
            opened, sid, f"已不采用第{number}版：报告的“{section_label(sid)}”保持原来的文字。"
        )

    def do_edit(
        state: dict[str, int] | None, sid: str, text: str, request: gr.Request
    ) -> list[Any]:
        return after(dh.edit(a, state, sid, text, author=author_of(request)), sid)

    def do_restore(
        state: dict[str, int] | None, sid: str, number: str, request: gr.Request
    ) -> list[Any]:
        return after(dh.restore(a, state, sid, number, author=author_of(request)), sid)

    def do_diff(state: dict[str, int] | None, sid: str, number: str | None) -> str:
        if not number:
            return ""
        n = int(number.removeprefix("第").split("版")[0])
        return dh.version_diff(a, state, sid, n)

    def do_draft(
        state: dict[str, int] | None,
        sid: str,
        text: str,
        retrieve: bool,
        llm: Any,
        mode: str,
        request: gr.Request,
    ) -> Iterator[list[Any]]:
        # Only the chat and the draft change while the text streams in: every yield is sent to
        # the browser and redrawn there. What the run came to (`outcome`) is shown by `finish`.
        messages = dh.chat_messages(a, state, sid)
        messages += [
            {"role": "user", "content": md_text((text or "").strip() or "起草本节")},
            {"role": "assistant", "content": "（正在生成……）"},
        ]
        received, result = "", None
        # while the index is built, drafts cite what is in (and say so); a draft never builds it
        cite = bool(retrieve) and page.index.started
        asking = dh.is_question(text, mode)  # an answer streams into the chat only
        try:
            for item in dh.run_draft(
                a,
                state,
                sid,
                text,
                author=author_of(request),
                retrieve=cite,
                wait_first=FIRST_TOKEN_WAIT,
                llm=llm,
                mode="instruction" if mode == "instruction" else "auto",
            ):
                if isinstance(item, dh.Waiting):  # a slow model: say that it was asked
                    yield [messages, gr.skip(), None]
                elif isinstance(item, str):
                    received += item
                    messages[-1] = {"role": "assistant", "content": md_text(received)}
                    yield [messages, gr.skip() if asking else dh.flags_html(received, []), None]
                else:
                    result = item
        except LLMError as exc:
            # the page stays usable: the message is shown, the accepted text is untouched
            # the model's error body is text, never markup (in the chat, the pop-up, the page)
            told = exc.message + (OFFLINE_HINT if exc.offline_possible else "")
            messages[-1] = {"role": "assistant", "content": md_text(f"生成失败：{told}")}
            gr.Warning(html.escape(told), duration=None, title="大模型没有完成起草")
            yield [
                messages,
                gr.skip(),
                {"message": f"**生成失败，原正文未改动。** {md_text(told)}"},
            ]
            return
        assert result is not None
        yield [
            gr.skip(),
            gr.skip(),
            {
                "message": result.message + (NO_INDEX if retrieve and not cite else ""),
                "instruction": "",
                "sources": dh.sources_markdown(result.passages),
            },
        ]

    runs = RunsFinished()

    def finish(
        state: dict[str, int] | None,
        sid: str,
        outcome: dict[str, str] | None,
        request: gr.Request,
    ) -> list[Any]:
        """After a run (also a failed one) the page shows the new version and what came of it;
        the outcome is then cleared, so a run that stops before it starts shows none."""
        told = [(outcome or {}).get(k, gr.skip()) for k in ("message", "sources", "instruction")]
        shown = [*view(state, sid)[:7], *told, None]
        runs.shown(request.session_hash)
        return shown

    def pick_section(state: dict[str, int] | None, sid: str, request: gr.Request) -> list[Any]:
        began = time.monotonic()
        shown = view(state, sid)
        if runs.since(request.session_hash, began):
            shown[-1] = gr.skip()  # a run was shown meanwhile: its message stays
        return shown

    def index_status() -> tuple[str, Any]:
        # the timer ticks while the index is being built, and stops once it is
        return page.index.status(), gr.Timer(active=page.index.running)

    def do_index() -> tuple[str, Any]:
        page.index.start()
        return index_status()

    def do_settings(base_url: str, model: str, key: str) -> tuple[Any, str, Any, str]:
        llm = a.llm_settings(base_url=base_url, model=model, api_key=key)
        # the key is never sent back to the page: only whether one is set
        key_box = gr.Textbox(value="", placeholder=dh.key_placeholder(llm))
        return llm, dh.engine_markdown(a, llm), key_box, "已用于本浏览器（其他人不受影响）。"

    def do_office(
        request: gr.Request, base_url: str, model: str, key: str
    ) -> tuple[Any, str, Any, str]:
        user = getattr(request, "username", None)
        if not user:
            raise InputError(
                "只有登录的用户才能保存本单位的设置。请用 --auth 用户名:密码 启动后登录；"
                "现在可以点“用于本浏览器”。"
            )
        a.save_office_llm(base_url=base_url, model=model, api_key=key, author=user)
        log.info("LLM settings of the office changed by %s", user)
        return (
            None,
            dh.engine_markdown(a),
            gr.Textbox(value="", placeholder=dh.key_placeholder(a.settings.llm)),
            "已保存为本单位设置（保存在工作区，重启后仍然有效）：所有人的下一次起草都使用它。",
        )

    full = [page.state, page.banner, *view_outputs]
    listen(section.change, pick_section, [page.state, section], view_outputs)
    listen(accept_btn.click, do_accept, [page.state, section], full)
    listen(reject_btn.click, do_reject, [page.state, section], full)
    listen(editor.blur, do_edit, [page.state, section, editor], full)
    listen(save_edit.click, do_edit, [page.state, section, editor], full)
    listen(restore_btn.click, do_restore, [page.state, section, version], full)
    listen(version.change, do_diff, [page.state, section, version], [diff])
    outcome = gr.State(None)
    # The chat shows that a run started (its first words, or “正在生成” from a slow model), so
    # no spinner covers it. After a run, the rest of the page shows the new version and what
    # came of it (also when the model failed).
    after_outputs = [
        sections,
        draft_view,
        flag_list,
        editor,
        history,
        version,
        chat,
        action_msg,
        sources,
        instruction,
        outcome,
    ]
    # 起草本节 with text typed takes it as the instruction; 发送 (and Enter) let the text say
    # whether it is a question (answered, the draft untouched) or an instruction.
    for trigger, mode in (
        (draft_btn.click, "instruction"),
        (revise_btn.click, "auto"),
        (instruction.submit, "auto"),
    ):
        started = trigger(
            shown_stream(do_draft, 3),
            [page.state, section, instruction, retrieve, llm_state, gr.State(mode)],
            [chat, draft_view, outcome],
            show_progress="hidden",
        )
        listen(started.then, finish, [page.state, section, outcome], after_outputs, **page.quiet)
    listen(index_btn.click, do_index, None, [index_msg, index_timer])
    listen(index_timer.tick, index_status, None, [index_msg, index_timer], **page.quiet)
    settings_out = [llm_state, engine, key_box, settings_msg]
    listen(apply_btn.click, do_settings, [base_url, model_box, key_box], settings_out)
    listen(office_btn.click, do_office, [base_url, model_box, key_box], settings_out)

    page.on_open(view, [page.state, section], view_outputs)

    def engine_fields(session: Any, shown: Any) -> tuple[Any, ...]:
        # the office's engine may have changed since the page was built (here, or saved by
        # another process on the workspace): what this browser uses (its own setting, else
        # the office's), the key only as set or not. The boxes are rewritten only when that
        # changed since the page last filled them: a clerk typing in them as the tab opens
        # keeps what was typed (and saves it, not the old values put back under the cursor).
        a.use_office_settings()
        llm = session or a.settings.llm
        now = (llm.base_url or "", llm.model)
        key = gr.update(placeholder=dh.key_placeholder(llm))  # never its value
        engine_md = dh.engine_markdown(a, session)
        if shown is not None and tuple(shown) == now:
            return engine_md, gr.skip(), gr.skip(), key, gr.skip()
        return engine_md, now[0], now[1], key, now

    page.on_open(
        engine_fields,
        [llm_state, llm_shown],
        [engine, base_url, model_box, key_box, llm_shown],
    )
    return {"engine": engine, "chat": chat, "draft_btn": draft_btn, "sources": sources}
