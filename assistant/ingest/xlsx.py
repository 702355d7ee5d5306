"""The data-entry workbook (xxgk template --xlsx) → Report, with errors that name sheet!cell.

Cells are found through the workbook's hidden cell map (written with the template), or, when it
is gone, through the layout (report/workbook.py). Before any figure is read, every label of every
table sheet is compared with the official layout, so rows a clerk inserted, deleted or moved are
explained instead of read into the wrong cells.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from assistant.errors import InputError
from assistant.ingest.entry import ErrorList, check_value, what_to_do, where
from assistant.report.cells import Cell, normalize_text
from assistant.report.layout import FormatVersion, TableSpec, load_layout
from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS, Agency, ReadNote, Report
from assistant.report.workbook import (
    MAP_MARK,
    MAP_SHEET,
    PROFILE_SHEET,
    address,
    default_addresses,
    grid_of,
    position,
    sheet_name,
    table_sheets,
)

_REDO = "请撤销这些改动，或用 xxgk template --xlsx 重新生成模板后把数字复制进去。"


# what openpyxl raises for a damaged file: the zip, its deflate streams, the XML (ElementTree's
# ParseError is a SyntaxError), and values of the wrong shape inside
BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    EOFError,
    zlib.error,
    struct.error,
    SyntaxError,
    NotImplementedError,
    RuntimeError,
)


class _Book:
    """Every sheet's cell values, read once in openpyxl's fast read-only mode (the full mode
    spends most of its time laying out merged cells, which a reader does not need)."""

    def __init__(self, path: Path, *, data_only: bool = True) -> None:
        try:
            wb = load_workbook(path, data_only=data_only, read_only=True)
            try:
                self._read(wb)
            finally:
                wb.close()
        except BROKEN_WORKBOOK as exc:  # read-only mode parses the sheets while iterating
            raise InputError(
                f"{path.name}：无法打开这个 Excel 文件（可能已损坏、设置了打开密码，或是 .xls "
                f"旧格式改了扩展名）。请在 Excel/WPS 中打开后“另存为”.xlsx 再试。",
                source=path,
            ) from exc

    def _read(self, wb: Any) -> None:
        self.sheetnames: list[str] = list(wb.sheetnames)
        self.visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
        self.values: dict[str, dict[str, object]] = {}
        for ws in wb.worksheets:
            cells: dict[str, object] = {}
            for row in ws.iter_rows():
                for c in row:
                    if getattr(c, "value", None) is not None:
                        cells[c.coordinate] = c.value
            self.values[ws.title] = cells

    def get(self, sheet: str, ref: str) -> object:
        return self.values[sheet].get(ref)


def _cell_map(book: _Book) -> tuple[FormatVersion, dict[str, tuple[str, str]]] | None:
    if MAP_SHEET not in book.sheetnames:
        return None
    values = book.values[MAP_SHEET]
    if values.get("A1") != MAP_MARK or str(values.get("B2")) not in ("2019", "2021"):
        return None
    cells: dict[str, tuple[str, str]] = {}
    row = 4
    while values.get(f"A{row}"):
        cells[str(values[f"A{row}"])] = (str(values.get(f"B{row}")), str(values.get(f"C{row}")))
        row += 1
    return str(values["B2"]), cells  # type: ignore[return-value]


def _guess_format(book: _Book) -> FormatVersion | None:
    """Without the cell map: the format whose 表二 labels the workbook shows."""
    for fmt in ("2021", "2019"):
        layout = load_layout(fmt)
        table = table_sheets(layout)[0]
        if sheet_name(table) in book.sheetnames and not _label_errors(book, table):
            return fmt
    return None


def _label_errors(book: _Book, table: TableSpec) -> list[str]:
    name = sheet_name(table)
    out: list[str] = []
    for c in grid_of(table).cells:
        if c.kind == "data" or not c.text:
            continue
        ref = address(*position(c))
        found = book.get(name, ref)
        if normalize_text(str(found or "")) != normalize_text(c.text):
            out.append(f"{name}!{ref} 应为「{c.text}」，现在是「{found or ''}」")
    return out


def _missing_sheet(book: _Book, name: str, title: str | None) -> str:
    hint = ""
    for other in book.visible:
        if title and book.get(other, "A1") == title:
            hint = f"工作表“{other}”看起来就是它，请把它改名为“{name}”。"
    visible = "、".join(book.visible)
    return f"找不到工作表“{name}”（可能被改名或删除）。现有工作表：{visible}。" + (
        hint or f"请把工作表名改回“{name}”；如已删除，{_REDO}"
    )


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula (an `<f>` element), judged from the XML without
    building the workbook a second time; the zip was checked against the limits already."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    data = archive.read(name)
                    if b"<f>" in data or b"<f " in data or b"<x:f" in data:
                        return True
    except BROKEN_WORKBOOK:
        return False  # the reader proper says what is wrong with it
    return False


def read(path: str | Path, *, format: FormatVersion | None = None) -> Report:
    """Read a filled-in workbook; raises InputErrors naming every sheet!cell to fix."""
    path = Path(path)
    errs = ErrorList(path)
    book = _Book(path)
    mapped = _cell_map(book)
    notes: list[ReadNote] = []
    if mapped is None:
        fmt = _guess_format(book)
        if fmt is None:
            raise InputError(
                f"{path.name}：这不是 xxgk 的年报数据模板（找不到“表二”“表三”“表四”工作表或其"
                f"表头与官方格式不符）。请用 xxgk template --xlsx 年报数据.xlsx 生成模板后填写。",
                source=path,
            )
        addresses = default_addresses(load_layout(fmt))
        notes.append(ReadNote(level="info", message="工作簿缺少单元格对照表，已按官方版式定位。"))
    else:
        fmt, addresses = mapped
    if format is not None and format != fmt:
        raise InputError(
            f"{path.name}：这个工作簿是{fmt}版格式的模板，与指定的 {format} 版格式不符。"
            f"请去掉 --format，或用 xxgk template 生成对应年度的模板。",
            source=path,
        )
    layout = load_layout(fmt)
    sheets_ok: set[str] = set()
    for table in table_sheets(layout):
        name = sheet_name(table)
        if name not in book.sheetnames:
            errs.add(_missing_sheet(book, name, table.title), location=name)
            continue
        bad = _label_errors(book, table)
        if bad:
            errs.add(
                f"工作表“{name}”的表头或行标签与官方格式不一致（"
                + "；".join(bad[:3])
                + ("等" if len(bad) > 3 else "")
                + f"），可能插入、删除或移动了行列。{_REDO}",
                location=name,
            )
            continue
        sheets_ok.add(name)
    if PROFILE_SHEET in book.sheetnames:
        sheets_ok.add(PROFILE_SHEET)
    else:
        errs.add(_missing_sheet(book, PROFILE_SHEET, None), location=PROFILE_SHEET)
    # opened only if the workbook has formulas, or a cell shows nothing (was it a formula?)
    formulas: _Book | None = _Book(path, data_only=False) if _has_formulas(path) else None
    computed: list[str] = []
    cells: dict[str, Cell] = {}
    profile: dict[str, object] = {}
    for key, (sheet, ref) in addresses.items():
        if sheet not in sheets_ok:
            continue
        value = book.get(sheet, ref)
        if isinstance(value, str) and not value.strip():
            value = None
        at = f"{sheet}!{ref}"
        if value is None:
            formulas = formulas or _Book(path, data_only=False)
            formula = formulas.get(sheet, ref)
            if isinstance(formula, str) and formula.startswith("="):
                errs.add(
                    f"{at}：公式“{formula}”没有计算结果（文件不是在 Excel/WPS 中保存的）。"
                    f"请在 Excel/WPS 中打开并保存一次，或直接填写数字。",
                    location=at,
                )
                continue
        formula = formulas.get(sheet, ref) if formulas is not None else None
        if isinstance(formula, str) and formula.startswith("=") and value not in (None, formula):
            if "[" in formula:  # [1]Sheet1!A1: a value from another workbook nobody can check
                errs.add(
                    f"{at}：公式“{formula}”引用了其他工作簿，其中的数据无法核对。"
                    f"请把数字直接填入本单元格。",
                    location=at,
                )
                continue
            computed.append(at)
        if not layout.has_cell(key):
            profile[key] = value
            continue
        spec = layout.cell(key)
        cell, problem = check_value(value, spec, source=at)
        if problem:
            errs.add(f"{at}：{where(spec)}：{problem}。{what_to_do(spec)}", cell=key, location=at)
        else:
            cells[key] = cell
    agency = _agency(profile, addresses, errs)
    year = _year(profile.get("year"), addresses.get("year"), errs)
    errs.raise_if_any()
    if computed:  # used, but not silently: the clerk sees which figures a formula gave
        shown = "、".join(computed[:5]) + (f"等{len(computed)}格" if len(computed) > 5 else "")
        notes.append(
            ReadNote(
                level="warning",
                message=f"{shown}是公式，已采用 Excel/WPS 保存时算出的结果，请核对这些数字。",
            )
        )
    assert year is not None
    return Report(agency=agency, year=year, format=fmt, cells=cells, source=str(path), notes=notes)


def _agency(
    profile: dict[str, object], addresses: dict[str, tuple[str, str]], errs: ErrorList
) -> Agency:
    fields = {
        k.removeprefix("agency."): str(v).strip()
        for k, v in profile.items()
        if k.startswith("agency.") and v is not None and str(v).strip()
    }
    try:
        return Agency.model_validate(fields)
    except ValueError:
        good = {}
        for key, value in fields.items():
            try:
                Agency.model_validate({key: value})
                good[key] = value
            except ValueError:
                choices = {"kind": AGENCY_KIND_LABELS, "level": LEVEL_LABELS}[key].values()
                sheet, ref = addresses[f"agency.{key}"]
                errs.add(
                    f"{sheet}!{ref}：“{value}”无法识别。请从下拉列表中选择："
                    + "、".join(choices)
                    + "。",
                    location=f"{sheet}!{ref}",
                )
        return Agency.model_validate(good)


def _year(value: object, at: tuple[str, str] | None, errs: ErrorList) -> int | None:
    where_ = f"{at[0]}!{at[1]}" if at else PROFILE_SHEET
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().removesuffix("年").isdigit():
        value = int(value.strip().removesuffix("年"))
    if isinstance(value, int) and 2000 <= value <= 2100:
        return value
    if value is None:
        errs.add(
            f"{where_}：“统计年度”没有填写。请填写报告所统计的年度，如 2025。", location=where_
        )
    else:
        errs.add(f"{where_}：统计年度“{value}”无法识别。请填写如 2025 的年份。", location=where_)
    return None
