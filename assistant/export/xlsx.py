"""The Excel workbook a clerk fills: the official tables, protected labels, validated inputs.

Data cells are left EMPTY in a template (report=None), not 0: in this model a blank is "not
filled in" and 0 is "none happened" (SPEC b.0), and the checks tell them apart (FMT-08). A
pre-filled 0 would make a forgotten cell look like a true zero. The 单位信息 sheet tells the
clerk how to fill a whole block with 0 at once (select, type 0, Ctrl+Enter).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assistant.errors import ExportError
from assistant.export.spreadsheet import is_formula_text
from assistant.report.cells import Cell, display_width
from assistant.report.layout import (
    CellSpec,
    FormatLayout,
    TableSpec,
    format_for_year,
    load_layout,
)
from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS, Report
from assistant.report.workbook import (
    GRID_TOP,
    MAP_MARK,
    MAP_SHEET,
    MAP_VERSION,
    PROFILE_SHEET,
    PROFILE_TOP,
    VALUE_COLUMN,
    address,
    default_addresses,
    grid_of,
    position,
    profile_fields,
    sheet_name,
    table_sheets,
)

_FONT = "宋体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)
_HINT = (
    "填写说明：只在浅黄色单元格填写数字；没有发生的填 0（可选中一片单元格，输入 0 后按 "
    "Ctrl+Enter 一次填满）；空着表示“未填”。不要插入、删除或移动行列，不要改工作表名称。"
)
_NUMBER_FORMATS = {"int": "0", "sint": "+0;-0;0", "dec": "0.00##"}


def _validations(ws: Worksheet) -> dict[str, DataValidation]:
    """One rule per value type, each with a Chinese prompt and error (SPEC b.0 value types)."""
    specs = {
        "int": ("whole", "greaterThanOrEqual", "0", None, "请填写不小于 0 的整数（没有的填 0）。"),
        "sint": (
            "whole",
            "between",
            "-999999999",
            "999999999",
            "请填写整数，增加写正数、减少写负数（如 -1），没有变化的填 0。",
        ),
        "dec": (
            "decimal",
            "greaterThanOrEqual",
            "0",
            None,
            "请填写不小于 0 的金额数字，可有小数（没有的填 0）。",
        ),
    }
    out: dict[str, DataValidation] = {}
    for kind, (vtype, op, f1, f2, message) in specs.items():
        dv = DataValidation(
            type=vtype,
            operator=op,
            formula1=f1,
            formula2=f2,
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle="stop",
            errorTitle="输入有误",
            error=message,
            promptTitle="填写要求",
            prompt=message,
        )
        ws.add_data_validation(dv)
        out[kind] = dv
    return out


def _put_text(target: Any, value: object) -> None:
    """A cell value written as the value it is: text beginning with "=" stays text, never a
    formula (a profile field "=HYPERLINK(…)" would otherwise run, and not read back)."""
    target.value = value
    if is_formula_text(value):
        target.data_type = "s"


def _put_value(ws: Worksheet, ref: str, spec: CellSpec, cell: Cell | None) -> None:
    target = ws[ref]
    if cell is not None and cell.is_number:
        value = cell.value
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        target.value = value
    elif cell is not None and cell.kind != "blank":
        _put_text(target, cell.raw)  # "/", "—" or text: kept as typed; the reader flags it
    target.number_format = _NUMBER_FORMATS[spec.type]
    target.protection = _UNLOCKED
    target.fill = _INPUT_FILL


def _setup_page(ws: Worksheet, *, freeze: str | None, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if freeze:
        ws.freeze_panes = freeze
    if title_rows:
        ws.print_title_rows = title_rows
    # labels locked, inputs unlocked; no password, so a clerk who must can still unprotect
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _table_sheet(
    ws: Worksheet,
    layout: FormatLayout,
    table: TableSpec,
    report: Report | None,
) -> None:
    grid = grid_of(table)
    ws.cell(1, 1, table.title).font = Font(name=_FONT, bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.width)
    hint = ws.cell(2, 1, _HINT)
    hint.font = Font(name=_FONT, size=9, color="7F7F7F")
    hint.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=grid.width)
    ws.row_dimensions[2].height = 30
    dvs = _validations(ws)
    widths = [8.0] * grid.width
    for c in grid.cells:
        row, col = position(c)
        last_row, last_col = row + c.rowspan - 1, col + c.colspan - 1
        for r in range(row, last_row + 1):
            for k in range(col, last_col + 1):
                ws.cell(r, k).border = _BORDER
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
        target = ws.cell(row, col)
        target.font = Font(name=_FONT, size=10, bold=c.kind in ("caption", "header"))
        if c.kind == "data" and c.cell_id:
            spec = layout.cell(c.cell_id)
            _put_value(ws, target.coordinate, spec, report.cell(c.cell_id) if report else None)
            target.alignment = Alignment(horizontal="right", vertical="center")
            dvs[spec.type].add(target.coordinate)
            continue
        target.value = c.text
        center = c.kind in ("header", "group", "note")
        target.alignment = Alignment(
            wrap_text=True,
            vertical="center",
            horizontal="center" if center and c.kind != "note" else "left",
        )
        if c.kind in ("header", "caption", "note"):
            target.fill = _HEAD_FILL
        if c.colspan == 1:
            cap = {"label": 44, "group": 10}.get(c.kind, 14)
            widths[c.col] = max(widths[c.col], min(display_width(c.text), cap) * 1.1 + 2)
    for k, w in enumerate(widths):
        ws.column_dimensions[address(1, k + 1)[:-1]].width = w
    for r in range(grid.height):  # Excel does not grow merged rows by itself
        lines = 1
        for c in grid.cells:
            if c.row == r and c.rowspan == 1 and c.kind != "data":
                room = sum(widths[c.col : c.col + c.colspan]) / 1.1
                lines = max(lines, -(-display_width(c.text) // max(int(room), 1)))
        ws.row_dimensions[GRID_TOP + r].height = 15 * lines + 3
    label_cols = min((c.col for c in grid.cells if c.kind == "data"), default=0)
    freeze = address(GRID_TOP + grid.header_rows, label_cols + 1) if grid.header_rows else "A3"
    last_header = GRID_TOP + grid.header_rows - 1
    _setup_page(
        ws, freeze=freeze, title_rows=f"{GRID_TOP}:{last_header}" if grid.header_rows else None
    )


def _profile_sheet(ws: Worksheet, layout: FormatLayout, report: Report | None, year: int) -> None:
    ws.title = PROFILE_SHEET
    ws.cell(1, 1, f"政府信息公开工作年度报告数据（{year}年度，{layout.notice}格式）").font = Font(
        name=_FONT, bold=True, size=14
    )
    ws.merge_cells("A1:C1")
    ws.cell(2, 1, _HINT + "填好后运行：xxgk check 本文件.xlsx").alignment = Alignment(
        wrap_text=True, vertical="top"
    )
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 45
    for k, head in enumerate(("项目", "填写内容", "说明"), start=1):
        cell = ws.cell(3, k, head)
        cell.font, cell.fill, cell.border = Font(name=_FONT, bold=True), _HEAD_FILL, _BORDER
    dvs = _validations(ws)
    agency = report.agency if report else None
    values: dict[str, object] = {
        "agency.name": agency.name if agency and agency.name else None,
        "agency.kind": AGENCY_KIND_LABELS.get(agency.kind or "") if agency else None,
        "agency.level": LEVEL_LABELS.get(agency.level or "") if agency else None,
        "agency.parent": agency.parent if agency else None,
        "year": year,
    }
    for i, f in enumerate(profile_fields(layout)):
        row = PROFILE_TOP + i
        ws.cell(row, 1, f.label).border = _BORDER
        ws.cell(row, 3, f.help).border = _BORDER
        ws.cell(row, 3).alignment = Alignment(wrap_text=True)
        target = ws.cell(row, VALUE_COLUMN)
        target.border = _BORDER
        if layout.has_cell(f.key):
            spec = layout.cell(f.key)
            _put_value(ws, target.coordinate, spec, report.cell(f.key) if report else None)
            dvs[spec.type].add(target.coordinate)
            continue
        _put_text(target, values.get(f.key))
        target.protection, target.fill = _UNLOCKED, _INPUT_FILL
        if f.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(f.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(f.choices),
            )
            ws.add_data_validation(dv)
            dv.add(target.coordinate)
        elif f.key == "year":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1="2019",
                formula2="2100",
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请填写统计年度，如 2025。",
            )
            ws.add_data_validation(dv)
            dv.add(target.coordinate)
    for col, w in (("A", 34), ("B", 34), ("C", 56)):
        ws.column_dimensions[col].width = w
    _setup_page(ws, freeze=None, title_rows=None)
    ws.page_setup.orientation = "portrait"


def _map_sheet(ws: Worksheet, layout: FormatLayout) -> None:
    """Cell id → sheet and address, so the reader finds each figure without guessing."""
    ws.append([MAP_MARK, MAP_VERSION])
    ws.append(["format", layout.format])
    ws.append(["cell", "sheet", "address"])
    for key, (sheet, ref) in default_addresses(layout).items():
        ws.append([key, sheet, ref])
    ws.sheet_state = "veryHidden"  # clerks cannot unhide it by accident; the reader still can


def write_workbook(path: str | Path, report: Report | None = None, *, year: int = 2025) -> Path:
    """Write the data-entry workbook for `year` (or for `report`, prefilled with its values)."""
    path = Path(path)
    if report is not None:
        year = report.year
    fmt = report.format if report is not None else format_for_year(year)
    layout = load_layout(fmt)
    wb = Workbook()
    _profile_sheet(wb.active, layout, report, year)
    for table in table_sheets(layout):
        _table_sheet(wb.create_sheet(sheet_name(table)), layout, table, report)
    _map_sheet(wb.create_sheet(MAP_SHEET), layout)
    wb.active = 0
    try:
        wb.save(path)
    except OSError as exc:
        raise ExportError(
            f"无法写入“{path}”：{exc.strerror or exc}。如该文件正在 Excel/WPS 中打开，"
            f"请先关闭再试。",
            source=path,
        ) from exc
    return path
