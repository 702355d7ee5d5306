"""A series of yearly reports of one agency built from the shipped samples (tests and bench).

Each year is a copy of a real Pingtan report (2021/2022/2023 in turn, so neighbouring years
have different wording and figures), moved to its year, with the cross-year chains made to
hold (上年结转 = last year's 结转下年度, 现行有效 = last year's + 制发 − 废止) and with section
五 written for the year from `FIVE`. A test then breaks what it wants to see found.
"""

from __future__ import annotations

from pathlib import Path

from assistant.ingest import read_report
from assistant.report import Cell, Report, Section

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

# Section 五 of each year (index 0 = first year). Problem A (政策解读) is listed in years 1–3,
# worded differently each time; year 4 names it only as an improvement measure, inside a
# "如…等" sentence about other problems. Problem B (栏目更新) of year 0 is fixed in year 1.
# Every year states what was done about the year before's problems (XY-07 holds).
FIVE = (
    "存在的问题：一是栏目更新不及时，部分栏目长期无内容。二是依申请公开答复文书格式不统一。"
    "改进措施：一是建立栏目更新台账。二是统一答复文书模板。",
    "（一）上年度问题整改情况\n针对上年栏目更新不及时的问题，已建立栏目更新台账，全年更新栏目内容312条。"
    "针对答复文书格式不统一的问题，已制定答复文书模板10类。\n"
    "（二）存在的主要问题\n一是政策解读形式单一，缺少图解、视频等多种形式的解读。"
    "二是政务新媒体留言回复不够及时。\n（三）改进措施\n一是推出图解解读。二是明确留言办理时限。",
    "（一）上年度问题整改情况\n针对上年政务新媒体留言回复不够及时的问题，已明确留言3个工作日内答复。\n"
    "（二）存在的主要问题\n一是政策解读的质量有待提高，形式还要更加多样。"
    "二是重点领域信息公开深度不足，重大项目未全流程公开。\n（三）改进措施\n一是开展解读培训。"
    "二是建立重大项目全流程公开清单。",
    "（一）上年度问题整改情况\n针对上年重点领域信息公开深度不足的问题，已开设重点领域专栏8个。\n"
    "（二）存在的主要问题\n一是解读方式比较单调，图表图解、音视频解读运用不多。"
    "二是基层政务公开标准目录更新滞后。\n（三）改进措施\n一是每月制作图解解读。"
    "二是每半年修订一次标准目录。",
    "上年提出的基层标准目录更新滞后问题，已完成目录全面修订；政策解读方面全年制作图解解读24期。"
    "本年度工作仍存在一些不足，如网站检索功能不完善、依申请公开办理时限把握不严等。"
    "下一步，我局将优化网站检索功能，丰富政策解读形式，建立办理时限提醒机制。",
    "（一）上年度问题整改情况\n针对上年网站检索功能不完善的问题，已完成网站检索系统升级。"
    "针对办理时限把握不严的问题，已上线办理时限提醒功能。\n"
    "（二）存在的主要问题\n1.公开目录编制不够细化。\n2.工作人员保密审查能力有待提升。\n"
    "（三）改进措施\n1.细化公开目录。\n2.每年组织两次保密审查培训。",
    "（一）上年度问题整改情况\n针对上年公开目录编制不够细化的问题，已细化目录事项136项；"
    "上年提出的保密审查能力问题，已组织专题培训2次。\n"
    "（二）存在的主要问题\n一是政府信息公开申请登记系统功能单一。二是公开平台无障碍适配不足。\n"
    "（三）改进措施\n一是升级申请登记系统。二是完成网站适老化和无障碍改造。",
)


def _samples() -> list[Report]:
    return [read_report(SAMPLES / f"pingtan-{y}.html") for y in (2021, 2022, 2023)]


def build_series(
    first_year: int, years: int, *, fives: tuple[str, ...] = FIVE, break_valid_at: int | None = None
) -> list[Report]:
    """`years` reports from `first_year` on, oldest first, every cross-year chain holding but,
    with `break_valid_at`, that year's 现行有效 行政规范性文件 5 more than last year's + 制发 −
    废止 (and the later years carrying on from the wrong figure, as they would)."""
    samples = _samples()
    out: list[Report] = []
    for i in range(years):
        base = samples[i % len(samples)]
        year = first_year + i
        r = base.model_copy(update={"year": year}, deep=True)
        updates: dict[str, Cell] = {}
        for group in ("admin_review", "litigation_direct", "litigation_after_review"):
            # no case left pending at a year's end (XY-08 would rightly ask about it)
            pending = int(r.value(f"review.{group}.pending") or 0)
            upheld = int(r.value(f"review.{group}.upheld") or 0)
            updates[f"review.{group}.pending"] = Cell.of(0)
            updates[f"review.{group}.upheld"] = Cell.of(upheld + pending)
        if out:
            prior = out[-1]
            for cid in [c for c in r.cells if c.startswith("apply.carry_in.")]:
                value = prior.value(cid.replace("carry_in", "carry_out"))
                if value is not None:
                    updates[cid] = Cell.of(int(value))
            for row in ("rules", "normative_docs"):
                before = prior.value(f"active.{row}.valid") or 0
                made = r.value(f"active.{row}.made") or 0
                repealed = r.value(f"active.{row}.repealed") or 0
                wrong = 5 if row == "normative_docs" and i == break_valid_at else 0
                updates[f"active.{row}.valid"] = Cell.of(int(before + made - repealed) + wrong)
        r = r.with_cells(updates)
        r.sections["problems"] = Section(
            id="problems", heading="五、存在的主要问题及改进情况", text=fives[i % len(fives)]
        )
        out.append(r)
    return out
