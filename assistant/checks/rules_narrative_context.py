"""Narrative rules that need context: stale years (NAR-07), last year's report (XY-04…07),
and the narrative halves of T2-03/04/08, T3-06/08, T4-05/06."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from assistant.checks.claims import clause_before, numbers
from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.derived import apply_table_id
from assistant.report.layout import NARRATIVE_SECTIONS, SECTION_IDS
from assistant.report.problems import (
    REFERENCED,
    is_placeholder,
    reference_overlap,
    split_points,
    split_problems,
    states_progress,
)
from assistant.report.sentences import sentence_at, sentences
from assistant.report.similarity import SAME_AS_LAST_YEAR, SAME_NARRATIVE, similarity

COPY_PROBLEMS = SAME_AS_LAST_YEAR  # XY-05
COPY_NARRATIVE = SAME_NARRATIVE  # XY-06
_YEAR_CONTEXT = re.compile(
    r"上年|去年|上一年|以来|比|较|同期|截至|截止|分别|自|起|至|〔|《|印发|出台|发布的"
)


def _loc(text: str, pos: int) -> dict[str, object]:
    s = sentence_at(text, pos)
    return {"quote": s.text, "start": s.start, "end": s.end}


@rule("NAR-07", "warning", "08/19/21", title="正文年份与报告年度一致", scope="narrative")
def stale_years(ctx: CheckContext) -> Iterator[Finding]:
    year = ctx.report.year
    failed = False
    for sid in NARRATIVE_SECTIONS:
        text = ctx.report.text(sid)
        for sent in sentences(text):
            mentions = [m for m in numbers(sent.text) if m.kind == "year"]
            if not mentions:
                continue
            first = mentions[0]
            lead = sent.text[: sent.text.find(first.raw)]
            if int(first.value) < year and len(lead) <= 6 and not _YEAR_CONTEXT.search(sent.text):
                failed = True
                yield ctx.fail(
                    f"“{sent.text[:40]}”以{first.raw}开头，而本报告是{year}年度报告，"
                    f"疑似沿用往年文字。请核对年份和内容。",
                    section=sid,
                    quote=sent.text,
                    start=sent.start,
                    end=sent.end,
                    expected=str(year),
                    found=format_number(int(first.value)),
                )
    if not failed:
        yield ctx.passed("未发现沿用往年年份的句子。")


_DELTA_CLAIM = re.compile(r"(比上年|较上年|比去年|较去年|同比)(增加|增长|多|减少|下降|少)了?$")


def _label(text: str, pos: int) -> str:
    clause = clause_before(text, pos)
    clause = re.sub(r"^(其中|全年|共|本年度?|今年|累计|此外|另外|同时)+", "", clause)
    clause = re.sub(r"(共|为|达|计)$", "", clause)
    return clause[-12:]


@rule(
    "XY-04",
    "warning",
    "19/21",
    title="“比上年增减”与上年数据相符",
    scope="narrative",
    needs_prior=True,
)
def yoy_claims(ctx: CheckContext) -> Iterator[Finding]:
    assert ctx.prior is not None
    prior_text = ctx.prior.narrative
    prior_values: dict[tuple[str, str | None], Decimal] = {}
    for m in numbers(prior_text):
        if m.kind == "quantity":
            prior_values.setdefault((_label(prior_text, m.start), m.unit), m.value)
    for sid in NARRATIVE_SECTIONS:
        text = ctx.report.text(sid)
        mentions = [m for m in numbers(text) if m.kind == "quantity"]
        for prev, m in zip(mentions, mentions[1:], strict=False):
            between = text[prev.end : m.start].lstrip("，, ")
            hit = _DELTA_CLAIM.search(between)
            if not hit or prev.unit != m.unit:
                continue
            sign = -1 if hit.group(2) in ("减少", "下降", "少") else 1
            label = _label(text, prev.start)
            before = prior_values.get((label, prev.unit))
            if before is None:
                continue  # last year's report does not give this figure under the same words
            change = prev.value - before
            loc = _loc(text, m.start)
            if change == sign * m.value:
                yield ctx.passed(f"“{label}”比上年变化与上年报告相符。", section=sid, **loc)
            else:
                yield ctx.fail(
                    f"正文称“{label}{prev.raw}，{hit.group(0)}{m.raw}”，但上年报告为"
                    f"{format_number(before)}{prev.unit or ''}，实际变化"
                    f"{format_number(change)}{prev.unit or ''}。",
                    section=sid,
                    expected=format_number(change),
                    found=format_number(sign * m.value),
                    **loc,
                )


@rule(
    "XY-05", "warning", "19/21", title="问题及改进与上年雷同", scope="narrative", needs_prior=True
)
def problems_copied(ctx: CheckContext) -> Iterator[Finding]:
    assert ctx.prior is not None
    now, before = ctx.report.text("problems"), ctx.prior.text("problems")
    if not now.strip() or not before.strip():
        yield ctx.unknown(
            (), "本年或上年报告缺少“五、存在的主要问题及改进情况”，无法比较。", section="problems"
        )
        return
    sim = similarity(now, before)
    if sim >= COPY_PROBLEMS:
        yield ctx.fail(
            f"“五、存在的主要问题及改进情况”与{ctx.prior.year}年报告相似度{sim:.0%}，"
            f"疑似照搬上年。格式要求不得出现敷衍了事甚至年年雷同现象，请结合本年情况重写。",
            section="problems",
            found=f"{sim:.2f}",
            expected=f"<{COPY_PROBLEMS}",
        )
    else:
        yield ctx.passed(f"与上年相似度{sim:.0%}。", section="problems", found=f"{sim:.2f}")


@rule(
    "XY-06", "warning", "19/21", title="全文或表格与上年雷同", scope="narrative", needs_prior=True
)
def report_copied(ctx: CheckContext) -> Iterator[Finding]:
    assert ctx.prior is not None
    sim = (
        similarity(ctx.report.narrative, ctx.prior.narrative)
        if ctx.report.narrative.strip() and ctx.prior.narrative.strip()
        else 0.0
    )
    same_tables = (
        ctx.report.format == ctx.prior.format
        and bool(ctx.report.cells)
        and all(ctx.prior.value(c) == v.value for c, v in ctx.report.cells.items())
        and any(v.value for v in ctx.report.cells.values())
    )
    if sim >= COPY_NARRATIVE:
        yield ctx.fail(
            f"正文与{ctx.prior.year}年报告相似度{sim:.0%}，疑似内容雷同。", found=f"{sim:.2f}"
        )
    elif same_tables:
        yield ctx.fail(
            f"三张表的数据与{ctx.prior.year}年报告完全相同（且不全为0），请核对是否沿用了上年数据。"
        )
    else:
        yield ctx.passed(f"正文与上年相似度{sim:.0%}，表格数据未整体沿用上年。", found=f"{sim:.2f}")


@rule(
    "XY-07", "warning", "19/21", title="回应上年报告所列问题", scope="narrative", needs_prior=True
)
def last_year_problems(ctx: CheckContext) -> Iterator[Finding]:
    assert ctx.prior is not None
    now, before = ctx.report.text("problems"), ctx.prior.text("problems")
    if not before.strip() or not now.strip():
        yield ctx.unknown(
            (), "本年或上年报告缺少“五、存在的主要问题及改进情况”，无法判断。", section="problems"
        )
        return
    old = split_problems(before)
    # a response states what was done (an action or a result) about last year's problems, in a
    # sentence on them as a group or naming one; a plan, a placeholder or "仍…" is none
    for s in sentences(now):
        on_last_year = any(p.kind == "rectification" for p in split_points(s.text)) or any(
            reference_overlap(o, s.text) >= REFERENCED for o in old
        )
        if on_last_year and states_progress(s.text):
            yield ctx.passed(
                "已回应上年报告所列问题的整改情况。",
                section="problems",
                quote=s.text,
                start=s.start,
                end=s.end,
            )
            return
    placeholder = "（目前只有待补充的占位文字）" if is_placeholder(now) else ""
    yield ctx.fail(
        f"“五”未说明{ctx.prior.year}年报告所列问题的整改情况{placeholder}"
        f"（上年列出{len(old)}条问题）。请逐条说明采取了哪些措施、取得了什么结果。",
        section="problems",
    )


_PUBLISHED = re.compile(
    r"(公示|公开)[^，。；\d]{0,6}(行政许可|行政处罚|行政强制)[^，。；\d]{0,6}?(\d+)(件|条)"
)


@rule("T2-08", "warning", "21", title="许可、处罚、强制决定数含未公开的决定", scope="narrative")
def published_decisions(ctx: CheckContext) -> Iterator[Finding]:
    rows = {"行政许可": "licensing", "行政处罚": "penalty", "行政强制": "coercion"}
    for sid in SECTION_IDS:
        text = ctx.report.text(sid)
        for m in _PUBLISHED.finditer(text):
            cid = f"active.{rows[m.group(2)]}.decisions"
            table = ctx.v(cid)
            loc = _loc(text, m.start())
            if table is None:
                yield ctx.unknown((cid,), section=sid, **loc)  # type: ignore[arg-type]
            elif int(m.group(3)) > table:
                yield ctx.fail(
                    f"正文称公开{m.group(2)}决定{m.group(3)}{m.group(4)}，多于表二“本年处理决定数量”"
                    f"{format_number(table)}。表二应计全部决定（已公开和依法未公开）。",
                    cells=(cid,),
                    section=sid,
                    **loc,
                )
            else:
                yield ctx.passed(cells=(cid,), section=sid, **loc)  # type: ignore[arg-type]


_FEE_YUAN = re.compile(r"行政事业性收费[^，。；\d]{0,10}?(\d+(?:\.\d+)?)元")


@rule("T2-03", "warning", "21", title="行政事业性收费单位为万元", scope="narrative")
def fee_unit(ctx: CheckContext) -> Iterator[Finding]:
    cid = "active.admin_fees.amount_wan"
    table = ctx.v(cid)
    if table is None:
        return
    failed = False
    for sid in SECTION_IDS:
        text = ctx.report.text(sid)
        for m in _FEE_YUAN.finditer(text):
            yuan = Decimal(m.group(1))
            if yuan != Decimal(table) * 10000:
                failed = True
                yield ctx.fail(
                    f"正文写行政事业性收费{m.group(1)}元，表二为{format_number(table)}万元"
                    f"（={format_number(Decimal(table) * 10000)}元），不一致；表二单位是万元。",
                    cells=(cid,),
                    section=sid,
                    **_loc(text, m.start()),
                )
    # more than two decimal places cannot be 元 (分 is the smallest): the figure is in 万元
    in_wan = -Decimal(table).normalize().as_tuple().exponent > 2  # type: ignore[operator]
    if table >= 10000 and not in_wan and ctx.report.agency.kind in ("department", "township", None):
        failed = True
        yield ctx.fail(
            f"表二行政事业性收费为{format_number(table)}万元，数额很大，疑似按“元”填写。请确认单位为万元。",
            cells=(cid,),
            found=format_number(table),
        )
    if not failed:
        yield ctx.passed("行政事业性收费单位和数额无异常。", cells=(cid,))


@rule("T2-04", "warning", "21", title="收费金额不是收费项目数", scope="narrative")
def fee_items_carried(ctx: CheckContext) -> Iterator[Finding]:
    cid = "active.admin_fees.amount_wan"
    table = ctx.v(cid)
    if table is None or not (0 < table < 50) or table != int(table):
        return
    m = re.search(r"收费项目\D{0,4}(\d+)项", ctx.report.narrative)
    if m and int(m.group(1)) == table:
        yield ctx.fail(
            f"表二“本年收费金额（单位：万元）”为{format_number(table)}，与正文“收费项目{m.group(1)}项”"
            f"相同，疑似沿用了2019年格式的项目数口径。2021年格式此处填收费金额（万元）。",
            cells=(cid,),
        )


_NO_FEE = re.compile(
    r"未(发出|出具|开具)[^，。；]{0,4}收费通知|未(收取|产生)[^，。；]{0,6}(信息处理费|费用)"
)


@rule("T3-06", "error", "21", title="逾期未缴费与信息处理费说明一致", scope="narrative")
def unpaid_needs_notice(ctx: CheckContext) -> Iterator[Finding]:
    cid = "apply.res.other.fee_unpaid.total"
    unpaid = ctx.v(cid)
    if unpaid is None:
        yield ctx.unknown((cid,))
        return
    text = ctx.report.text("other")
    count = ctx.v("fees.notices_count")
    if unpaid > 0 and (m := _NO_FEE.search(text)):
        yield ctx.fail(
            f"表三“逾期未按收费通知要求缴纳费用”为{format_number(unpaid)}件，说明发出过收费通知；"
            f"但“六”称“{m.group(0)}”。请核对。",
            cells=(cid,),
            section="other",
            **_loc(text, m.start()),
        )
    elif unpaid > 0 and count is not None and count < unpaid:
        yield ctx.fail(
            f"发出收费通知{format_number(count)}件，少于表三逾期未缴费{format_number(unpaid)}件。",
            cells=(cid, "fees.notices_count"),
        )
    else:
        yield ctx.passed(cells=(cid,))


@rule("T3-08", "info", "19/21", title="申请人类别表述与表三一致", scope="narrative")
def applicant_kinds(ctx: CheckContext) -> Iterator[Finding]:
    text = ctx.report.narrative
    if not text:
        return  # asked first: the legal-person subtotal is derived, and deriving costs
    t = apply_table_id(ctx.report)
    legal = ctx.v(f"{t}.new.legal.subtotal")
    natural = ctx.v(f"{t}.new.natural_person")
    if legal is None or natural is None:
        return
    speaks_people = bool(re.search(r"群众|个人|自然人", text))
    speaks_orgs = bool(re.search(r"企业|法人|组织|机构", text))
    if legal > 0 and speaks_people and not speaks_orgs:
        yield ctx.fail(
            f"表三法人或其他组织新收申请{format_number(legal)}件，正文只提到群众/个人申请人。"
        )
    elif natural > 0 and legal == 0 and speaks_orgs and not speaks_people:
        yield ctx.fail("表三申请人均为自然人，正文却只提到企业或组织申请人。")
    else:
        yield ctx.passed("申请人类别表述与表三一致。")


@rule("T4-05", "info", "19/21", title="被纠正的复议诉讼写明整改", scope="narrative")
def corrected_cases(ctx: CheckContext) -> Iterator[Finding]:
    r = "review" if ctx.report.format == "2021" else "review19"
    cells = tuple(
        f"{r}.{g}.corrected"
        for g in ("admin_review", "litigation_direct", "litigation_after_review")
    )
    n = sum((ctx.v(c) or 0) for c in cells)
    if n == 0:
        return
    if re.search(r"纠正|整改|败诉|撤销|确认违法", ctx.report.text("problems")):
        yield ctx.passed(f"有{format_number(n)}件复议诉讼结果纠正，“五”已说明整改。", cells=cells)
    else:
        yield ctx.fail(
            f"表四有{format_number(n)}件“结果纠正”，“五、存在的主要问题及改进情况”宜写明纠正原因和整改情况。",
            cells=cells,
            section="problems",
        )


@rule("T4-06", "info", "19/21", title="复议机关作共同被告的案件不计入", scope="narrative")
def co_defendant(ctx: CheckContext) -> Iterator[Finding]:
    agency = ctx.report.agency
    if agency.kind == "government" or "共同被告" in ctx.report.narrative:
        yield ctx.fail(
            "提示：行政复议机关作为共同被告的行政诉讼案件，只计算原行为主体的案件数量，"
            "不计算复议机关的案件数量。请确认表四未计入本机关作为复议机关被列为共同被告的案件。"
        )
