"""单位与年度: pick or create a report, the agency profile, last year's published report."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.report import AGENCY_KIND_LABELS, LEVEL_LABELS, Report
from ui.handlers import workspace as ws
from ui.markup import md_text
from ui.pages.common import Page, author_of, listen

_FIELD_LABELS = {
    "name": "机关全称",
    "address": "地址",
    "postcode": "邮编",
    "phone": "联系电话",
    "website": "网站",
    "parent": "政府信息公开工作主管部门",
    "title": "报告标题",
    "date": "发布日期",
    "index_no": "索引号",
    "url": "发布网址",
}
_PLACEHOLDERS = {
    "title": "例如：威海市文登区工业和信息化局2025年政府信息公开工作年度报告",
    "date": "例如：2026-01-20",
    "index_no": "政府信息公开平台上的索引号",
    "url": "例如：http://www.wendeng.gov.cn/...",
}


def banner_text(report: Report | None, version: int | None = None) -> str:
    if report is None:
        return "### 尚未打开报告\n请在“单位与年度”页选择已有报告，或新建一份。"
    demo = (
        "\n\n**这是演示数据**（示例单位的报告），可以随意修改试用；新建报告后即可填写本单位的数据。"
        if (report.source or "").startswith("knowledge/demo/")
        else ""
    )
    return (
        f"### {md_text(report.agency.name) or '（未填写机关名称）'} · {report.year}年度报告"
        f"　<small>格式：{report.layout.notice}　已保存第 {version} 版</small>{demo}"
    )


def build(page: Page) -> dict[str, Any]:
    a = page.assistant
    with gr.Row():
        with gr.Column(scale=1):
            gr.Markdown("#### 打开已有报告")
            picker = gr.Dropdown(
                label="工作区中的报告", choices=[], interactive=True, elem_id="report-picker"
            )
            open_btn = gr.Button("打开", variant="primary", elem_id="open-report")
            gr.Markdown("#### 新建报告")
            new_name = gr.Textbox(
                label="机关全称",
                placeholder="例如：威海市文登区工业和信息化局",
                elem_id="new-agency",
            )
            new_year = gr.Number(label="报告年度", value=2025, precision=0, elem_id="new-year")
            new_btn = gr.Button("新建报告", elem_id="new-report")
        with gr.Column(scale=2):
            gr.Markdown("#### 单位信息（离开输入框即自动保存）")
            name_box = gr.Textbox(
                label=_FIELD_LABELS["name"], interactive=False, elem_id="profile-name"
            )
            with gr.Row():
                kind = gr.Dropdown(
                    label="机关类型",
                    choices=[(v, k) for k, v in AGENCY_KIND_LABELS.items()],
                    elem_id="profile-kind",
                )
                level = gr.Dropdown(
                    label="层级",
                    choices=[(v, k) for k, v in LEVEL_LABELS.items()],
                    elem_id="profile-level",
                )
            boxes = {
                f: gr.Textbox(label=_FIELD_LABELS[f], elem_id=f"profile-{f}")
                for f in ws.PROFILE_FIELDS[3:]
            }
            gr.Markdown("#### 发布信息（用于发布时限校验和 Word 文件的落款日期）")
            with gr.Row():
                published = {
                    f: gr.Textbox(
                        label=_FIELD_LABELS[f],
                        placeholder=_PLACEHOLDERS[f],
                        elem_id=f"profile-{f}",
                    )
                    for f in ws.PUBLICATION_FIELDS
                }
            profile_msg = gr.Markdown(elem_id="profile-msg")
            gr.Markdown(
                "#### 上一年度已发布的报告\n上传后作为上年报告存入工作区：用于对比、"
                "查看去年问题的整改情况和起草时的参考。"
            )
            prior_file = gr.File(
                label="上年报告（txt、html、docx、pdf、xlsx、yaml、json）",
                # no file_types: Gradio would refuse other types in English; the handler
                # says it in Chinese (ws.check_upload)
                type="filepath",
                height=140,
                elem_id="prior-upload",
            )
            prior_btn = gr.Button("导入上年报告", elem_id="prior-import")
            prior_msg = gr.Markdown(elem_id="prior-msg")

    fields: list[gr.Textbox | gr.Dropdown] = [
        name_box,
        kind,
        level,
        *boxes.values(),
        *published.values(),
    ]
    names = [*ws.PROFILE_FIELDS, *ws.PUBLICATION_FIELDS]

    def refresh_picker(state: dict[str, int] | None) -> Any:
        value = state.get("id") if state else None
        return gr.Dropdown(choices=ws.report_choices(a), value=value)

    def show_profile(state: dict[str, int] | None) -> list[Any]:
        # the dropdowns (kind, level) take None for “not chosen”: "" is not one of their choices
        values: list[Any] = (
            ws.profile_values(ws.current(a, state).report) if state else ["" for _ in fields]
        )
        return [v or None if i in (1, 2) else v for i, v in enumerate(values)]

    def do_open(report_id: Any) -> tuple[dict[str, int], str]:
        if report_id in (None, ""):
            raise InputError("请先在列表中选择一份报告。")
        opened = ws.open_report(a, int(report_id))
        return opened.state(), banner_text(opened.report, opened.version)

    def do_new(name: str, year: Any, request: gr.Request) -> tuple[dict[str, int], str]:
        opened = ws.create_report(a, name, year, author=author_of(request))
        return opened.state(), banner_text(opened.report, opened.version)

    def do_save_profile(
        request: gr.Request, state: dict[str, int] | None, *values: Any
    ) -> tuple[dict[str, int], str, str]:
        # the request comes first: gradio fills a gr.Request parameter by position, and
        # cannot fill one that follows *values (keyword-only)
        data = dict(zip(names, ["" if v is None else str(v) for v in values], strict=True))
        opened = ws.save_profile(a, state, data, author=author_of(request))
        return opened.state(), banner_text(opened.report, opened.version), "已保存。"

    def do_import(
        state: dict[str, int] | None, path: str | None, request: gr.Request
    ) -> tuple[dict[str, int], str, str]:
        opened, prior, notes, filled = ws.import_prior(a, state, path, author=author_of(request))
        lines = [
            f"已导入 {prior.year} 年度报告（{len(prior.cells)} 个表格单元格，"
            f"{sum(1 for s in prior.sections.values() if s.text)} 个部分的正文）。"
        ]
        if filled:
            lines.append(
                f"已按上年数据预填本年 {len(filled)} 项（上年结转、现行有效件数、单位信息），"
                "已填写的数字不会被覆盖。"
            )
        if notes:
            lines += ["", *(f"- {md_text(n)}" for n in notes[:10])]
        return opened.state(), banner_text(opened.report, opened.version), "\n".join(lines)

    opened_evt = listen(open_btn.click, do_open, [picker], [page.state, page.banner])
    new_evt = listen(new_btn.click, do_new, [new_name, new_year], [page.state, page.banner])
    for evt in (opened_evt, new_evt):
        page.chain(evt)
    for comp in fields[1:]:
        trigger = comp.input if isinstance(comp, gr.Dropdown) else comp.blur
        listen(
            trigger, do_save_profile, [page.state, *fields], [page.state, page.banner, profile_msg]
        )
    page.chain(
        listen(
            prior_btn.click,
            do_import,
            [page.state, prior_file],
            [page.state, page.banner, prior_msg],
        )
    )

    page.on_open(refresh_picker, [page.state], [picker])
    page.on_open(show_profile, [page.state], fields)
    return {"picker": picker, "new_name": new_name, "new_year": new_year, "prior_msg": prior_msg}
