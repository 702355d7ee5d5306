"""Figures a clerk typed (data file or workbook): checking one value and saying where it sits."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from assistant.errors import InputError, InputErrors
from assistant.report.cells import Cell, parse_cell
from assistant.report.layout import CellSpec

_TYPE_WORDS = {"int": "非负整数", "sint": "整数（可带 + 或 - 号）", "dec": "不小于 0 的金额数字"}


def row_number(spec: CellSpec) -> int:
    """The 1-based position of the cell's row among the table's data rows (all blocks)."""
    n = 0
    for block in spec.table.blocks:
        for row in block.rows:
            n += 1
            if block is spec.block and row is spec.row:
                return n
    raise ValueError(spec.id)


def where(spec: CellSpec) -> str:
    """The cell as a clerk finds it on paper: 表三 第5行「（三）不予公开 1.属于国家秘密」自然人列."""
    table = spec.table
    if not table.render:  # the 信息处理费 figures of section 六 are not a printed table
        return f"{table.title}「{spec.column.label}」"
    if not spec.row.label:
        return f"表{table.number}「{spec.column_label}」列"
    return f"表{table.number} 第{row_number(spec)}行「{spec.row_label}」{spec.column_label}列"


def expected(spec: CellSpec) -> str:
    return _TYPE_WORDS[spec.type]


def check_value(raw: object, spec: CellSpec, *, source: str | None = None) -> tuple[Cell, str]:
    """Read one typed value: the Cell and "" when usable, or a Chinese reason why not.

    A blank, "/" or "—" is kept as such (the checks warn about it, FMT-08); a number of the
    wrong kind or text that is no number at all is the clerk's mistake and must be fixed.
    Negative counts are left to the checks (FMT-09), which explain them with the rule."""
    if isinstance(raw, float):
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        raw = format(raw, "f")  # keep "12.50" as typed in raw; the value is the same Decimal
    if raw is not None and not isinstance(raw, (str, int, Decimal)) or isinstance(raw, bool):
        return Cell(kind="text", raw=str(raw)), f"“{raw}”不是数字，应为{expected(spec)}"
    cell = parse_cell(raw, unit=spec.unit, source=source)
    shown = cell.raw if cell.raw else str(raw)
    if cell.kind == "text":
        return (
            cell,
            f"'{shown}' 不是{'整数' if spec.type != 'dec' else '数字'}，应为{expected(spec)}",
        )
    if cell.is_number and spec.type != "dec" and isinstance(cell.value, Decimal):
        if cell.value != cell.value.to_integral_value():
            return cell, f"'{shown}' 不是整数，应为{expected(spec)}"
        cell = cell.model_copy(update={"value": int(cell.value)})
    return cell, ""


def what_to_do(spec: CellSpec) -> str:
    if spec.type == "dec":
        unit = f"（单位：{spec.unit}）" if spec.unit else ""
        return f"请填写阿拉伯数字金额{unit}，如 3.25；没有的填 0。"
    if spec.type == "sint":
        return "请填写阿拉伯数字，增加写 +2、减少写 -1；没有变化的填 0。"
    return "请填写阿拉伯数字，如 12；没有的填 0。"


def closest(key: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.5)
    return found[0] if found else None


def unknown_key_hint(key: str, candidates: Iterable[str]) -> str:
    """“是不是想写 X？” for the nearest valid key, or the list of valid keys when few."""
    candidates = list(candidates)
    near = closest(key, candidates)
    if near:
        return f"是不是想写“{near}”？"
    if len(candidates) <= 12:
        return "可用的键：" + "、".join(candidates) + "。"
    return "请对照 xxgk template --yaml 生成的样例检查拼写。"


class ErrorList:
    """Errors of one file, collected so the clerk sees them all at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[InputError] = []

    def add(self, message: str, *, cell: str | None = None, location: str | None = None) -> None:
        self.errors.append(
            InputError(
                f"{self.path.name}：{message}", source=self.path, cell=cell, location=location
            )
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors, source=self.path)
