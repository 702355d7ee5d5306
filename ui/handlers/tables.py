"""数据填报: the official tables as editable grids (labels fixed, numbers editable) and live checks."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.checks import SEVERITY_LABELS, STATUS_LABELS, CheckResult, Finding
from assistant.errors import InputError
from assistant.report import SECTION_IDS, Cell, FormatVersion, Report, load_layout, parse_cell
from assistant.report.layout import BlockSpec, TableSpec
from assistant.service import Assistant
from assistant.store import section_label
from ui.handlers import workspace as ws
from ui.markup import md_text

ENTRY_SOURCE = "录入"
LABEL_HEADER = "项目"


@dataclass(frozen=True)
class EditBlock:
    """One editable grid: a block of an official table, its labels and the cell id of each value."""

    key: str  # stable id of the grid in the page, e.g. "2021:active:0"
    format: FormatVersion
    table_id: str
    title: str  # the table's heading, shown above its first block
    caption: str  # the block's own caption (第二十条第（一）项), may be empty
    headers: tuple[str, ...]  # first the label column, then one per value column
    row_labels: tuple[str, ...]
    cell_ids: tuple[tuple[str, ...], ...]  # [row][value column]

    @property
    def first_of_table(self) -> bool:
        return self.key.endswith(":0")


def _row_label(table: TableSpec, block: BlockSpec, index: int) -> str:
    row = block.rows[index]
    parts = [*row.groups[1:], row.label] if row.groups else [row.label]
    label = " ".join(p for p in parts if p)
    return label or "件数"


def _column_label(block: BlockSpec, index: int) -> str:
    col = block.columns[index]
    groups = [g for g in col.groups if g != "申请人情况"]
    return "/".join([*groups, col.label])


# Wider than this, a block is shown as one grid per column group (表四: 行政复议, 未经复议直接
# 起诉, 复议后起诉), so that every header stays readable.
MAX_GRID_COLUMNS = 8


def _parts(block: BlockSpec) -> list[tuple[str, list[int]]]:
    """The block's value columns as (caption, column indexes) runs."""
    if len(block.columns) <= MAX_GRID_COLUMNS:
        return [(block.caption or "", list(range(len(block.columns))))]
    runs: list[tuple[str, list[int]]] = []
    for k, col in enumerate(block.columns):
        caption = "·".join(col.groups)
        if runs and runs[-1][0] == caption:
            runs[-1][1].append(k)
        else:
            runs.append((caption, [k]))
    return runs


def edit_blocks(fmt: FormatVersion) -> list[EditBlock]:
    """The grids of one format, in the format's order: 二 (one per block), 三, 四, then the
    optional 信息处理费 figures of 六."""
    layout = load_layout(fmt)
    out: list[EditBlock] = []
    for table in layout.tables:
        if not table.render and not table.optional:
            continue
        n = 0
        for block in table.blocks:
            for caption, cols in _parts(block):
                split = len(cols) < len(block.columns)
                ids = tuple(
                    tuple(
                        ".".join(p for p in (table.id, r.id, block.columns[k].id) if p)
                        for k in cols
                    )
                    for r in block.rows
                )
                title = table.title if table.render else f"{table.number}、{table.title}（选填）"
                headers = tuple(
                    block.columns[k].label if split else _column_label(block, k) for k in cols
                )
                out.append(
                    EditBlock(
                        key=f"{fmt}:{table.id}:{n}",
                        format=fmt,
                        table_id=table.id,
                        title=title,
                        caption=caption,
                        headers=(block.label_header or LABEL_HEADER, *headers),
                        row_labels=tuple(
                            _row_label(table, block, i) for i in range(len(block.rows))
                        ),
                        cell_ids=ids,
                    )
                )
                n += 1
    return out


def _shown(cell: Cell | None) -> str:
    if cell is None:
        return ""
    return cell.raw if cell.kind == "text" else cell.display()


def block_rows(report: Report | None, block: EditBlock) -> list[list[str]]:
    """The grid's rows as the clerk sees them: the label, then each value as text."""
    rows = []
    for label, ids in zip(block.row_labels, block.cell_ids, strict=True):
        rows.append([label, *(_shown(report.cell(c) if report else None) for c in ids)])
    return rows


def typed_text(value: Any) -> str:
    """A grid value as text, the way the page compares it with what is stored."""
    text = "" if value is None else str(value).strip()
    return "" if text in ("nan", "None") else text  # an emptied pandas cell


