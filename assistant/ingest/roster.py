"""Read a roll-up roster (yaml or xlsx): the units a 主管部门 expects a report from (SPEC f.2).

YAML:

    汇总单位: {名称: 某某县人民政府, 层级: 县级}      # optional: the aggregate's own agency
    年度: 2025                                     # optional
    单位:
      - {名称: 某某县教育局, 类型: 部门, 层级: 县级, 垂直管理: 否, 报送期限: 2026-01-31}

Excel: the first sheet, one unit a row, under a header row with 名称 / 类型 / 层级 / 垂直管理 /
报送期限 (English names name / kind / level / vertical / deadline also accepted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import LimitSettings
from assistant.errors import InputError
from assistant.ingest.datatree import load_tree
from assistant.ingest.entry import ErrorList
from assistant.limits import DEFAULT_LIMITS, check_file
from assistant.report.model import Agency
from assistant.report.rollup import RosterUnit

_COLUMNS = {
    "名称": "name",
    "单位名称": "name",
    "单位": "name",
    "name": "name",
    "类型": "kind",
    "机关类型": "kind",
    "kind": "kind",
    "层级": "level",
    "level": "level",
    "垂直管理": "vertical",
    "是否垂直管理": "vertical",
    "vertical": "vertical",
    "报送期限": "deadline",
    "期限": "deadline",
    "deadline": "deadline",
}
_TRUE = {"是", "垂直", "垂直管理", "true", "yes", "y", "1", "√"}
_FALSE = {"否", "", "false", "no", "n", "0", "none"}


@dataclass(frozen=True)
class Roster:
    units: tuple[RosterUnit, ...]
    agency: Agency | None = None  # the aggregating government, when the roster names it
    year: int | None = None


def _flag(value: Any, where: str, path: Path) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(
        f"{path.name}：{where}“垂直管理”填的是“{value}”，请填“是”或“否”。", source=path
    )


def _date(value: Any, where: str, path: Path) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise InputError(
            f"{path.name}：{where}“报送期限”填的是“{value}”，不是日期。请写成 2026-01-31 的形式。",
            source=path,
        ) from None


def _unit(row: dict[str, Any], where: str, path: Path) -> RosterUnit:
    fields = {
        _COLUMNS[k]: v for k, v in row.items() if isinstance(k, str) and k.strip() in _COLUMNS
    }
    name = str(fields.get("name") or "").strip()
    if not name:
        raise InputError(f"{path.name}：{where}没有填单位名称。请填写单位全称。", source=path)
    try:
        profile = Agency(
            name=name, kind=fields.get("kind") or None, level=fields.get("level") or None
        )
    except ValueError:
        raise InputError(
            f"{path.name}：{where}（{name}）的类型或层级无法识别。类型填部门、人民政府、"
            f"乡镇街道、垂直管理或办公厅；层级填省级、市级、县级或乡级。",
            source=path,
        ) from None
    return RosterUnit(
        name=name,
        kind=profile.kind,
        level=profile.level,
        vertical=_flag(fields.get("vertical"), where, path) or profile.kind == "vertical",
        deadline=_date(fields.get("deadline"), where, path),
    )


def _from_yaml(path: Path, limits: LimitSettings) -> Roster:
    errs = ErrorList(path)
    data = load_tree(path, errs, limits).data  # the data files' reader: the same limits
    errs.raise_if_any()
    if isinstance(data, list):
        data = {"单位": data}
    if not isinstance(data, dict):
        raise InputError(f"{path.name}：名单文件应包含“单位”列表。", source=path)
    rows = data.get("单位", data.get("units"))
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{path.name}：名单文件缺少“单位”列表，或列表为空。", source=path)
    units = []
    for i, row in enumerate(rows, 1):
        where = f"第{i}个单位"
        units.append(_unit(row if isinstance(row, dict) else {"名称": row}, where, path))
    head = data.get("汇总单位", data.get("agency"))
    agency = None
    if head:
        head = head if isinstance(head, dict) else {"名称": head}
        u = _unit(head, "汇总单位", path)
        agency = Agency(name=u.name, kind=u.kind or "government", level=u.level)
    year = data.get("年度", data.get("year"))
    return Roster(units=tuple(units), agency=agency, year=int(year) if year else None)


def _from_xlsx(path: Path) -> Roster:
    import openpyxl  # only when a workbook is given

    from assistant.ingest.xlsx import BROKEN_WORKBOOK

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(book.worksheets[0].iter_rows(values_only=True)) if book.worksheets else []
        finally:
            book.close()
    except BROKEN_WORKBOOK as exc:
        raise InputError(
            f"{path.name}：无法打开名单工作簿（文件损坏或不是 .xlsx）。请用 Excel/WPS 另存为 .xlsx "
            f"后再试。",
            source=path,
        ) from exc
    if not rows:
        raise InputError(f"{path.name}：名单工作簿的第一个工作表为空。", source=path)
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    if not any(_COLUMNS.get(h) == "name" for h in header):
        raise InputError(f"{path.name}：第一个工作表第1行应为表头，至少有“名称”列。", source=path)
    units = []
    for i, row in enumerate(rows[1:], 2):
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        units.append(_unit(dict(zip(header, row, strict=False)), f"第{i}行", path))
    if not units:
        raise InputError(f"{path.name}：名单中没有单位。", source=path)
    return Roster(units=tuple(units))


def read_roster(path: str | Path, *, limits: LimitSettings = DEFAULT_LIMITS) -> Roster:
    """The roster in a yaml or xlsx file. Raises InputError (Chinese, with the row) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到名单文件“{path}”。", source=path)
    check_file(path, limits)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _from_yaml(path, limits)
    if suffix == ".xlsx":
        return _from_xlsx(path)
    raise InputError(f"{path.name}：名单应为 .yaml 或 .xlsx 文件。", source=path)
