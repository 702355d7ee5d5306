"""Section-level content rules (SPEC c.7): S1 总体情况, S5 问题及改进, S6 其他事项."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.layout import SectionId, section_spec
from assistant.report.sentences import sentences, word_count

OVERVIEW_LIMIT = 1000  # "篇幅原则上不超过一千字" (S2 一(一))

# The five areas of 总体情况 and words that show each is covered (S1-01).
_AREAS: dict[str, tuple[str, ...]] = {
    "主动公开": ("主动公开",),
    "依申请公开": ("依申请公开", "依申请", "公开申请"),
    "政府信息管理": ("政府信息管理", "信息管理"),
    "政府信息公开平台建设": ("平台建设", "公开平台", "门户网站", "政务新媒体", "公开专栏"),
    "监督保障": ("监督保障", "监督", "考核", "培训"),
}
_ASSESSMENT = {
    "工作考核": ("考核",),
    "社会评议": ("评议",),
    "责任追究": ("责任追究", "追责", "追究"),
}

_PROBLEM_WORDS = ("问题", "不足", "差距", "有待", "不够", "欠缺", "薄弱", "短板", "不到位", "滞后")
_MEASURE_WORDS = ("改进", "下一步", "整改", "措施", "将", "计划", "加强", "推进", "完善")
_VAGUE = re.compile(
    r"进一步(加强|提高|提升|强化|规范|完善|做好)|不断(提高|提升|加强|完善)|"
    r"持续(提升|加强|推进)|切实(加强|提高)|努力(提高|做好)|全面(提升|加强)"
)
_CONCRETE = re.compile(
    r"\d|[一二三四五六七八九十两]+(个|项|次|期|场|条)|月|季度|年底|年内|前完成|"
    r"栏目|专栏|制度|目录|指南|平台|系统|台账|清单|模板|流程|考核|培训|解读|"
    r"《|“"
)
_GENERIC_PROBLEMS = re.compile(
    r"意识(有待|不够|不强|还需|仍需)|内容(不够|还不够|有待)(丰富|全面)|(人员|力量)(不足|薄弱|有限)|"
    r"形式(单一|不够丰富)|(更新|发布)不(够)?及时|深度不够|解读(不够|有待)|主动性不强|水平有待提高"
)
_FEE = re.compile(
    r"信息处理费|收费通知|收费情况|(?:未|没有|无|不)(?:发生|产生|收取|存在)?(?:任何)?(?:收费|费用)"
)
# "本年度未发出收费通知，未收取信息处理费" / "未发生收费情况": no fee at all, every figure zero
_NO_NOTICE = re.compile(
    r"(?:未|没有|无)(?:发出|开具|下发)?(?:任何)?收费通知|(?:未|没有|无)(?:发生|产生)(?:任何)?收费"
)
_NO_COLLECTED = re.compile(
    r"(?:未|没有|无|不)(?:发生|产生|收取|存在)(?:任何)?(?:信息处理费|收费|费用)|(?:未|没有)收取"
)
_FEE_FIGURES = (
    re.compile(r"(收费通知|通知书?)\D{0,8}(\d+|零|〇)\s*件"),
    re.compile(r"(总?金额|合计)\D{0,8}(\d+(\.\d+)?|零|〇)\s*元"),
    re.compile(r"(实际|实收|收取)\D{0,10}(\d+(\.\d+)?|零|〇)\s*元"),
)

# Items other documents ask the report to carry (S6-04…06): configurable, SPEC defaults.
DEFAULT_REQUIRED_ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "S6-04": ("落实上级年度政务公开工作要点情况", ("工作要点",)),
    "S6-05": ("人大代表建议和政协提案办理结果公开情况", ("建议", "提案")),
    "S6-06": ("本机关年度政务公开工作创新情况", ("创新",)),
}


def _missing(ctx: CheckContext, section: SectionId) -> Finding:
    heading = section_spec(section).full_heading
    return ctx.unknown((), f"报告中没有“{heading}”的正文，无法检查本项。", section=section)


def _unfound(ctx: CheckContext, section: SectionId) -> bool:
    """A report read from a document whose section the reader did not find (its heading written
    in a way not recognised, or not there at all): nothing to judge, and not the same as a
    section printed empty."""
    return bool(ctx.report.notes) and section not in ctx.report.sections


def _text(ctx: CheckContext, section: SectionId) -> str | None:
    s = ctx.report.sections.get(section)
    return s.text if s is not None and s.text.strip() else None


@rule("S1-01", "warning", "19/21", title="总体情况涵盖五个方面", scope="narrative")
def overview_areas(ctx: CheckContext) -> Iterator[Finding]:
    text = _text(ctx, "overview")
    if text is None:
        yield _missing(ctx, "overview")
        return
    missing = [area for area, words in _AREAS.items() if not any(w in text for w in words)]
    if missing:
        yield ctx.fail(
            f"“一、总体情况”未见{'、'.join(missing)}方面的内容。格式要求总体情况包括主动公开、"
            f"依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面，请补充。",
            section="overview",
            found="、".join(missing),
        )
    else:
        yield ctx.passed("总体情况涵盖五个方面。", section="overview")


def _is_government(ctx: CheckContext) -> bool:
    """各级人民政府, down to 乡镇 (not 街道办事处, not departments or 办公厅)."""
    agency = ctx.report.agency
    if agency.kind == "government":
        return True
    if agency.kind == "township":
        return "街道" not in agency.name
    if agency.kind is not None:
        return False
    return "人民政府" in agency.name and not agency.name.endswith(("办公室", "办公厅"))


@rule("S1-02", "error", "19/21", title="人民政府报告载明考核、评议、追责结果", scope="narrative")
def government_assessment(ctx: CheckContext) -> Iterator[Finding]:
    if not _is_government(ctx):
        return  # 条例 第五十条(四) asks this of 各级人民政府 only
    text = ctx.report.narrative
    if not text.strip():
        yield _missing(ctx, "overview")
        return
    missing = [name for name, words in _ASSESSMENT.items() if not any(w in text for w in words)]
    if missing:
        yield ctx.fail(
            f"人民政府的年度报告应当载明工作考核、社会评议和责任追究结果情况（条例第五十条），"
            f"本报告未见{'、'.join(missing)}结果。请在“（五）监督保障”中写明。",
            section="overview",
            found="、".join(missing),
        )
    else:
        yield ctx.passed("已载明工作考核、社会评议和责任追究结果。", section="overview")


@rule("S1-03", "warning", "21", title="总体情况不超过一千字", scope="narrative")
def overview_length(ctx: CheckContext) -> Iterator[Finding]:
    text = _text(ctx, "overview")
    if text is None:
        yield _missing(ctx, "overview")
        return
    n = word_count(text)
    if n > OVERVIEW_LIMIT:
        yield ctx.fail(
            f"“一、总体情况”共{n}字，超过格式要求的一千字（篇幅原则上不超过一千字），"
            f"请精简{n - OVERVIEW_LIMIT}字以上。",
            section="overview",
            expected=f"≤{OVERVIEW_LIMIT}",
            found=n,
        )
    else:
        yield ctx.passed(f"总体情况{n}字，未超过一千字。", section="overview", found=n)


@rule("S5-01", "error", "19/21", title="问题及改进情况非空且两者兼有", scope="narrative")
def problems_present(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.report.sections or _unfound(ctx, "problems"):
        yield _missing(ctx, "problems")  # tables only (an Excel sheet), or heading not found
        return
    text = _text(ctx, "problems")
    if text is None:
        yield ctx.fail(
            "“五、存在的主要问题及改进情况”为空。条例第五十条要求报告存在的主要问题及改进情况，"
            "请写明本年度的具体问题和改进措施。",
            section="problems",
        )
        return
    has_problem = any(w in text for w in _PROBLEM_WORDS)
    has_measure = any(w in text for w in _MEASURE_WORDS)
    if has_problem and has_measure:
        yield ctx.passed("问题和改进措施均已写明。", section="problems")
    else:
        lack = "存在的问题" if not has_problem else "改进措施"
        yield ctx.fail(
            f"“五、存在的主要问题及改进情况”未写明{lack}。请同时写明问题和对应的改进措施。",
            section="problems",
            found=lack,
        )


@rule("S5-02", "warning", "19/21", title="改进措施明确具体", scope="narrative")
def measures_concrete(ctx: CheckContext) -> Iterator[Finding]:
    text = _text(ctx, "problems")
    if text is None:
        yield _missing(ctx, "problems")
        return
    measures = [s for s in sentences(text) if any(w in s.text for w in _MEASURE_WORDS)]
    vague = [
        s
        for s in measures
        if _VAGUE.search(s.text) and not _CONCRETE.search(_VAGUE.sub("", s.text))
    ]
    if measures and len(vague) / len(measures) > 0.5:
        first = vague[0]
        yield ctx.fail(
            f"改进措施多为“进一步加强”“不断提高”一类笼统表述（{len(vague)}/{len(measures)}句），"
            f"如“{first.text}”。格式要求改进举措要有实效性：请写明对象（栏目、制度、平台、事项）、"
            f"具体做法，最好有时间或数量。",
            section="problems",
            quote=first.text,
            start=first.start,
            end=first.end,
        )
    else:
        yield ctx.passed("改进措施较为具体。", section="problems")


@rule("S5-03", "warning", "19/21", title="问题查找有针对性", scope="narrative")
def problems_specific(ctx: CheckContext) -> Iterator[Finding]:
    text = _text(ctx, "problems")
    if text is None:
        yield _missing(ctx, "problems")
        return
    problems = [
        s
        for s in sentences(text)
        if any(w in s.text for w in _PROBLEM_WORDS)
        and not any(w in s.text for w in ("下一步", "将", "计划"))
    ]
    generic = [
        s
        for s in problems
        if _GENERIC_PROBLEMS.search(s.text) and not re.search(r"\d|《|“|栏目|专栏", s.text)
    ]
    if problems and len(generic) == len(problems):
        first = generic[0]
        yield ctx.fail(
            f"所列问题均为“意识有待提高”“内容不够丰富”一类放之各单位皆准的表述，如“{first.text}”。"
            f"格式要求查找问题要有针对性：请结合本单位数据、评估或整改中发现的具体问题来写。",
            section="problems",
            quote=first.text,
            start=first.start,
            end=first.end,
        )
    else:
        yield ctx.passed("问题有针对性。", section="problems")


@rule("S6-01", "error", "21", title="其他需要报告的事项专门报告信息处理费", scope="narrative")
def fee_statement(ctx: CheckContext) -> Iterator[Finding]:
    if not ctx.report.sections or _unfound(ctx, "other"):
        yield _missing(ctx, "other")
        return
    text = _text(ctx, "other")
    if text is None or not _FEE.search(text):
        shown = f"现为“{text.strip()[:20]}”" if text else "现为空"
        yield ctx.fail(
            f"“六、其他需要报告的事项”须专门报告收取信息处理费的情况（2021年格式），{shown}。"
            f"未收取的也要写明，例如：“本年度未发出收费通知，未收取信息处理费。”",
            section="other",
        )
    else:
        yield ctx.passed("已报告信息处理费情况。", section="other")


@rule("S6-07", "info", "19", title="2019年格式的其他事项可为“无”", scope="narrative")
def free_text_2019(ctx: CheckContext) -> Iterator[Finding]:
    yield ctx.passed(
        "2019年格式中“六、其他需要报告的事项”为自由文字，写“无”亦可。", section="other"
    )


@rule("S6-08", "warning", "21", title="信息处理费写明三项数字", scope="narrative")
def fee_figures(ctx: CheckContext) -> Iterator[Finding]:
    text = _text(ctx, "other")
    if text is None or not _FEE.search(text):
        return  # S6-01 already says the statement is missing
    if _NO_NOTICE.search(text) and _NO_COLLECTED.search(text):
        yield ctx.passed("已写明未发出收费通知、未收取信息处理费（各项均为零）。", section="other")
        return
    found = [bool(p.search(text)) for p in _FEE_FIGURES]
    if all(found):
        yield ctx.passed("信息处理费的件数、通知金额、实收金额均已写明。", section="other")
        return
    names = [
        n
        for n, ok in zip(
            ("发出收费通知的件数", "收费通知总金额", "实际收取总金额"), found, strict=True
        )
        if not ok
    ]
    yield ctx.fail(
        f"信息处理费情况宜写明发出收费通知的件数、收费通知总金额、实际收取总金额，零也写出"
        f"（如“发出收费通知0件，金额0元，实际收取0元”）；本报告缺{'、'.join(names)}。",
        section="other",
        found="、".join(names),
    )


def _required_item(rule_id: str) -> None:
    label, words = DEFAULT_REQUIRED_ITEMS[rule_id]

    @rule(rule_id, "info", "21", title=f"其他事项：{label}", scope="narrative")
    def check(ctx: CheckContext) -> Iterator[Finding]:
        text = _text(ctx, "other") or ""
        if all(w in text for w in words):
            yield ctx.passed(f"已报告{label}。", section="other")
        else:
            yield ctx.fail(
                f"“六、其他需要报告的事项”未见{label}。如有文件要求通过年度报告报告此项，请补充；"
                f"没有的可写明“无”。",
                section="other",
            )


for _rid in DEFAULT_REQUIRED_ITEMS:
    _required_item(_rid)