def apply_rows(
    report: Report,
    block: EditBlock,
    rows: Sequence[Sequence[Any]],
    shown_before: Mapping[str, str] | None = None,
    held: Mapping[str, Collection[str]] | None = None,
) -> Report:
    """The report with the grid's values written back. Labels are ignored (they are fixed); only
    values that differ from what the page was showing are re-read, so a cell keeps its
    provenance. `shown_before` holds what the page showed of cells saved since it loaded them
    (someone else's edits it has not seen): such a cell, left as it was, is not this edit.
    `held` holds, per cell, the values this page's grid had at its last save (what it sent and
    what it was given back): the grid may send that old frame once more after the save's
    redraw (with the page's new version), and a value it already held is not this edit."""
    layout = report.layout
    before = shown_before or {}
    had = held or {}
    changed: dict[str, Cell] = {}
    for ids, row in zip(block.cell_ids, rows, strict=False):
        for cid, value in zip(ids, list(row)[1:], strict=False):
            text = typed_text(value)
            if text == before.get(cid, _shown(report.cell(cid))) or text in had.get(cid, ()):
                continue
            changed[cid] = parse_cell(text, unit=layout.cell(cid).unit, source=ENTRY_SOURCE)
    return report.with_cells(changed) if changed else report


def held_values(block: EditBlock, *frames: Sequence[Sequence[Any]]) -> dict[str, list[str]]:
    """Per cell of the grid, the values it held in these frames (sent, then shown back)."""
    out: dict[str, list[str]] = {}
    for frame in frames:
        for ids, row in zip(block.cell_ids, frame, strict=False):
            for cid, value in zip(ids, list(row)[1:], strict=False):
                text = typed_text(value)
                if text not in out.setdefault(cid, []):
                    out[cid].append(text)
    return out


def describe_cells(report: Report, cells: Sequence[str]) -> str:
    layout = report.layout
    return "；".join(layout.cell(c).describe() if layout.has_cell(c) else c for c in cells)


def brief_cells(report: Report, cells: Sequence[str]) -> str:
    """The cells of a findings row, short enough to keep the list readable: one cell in full,
    several counted per table ("表三 4 格"); clicking the row names them all and marks them."""
    if len(cells) <= 1:
        return describe_cells(report, cells)
    layout = report.layout
    per_table = Counter(
        f"表{layout.cell(c).table.number}" if layout.has_cell(c) else "其他" for c in cells
    )
    return "、".join(f"{table} {n} 格" for table, n in per_table.items())


FINDING_HEADERS = ("级别", "规则", "结论", "说明", "涉及单元格")


def finding_rows(
    report: Report,
    result: CheckResult,
    *,
    include_passes: bool = False,
) -> tuple[list[list[str]], list[Finding]]:
    """Findings to show beside the grid, worst first: rows for the table and the findings in the
    same order (so a click on row i names finding i's cells)."""
    order = {"error": 0, "warning": 1, "info": 2}
    shown = [f for f in result.findings if include_passes or f.status != "pass"]
    shown.sort(key=lambda f: (f.status != "fail", order.get(f.severity, 9)))
    rows = [
        [
            SEVERITY_LABELS.get(f.severity, f.severity),
            f.rule,
            STATUS_LABELS.get(f.status, f.status),
            f.message,
            brief_cells(report, f.cells),
        ]
        for f in shown
    ]
    return rows, shown


def summary(result: CheckResult, report: Report | None = None) -> str:
    if report is not None and not report.cells:
        return (
            "表格还没有填写：请在左侧表格中逐格填写（没有的填 0），或下载 Excel 填报模板，"
            "填好后上传。填写后即自动校验。"
        )
    errors, warnings, unknown = len(result.errors), len(result.warnings), len(result.not_assessable)
    passed = sum(1 for f in result.findings if f.status == "pass")
    if not errors and not warnings and not unknown:
        return f"✔ 已通过全部 {passed} 项校验。"
    return (
        f"校验结果：错误 {errors} 项，警告 {warnings} 项，无法判断 {unknown} 项，"
        f"通过 {passed} 项。点击一条结果，可在表中看到它涉及的单元格（红色）。"
    )


