"""Publication rules on metadata: PUB-01…07 (SPEC c.8). Deadlines are configuration (SPEC c.0).

`options.deadlines` (the office's settings, `XXGK_CHECKS__DEADLINES__…`, read at the edge and
passed in; "MM-DD" in year Y+1, or a date) override SPEC's `DEFAULT_DEADLINES`;
`options.deadline` (a date) is one unit's own deadline, e.g. from a roll-up roster."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.checks.options import CheckOptions
from assistant.config import DEADLINE_KINDS
from assistant.report.cells import normalize_text
from assistant.report.model import Report

DEFAULT_DEADLINES: dict[str, str] = {
    "department": "01-31",  # 县级以上人民政府部门, 乡镇人民政府 (条例 第四十九条第一款)
    "government": "03-31",  # 县级以上地方人民政府 本级政府 report (第四十九条第二款)
    "other": "01-31",  # 街道办事处, 法律法规授权组织, 办公厅（室） 本政府机关 [M]
    "rollup.county": "02-20",
    "rollup.city": "03-10",
    "rollup.province": "03-31",
    "rollup.vertical": "03-31",
}


def deadline_for(report: Report, key: str, options: CheckOptions) -> dt.date:
    """The deadline of `key` for report year Y, after the settings and the caller's overrides."""
    own = options.deadline
    if own is not None and key in ("department", "other"):
        return own
    value = options.deadlines.get(key, DEFAULT_DEADLINES[key])
    if isinstance(value, dt.date):
        return value
    month, day = (int(p) for p in str(value).split("-"))
    return dt.date(report.year + 1, month, day)


def deadline_kind(report: Report) -> str | None:
    """Which publication deadline binds this report: department, government, other; None unknown."""
    agency = report.agency
    if agency.kind is None:
        return None
    if agency.kind == "general_office" or (agency.kind == "township" and "街道" in agency.name):
        return "other"
    if agency.kind == "government" and agency.level not in (None, "township"):
        return "government"
    return "department"


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _on_time(ctx: CheckContext, key: str) -> Iterator[Finding]:
    report = ctx.report
    due = deadline_for(report, key, ctx.options)
    published = report.publication.date
    if published is None:
        yield ctx.unknown((), f"未提供发布日期，无法判断是否在{_cn(due)}前发布。")
    elif published <= due:
        yield ctx.passed(f"{_cn(published)}发布，未超过{_cn(due)}的期限。")
    else:
        late = (published - due).days
        yield ctx.fail(
            f"报告于{_cn(published)}发布，晚于{DEADLINE_KINDS[key]}的期限"
            f"{_cn(due)}（迟{late}天）。",
            expected=due.isoformat(),
            found=published.isoformat(),
        )


@rule("PUB-01", "error", "19/21", title="部门和乡镇的年报在1月31日前发布")
def department_deadline(ctx: CheckContext) -> Iterator[Finding]:
    kind = deadline_kind(ctx.report)
    if kind is None:
        yield ctx.unknown((), "未填写机关类型，无法确定发布期限。请在单位信息中填写机关类型。")
    elif kind == "department":
        yield from _on_time(ctx, "department")


@rule("PUB-02", "error", "19/21", title="县级以上人民政府的本级政府年报在3月31日前发布")
def government_deadline(ctx: CheckContext) -> Iterator[Finding]:
    if deadline_kind(ctx.report) == "government":
        yield from _on_time(ctx, "government")


@rule("PUB-03", "warning", "19/21", title="街道、授权组织、办公厅本政府机关年报按配置期限发布")
def other_deadline(ctx: CheckContext) -> Iterator[Finding]:
    if deadline_kind(ctx.report) == "other":
        yield from _on_time(ctx, "other")


@rule("PUB-04", "warning", "19/21", title="年报在本级政府门户网站政府信息公开专栏集中公布")
def central_publication(ctx: CheckContext) -> Iterator[Finding]:
    # needs the 专栏 address(es) of the 本级政府门户网站 (option "central_publication")
    prefixes = list(ctx.options.central_publication)
    if not prefixes:
        return
    url = ctx.report.publication.url
    if not url:
        yield ctx.unknown((), "未提供发布网址，无法判断是否在本级政府门户网站集中公布。")
    elif any(url.startswith(p) for p in prefixes):
        yield ctx.passed(f"年报发布在本级政府门户网站政府信息公开专栏（{url}）。")
    else:
        yield ctx.fail(
            f"年报发布网址{url}不在本级政府门户网站政府信息公开专栏（{'、'.join(prefixes)}）下。"
            f"主管部门应在专栏的年度报告栏目集中公布。",
            expected=prefixes[0],
            found=url,
        )


def _content(report: Report) -> tuple[Mapping[str, object], str]:
    cells = {k: (c.value if c.is_number else c.kind) for k, c in report.cells.items()}
    return cells, re.sub(r"\s+", "", normalize_text(report.narrative))


def _differences(report: Report, other: Report) -> list[str]:
    here, there = _content(report), _content(other)
    out = []
    if here[0] != there[0]:
        changed = [
            k for k in sorted(set(here[0]) | set(there[0])) if here[0].get(k) != there[0].get(k)
        ]
        out.append(f"表格有{len(changed)}处数字不同")
    if here[1] != there[1]:
        out.append("正文文字不同")
    return out


_EDIT_NOTE = re.compile(r"修改说明|更正说明|修订说明|更新说明|勘误|已更正|予以更正")


@rule("PUB-05", "warning", "19/21", title="发布后修改须有说明")
def no_silent_edits(ctx: CheckContext) -> Iterator[Finding]:
    # needs earlier captures of the same published report (option "earlier_versions")
    earlier = list(ctx.options.earlier_versions)
    if not earlier:
        return
    diffs = [d for r in earlier for d in _differences(ctx.report, r)]
    if not diffs:
        yield ctx.passed("与此前发布的版本一致。")
    elif _EDIT_NOTE.search(ctx.report.narrative):
        yield ctx.passed("发布后有修改，正文附有修改说明。")
    else:
        yield ctx.fail(
            f"与此前发布的版本相比{'，'.join(dict.fromkeys(diffs))}，但报告中没有修改说明。"
            f"发布后修改应保留版本记录并附修改说明。",
            found="；".join(diffs),
        )


@rule("PUB-06", "warning", "19/21", title="多个平台发布的同一年报内容一致")
def same_everywhere(ctx: CheckContext) -> Iterator[Finding]:
    # needs the copies found on other platforms (option "copies")
    copies = list(ctx.options.copies)
    if not copies:
        return
    for copy in copies:
        where = copy.publication.url or copy.source or "另一平台"
        diffs = _differences(ctx.report, copy)
        if diffs:
            yield ctx.fail(
                f"与{where}发布的版本不一致：{'，'.join(diffs)}。同一年报在各平台应完全相同。",
                found="；".join(diffs),
            )
        else:
            yield ctx.passed(f"与{where}发布的版本一致。")


@rule("PUB-07", "error", "19/21", title="汇总年报按层级期限报送和发布")
def rollup_deadline(ctx: CheckContext) -> Iterator[Finding]:
    agency = ctx.report.agency
    if agency.kind == "government" and agency.level in ("county", "city", "province"):
        yield from _on_time(ctx, f"rollup.{agency.level}")
    elif agency.kind == "vertical" and ctx.options.system_aggregate:
        yield from _on_time(ctx, "rollup.vertical")
