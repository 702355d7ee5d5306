"""Format rules on headings, title, preamble and table version: FMT-01/02/03/10/11/13 (SPEC c.1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import normalize_text
from assistant.report.layout import (
    FormatLayout,
    SectionSpec,
    format_for_year,
    format_info,
    load_layout,
    load_sections,
)
from assistant.report.model import Report

_NUMBERING = re.compile(
    r"^(?:第?[一二三四五六七八九十]+(?:部分)?[、.．,，:：\s]*|[(（][一二三四五六七八九十]+[)）]|\d+[、.．])"
)


def heading_body(heading: str) -> str:
    """A heading without its numbering and punctuation: "一、总体情况" → "总体情况"."""
    text = normalize_text(heading)
    text = _NUMBERING.sub("", text, count=1)
    return text.strip("：:。.")


def heading_kind(spec: SectionSpec, heading: str) -> str | None:
    """ "canonical", "info" (the format's own item title), "warning" (a variant seen in practice),
    "near" (another wording of the same title: "主要问题和改进措施") or None when the heading is
    none of them. An empty heading (data files) counts as canonical."""
    body = heading_body(heading)
    if not body or body == heading_body(spec.heading):
        return "canonical"
    if body in {heading_body(v) for v in spec.info_variants}:
        return "info"
    if body in {heading_body(v) for v in spec.warning_variants}:
        return "warning"
    # a shortened or lengthened official wording ("被申请行政复议、提起行政诉讼情况") is a variant
    # to review, not a missing section
    known = [heading_body(spec.heading), *(heading_body(v) for v in spec.info_variants)]
    if len(body) >= 6 and any(body in k or k in body for k in known):
        return "warning"
    # a typo in the official heading ("行政法复议") still marks the section: a warning to fix
    if any(SequenceMatcher(None, body, k).ratio() >= 0.9 for k in known):
        return "warning"
    variants = [*known, *(heading_body(v) for v in spec.warning_variants)]
    if any(SequenceMatcher(None, body, k).ratio() >= _NEAR for k in variants):
        return "near"
    return None


# how alike a heading must be to an official wording to be that heading reworded, not another
_NEAR = 0.6


def _has_body(report: Report) -> bool:
    return any(s != "preamble" for s in report.sections)


def _table_given(ctx: CheckContext, section: str) -> bool:
    """二、三、四 are their tables: a report whose table cells are there has the section."""
    table = ctx.layout.table_for_section(section)  # type: ignore[arg-type]
    return table is not None and any(c in ctx.report.cells for c in table.cell_ids)


@rule("FMT-01", "error", "19/21", title="六个部分齐全、顺序正确")
def six_sections(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    if not _has_body(report):
        yield ctx.unknown((), "未提供报告正文（只有表格数据），无法检查六个部分是否齐全。")
        return
    specs = load_sections()
    problems: list[str] = []
    missing = [s for s in specs if s.id not in report.sections and not _table_given(ctx, s.id)]
    if missing:
        problems.append("缺少" + "、".join(f"“{s.full_heading}”" for s in missing))
    # order is judged among the headings the source printed; sections entered in the workspace
    # or a data file carry no heading and are printed in the official order anyway
    present = [sid for sid, sec in report.sections.items() if sid != "preamble" and sec.heading]
    expected = [s.id for s in specs if s.id in present]
    if present != expected:
        order = "、".join(next(x.number for x in specs if x.id == s) for s in present)
        problems.append(f"各部分顺序为{order}，应按一至六排列")
    near: list[str] = []
    for spec in specs:
        section = report.sections.get(spec.id)
        kind = heading_kind(spec, section.heading) if section is not None else "canonical"
        if section is not None and kind is None:
            problems.append(
                f"标题“{section.heading}”不是第{spec.number}部分的规定标题“{spec.full_heading}”"
            )
        elif section is not None and kind == "near":
            near.append(
                f"第{spec.number}部分标题“{section.heading}”与规定标题“{spec.full_heading}”措辞不同"
            )
    if near and not problems:
        # the section is there, under another wording of its title: to correct, not to reject
        yield ctx.fail(
            "；".join(near) + "。请改用规定标题。",
            severity="warning",
            expected="一至六",
            found="；".join(near),
        )
        return
    problems += near
    if problems:
        yield ctx.fail(
            "报告结构不符合格式：" + "；".join(problems) + "。请按格式使用六个部分的规定标题。",
            expected="一至六",
            found="；".join(problems),
        )
    else:
        yield ctx.passed("六个部分齐全，顺序和标题符合格式。")


@rule("FMT-02", "info", "19/21", title="章节标题使用变体措辞")
def heading_variants(ctx: CheckContext) -> Iterator[Finding]:
    if not _has_body(ctx.report):
        yield ctx.unknown((), "未提供报告正文，无法检查章节标题。")
        return
    flagged = False
    for spec in load_sections():
        section = ctx.report.sections.get(spec.id)
        if section is None:
            continue
        kind = heading_kind(spec, section.heading)
        if kind == "info":
            flagged = True
            yield ctx.fail(
                f"第{spec.number}部分标题“{section.heading}”用的是格式“报告内容”中的事项名称，"
                f"可以接受；规定标题为“{spec.full_heading}”。",
                expected=spec.full_heading,
                found=section.heading,
                section=spec.id,
            )
        elif kind == "warning":
            flagged = True
            yield ctx.fail(
                f"第{spec.number}部分标题“{section.heading}”与规定标题“{spec.full_heading}”"
                f"不一致，建议改用规定标题。",
                severity="warning",
                expected=spec.full_heading,
                found=section.heading,
                section=spec.id,
            )
    if not flagged:
        yield ctx.passed("各部分标题均为规定标题。")


_IDS: dict[str, frozenset[str]] = {}


def _ids(layout: FormatLayout) -> frozenset[str]:
    if layout.format not in _IDS:
        _IDS[layout.format] = frozenset(layout.cell_ids)
    return _IDS[layout.format]


def _format_signs(report: Report) -> list[str]:
    """Labels in the cells that belong to the other format's tables (SPEC FMT-03)."""
    expected = format_for_year(report.year)
    other = load_layout("2019" if expected == "2021" else "2021")
    own = load_layout(expected)
    labels: list[str] = []
    foreign = report.cells.keys() - _ids(own)  # usually empty: decided by one set operation
    for cid in sorted(foreign, key=list(report.cells).index):
        if not other.has_cell(cid):
            continue
        spec = other.cell(cid)
        if spec.table.number == "四":
            continue  # table 四 is the same in both formats
        if spec.table.number == "三":
            label = (
                "单行的“（六）其他处理”"
                if spec.row.id == "res.other"
                else ("分三行的“（六）其他处理”" if spec.row.id.startswith("res.other.") else "")
            )
        elif spec.row.label in ("其他对外管理服务事项", "政府集中采购"):
            label = f"“{spec.row.label}”行"
        else:
            label = f"“{spec.column.label}”列"
        if label and label not in labels:
            labels.append(label)
    return labels


@rule("FMT-03", "error", "19/21", title="表格格式与报告年度相符")
def format_matches_year(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    expected = format_for_year(report.year)
    signs = _format_signs(report)
    if report.format == expected and not signs:
        yield ctx.passed(f"{report.year}年度报告使用{format_info(expected).named}表格，相符。")
        return
    found = (
        report.format if report.format != expected else ("2019" if expected == "2021" else "2021")
    )
    detail = f"（表中出现{'、'.join(signs[:6])}）" if signs else ""
    yield ctx.fail(
        f"{report.year}年度报告应使用{format_info(expected).named}的表格，但使用了"
        f"{format_info(found).named}的表格{detail}。请换用{expected}年格式的表格重新填报。",
        expected=expected,
        found=found,
    )


_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>\d{4})年度?政府信息公开工作年度报告$")


@rule("FMT-10", "warning", "19/21", title="标题为“机关全称+年度+政府信息公开工作年度报告”")
def title_form(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    title = report.title or report.publication.title
    if not title:
        yield ctx.unknown((), "未提供报告标题，无法检查标题格式。")
        return
    y = report.year
    want = f"{report.agency.name or '〔机关全称〕'}{y}年政府信息公开工作年度报告"
    m = _TITLE.match(normalize_text(title))
    if m is None:
        yield ctx.fail(
            f"标题“{title}”不是“〔机关全称〕{y}年政府信息公开工作年度报告”的形式，"
            f"建议改为“{want}”。",
            expected=want,
            found=title,
        )
        return
    problems = []
    if int(m["year"]) != y:
        problems.append(f"标题中的年份{m['year']}不是统计年度{y}")
    agency = m["agency"]
    if not agency:
        problems.append("标题缺少机关全称")
    elif report.agency.name and agency != normalize_text(report.agency.name):
        problems.append(f"标题中的机关名称“{agency}”与机关全称“{report.agency.name}”不一致")
    if problems:
        yield ctx.fail(
            f"标题“{title}”：" + "；".join(problems) + f"。建议改为“{want}”。",
            expected=want,
            found=title,
        )
    else:
        yield ctx.passed(f"标题“{title}”符合格式。")


_PERIOD = re.compile(
    r"(?:(\d{4})年)?0?1月0?1日(?:起)?(?:至|到|—|－|-|～|~|——)(?:(\d{4})年)?12月31日(?:止)?"
)


def _preamble_or_all(report: Report) -> str:
    return report.text("preamble") or report.narrative


@rule("FMT-11", "warning", "19/21", title="说明统计期限（1月1日至12月31日）")
def statistical_period(ctx: CheckContext) -> Iterator[Finding]:
    text = normalize_text(_preamble_or_all(ctx.report))
    y = ctx.report.year
    if not text:
        yield ctx.unknown((), "未提供报告正文，无法检查是否说明了统计期限。")
        return
    for m in _PERIOD.finditer(text):
        years = {int(g) for g in m.groups() if g}
        if years and years != {y}:
            yield ctx.fail(
                f"报告写明的统计期限“{m.group(0)}”不是{y}年，疑为沿用往年文本。"
                f"应为“{y}年1月1日至{y}年12月31日”。",
                expected=f"{y}-01-01至{y}-12-31",
                found=m.group(0),
                quote=m.group(0),
            )
            return
        yield ctx.passed(f"报告说明了统计期限“{m.group(0)}”。")
        return
    yield ctx.fail(
        f"引言未说明统计期限。建议写明“本报告中所列数据的统计期限自{y}年1月1日起至"
        f"{y}年12月31日止”。",
        expected=f"{y}-01-01至{y}-12-31",
    )


_NOTICE = re.compile(r"国办公开办函[〔\[(【]?(20\d\d)[〕\])】]?(\d+)号")


@rule("FMT-13", "warning", "19/21", title="引言引用本年度适用的格式")
def cites_right_format(ctx: CheckContext) -> Iterator[Finding]:
    report = ctx.report
    text = normalize_text(report.text("preamble"))
    if not text:
        yield ctx.unknown((), "未提供引言，无法检查引用的格式文件。")
        return
    expected = format_for_year(report.year)
    stale = []
    for m in _NOTICE.finditer(text):
        if (m[1], m[2]) == ("2019", "60") and expected == "2021":
            stale.append(m.group(0))
        if (m[1], m[2]) == ("2021", "30") and expected == "2019":
            stale.append(m.group(0))
    if expected == "2021" and "格式(试行)" in text:
        stale.append("格式（试行）")
    if stale:
        yield ctx.fail(
            f"{report.year}年度报告的引言引用了“{'、'.join(stale)}”，不是本年度适用的"
            f"{format_info(expected).named}，疑为沿用旧模板。请改为引用"
            f"{format_info(expected).named}。",
            expected=format_info(expected).named,
            found="、".join(stale),
            section="preamble",
            quote=stale[0],
        )
    else:
        yield ctx.passed("引言未引用过时的格式文件。")
