"""`xxgk compare THIS PRIOR [MORE…]`: this year against earlier years, for a reviewer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from assistant.cli.given import given_options
from assistant.compare import Comparison, compare_reports, comparison_json, render_html
from assistant.config import load_settings
from assistant.errors import ExportError, InputError
from assistant.ingest import read_report
from assistant.report import Report, section_spec
from assistant.store import Workspace

_WORKSPACE_REF = re.compile(r"^(?P<agency>.+)[:：](?P<year>\d{4})$")
_SHOWN_CHANGES = 30


def load_any(ref: str, *, year: int | None = None, agency: str | None = None) -> Report:
    """A report file (any format the readers take) or a workspace report "机关名称:年度";
    `year` and `agency` stand in for what a published report does not print."""
    path = Path(ref)
    m = _WORKSPACE_REF.match(ref)
    if not path.exists() and m:
        with Workspace.open(load_settings()) as ws:
            found = ws.find_report(m["agency"], int(m["year"]))
        if found is None:
            raise InputError(
                f"找不到文件“{ref}”，工作区中也没有{m['agency']}{m['year']}年度报告。"
                "请检查路径，或用 xxgk report list 查看工作区中的报告。"
            )
        return found.report
    return read_report(path, year=year, agency=agency, limits=load_settings().limits)


def human_text(c: Comparison) -> str:
    this = c.this
    lines = [
        f"{this.agency.name or '（未填写机关名称）'} {this.year}年度报告与"
        f"{'、'.join(str(p.year) for p in c.priors)}年度对比"
    ]
    changed = c.numbers.changed
    lines += ["", f"数据：与{c.previous.year}年相比有{len(changed)}个单元格变化"]
    for r in changed[:_SHOWN_CHANGES]:
        pct = (
            f"，{'+' if r.percent and r.percent > 0 else ''}{r.percent}%"
            if r.percent is not None
            else ""
        )
        lines.append(f"  {r.label}：{r.shown[-2] or '空白'} → {r.shown[-1] or '空白'}{pct}")
    if len(changed) > _SHOWN_CHANGES:
        lines.append(f"  ……另有{len(changed) - _SHOWN_CHANGES}处，见 --html 或 --json")
    if c.crossyear:
        lines += ["", f"跨年度核对：{len(c.crossyear)}处不一致"]
        for y in c.crossyear:
            lines.append(f"  [{y.finding.rule} {y.year}年对{y.prior_year}年] {y.finding.message}")
    lines += ["", "文字相似度（已去除标题、开头套话和勾稽说明）："]
    for year, sim, flagged in c.narrative:
        lines.append(f"  全文与{year}年：{sim:.0%}{'　雷同，须改写' if flagged else ''}")
    for w in c.wording:
        mark = "" if w.label == "未见雷同" else f"　{w.label}"
        lines.append(
            f"  {section_spec(w.section).full_heading}与{w.prior_year}年："  # type: ignore[arg-type]
            f"{w.similarity:.0%}{mark}"
        )
    lines += ["", f"上年（{c.previous.year}年）所列问题："]
    if not c.problems:
        lines.append("  上年报告第五部分未列出可识别的问题。")
    for m in c.problems:
        years = f"（{'、'.join(str(y) for y in m.years)}年均列出）" if len(m.years) > 1 else ""
        lines.append(f"  [{m.label}] {m.problem}{years}")
        if m.evidence:
            lines.append(f"      本年：{m.evidence}")
    repeated = c.repeated_threads
    how = "按文字和语义" if c.meaning_used else "按文字"
    lines += ["", f"历年反复出现的问题（{how}比对）：" + ("" if repeated else "未发现")]
    for t in repeated:
        lines.append(f"  {'、'.join(str(y) for y in t.years)}年：{t.latest}")
    return "\n".join(lines)


@click.command(
    "compare",
    help="把本年报告与往年报告对比：数据变化、文字雷同、上年问题整改情况。"
    "报告可以是文件，也可以是工作区中的“机关名称:年度”。",
)
@click.argument("this")
@click.argument("prior")
@click.argument("more", nargs=-1)
@click.option(
    "--html",
    "html_out",
    type=click.Path(path_type=Path),
    help="另存为一个可在浏览器中查看的 HTML 文件。",
)
@click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。")
@given_options
def compare_cmd(
    this: str,
    prior: str,
    more: tuple[str, ...],
    html_out: Path | None,
    as_json: bool,
    given_year: int | None,
    given_agency: str | None,
) -> None:
    # --year names this year's report; --agency is the one agency all of them are from
    current = load_any(this, year=given_year, agency=given_agency)
    priors = [load_any(p, agency=given_agency) for p in (prior, *more)]
    for p in priors:
        if p.year >= current.year:
            raise InputError(
                f"往年报告是{p.year}年度的，不早于本年报告（{current.year}年度）。"
                "请先写本年报告，再写往年报告。"
            )
    names = {r.agency.name for r in (current, *priors) if r.agency.name}
    if len(names) > 1:
        click.echo(
            f"提示：这些报告的机关名称不同（{'、'.join(sorted(names))}），请确认是同一机关。",
            err=True,
        )
    from assistant.service import build_assistant

    meaning = build_assistant(load_settings()).meaning
    c = compare_reports(current, priors, meaning=meaning)
    if meaning is not None and meaning.failed:
        click.echo(f"提示：向量模型不可用，历年问题只按文字比对（{meaning.failed}）。", err=True)
    if html_out is not None:
        try:
            html_out.write_text(render_html(c), encoding="utf-8")
        except OSError as exc:
            raise ExportError(f"无法写入 {html_out}：{exc.strerror}。请换一个可写的位置。") from exc
        click.echo(f"已生成对比页面 {html_out}，可用浏览器打开。", err=True)
    if as_json:
        click.echo(json.dumps(comparison_json(c), ensure_ascii=False, indent=2))
    else:
        click.echo(human_text(c))


COMMANDS = (compare_cmd,)
