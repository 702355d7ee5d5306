"""The data-entry workbook's layout: sheet names and where every label and figure sits.

One description shared by the template writer (export/xlsx.py) and the reader (ingest/xlsx.py):
each table sheet draws the official grid (report/grid.py) from GRID_TOP, column A; the 单位信息
sheet lists the profile fields and the 信息处理费 figures, one per row, value in column B. The
writer also stores every cell id → address in the hidden sheet MAP_SHEET, and the reader uses
it; the layout here is the fallback and the reference against which labels are verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.report.grid import Grid, GridCell, table_grid
from assistant.report.layout import FormatLayout, TableSpec
from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS

PROFILE_SHEET = "单位信息"
MAP_SHEET = "_xxgk"
MAP_MARK = "xxgk-workbook"
MAP_VERSION = 1
GRID_TOP = 3  # row 1: the section heading; row 2: how to fill; the grid starts on row 3
PROFILE_TOP = 4  # row 1: title; row 2: how to fill; row 3: column headings
VALUE_COLUMN = 2  # 单位信息: label in A, value in B, help in C


@dataclass(frozen=True)
class ProfileField:
    key: str  # agency.name, agency.kind, agency.level, agency.parent, year, or a fees.* cell id
    label: str
    help: str
    choices: tuple[str, ...] = ()


def address(row: int, col: int) -> str:
    """The A1-style address of a 1-based row and column (column 27 is AA)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def sheet_name(table: TableSpec) -> str:
    return f"表{table.number}"


def table_sheets(layout: FormatLayout) -> list[TableSpec]:
    return [t for t in layout.tables if t.render]


def grid_of(table: TableSpec) -> Grid:
    return table_grid(table)


def position(cell: GridCell) -> tuple[int, int]:
    """Sheet row and column (1-based) of a grid cell's top-left corner."""
    return GRID_TOP + cell.row, 1 + cell.col


def profile_fields(layout: FormatLayout) -> list[ProfileField]:
    fields = [
        ProfileField("agency.name", "机关全称", "与报告标题中的机关名称一致，如“××县××局”"),
        ProfileField(
            "agency.kind", "单位类型", "从下拉列表选择", tuple(AGENCY_KIND_LABELS.values())
        ),
        ProfileField("agency.level", "行政层级", "从下拉列表选择", tuple(LEVEL_LABELS.values())),
        ProfileField("agency.parent", "主管部门", "报送年报的政府信息公开工作主管部门（可不填）"),
        ProfileField("year", "统计年度", "报告所统计的年度（不是发布年度），如 2025"),
    ]
    fees = layout.table("fees") if any(t.id == "fees" for t in layout.tables) else None
    for spec in fees.cells if fees else ():
        unit = "，单位：元，可有两位小数" if spec.type == "dec" else "，填整数"
        fields.append(
            ProfileField(
                spec.id,
                f"信息处理费：{spec.column.label}",
                f"六、其他需要报告的事项{unit}；没有的填 0",
            )
        )
    return fields


def profile_row(layout: FormatLayout, key: str) -> int:
    for i, f in enumerate(profile_fields(layout)):
        if f.key == key:
            return PROFILE_TOP + i
    raise KeyError(key)


def default_addresses(layout: FormatLayout) -> dict[str, tuple[str, str]]:
    """Every cell id and profile field → (sheet, address) as the template places them."""
    out: dict[str, tuple[str, str]] = {}
    for f in profile_fields(layout):
        out[f.key] = (PROFILE_SHEET, address(profile_row(layout, f.key), VALUE_COLUMN))
    for table in table_sheets(layout):
        for c in grid_of(table).cells:
            if c.cell_id:
                out[c.cell_id] = (sheet_name(table), address(*position(c)))
    return out
