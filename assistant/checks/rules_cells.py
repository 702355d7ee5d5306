"""Format rules on the table cells themselves: FMT-04…09 and FMT-12 (SPEC c.1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import normalize_text
from assistant.report.layout import CellSpec, SectionId, TableSpec
from assistant.report.model import COLUMN_ORDER, HEADER_NOTE, IMAGE_TABLES, UNREAD

_MISSING_KINDS = {"blank": "空白", "dash": "“—”", "slash": "“/”"}
_EXPECTED_CELLS = {
    "active": ("10", "22"),
    "apply": ("175（25行×7列）", "161（23行×7列）"),
    "review": ("15", "15"),
}


_IDS: dict[tuple[str, str], tuple[str, ...]] = {}


def cell_ids(table: TableSpec) -> tuple[str, ...]:
    """A table's cell ids, cached (TableSpec.cell_ids builds a new tuple on every call)."""
    key = (table.id, table.title)
    if key not in _IDS:
        _IDS[key] = table.cell_ids
    return _IDS[key]


_LAYOUT_IDS: dict[str, frozenset[str]] = {}


def _layout_ids(ctx: CheckContext) -> frozenset[str]:
    fmt = ctx.layout.format
    if fmt not in _LAYOUT_IDS:
        _LAYOUT_IDS[fmt] = frozenset(ctx.layout.cell_ids)
    return _LAYOUT_IDS[fmt]


_ID_SETS: dict[tuple[str, str], frozenset[str]] = {}


def _id_set(table: TableSpec) -> frozenset[str]:
    key = (table.id, table.title)
    if key not in _ID_SETS:
        _ID_SETS[key] = frozenset(cell_ids(table))
    return _ID_SETS[key]


def _structure(ctx: CheckContext, section: SectionId) -> Iterator[Finding]:
    table = ctx.layout.table_for_section(section)
    assert table is not None
    cells = ctx.report.cells
    ids = cell_ids(table)
    missing = [c for c in ids if c not in cells] if not cells.keys() >= _id_set(table) else []
    prefix = table.id + "."
    extra = [c for c in cells.keys() - _layout_ids(ctx) if c.startswith(prefix)]
    count = _EXPECTED_CELLS[section][0 if ctx.report.format == "2021" else 1]
    if missing and not extra and _unread(ctx, prefix):
        # the reader said it could not find or place these cells: its trouble, not the report's
        yield ctx.unknown(
            missing,
            f"表{table.number}有{len(missing)}个数据格未能读取（见读取说明），无法判断该表是否与格式一致。"
            f"请核对原文，或另存为网页、Word后再读取。",
        )
        return
    if len(missing) == len(ids):
        yield ctx.fail(
            f"未找到表{table.number}（{table.title}）的数据。格式要求该表共{count}个数据格，"
            f"请按格式填报整张表。",
            cells=missing,
            expected=count,
            found=0,
        )
        return
    problems = []
    if missing:
        problems.append(f"缺少{len(missing)}个数据格：{ctx.names(missing, 4)}")
    if extra:
        problems.append(
            f"多出格式没有的项目：{'、'.join(extra[:4])}" + ("等" if len(extra) > 4 else "")
        )
    # the reader saw the columns in another order (the cells are keyed by id, so only it can tell)
    reordered = [
        n
        for n in ctx.report.notes
        if n.location == COLUMN_ORDER and (n.cell or "").startswith(prefix)
    ]
    if problems:
        yield ctx.fail(
            f"表{table.number}与格式不符，"
            + "；".join(problems)
            + f"。格式要求该表共{count}个数据格，行列不得增删。",
            cells=[*missing, *extra],
            expected=count,
            found=len(ids) - len(missing) + len(extra),
        )
    elif reordered:
        yield ctx.fail(
            f"{reordered[0].message}请按格式调整列的顺序，不得调换。",
            cells=[n.cell for n in reordered if n.cell],
        )
    else:
        yield ctx.passed(f"表{table.number}的行、列与格式一致（{count}个数据格）。")


def _unread(ctx: CheckContext, prefix: str) -> bool:
    """The reader noted it could not read (part of) this table, or that the tables were images."""
    return any(
        (n.location == UNREAD and (n.cell or "").startswith(prefix)) or n.location == IMAGE_TABLES
        for n in ctx.report.notes
    )


@rule("FMT-04", "error", "19/21", title="表二的栏目与格式一致")
def active_structure(ctx: CheckContext) -> Iterator[Finding]:
    yield from _structure(ctx, "active")


@rule("FMT-05", "error", "19/21", title="表三的申请人列和各行与格式一致")
def apply_structure(ctx: CheckContext) -> Iterator[Finding]:
    yield from _structure(ctx, "apply")


@rule("FMT-06", "error", "19/21", title="表四的栏目与格式一致")
def review_structure(ctx: CheckContext) -> Iterator[Finding]:
    yield from _structure(ctx, "review")


