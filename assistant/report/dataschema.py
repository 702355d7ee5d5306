"""The data-file schema (keys and their Chinese aliases) and its writers: JSON shape and YAML text.
It lives beside the model because the reader (ingest/datafile.py) and the writers of exports and
commands share it.

A data file is one mapping. Every key has an English name and a Chinese alias; both are read:

    单位 / agency        名称 name, 类型 kind, 层级 level, 地址 address, 邮编 postcode,
                         电话 phone, 网站 website, 主管部门 parent   (or just the full name)
    年度 / year          the statistical year, e.g. 2025
    格式 / format        "2021" or "2019"; optional, chosen from the year (SPEC 0.2)
    标题 / title         the report's title; optional
    表二 表三 表四        the tables (or their ids active/apply/review; active19… for fmt2019),
                         nested by row id then column id, or with dotted keys
    信息处理费 / fees     notices_count, notices_amount_yuan, collected_yuan (section 六)
    单元格 / cells        flat {cell id: value} or {cell id: {value, raw, source}}
    正文 / sections       section text by id (preamble overview active apply review problems
                         other) or by number/heading (一, 总体情况, 一、总体情况)
    备注 / notes          staff notes per section, for the drafter; never printed
    发布信息 / publication 发布日期 date, 网址 url, 发布机构 publisher, 索引号 index_no, 标题 title
    report, findings     the shape `xxgk check --json` writes (report header + cells); findings
                         are recomputed, so they are ignored (so is `rollup`, which
                         `xxgk rollup --json` adds)
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

import yaml

from assistant.report.cells import Cell, display_width
from assistant.report.layout import (
    FormatLayout,
    SectionId,
    load_sections,
    section_names,
)
from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS, Report

TOP_KEYS: dict[str, str] = {
    "agency": "单位",
    "year": "年度",
    "format": "格式",
    "title": "标题",
    "fees": "信息处理费",
    "cells": "单元格",
    "sections": "正文",
    "notes": "备注",
    "publication": "发布信息",
}
AGENCY_KEYS: dict[str, str] = {
    "name": "名称",
    "kind": "类型",
    "level": "层级",
    "address": "地址",
    "postcode": "邮编",
    "phone": "电话",
    "website": "网站",
    "parent": "主管部门",
}
PUBLICATION_KEYS: dict[str, str] = {
    "date": "发布日期",
    "url": "网址",
    "publisher": "发布机构",
    "index_no": "索引号",
    "title": "标题",
}
CELL_DICT_KEYS = ("value", "raw", "source")
# keys of the `report` header `xxgk check --json` writes (see dump())
REPORT_KEYS = (
    "agency",
    "agency_profile",
    "year",
    "format",
    "title",
    "publication",
    "sections",
    "source",
)


def section_keys() -> dict[str, SectionId]:
    """Every accepted way to name a section → its id."""
    return section_names()


@cache
def table_keys(layout: FormatLayout) -> dict[str, str]:
    """Accepted keys of the tables of one format → table id (表二 → active or active19)."""
    keys: dict[str, str] = {}
    for t in layout.tables:
        keys[t.id] = t.id
        keys[t.title if not t.render else f"表{t.number}"] = t.id
    return keys


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dump_cell(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"value": _json_number(cell.value), "raw": cell.raw}
    if cell.source:
        out["source"] = cell.source
    return out


def dump(report: Report, notes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The report as JSON-ready data: the `report` header and `cells` that `xxgk check --json`
    writes, and that `datafile.read` reads back into the same Report. Money goes out as a JSON
    number; `raw` keeps the exact text."""
    header: dict[str, Any] = {
        "agency": report.agency.name,
        "year": report.year,
        "format": report.format,
    }
    profile = report.agency.model_dump(mode="json", exclude_none=True, exclude={"name"})
    if profile:
        header["agency_profile"] = profile
    if report.title:
        header["title"] = report.title
    publication = report.publication.model_dump(mode="json", exclude_none=True)
    if publication:
        header["publication"] = publication
    texts = {
        sid: {"heading": s.heading, "text": s.text} if s.heading else s.text
        for sid, s in report.sections.items()
    }
    if texts:
        header["sections"] = texts
    out: dict[str, Any] = {
        "report": header,
        "cells": {cid: dump_cell(c) for cid, c in report.cells.items()},
    }
    if notes:
        out["notes"] = dict(notes)
    return out


# ---- the commented YAML a clerk fills (xxgk template --yaml) and the shipped example --------


def _scalar(value: object) -> str:
    return (
        yaml.safe_dump(value, allow_unicode=True, default_flow_style=True)
        .strip()
        .removesuffix("\n...")
        .removesuffix("...")
        .strip()
    )