def marked_positions(block: EditBlock, cells: Sequence[str]) -> list[tuple[int, int]]:
    """Grid positions (row, column incl. the label column) of the named cells in this block."""
    wanted = set(cells)
    return [
        (r, k + 1)
        for r, ids in enumerate(block.cell_ids)
        for k, cid in enumerate(ids)
        if cid in wanted
    ]


def blocks_by_key() -> dict[str, EditBlock]:
    return {b.key: b for fmt in ("2021", "2019") for b in edit_blocks(fmt)}


def check_opened(assistant: Assistant, report: Report) -> CheckResult:
    """Every rule, with last year's report when the workspace holds it (cross-year rules)."""
    return assistant.check(report, prior=ws.prior_of(assistant, report))


def edit_grid(
    assistant: Assistant,
    state: dict[str, int] | None,
    key: str,
    rows: Sequence[Sequence[Any]],
    *,
    author: str,
    held: Mapping[str, Collection[str]] | None = None,
) -> tuple[ws.Opened, list[list[str]]]:
    """Save one edited grid at once and return the grid as stored (values normalised).
    `held`: what the page's grid held at its previous save (see `apply_rows`)."""
    opened = ws.current(assistant, state)
    block = blocks_by_key()[key]
    if block.format != opened.report.format:
        raise InputError("这张表不属于当前报告的格式，请刷新页面后再填写。")
    # saved even when nothing changed: the page then catches up with the stored version
    report = apply_rows(opened.report, block, rows, ws.shown_before(assistant, opened), held)
    saved = ws.save(assistant, opened, report, author=author)
    return saved, block_rows(saved.report, block)


def section_choices() -> list[tuple[str, str]]:
    return [(section_label(s), s) for s in SECTION_IDS]


def add_note(
    assistant: Assistant, state: dict[str, int] | None, section: str, text: str, *, author: str
) -> None:
    """Keep a note; the same note twice is kept once (the button and leaving the box both
    save what was typed)."""
    opened = ws.current(assistant, state)
    if not (text or "").strip():
        raise InputError("备注是空的。请写下要补充的情况，例如“全年开展培训2次，参训60人次”。")
    assistant.store.add_note(opened.id, section, text.strip(), author=author)


def notes_markdown(assistant: Assistant, state: dict[str, int] | None) -> str:
    if not state:
        return ""
    notes = assistant.store.notes(int(state["id"]))
    if not notes:
        return "（还没有备注。备注里的数字会作为起草时可引用的事实。）"
    return "\n".join(
        f"- **{section_label(n.section)}**：{md_text(n.text)}"
        f"　<small>{md_text(n.author)} {n.at.astimezone():%m-%d %H:%M}</small>"
        for n in notes
    )


def excel_template(assistant: Assistant, state: dict[str, int] | None) -> Path:
    """The data-entry workbook of the open report, prefilled with what it holds now."""
    from assistant.export.xlsx import write_workbook

    opened = ws.current(assistant, state)
    path = ws.exports_dir(assistant) / f"{ws.file_stem(opened.report)}-数据填报.xlsx"
    # written beside and moved into place: two pages opening the report at once (or a download
    # while it is rewritten) never see half a file
    part = path.with_name(f".{uuid.uuid4().hex}-{path.name}")
    try:
        write_workbook(part, opened.report)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def upload_excel(
    assistant: Assistant, state: dict[str, int] | None, path: str | Path | None, *, author: str
) -> tuple[ws.Opened, int]:
    """Read a filled workbook and save its figures (and profile fields) into the open report.
    Returns the saved report and how many cells changed."""
    opened = ws.current(assistant, state)
    p = ws.check_upload(assistant, path, (".xlsx",))
    data = assistant.read(p)
    if data.year != opened.report.year:
        raise InputError(
            f"“{p.name}”是{data.year}年度的数据，当前报告是{opened.report.year}年度。"
            "请下载本年度的模板填写。"
        )
    if data.format != opened.report.format:
        raise InputError(f"“{p.name}”使用的表格格式与当前报告不同。请下载本年度的模板填写。")
    changed = {
        cid: c for cid, c in data.cells.items() if _shown(opened.report.cell(cid)) != _shown(c)
    }
    profile = {k: v for k, v in data.agency.model_dump().items() if v not in (None, "")}
    profile.pop("name", None)
    report = opened.report.with_cells(changed).model_copy(
        update={"agency": opened.report.agency.model_copy(update=profile)}
    )
    return ws.save(assistant, opened, report, author=author), len(changed)
