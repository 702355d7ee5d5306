"""审核对比: numbers against earlier years, a chart, section similarity, findings decisions."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from ui.handlers import review as rh
from ui.markup import md_text
from ui.pages.common import Page, author_of, listen


def build(page: Page) -> dict[str, Any]:
    a = page.assistant
    fingerprints = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown("#### 与往年对比")
            years = gr.Markdown(elem_id="compare-years")
            gr.Markdown("**主要数字历年变化**")
            chart = gr.HTML(elem_id="compare-chart")
            changed_only = gr.Checkbox(
                value=True, label="只看有变化的单元格", elem_id="changed-only"
            )
            numbers = gr.Dataframe(
                interactive=False, wrap=True, max_height=420, elem_id="compare-numbers"
            )
            gr.Markdown("#### 文字与上年的相似度（已去除各年通用的套话）")
            similar = gr.Dataframe(
                headers=["部分", "相似度", "判断"], interactive=False, elem_id="similarity"
            )
            with gr.Accordion("逐段对照上年文字", open=False):
                wording = gr.HTML(elem_id="wording")
            gr.Markdown("#### 上年“存在的主要问题”本年是否说明了整改")
            problems = gr.Dataframe(
                headers=["上年问题", "本年情况", "本年对应的文字"],
                interactive=False,
                wrap=True,
                elem_id="problems-carried",
            )
        with gr.Column(scale=3):
            gr.Markdown("#### 全部校验结果：逐条确认或忽略（忽略须写明理由）")
            findings = gr.Dataframe(
                headers=list(rh.FINDING_HEADERS),
                interactive=False,
                wrap=True,
                max_height=520,
                elem_id="review-findings",
                column_widths=["8%", "10%", "38%", "20%", "10%", "14%"],
            )
            picked = gr.Markdown("点选上表中的一条结果。", elem_id="review-picked")
            picked_fp = gr.State(None)
            decision = gr.Radio(
                [(v, k) for k, v in rh.DECISION_LABELS.items()],
                label="处理",
                value="confirm",
                elem_id="decision",
            )
            reason = gr.Textbox(
                label="理由",
                placeholder="忽略时必须填写，例如：该项已在正文中说明",
                elem_id="review-reason",
            )
            decide_btn = gr.Button("保存处理意见", variant="primary", elem_id="decide-btn")
            gr.Markdown("#### 审核意见（Word）：校验意见作为批注，可确定的修改作为修订")
            package_btn = gr.Button("生成审核意见 Word 文件", elem_id="review-package")
            package_note = gr.Markdown(elem_id="review-package-note")
            package_file = gr.File(
                label="审核意见", interactive=False, elem_id="review-package-file"
            )

    def refresh(state: dict[str, int] | None, only_changed: bool) -> list[Any]:
        if not state:
            return ["", "", pd.DataFrame(), [], "", [], [], []]
        cmp = rh.compare(a, state)
        headers, rows = rh.number_rows(cmp, changed_only=only_changed)
        frows, found = rh.findings_view(a, state)
        sim_rows, wording_html = rh.wording_view(a, state)
        years_n = len(headers) - 3
        widths: list[str | int] = [
            "46%",
            *[f"{34 / years_n:.1f}%" for _ in range(years_n)],
            "10%",
            "10%",
        ]
        table = gr.Dataframe(value=pd.DataFrame(rows, columns=headers), column_widths=widths)
        return [
            cmp.message,
            rh.chart_html(cmp),
            table,
            sim_rows,
            wording_html,
            rh.problems_rows(a, state),
            frows,
            [f.fingerprint for f in found],
        ]

    def pick(fps: list[str], rows: pd.DataFrame, evt: gr.SelectData) -> tuple[str | None, str]:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if not fps or not 0 <= row < len(fps):
            return None, "点选上表中的一条结果。"
        return fps[row], md_text(f"已选：{rows.iloc[row, 1]} {rows.iloc[row, 2]}")

    def save(
        state: dict[str, int] | None,
        fp: str | None,
        kind: str,
        why: str,
        only_changed: bool,
        request: gr.Request,
    ) -> list[Any]:
        rh.decide(a, state, fp, kind, why, author=author_of(request))
        return [*refresh(state, only_changed), ""]

    outputs = [years, chart, numbers, similar, wording, problems, findings, fingerprints]
    listen(changed_only.change, refresh, [page.state, changed_only], outputs)
    listen(findings.select, pick, [fingerprints, findings], [picked_fp, picked])
    listen(
        decide_btn.click,
        save,
        [page.state, picked_fp, decision, reason, changed_only],
        [*outputs, reason],
    )
    listen(
        package_btn.click,
        lambda state: rh.review_package(a, state),
        [page.state],
        [package_file, package_note],
    )
    page.on_open(refresh, [page.state, changed_only], outputs)
    return {"findings": findings, "numbers": numbers}
