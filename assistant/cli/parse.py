"""`xxgk parse FILE`: what a reader got from a published report — metadata, sections, every
cell with its raw text, and what could not be read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assistant.cli.given import given_options
from assistant.config import load_settings
from assistant.ingest import read_report
from assistant.ingest.sections import Preamble, read_preamble
from assistant.report.dataschema import dump
from assistant.report.layout import SECTION_IDS, format_info, load_layout, preamble_name
from assistant.report.model import OCR_CHECK, OCR_SOURCE, OCR_SUMMARY, Report

_SECTION_NAMES = {"preamble": preamble_name()}


def _preamble(report: Report) -> Preamble:
    return read_preamble(report.text("preamble").split("\n"), title_hint=report.title)


def parse_document(report: Report) -> dict[str, Any]:
    """The JSON of `xxgk parse --json`: `report` and `cells` as `xxgk check --json` writes them,
    plus section lengths, the preamble's metadata and the reader's notes."""
    data = dump(report)
    info = _preamble(report)
    return {
        "report": data["report"],
        "cells": data["cells"],
        "sections": {
            sid: {"heading": s.heading, "chars": len(s.text)}
            for sid in SECTION_IDS
            if (s := report.sections.get(sid)) is not None
        },
        "preamble": info.as_dict(),
        "notes": [n.model_dump(mode="json") for n in report.notes],
    }


def parse_text(report: Report) -> str:
    info = _preamble(report)
    pub = report.publication
    lines = [
        f"文件：{report.source or ''}",
        f"机关：{report.agency.name or '（未识别）'}　年度：{report.year}　"
        f"表格格式：{format_info(report.format).name}"
        f"（{'按表格标签识别' if report.cells else '未读到表格，按报告年度推定'}）",
        f"标题：{report.title or '（未识别）'}",
    ]
    if info.period:
        lines.append(f"统计期限：{info.period[0].isoformat()} 至 {info.period[1].isoformat()}")
    contact = "　".join(
        f"{k}：{v}"
        for k, v in (
            ("地址", report.agency.address),
            ("邮编", report.agency.postcode),
            ("电话", report.agency.phone),
            ("网站", report.agency.website),
        )
        if v
    )
    if contact:
        lines.append(f"联系方式：{contact}")
    lines.append(
        f"依据：{'引用了' if info.cites_regulation else '未见'}《政府信息公开条例》"
        + (f"；格式通知：{'、'.join(info.notices)}" if info.notices else "")
    )
    published = "　".join(
        f"{k}：{v}"
        for k, v in (
            ("发布机构", pub.publisher),
            ("公开日期", pub.date),
            ("索引号", pub.index_no),
            ("网址", pub.url),
        )
        if v
    )
    if published:
        lines.append(f"发布信息：{published}")
    lines += ["", "各部分："]
    for sid in SECTION_IDS:
        s = report.sections.get(sid)
        if s is not None:
            lines.append(f"  {s.heading or _SECTION_NAMES.get(sid, sid)}　{len(s.text)}字")
    layout = load_layout(report.format)
    expected = [c for t in layout.tables if t.render for c in t.cells]
    got = sum(1 for c in expected if c.id in report.cells)
    lines += ["", f"表格单元格：读到{got}个，应有{len(expected)}个"]
    ocr = sum(1 for c in report.cells.values() if (c.source or "").startswith(OCR_SOURCE))
    if ocr or any(n.location == OCR_SUMMARY for n in report.notes):
        to_check = sum(1 for n in report.notes if n.location == OCR_CHECK)
        lines[-1] += f"；其中文字识别（OCR）{ocr}个，需要人工核对{to_check}处（见读取提示）"
    for spec in expected:
        cell = report.cells.get(spec.id)
        if cell is None:
            lines.append(f"  {spec.describe()}　{spec.id}　（未读到）")
            continue
        shown = (
            cell.display()
            if cell.is_number
            else {"blank": "（空白）", "dash": "—", "slash": "/"}.get(cell.kind, "（非数字）")
        )
        lines.append(f"  {spec.describe()}　{spec.id} = {shown}　原文“{cell.raw}”")
    if report.notes:
        lines += ["", f"读取提示（{len(report.notes)}条）："]
        lines += [f"  {n.message}" for n in report.notes]
    return "\n".join(lines)


@click.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="输出一个 JSON 文档（report、cells 与 xxgk check --json 相同，另有 sections、preamble、notes）。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["2019", "2021"]),
    help="指定表格格式（默认按表格标签识别）。",
)
@given_options
def parse(
    file: Path, as_json: bool, fmt: str | None, given_year: int | None, given_agency: str | None
) -> int:
    """读取一份已发布的年度报告（txt、md、html、docx、pdf 等），显示读到的内容。

    \b
    显示：机关、年度、表格格式、标题、统计期限、联系方式、发布信息；各部分字数；
    每个表格单元格的值和原文；无法读取或无法确定的内容。
    退出码：0 读取完成（可有提示）；2 文件无法使用。
    """
    report = read_report(
        file,
        format=fmt,  # type: ignore[arg-type]
        year=given_year,
        agency=given_agency,
        limits=load_settings().limits,
    )
    if as_json:
        click.echo(json.dumps(parse_document(report), ensure_ascii=False, indent=2))
    else:
        click.echo(parse_text(report))
    return 0


COMMANDS = (parse,)