def _cell_text(cell: Cell | None) -> str:
    if cell is None or cell.kind == "blank":
        return ""
    if cell.is_number:
        return (
            _scalar(_json_number(cell.value)) if not cell.raw.startswith("+") else f'"{cell.raw}"'
        )
    return _scalar(cell.raw)


def _comment(line: str, comment: str, column: int = 36) -> str:
    pad = max(1, column - display_width(line))
    return f"{line}{' ' * pad}# {comment}"


def _table_yaml(report: Report, table_id: str, key: str) -> list[str]:
    table = report.layout.table(table_id)
    lines = [f"{key}:"]
    if table.header_note:
        lines.append(f"  # {table.header_note}")
    for block in table.blocks:
        if block.caption:
            lines.append(f"  # {block.caption}")
        for row in block.rows:
            indent = "  "
            if row.id:
                lines.append(_comment(f"  {row.id}:", " ".join([*row.groups[1:], row.label])))
                indent = "    "
            for col in block.columns:
                cid = ".".join(p for p in (table.id, row.id, col.id) if p)
                label = "/".join([g for g in col.groups if g != "申请人情况"] + [col.label])
                cell = report.cell(cid)
                if cell is None:  # absent stays absent when read back (not blank)
                    lines.append(_comment(f"{indent}# {col.id}:", f"{label}（未填）"))
                    continue
                lines.append(_comment(f"{indent}{col.id}: {_cell_text(cell)}".rstrip(), label))
    return lines


def _text_block(key: str, text: str, comment: str) -> list[str]:
    if not text:
        return [_comment(f'  {key}: ""', comment)]
    body = [f"    {line}" if line else "" for line in text.splitlines()]
    return [_comment(f"  {key}: |", comment), *body]


def yaml_text(report: Report, notes: Mapping[str, str] | None = None) -> str:
    """The report as a commented YAML data file, in the nested form a clerk edits by hand."""
    a = report.agency
    kinds = " / ".join(AGENCY_KIND_LABELS.values())
    levels = " / ".join(LEVEL_LABELS.values())
    out = [
        f"# {report.year}年度政府信息公开工作年度报告 数据文件（xxgk 读取：xxgk check 本文件）",
        f"# 表格格式：{report.layout.notice}。空白表示“未填”，不等于 0；没有发生的请填 0。",
        "# 保存为 UTF-8 编码。冒号后要有一个空格；缩进用空格，不要用 Tab。",
        "",
        "单位:",
        _comment(f"  名称: {_scalar(a.name)}", "机关全称，如“××县××局”"),
        _comment(f"  类型: {AGENCY_KIND_LABELS.get(a.kind or '', '部门')}", kinds),
        _comment(f"  层级: {LEVEL_LABELS.get(a.level or '', '县级')}", levels),
        _comment(f"  主管部门: {_scalar(a.parent or '')}", "报送的政府信息公开工作主管部门"),
    ]
    for key in ("address", "postcode", "phone", "website"):
        value = getattr(a, key)
        if value:
            out.append(f"  {AGENCY_KEYS[key]}: {_scalar(value)}")
    out += [
        _comment(f"年度: {report.year}", "统计年度（不是发布年度）"),
        _comment(
            f'格式: "{report.format}"', "2021 年度起用 2021 版格式；2019、2020 年度用试行格式"
        ),
    ]
    if report.title:
        out.append(f"标题: {_scalar(report.title)}")
    for table in report.layout.tables:
        key = f"表{table.number}" if table.render else "信息处理费"
        head = table.title if table.render else "六、其他需要报告的事项：信息处理费（元）"
        out += ["", f"# {head}", *_table_yaml(report, table.id, key)]
    out += ["", "# 各部分正文（可留空，由起草功能生成后再修改）", "正文:"]
    if report.text("preamble"):
        out += _text_block("preamble", report.text("preamble"), "开头段落（标题之后、一之前）")
    for s in load_sections():
        out += _text_block(s.id, report.text(s.id), s.full_heading)
    out += ["", "# 给起草人的工作备注（不会出现在报告中）", "备注:"]
    for s in load_sections():
        out += _text_block(s.id, (notes or {}).get(s.id, ""), s.full_heading)
    p = report.publication
    out += [
        "",
        "# 发布信息（发布后填写；用于检查发布时限）",
        "发布信息:",
        _comment(f"  发布日期: {p.date.isoformat() if p.date else ''}".rstrip(), "如 2026-01-20"),
        f"  网址: {_scalar(p.url or '')}",
        f"  发布机构: {_scalar(p.publisher or '')}",
        f"  索引号: {_scalar(p.index_no or '')}",
    ]
    return "\n".join(out) + "\n"