@rule("FMT-07", "warning", "19/21", title="表格以文字形式发布，不是图片")
def tables_as_text(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    marked = [n for n in report.notes if n.location == IMAGE_TABLES]
    has_text = any(s != "preamble" and sec.text for s, sec in report.sections.items())
    tables = _tables(ctx)
    no_table = not any(c in report.cells for t in tables for c in cell_ids(t))
    if marked:
        yield ctx.fail(
            f"表格以图片或扫描件发布，无法读取数据（{marked[0].message}）。请以文字、网页表格"
            f"或Word表格发布；表格各项校验均无法进行。"
        )
    elif no_table and has_text and any(n.location == UNREAD for n in report.notes):
        # the reader found no table it could read, and saw no picture: not certain they are images
        yield ctx.unknown(
            (),
            "未能从原文读取表二、表三、表四（见读取说明），无法判断表格是否以图片发布。"
            "请核对原文；表格是文字的，可另存为网页或 Word 后再读取。",
        )
    elif no_table and has_text:
        yield ctx.fail(
            "报告有正文，但没有读到表二、表三、表四中的任何数据，表格可能是图片或扫描件。"
            "请以文字、网页表格或Word表格发布；表格各项校验均无法进行。"
        )
    elif no_table:
        yield ctx.unknown((), "既没有正文也没有表格数据，无法判断表格的发布形式。")
    else:
        yield ctx.passed("表格以文字形式提供。")


def _tables(ctx: CheckContext) -> list[TableSpec]:
    return [t for t in ctx.layout.tables if not t.optional]


@rule("FMT-08", "warning", "19/21", title="数据格不留空、不填“/”或“—”")
def no_blank_cells(ctx: CheckContext) -> Iterator[Finding]:
    cells = ctx.report.cells
    # the cells given without a number, found by one set difference (usually none)
    unfilled = {c for c in cells.keys() - ctx.numbers.keys() if cells[c].kind in _MISSING_KINDS}
    for table in _tables(ctx):
        bad = [c for c in cell_ids(table) if c in unfilled] if unfilled else []
        if not bad:
            yield ctx.passed(f"表{table.number}没有空白格。", cells=())
            continue
        kinds = "、".join(sorted({_MISSING_KINDS[cells[c].kind] for c in bad}))
        yield ctx.fail(
            f"表{table.number}有{len(bad)}个数据格为{kinds}：{ctx.names(bad)}。"
            f"没有数据的应填“0”；这些格相关的勾稽校验无法进行。",
            cells=bad,
            expected="0",
            found=kinds,
        )


def _type_problem(spec: CellSpec, value: int | Decimal) -> str | None:
    is_integer = isinstance(value, int) or value == value.to_integral_value()
    if spec.type == "int":
        if not is_integer:
            return "应为整数"
        if value < 0:
            return "不能为负数"
    elif spec.type == "sint":
        if not is_integer:
            return "应为整数（可带正负号）"
    elif value < 0:
        return "金额不能为负数"
    return None


@rule("FMT-09", "error", "19/21", title="数值类型正确（件数为非负整数，金额非负）")
def value_types(ctx: CheckContext) -> Iterator[Finding]:
    cells = ctx.report.cells
    numbers = ctx.numbers
    # the only cells that can be wrong: text, and numbers that are negative or not integers
    # (most reports have a few, in the signed “本年增/减” column); the rest need no look
    suspects = {c for c, v in numbers.items() if type(v) is not int or v < 0}
    suspects |= {c for c in cells.keys() - numbers.keys() if cells[c].kind == "text"}
    for table in ctx.layout.tables:
        problems: list[str] = []
        bad: list[str] = []
        for cid in (c for c in cell_ids(table) if c in suspects) if suspects else ():
            spec, cell = ctx.layout.cell(cid), cells[cid]
            problem = "不是数字" if cell.kind == "text" else _type_problem(spec, numbers[cid])
            if problem:
                bad.append(cid)
                problems.append(f"{spec.describe()}“{cell.raw}”{problem}")
        if table.optional and not any(c in cells for c in cell_ids(table)):
            continue
        if bad:
            more = f"等{len(bad)}处" if len(bad) > 3 else ""
            yield ctx.fail(
                "；".join(problems[:3]) + more + "。件数应填非负整数，“本年增/减”可带正负号，"
                "金额不能为负。",
                cells=bad,
            )
        else:
            yield ctx.passed(f"表{table.number}的数值类型正确。")


def _printed(message: str) -> str:
    """The note as printed: a reader's message quotes it (表三表头印有说明“…”。)."""
    m = re.search(r"“(.*)”", message)
    return m.group(1) if m else message


def _note_key(text: str) -> str:
    return normalize_text(text).strip("()（）")


@rule("FMT-12", "info", "19/21", title="表三表头的勾稽关系说明完整")
def header_note(ctx: CheckContext) -> Iterator[Finding]:
    # only a published document prints the note; data files have none, so nothing to judge
    printed = [_printed(n.message) for n in ctx.report.notes if n.location == HEADER_NOTE]
    table = ctx.layout.table_for_section("apply")
    assert table is not None and table.header_note
    if not printed:
        return
    if any(_note_key(p) == _note_key(table.header_note) for p in printed):
        yield ctx.passed("表三表头的勾稽关系说明与格式一致。")
    else:
        yield ctx.fail(
            f"表三表头的说明为“{printed[0]}”，与格式的“{table.header_note}”不一致。"
            f"请照录格式原文。",
            expected=table.header_note,
            found=printed[0],
        )
