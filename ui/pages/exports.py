"""导出: choose formats and 征求意见稿 / 正式稿, see the publish gate, download the files."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.handlers import exports as eh
from ui.pages.common import Page, author_of, listen

_KINDS = [("征求意见稿（内部征求意见，不受把关限制）", False), ("正式稿（须通过发布把关）", True)]


def build(page: Page) -> dict[str, Any]:
    a = page.assistant
    fingerprints = gr.State([])
    with gr.Row():
        with gr.Column(scale=2):
            kind = gr.Radio(_KINDS, value=False, label="导出类型", elem_id="export-kind")
            formats = gr.CheckboxGroup(
                [(v, k) for k, v in eh.FORMAT_LABELS.items()],
                value=["docx", "html"],
                label="格式",
                elem_id="export-formats",
            )
            export_btn = gr.Button("导出", variant="primary", elem_id="export-btn")
            files = gr.File(
                label="导出的文件（点击下载）",
                file_count="multiple",
                interactive=False,
                elem_id="export-files",
            )
            gr.Markdown("#### 导出记录")
            log = gr.Dataframe(
                headers=["时间", "类型", "格式", "文件", "操作人", "放行理由"],
                interactive=False,
                wrap=True,
                elem_id="export-log",
            )
        with gr.Column(scale=3):
            gr.Markdown("#### 发布把关")
            verdict = gr.Markdown(elem_id="gate-verdict")
            blockers = gr.Dataframe(
                headers=list(eh.BLOCKER_HEADERS),
                interactive=False,
                wrap=True,
                elem_id="gate-blockers",
                column_widths=["14%", "62%", "24%"],
            )
            picked = gr.State(None)
            picked_text = gr.Markdown("点选一个问题，可写明理由放行。", elem_id="allow-picked")
            reason = gr.Textbox(
                label="放行理由",
                placeholder="例如：已与业务科室核对，数字无误",
                elem_id="allow-reason",
            )
            allow_btn = gr.Button("放行此问题", elem_id="allow-btn")

    def refresh(state: dict[str, int] | None, final: bool) -> list[Any]:
        if not state:
            return ["", [], [], []]
        text, rows, fps = eh.gate_view(eh.gate(a, state, final=final))
        return [text, rows, fps, eh.records(a, state)]

    def pick(fps: list[str], evt: gr.SelectData) -> tuple[str | None, str]:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if not fps or not 0 <= row < len(fps):
            return None, "点选一个问题，可写明理由放行。"
        return fps[row], f"已选第 {row + 1} 个问题。"

    def do_allow(
        state: dict[str, int] | None, fp: str | None, why: str, final: bool, request: gr.Request
    ) -> list[Any]:
        eh.allow(a, state, fp, why, author=author_of(request))
        return [*refresh(state, final), ""]

    def do_export(
        state: dict[str, int] | None,
        fmts: list[str],
        final: bool,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (gradio's own idiom)
    ) -> list[Any]:
        paths = eh.export(
            a,
            state,
            fmts,
            final=final,
            author=author_of(request),
            progress=lambda f, what: progress(f, desc=what),
        )
        return [[str(p) for p in paths], *refresh(state, final)]

    outputs = [verdict, blockers, fingerprints, log]
    listen(kind.change, refresh, [page.state, kind], outputs)
    listen(blockers.select, pick, [fingerprints], [picked, picked_text])
    listen(allow_btn.click, do_allow, [page.state, picked, reason, kind], [*outputs, reason])
    listen(export_btn.click, do_export, [page.state, formats, kind], [files, *outputs])
    page.on_open(refresh, [page.state, kind], outputs)
    return {"files": files}
