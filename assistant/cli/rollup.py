"""`xxgk rollup ROSTER DIR/`: check every unit's report, sum them, check the sum (SPEC f)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import click

from assistant.checks.document import check_document
from assistant.checks.findings import SEVERITY_LABELS, CheckResult
from assistant.checks.options import CheckOptions
from assistant.checks.rollup import RollupRun
from assistant.cli.check import exit_code, human_text, summary
from assistant.config import load_settings
from assistant.errors import InputError
from assistant.usecases.rollup import rollup_folder


def status_data(run: RollupRun) -> dict[str, Any]:
    """Who is in, missing, failing, late, double or vertical: for the JSON and the status page."""
    return {
        "complete": run.complete,
        "included": [u.name for u in run.included],
        "missing": [u.name for u in run.missing],
        "unreadable": [{"file": p, "error": e} for p, e in run.unreadable],
        "failing": [
            {"unit": u.name, "file": u.path, "rules": sorted({f.rule for f in u.table_failures})}
            for u in run.failing
        ],
        "late": [
            {
                "unit": u.name,
                "published": str(u.published),
                "deadline": str(u.deadline),
                "days": u.late_days,
            }
            for u in run.late
        ],
        "duplicates": [{"unit": n, "file": p} for n, p in run.duplicates],
        "vertical": [{"unit": n, "file": p} for n, p in run.vertical],
        "unlisted": [{"unit": n, "file": p} for n, p in run.unlisted],
        "wrong_format": [{"unit": n, "file": p, "format": f} for n, p, f in run.wrong_format],
        "wrong_year": [{"unit": n, "file": p, "year": y} for n, p, y in run.wrong_year],
        "null_cells": {c: list(units) for c, units in run.aggregate.null_cells.items()},
    }


@click.command("rollup")
@click.argument("roster", type=click.Path(path_type=Path))
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--year", type=int, default=None, help="汇总年度（默认取名单或报告中的年度）。")
@click.option(
    "--prior", type=click.Path(path_type=Path), help="上一年度的汇总数据文件（核对结转，RU-07）。"
)
@click.option(
    "--aggregate",
    "published",
    type=click.Path(path_type=Path),
    help="已编制的汇总报告：逐格核对它是否等于各单位之和（RU-03）。",
)
@click.option(
    "--json", "as_json", is_flag=True, help="输出一个 JSON 文档（汇总表、校验结果、各单位状态）。"
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    help="把汇总表写成数据文件（与 xxgk check --json 相同结构，可再次校验或起草）。",
)
@click.option(
    "--html", "html_path", type=click.Path(path_type=Path), help="写出各单位报送状态网页。"
)
def rollup(
    roster: Path,
    folder: Path,
    year: int | None,
    prior: Path | None,
    published: Path | None,
    as_json: bool,
    out: Path | None,
    html_path: Path | None,
) -> int:
    """汇总所属单位的年度报告：逐一校验，按格相加，再校验汇总表。

    \b
    ROSTER 为应报送单位名单（.yaml 或 .xlsx），FOLDER 为存放各单位报告的文件夹。
    退出码：0 汇总表没有错误级问题；1 有错误级问题（含单位未通过校验、格式不一）；2 输入无法使用。
    """
    if not folder.is_dir():
        raise InputError(f"“{folder}”不是文件夹。请指定存放各单位报告的文件夹。", source=folder)
    options = CheckOptions.from_settings(load_settings().checks.deadlines)
    run, result = rollup_folder(
        roster, folder, year=year, prior=prior, published=published, options=options
    )
    document = check_document(run.aggregate.report, result)
    # next year's `--prior` reads the unit list from here (RU-07 compares the rosters)
    document["report"]["units"] = [u.name for u in run.included]
    if out:
        out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    if html_path:
        html_path.write_text(status_page(run, result), encoding="utf-8")
    if as_json:
        click.echo(
            json.dumps({**document, "rollup": status_data(run)}, ensure_ascii=False, indent=2)
        )
    else:
        click.echo(human_text(run.aggregate.report, result))
        click.echo(
            f"纳入汇总{len(run.included)}个单位；未报送{len(run.missing)}个；"
            f"未通过校验{len(run.failing)}个；逾期{len(run.late)}个。"
            + ("" if run.complete else "汇总结果为草稿。")
        )
    return exit_code(result)


def status_page(run: RollupRun, result: CheckResult) -> str:
    """The 主管部门's status page: one row per roster unit, then the aggregate's findings."""
    e = html.escape
    by_name = {u.name: u for u in run.included}
    rows = []
    for unit in run.roster:
        entry = by_name.get(unit.name)
        if unit.vertical:
            state, cls, detail = "垂直管理，不计入", "muted", ""
        elif entry is None:
            state, cls, detail = "未报送", "bad", ""
        elif entry.table_failures:
            state, cls = "未通过校验", "bad"
            detail = "<br>".join(e(f"[{f.rule}] {f.message}") for f in entry.table_failures[:5])
        elif (entry.late_days or 0) > 0:
            state, cls, detail = f"逾期{entry.late_days}天", "warn", e(f"{entry.published}发布")
        else:
            state, cls, detail = "已纳入", "ok", ""
        path = e(entry.path) if entry else ""
        rows.append(
            f"<tr class='{cls}'><td>{e(unit.name)}</td><td>{path}</td><td>{e(state)}</td>"
            f"<td>{detail}</td></tr>"
        )
    extra = [
        *(f"重复：{n}（{p}）" for n, p in run.duplicates),
        *(f"名单外：{n}（{p}）" for n, p in run.unlisted),
        *(f"格式不符：{n}（{p}，{f}年格式）" for n, p, f in run.wrong_format),
        *(f"年度不符：{n}（{p}，{y}年度）" for n, p, y in run.wrong_year),
        *(f"无法读取：{p}：{m}" for p, m in run.unreadable),
    ]
    s = summary(result)
    findings = "".join(
        f"<li class='{f.severity}'>[{e(f.rule)} {e(SEVERITY_LABELS[f.severity])}] "
        f"{e(f.message)}</li>"
        for f in result.findings
        if f.failed
    )
    return _PAGE.format(
        title=e(f"{run.agency.name} {run.year}年度政府信息公开工作年度报告汇总状态"),
        rows="\n".join(rows),
        extra="".join(f"<li>{e(x)}</li>" for x in extra) or "<li>无</li>",
        findings=findings or "<li>无</li>",
        summary=e(
            f"纳入汇总{len(run.included)}个单位；错误{s['errors']}项、警告{s['warnings']}项"
            + ("" if run.complete else "；汇总结果为草稿")
        ),
    )


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}.bad{{background:#fde2e2}}
.warn{{background:#fff4d6}}.ok{{background:#e6f6e6}}.muted{{color:#888}}
li.error{{color:#a00}}</style></head>
<body><h1>{title}</h1><p>{summary}</p>
<h2>各单位报送情况</h2>
<table><thead><tr><th>单位</th><th>文件</th><th>状态</th><th>说明</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>名单外、重复或无法使用的文件</h2><ul>{extra}</ul>
<h2>汇总表校验</h2><ul>{findings}</ul>
</body></html>
"""

COMMANDS = (rollup,)
