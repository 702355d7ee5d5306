"""Every record of a backup checked against the models before a restore touches the workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text

from assistant.errors import InputError
from assistant.report.model import Agency, Report
from assistant.store.models import TABLES_IN_ORDER, note_digest
from assistant.store.office_settings import OFFICE_SETTINGS, SECRET_SETTINGS
from assistant.store.records import AUTHOR_KINDS

# values a column may hold beyond its type, as the workspace writes them (workspace.py)
_CHOICES = {
    ("drafts", "author_kind"): AUTHOR_KINDS,
    ("decisions", "decision"): ("confirm", "dismiss"),
    ("reports", "format"): ("2019", "2021"),
    # a backup never holds a secret (backup.py): one that does was not written by xxgk backup
    ("office_settings", "name"): tuple(n for n in OFFICE_SETTINGS if n not in SECRET_SETTINGS),
}
_LIST_COLUMNS = {("drafts", "flags"), ("exports", "overrides")}


def _type_problem(column: Any, value: Any) -> str:
    """Why `value` cannot be stored in `column`, or ""."""
    if value is None:
        return "" if column.nullable else "不能为空"
    kind = column.type
    if isinstance(kind, Boolean):
        return "" if isinstance(value, bool) else "应为 true/false"
    if isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return "" if ok and abs(value) < 2**63 else "应为整数"
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            return "应为日期时间"
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            return "应为日期时间"
        return ""
    if isinstance(kind, String):
        if not isinstance(value, str):
            return "应为文字"
        return "" if kind.length is None or len(value) <= kind.length else "文字过长"
    if isinstance(kind, Text):
        return "" if isinstance(value, str) else "应为文字"
    if isinstance(kind, JSON):
        return ""
    raise TypeError(f"no check for column type {kind!r}")  # a new column type needs one here


def _model_problem(table: str, row: dict[str, Any]) -> str:
    """The JSON columns hold our pydantic models: they must validate as the app reads them;
    a note's digest is its text's (the key that keeps one note per text, migration 0004)."""
    if table == "notes" and row["digest"] != note_digest(row["text"]):
        return "的摘要与备注文字不符"
    try:
        if table == "agencies":
            Agency.model_validate(row["profile"])
        elif table == "reports":
            report = Report.model_validate(row["data"])
            if (report.year, report.format) != (row["year"], row["format"]):
                return "年度或格式与报告内容不一致"
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"内容不是有效的{'单位信息' if table == 'agencies' else '报告'}（{where}）"
    return ""


def check_records(tables: Any, path: Path) -> None:
    """Raise InputError naming the first record that the models would not accept."""

    def refuse(why: str) -> InputError:
        return InputError(
            f"备份文件 {path.name} {why}，恢复没有进行，工作区保持原样。", source=path
        )

    if not isinstance(tables, dict):
        raise refuse("缺少数据表")
    known = {t.name for t in TABLES_IN_ORDER}
    extra = sorted(set(tables) - known)
    if extra:
        raise refuse(f"含有不认识的数据表“{extra[0]!s:.40}”")
    ids: dict[str, set[int]] = {}
    for table in TABLES_IN_ORDER:
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise refuse(f"的“{table.name}”不是记录列表")
        names = {c.name for c in table.columns}
        seen: set[int] = set()
        for n, row in enumerate(rows, 1):
            at = f"的“{table.name}”第{n}条记录"
            if not isinstance(row, dict):
                raise refuse(f"{at}不是“字段: 值”的形式")
            if set(row) != names:
                odd = sorted(set(row) ^ names)
                raise refuse(f"{at}的字段“{odd[0]!s:.40}”与本程序的数据结构不符")
            for column in table.columns:
                problem = _type_problem(column, row[column.name])
                choices = _CHOICES.get((table.name, column.name))
                if not problem and choices and row[column.name] not in choices:
                    problem = "不是可用的值（" + "、".join(choices) + "）"
                if not problem and (table.name, column.name) in _LIST_COLUMNS:
                    problem = "" if isinstance(row[column.name], list) else "应为列表"
                if problem:
                    raise refuse(f"{at}的“{column.name}”{problem}")
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    if row[column.name] not in ids.get(target, set()):
                        raise refuse(f"{at}的“{column.name}”指向不存在的{target}记录")
            if row["id"] in seen:
                raise refuse(f"{at}的编号 {row['id']} 重复")
            seen.add(row["id"])
            problem = _model_problem(table.name, row)
            if problem:
                raise refuse(f"{at}{problem}")
        ids[table.name] = seen
