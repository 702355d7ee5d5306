"""数据填报: the official tables as editable grids, live checks beside them, notes per section."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from assistant.report import FormatVersion, Report
from ui.handlers import tables as th
from ui.handlers import workspace as ws
from ui.pages.common import Page, author_of, listen
from ui.pages.profile import banner_text

_FORMATS: tuple[FormatVersion, ...] = ("2021", "2019")
_MARK = (
    "background-color: #fde2e1 !important; color: #b3261e !important; font-weight: 600; "
    "outline: 2px solid #d93025"
)


def _frame(block: th.EditBlock, rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(block.headers))


def marks_css(blocks: list[th.EditBlock], cells: list[str]) -> str:
    """CSS that paints the named cells in the grids (an editable grid cannot carry styles, and
    the grid redraws its rows as it scrolls, so the marks are selectors, not classes)."""
    rules = []
    for b in blocks:
        for r, k in th.marked_positions(b, cells):
            grid = "grid-" + b.key.replace(":", "-")
            rules.append(f'#{grid} [data-testid="cell-{r}-{k}"]')
    return (",\n".join(rules) + " { " + _MARK + " !important; }") if rules else ""


# Runs in the browser: put the marks' CSS into one <style> element of the page.
_PAINT_JS = """(css) => {
  let s = document.getElementById('xxgk-marks');
  if (!s) { s = document.createElement('style'); s.id = 'xxgk-marks'; document.head.appendChild(s); }
  s.textContent = css || '';
  return [];
}"""


def _widths(block: th.EditBlock) -> list[str | int]:
    """The label column wide enough for 三's long row labels, the figures sharing the rest."""
    values = len(block.headers) - 1
    label = 36 if values >= 7 and len(block.row_labels) > 1 else (16 if values > 7 else 40)
    share = (100 - label) / values
    return [f"{label}%", *[f"{share:.2f}%" for _ in range(values)]]


