"""What each drafted section needs: its prompt, retrieval queries, rules and checks (SPEC e)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import InputError
from assistant.report.layout import SectionId, section_spec

# Sections the drafter writes; 二/三/四 get optional short notes after their tables.
DRAFTED: tuple[SectionId, ...] = ("preamble", "overview", "problems", "other")
TABLE_NOTES: tuple[SectionId, ...] = ("active", "apply", "review")

SECTION_ALIASES: dict[str, SectionId] = {
    "引言": "preamble",
    "前言": "preamble",
    "preamble": "preamble",
    "一": "overview",
    "1": "overview",
    "总体情况": "overview",
    "overview": "overview",
    "二": "active",
    "2": "active",
    "active": "active",
    "三": "apply",
    "3": "apply",
    "apply": "apply",
    "四": "review",
    "4": "review",
    "review": "review",
    "五": "problems",
    "5": "problems",
    "问题": "problems",
    "problems": "problems",
    "六": "other",
    "6": "other",
    "其他": "other",
    "other": "other",
}


@dataclass(frozen=True)
class Query:
    text: str
    kind: str | None = None  # a DocKind filter: regulation, format, fees, report …


@dataclass(frozen=True)
class SectionPlan:
    section: SectionId
    heading: str  # 一、总体情况 (empty for the preamble)
    prompt: str
    queries: tuple[Query, ...]
    rules: tuple[str, ...]  # the section's requirements, Chinese, one per line in the prompt
    checks: tuple[str, ...]  # check rule ids run on the draft (the checks issue's section rules)
    char_budget: int | None = None


def section_heading(section: SectionId) -> str:
    if section == "preamble":
        return ""
    return section_spec(section).full_heading


def parse_sections(value: str) -> list[SectionId]:
    """`一`, `五,六`, `all` → section ids, in report order."""
    if value.strip().lower() in ("all", "全部", ""):
        return list(DRAFTED)
    out: list[SectionId] = []
    for part in value.replace("，", ",").split(","):
        key = part.strip()
        if key not in SECTION_ALIASES:
            raise InputError(
                f"不认识的部分“{key}”。可选：引言、一、五、六（或 all），以及表格说明二、三、四。"
            )
        out.append(SECTION_ALIASES[key])
    order = [*DRAFTED[:2], *TABLE_NOTES, *DRAFTED[2:]]
    return sorted(dict.fromkeys(out), key=order.index)


def plan_for(section: SectionId, *, format: str, government: bool) -> SectionPlan:
    heading = section_heading(section)
    if section == "preamble":
        notice = "国办公开办函〔2021〕30号" if format == "2021" else "国办公开办函〔2019〕60号"
        return SectionPlan(
            section,
            heading,
            "draft_preamble",
            (
                Query("第五十条 年度报告 内容", "regulation"),
                Query("年度报告格式 报告内容", "format"),
            ),
            (
                f"引用本年度适用的格式文件（{notice}），不要引用其他年份的格式。",
                "写明统计期限、电子版发布网站和联系方式。",
            ),
            ("FMT-11", "FMT-13"),
        )
    if section == "overview":
        rules = [
            "聚焦主题、简明客观，不写空话套话。",
            "五个小标题依次为：主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障。",
            "依申请公开部分写明新收、上年结转、办结和结转下年度的件数，并与表三一致。",
        ]
        if format == "2021":
            rules.insert(0, "篇幅原则上不超过一千字，每个小标题约二百字。")
        if government:
            rules.append("监督保障部分须写明工作考核、社会评议和责任追究结果情况。")
        return SectionPlan(
            section,
            heading,
            "draft_overview",
            (
                Query("总体情况 主动公开 依申请公开 政府信息管理 平台建设 监督保障", "format"),
                Query("第三十三条 答复 期限", "regulation"),
                Query("第四十八条 培训", "regulation"),
                Query("总体情况 主动公开", "report"),
            ),
            tuple(rules),
            ("S1-01", "S1-02", "S1-03", "NAR-01", "NAR-04", "NAR-05", "NAR-06", "NAR-07"),
            char_budget=1000,
        )
    if section == "problems":
        return SectionPlan(
            section,
            heading,
            "draft_problems",
            (
                Query("存在的主要问题及改进情况 实事求是 明确具体", "format"),
                Query("存在的主要问题及改进情况", "report"),
            ),
            (
                "实事求是、明确具体，避免笼统模糊、泛泛而谈。",
                "查找问题要有针对性，改进举措要有实效性，不得年年雷同。",
                "先写上年度所提问题的整改情况。",
            ),
            ("S5-01", "S5-02", "S5-03", "XY-05", "XY-07"),
        )
    if section == "other":
        rules = [
            "其他有关文件专门要求通过年度报告报告的事项，如人大代表建议和政协提案办理结果公开情况。"
        ]
        if format == "2021":
            rules.insert(
                0,
                "必须专门报告收取信息处理费的情况：发出收费通知的件数、收费通知总金额、"
                "实际收取的总金额，没有的写0。",
            )
        return SectionPlan(
            section,
            heading,
            "draft_other",
            (
                Query("其他需要报告的事项 信息处理费", "format"),
                Query("信息处理费 收取", "fees"),
                Query("第四十二条 信息处理费", "regulation"),
            ),
            tuple(rules),
            ("S6-01", "S6-02", "S6-07", "S6-08", "T3-06"),
        )
    return SectionPlan(
        section,
        heading,
        "draft_table_note",
        (Query(f"{heading} 说明", "format"),),
        ("只作必要说明，不重复表格数字。",),
        ("NAR-01",),
    )
