"""Section 六 信息处理费 figures (`fees.*` cells): S6-02, S6-03, S6-09 (SPEC c.7, 2021 format)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.sentences import Sentence, sentences

_F = format_number
_COUNT, _AMOUNT, _COLLECTED = (
    "fees.notices_count",
    "fees.notices_amount_yuan",
    "fees.collected_yuan",
)
_ALL = (_COUNT, _AMOUNT, _COLLECTED)
_LABELS = {_COUNT: "发出收费通知", _AMOUNT: "收费通知总金额", _COLLECTED: "实际收取"}


def _none_given(ctx: CheckContext) -> bool:
    return not any(c in ctx.report.cells for c in _ALL)


def _not_given(ctx: CheckContext) -> Finding:
    if ctx.rule is not None and ctx.rule.id != "S6-02":  # S6-02 says it in full; no repetition
        return ctx.unknown(_ALL, "未给出信息处理费数字，无法核对（见S6-02）。")
    return ctx.unknown(
        _ALL,
        "第六部分未给出信息处理费数字（发出收费通知件数、通知金额、实际收取金额），"
        "无法核对。建议写明这三个数，没有的写0。",
    )


# a section 六 sentence saying no fee was charged or noticed: S6-02's narrative half ("未收取"
# against a positive figure). Only 未/没有 count: "不收取" is usually a rule ("依法不收取…的情形").
_NO_FEE = re.compile(
    r"(?:未|没有|无)(?:向申请人)?(?:发出|发放|开具)?(?:任何)?(?:收费通知|收取|收费)"
)


def _no_fee_claim(ctx: CheckContext) -> Sentence | None:
    return next((s for s in sentences(ctx.report.text("other")) if _NO_FEE.search(s.text)), None)


@rule("S6-02", "error", "21", title="信息处理费数字前后一致")
def fee_figures_coherent(ctx: CheckContext) -> Iterator[Finding]:
    if _none_given(ctx):
        yield _not_given(ctx)
        return
    count, amount, collected = (ctx.v(c) for c in _ALL)
    problems = []
    negative = [
        c for c, v in zip(_ALL, (count, amount, collected), strict=True) if v is not None and v < 0
    ]
    for c in negative:
        problems.append(f"{ctx.layout.cell(c).column.label}为{_F(ctx.v(c))}，不能为负")  # type: ignore[arg-type]
    if count == 0 and amount is not None and amount != 0:
        problems.append(f"发出收费通知0件，收费通知总金额却为{_F(amount)}元")
    if count == 0 and collected is not None and collected != 0:
        problems.append(f"发出收费通知0件，实际收取却为{_F(collected)}元")
    positive = [
        (c, v)
        for c, v in zip(_ALL, (count, amount, collected), strict=True)
        if v is not None and v > 0
    ]
    claim = _no_fee_claim(ctx) if positive else None
    if claim is not None:
        figures = "、".join(
            f"{_LABELS[c]}{_F(v)}{'件' if c == _COUNT else '元'}" for c, v in positive
        )
        yield ctx.fail(
            f"第六部分写“{claim.text}”，但填写的信息处理费数字为{figures}，前后矛盾。"
            f"请核对：确未收费的，数字应为0；收取了的，应改写这句话。",
            cells=tuple(c for c, _ in positive),
            section="other",
            quote=claim.text,
            start=claim.start,
            end=claim.end,
            expected="0",
            found=figures,
        )
    if problems:
        yield ctx.fail("第六部分信息处理费：" + "；".join(problems) + "。请核对。", cells=_ALL)
    elif claim is not None:
        return
    elif count is None or amount is None:
        yield ctx.unknown(
            [c for c in (_COUNT, _AMOUNT) if ctx.v(c) is None],
            "第六部分信息处理费的件数或金额未给出数字，无法核对。",
        )
    else:
        yield ctx.passed("信息处理费数字前后一致。", cells=_ALL)


@rule("S6-03", "warning", "21", title="信息处理费金额为10元的整数倍")
def fee_multiple_of_ten(ctx: CheckContext) -> Iterator[Finding]:
    if _none_given(ctx):
        yield _not_given(ctx)
        return
    ok: list[str] = []  # one pass finding for every item that passes
    for cid in (_AMOUNT, _COLLECTED):
        value = ctx.v(cid)
        label = ctx.layout.cell(cid).column.label
        if value is None:
            yield ctx.unknown([cid], f"第六部分“{label}”未给出数字，无法核对。")
        elif value > 0 and Decimal(value) % 10 != 0:
            yield ctx.fail(
                f"第六部分{label}为{_F(value)}元，不是10元的整数倍。按件收费为100元/件，"
                f"按量收费为10、20、40元/页，请核对金额或单位。",
                cells=[cid],
                expected="10元的整数倍",
                found=value,
            )
        else:
            ok.append(cid)
    if ok:
        yield ctx.passed(cells=ok)


@rule("S6-09", "warning", "21", title="实际收取不超过收费通知总金额")
def collected_within_notices(ctx: CheckContext) -> Iterator[Finding]:
    if _none_given(ctx):
        yield _not_given(ctx)
        return
    cells = [_COLLECTED, _AMOUNT]
    collected, amount = (ctx.v(c) for c in cells)
    if collected is None or amount is None:
        yield ctx.unknown(cells, "第六部分实际收取金额或收费通知总金额未给出数字，无法核对。")
    elif collected <= amount:
        yield ctx.passed(cells=cells)
    else:
        yield ctx.fail(
            f"第六部分：实际收取{_F(collected)}元，多于收费通知总金额{_F(amount)}元。如收取的是"
            f"上年发出通知的费用，请在正文中说明。",
            cells=cells,
            expected=f"≤{_F(amount)}",
            found=collected,
        )
