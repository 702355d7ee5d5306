"""审核对比: this year against earlier years, section similarity, findings with decisions."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from assistant.checks import SEVERITY_LABELS, STATUS_LABELS, Finding
from assistant.compare.comparison import Comparison as FullComparison
from assistant.compare.comparison import compare_reports
from assistant.compare.html import chart_svg, side_by_side
from assistant.compare.numbers import NumberComparison
from assistant.compare.wording import compare_wording
from assistant.errors import InputError
from assistant.report import Report, format_number
from assistant.service import Assistant
from assistant.store import section_label
from ui.handlers import tables as th
from ui.handlers import workspace as ws

DECISION_LABELS = {"confirm": "确认问题", "dismiss": "忽略"}
FINDING_HEADERS = ("级别", "规则", "说明", "涉及单元格", "处理", "理由")


def earlier_years(assistant: Assistant, report: Report, *, most: int = 3) -> list[Report]:
    """This agency's reports of earlier years held in the workspace, oldest first."""
    stored = [
        r
        for r in assistant.store.reports()
        if r.agency == report.agency.name and r.year < report.year
    ]
    stored.sort(key=lambda r: r.year)
    return [assistant.store.load_report(r.id).report for r in stored[-most:]]


@dataclass(frozen=True)
class Comparison:
    years: tuple[int, ...]
    full: FullComparison | None
    message: str

    @property
    def numbers(self) -> NumberComparison | None:
        return self.full.numbers if self.full is not None else None


def compare(assistant: Assistant, state: dict[str, int] | None) -> Comparison:
    report = ws.current(assistant, state).report
    earlier = earlier_years(assistant, report)
    if not earlier:
        return Comparison(
            (report.year,),
            None,
            f"工作区中还没有{report.year - 1}年度的报告。请在“单位与年度”页导入上年报告，"
            "即可与上年对比。",
        )
    full = compare_reports(report, earlier, meaning=assistant.meaning)
    years = full.numbers.years
    return Comparison(years, full, f"对比年度：{'、'.join(str(y) for y in years)}。")


def _shown(value: Any) -> str:
    return "" if value is None else format_number(value)


def number_rows(cmp: Comparison, *, changed_only: bool = True) -> tuple[list[str], list[list[str]]]:
    headers = ["位置", *(f"{y}年" for y in cmp.years), "变化", "变化率"]
    if cmp.numbers is None:
        return headers, []
    rows = cmp.numbers.changed if changed_only else cmp.numbers.rows
    out = []
    for r in rows:
        change = "" if r.change is None else (("+" if r.change > 0 else "") + _shown(r.change))
        pct = "" if r.percent is None else f"{'+' if r.percent > 0 else ''}{r.percent}%"
        out.append([r.label, *r.shown, change, pct])
    return headers, out


def chart_html(cmp: Comparison) -> str:
    """The main figures across the years as an inline SVG line chart (drawn by compare)."""
    if cmp.full is None:
        return ""
    return f'<div class="xxgk-chart">{chart_svg(cmp.full, width=600, height=240)}</div>'


def wording_view(
    assistant: Assistant,
    state: dict[str, int] | None,
) -> tuple[list[list[str]], str]:
    """Each section against the same section last year (boilerplate removed): a row per
    section, and the texts with the wording kept from last year highlighted."""
    report = ws.current(assistant, state).report
    prior = ws.prior_of(assistant, report)
    if prior is None:
        return [], ""
    rows, parts = [], []
    for w in compare_wording(report, [prior]):
        verdict = "⚠ 与上年雷同，请结合本年实际改写" if w.flagged else w.label
        if not report.text(w.section) or not prior.text(w.section):  # type: ignore[arg-type]
            verdict = "本年或上年没有这一部分的正文"
        rows.append([section_label(w.section), f"{w.similarity:.0%}", verdict])
        if report.text(w.section) and prior.text(w.section):  # type: ignore[arg-type]
            parts.append(
                f"<h4>{html.escape(section_label(w.section))}（相似度 {w.similarity:.0%}）"
                f"</h4>{side_by_side(w)}"
            )
    legend = (
        "<p>左边是上年的文字，右边是本年的：<del>删除线</del>是上年有、本年删去的，"
        "<ins>绿色</ins>是本年新写的，其余是两年相同的文字。</p>"
    )
    return rows, legend + "".join(parts) if parts else ""


def problems_rows(assistant: Assistant, state: dict[str, int] | None) -> list[list[str]]:
    """Last year's 五 item by item: addressed this year, listed again (by wording or meaning,
    with every year that lists it), planned only, or not mentioned."""
    report = ws.current(assistant, state).report
    prior = ws.prior_of(assistant, report)
    if prior is None or not prior.text("problems"):
        return []
    earlier = [r for r in earlier_years(assistant, report) if r.year != prior.year]
    full = compare_reports(report, [*earlier, prior], meaning=assistant.meaning)
    return [
        [
            m.problem,
            m.label
            + (f"（{'、'.join(str(y) for y in m.years)}年均列出）" if len(m.years) > 1 else ""),
            m.evidence or "",
        ]
        for m in full.problems
    ]


def findings_view(
    assistant: Assistant,
    state: dict[str, int] | None,
) -> tuple[list[list[str]], list[Finding]]:
    """Every failed or unassessable finding, with the reviewer's decision on it."""
    opened = ws.current(assistant, state)
    result = th.check_opened(assistant, opened.report)
    decisions = assistant.store.decisions(opened.id)
    _, findings = th.finding_rows(opened.report, result)
    rows = []
    for f in findings:
        d = decisions.get(f.fingerprint)
        rows.append(
            [
                SEVERITY_LABELS.get(f.severity, f.severity),
                f.rule,
                f"{STATUS_LABELS.get(f.status, f.status)}：{f.message}",
                th.brief_cells(opened.report, f.cells),
                DECISION_LABELS.get(d.decision, "") if d else "待处理",
                d.reason if d else "",
            ]
        )
    return rows, findings


def decide(
    assistant: Assistant,
    state: dict[str, int] | None,
    fingerprint: str | None,
    decision: str,
    reason: str,
    *,
    author: str,
) -> None:
    opened = ws.current(assistant, state)
    if not fingerprint:
        raise InputError("请先在列表中点选一条校验结果。")
    if decision not in DECISION_LABELS:
        raise InputError("请选择“确认问题”或“忽略”。")
    if decision == "dismiss" and not (reason or "").strip():
        raise InputError("忽略一条校验结果必须写明理由，例如“该项已在正文中说明”。")
    assistant.store.decide(
        opened.id,
        fingerprint,
        decision,  # type: ignore[arg-type]
        author=author,
        reason=reason or "",
    )


def review_package(assistant: Assistant, state: dict[str, int] | None) -> tuple[str | None, str]:
    """The report as a Word file for the drafter: each finding a comment on its sentence or
    cell, the mechanical fixes as tracked changes (the same as `xxgk review`)."""
    from assistant.usecases.review import write_review

    if not state:
        return None, "请先在“单位与年度”页打开一份报告。"
    report = ws.current(assistant, state).report
    prior = ws.prior_of(assistant, report)
    out = ws.exports_dir(assistant) / f"{ws.file_stem(report)}-审核意见.docx"
    done = write_review(report, out, prior=prior, options=assistant.check_options)
    return str(done.path), done.summary()