def build(page: Page) -> dict[str, Any]:
    a = page.assistant
    blocks = {fmt: th.edit_blocks(fmt) for fmt in _FORMATS}
    grids: dict[str, gr.Dataframe] = {}
    columns: dict[str, gr.Column] = {}
    findings_state = gr.State([])
    # per grid, what it held at this page's last save of it (th.apply_rows: a re-sent old frame
    # is no edit); emptied whenever the grids are redrawn from the stored report
    held_state = gr.State({})
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown(
                "标签（行、列名称）按官方格式固定，只能填写数字。没有的填 0；"
                "不适用的可填“/”。每改一格即自动保存并重新校验。"
            )
            with gr.Row():
                template_btn = gr.DownloadButton("下载 Excel 填报模板", elem_id="excel-template")
                upload = gr.File(
                    label="上传填好的 Excel",
                    # type and size are checked by the handler, in Chinese (ws.check_upload)
                    type="filepath",
                    height=120,
                    elem_id="excel-upload",
                )
            excel_msg = gr.Markdown(elem_id="excel-msg")
            for fmt in _FORMATS:
                with gr.Column(visible=fmt == "2021") as col:
                    if fmt == "2019":
                        gr.Markdown("本报告年度使用 2019 年试行格式（国办公开办函〔2019〕60号）。")
                    for block in blocks[fmt]:
                        if block.first_of_table:
                            gr.Markdown(f"#### {block.title}")
                        grids[block.key] = gr.Dataframe(
                            value=_frame(block, th.block_rows(None, block)),
                            label=block.caption or None,
                            show_label=bool(block.caption),
                            interactive=True,
                            static_columns=[0],
                            datatype="str",
                            row_count=len(block.row_labels),
                            column_count=len(block.headers),
                            column_widths=_widths(block),
                            wrap=True,
                            max_height=1600,
                            elem_classes=["xxgk-grid"],
                            elem_id="grid-" + block.key.replace(":", "-"),
                        )
                columns[fmt] = col
        with gr.Column(scale=2):
            gr.Markdown("#### 校验结果")
            summary = gr.Markdown("（打开报告后显示）", elem_id="check-summary")
            findings = gr.Dataframe(
                headers=list(th.FINDING_HEADERS),
                interactive=False,
                wrap=True,
                max_height=600,
                elem_id="findings",
                column_widths=["9%", "13%", "11%", "49%", "18%"],
            )
            where = gr.Markdown(elem_id="finding-where")
            marks = gr.Textbox(visible="hidden", elem_id="cell-marks")
            gr.Markdown("#### 备注（起草时作为事实来源）")
            note_section = gr.Dropdown(
                label="所属部分",
                choices=th.section_choices(),
                value="overview",
                elem_id="note-section",
            )
            note_text = gr.Textbox(
                label="备注",
                lines=3,
                placeholder="例如：全年开展政务公开培训2次，参训60人次",
                elem_id="note-text",
            )
            note_btn = gr.Button("保存备注", elem_id="note-btn")
            notes = gr.Markdown(elem_id="notes")

    all_grids = [grids[b.key] for fmt in _FORMATS for b in blocks[fmt]]

    def check_view(report: Report) -> tuple[str, list[list[str]], list[list[str]]]:
        result = th.check_opened(a, report)
        rows, shown_findings = th.finding_rows(report, result)
        return th.summary(result, report), rows, [list(f.cells) for f in shown_findings]

    def refresh(state: dict[str, int] | None) -> list[Any]:
        if not state:
            return [
                gr.Column(visible=True),
                gr.Column(visible=False),
                *[gr.skip() for _ in all_grids],
                "（打开报告后显示）",
                [],
                [],
                "",
                {},
            ]
        report = ws.current(a, state).report
        frames = [
            _frame(b, th.block_rows(report if b.format == report.format else None, b))
            for fmt in _FORMATS
            for b in blocks[fmt]
        ]
        text, rows, cells = check_view(report)
        return [
            gr.Column(visible=report.format == "2021"),
            gr.Column(visible=report.format == "2019"),
            *frames,
            text,
            rows,
            cells,
            th.notes_markdown(a, state),
            {},
        ]

    def make_edit(key: str) -> Any:
        def edit(
            state: dict[str, int] | None,
            frame: pd.DataFrame,
            held: dict[str, Any] | None,
            request: gr.Request,
        ) -> tuple[Any, ...]:
            sent = frame.values.tolist()
            had = (
                (held or {}).get(key)
                if state and (held or {}).get("id") == state.get("id")
                else None
            )
            opened, rows = th.edit_grid(a, state, key, sent, author=author_of(request), held=had)
            text, frows, cells = check_view(opened.report)
            typed = [[th.typed_text(v) for v in row] for row in sent]
            block = th.blocks_by_key()[key]
            kept: dict[str, Any] = (
                dict(held or {}) if (held or {}).get("id") == opened.id else {"id": opened.id}
            )
            kept[key] = th.held_values(block, sent, rows)
            return (
                opened.state(),
                kept,
                banner_text(opened.report, opened.version),
                # redrawn only when the stored values read differently (1,000 → 1000, another
                # person's edit): a redraw while the clerk types in the next cell loses it
                gr.skip() if typed == rows else _frame(th.blocks_by_key()[key], rows),
                text,
                frows,
                cells,
                "",
            )

        return edit

    def pick_finding(
        state: dict[str, int] | None, cells: list[list[str]], evt: gr.SelectData
    ) -> tuple[str, str]:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        named = cells[row] if cells and 0 <= row < len(cells) else []
        report = ws.current(a, state).report
        css = marks_css(blocks[report.format], named)
        text = th.describe_cells(report, named) if named else "这条结果不涉及具体单元格。"
        return css, f"**涉及（已在表中标红）：** {text}"

    def template(state: dict[str, int] | None) -> Any:
        # written when a report is opened, so one click downloads it (prefilled with its data)
        return str(th.excel_template(a, state)) if state else None

    def upload_filled(
        state: dict[str, int] | None, path: str | None, request: gr.Request
    ) -> tuple[dict[str, int], str, str, None]:
        opened, n = th.upload_excel(a, state, path, author=author_of(request))
        text = (
            f"已读入 {n} 个有变化的单元格，保存为第 {opened.version} 版。"
            if n
            else "表格中的数字与已保存的相同，没有修改。"
        )
        return opened.state(), banner_text(opened.report, opened.version), text, None

    def save_note(
        state: dict[str, int] | None, section: str, text: str, request: gr.Request
    ) -> tuple[str, str]:
        th.add_note(a, state, section, text, author=author_of(request))
        return "", th.notes_markdown(a, state)

    page.chain(
        listen(
            upload.upload,
            upload_filled,
            [page.state, upload],
            [page.state, page.banner, excel_msg, upload],
        )
    )
    for key, grid in grids.items():
        listen(
            grid.input,
            make_edit(key),
            [page.state, grid, held_state],
            [page.state, held_state, page.banner, grid, summary, findings, findings_state, marks],
        ).then(None, [marks], None, js=_PAINT_JS)
    listen(findings.select, pick_finding, [page.state, findings_state], [marks, where]).then(
        None, [marks], None, js=_PAINT_JS
    )
    listen(note_btn.click, save_note, [page.state, note_section, note_text], [note_text, notes])
    listen(note_text.submit, save_note, [page.state, note_section, note_text], [note_text, notes])

    def keep_note(
        state: dict[str, int] | None, section: str, text: str, request: gr.Request
    ) -> tuple[Any, Any]:
        # what was typed is kept even if the button is never pressed
        if not (text or "").strip() or not state:
            return gr.skip(), gr.skip()
        return save_note(state, section, text, request)

    listen(note_text.blur, keep_note, [page.state, note_section, note_text], [note_text, notes])

    page.on_open(template, [page.state], [template_btn])
    page.on_open(
        refresh,
        [page.state],
        [
            columns["2021"],
            columns["2019"],
            *all_grids,
            summary,
            findings,
            findings_state,
            notes,
            held_state,
        ],
    )
    return {
        "grids": grids,
        "summary": summary,
        "findings": findings,
        "template": template_btn,
        "upload": upload,
        "excel_msg": excel_msg,
    }
