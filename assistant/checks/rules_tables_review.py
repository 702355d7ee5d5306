"""Section 四 (复议诉讼) rules on the table: T4-01…T4-04 (SPEC c.4)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.model import Report

_PARTS = ("upheld", "corrected", "other", "pending")
_GROUP_LABELS = {
    "admin_review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}


def review_table_id(report: Report) -> str:
    return "review" if report.format == "2021" else "review19"


def _group_total(ctx: CheckContext, group: str) -> Iterator[Finding]:
    t = review_table_id(ctx.report)
    cells = [f"{t}.{group}.total", *(f"{t}.{group}.{p}" for p in _PARTS)]
    values = [v for c in cells if (v := ctx.v(c)) is not None]
    if len(values) < len(cells):
        yield ctx.unknown(cells)
        return
    total, parts = values[0], values[1:]
    f = format_number
    if total == sum(parts):
        yield ctx.passed(cells=cells)
    else:
        yield ctx.fail(
            f"表四「{_GROUP_LABELS[group]}」：总计为{f(total)}，结果维持+结果纠正+其他结果+尚未审结="
            f"{'+'.join(f(v) for v in parts)}={f(sum(parts))}，不相等。请核对这五个数。",
            cells=cells,
            expected=sum(parts),
            found=total,
        )


@rule("T4-01", "error", "19/21", title="表四行政复议“总计”等于各结果之和")
def admin_review_total(ctx: CheckContext) -> Iterator[Finding]:
    yield from _group_total(ctx, "admin_review")


@rule("T4-02", "error", "19/21", title="表四未经复议直接起诉“总计”等于各结果之和")
def direct_litigation_total(ctx: CheckContext) -> Iterator[Finding]:
    yield from _group_total(ctx, "litigation_direct")


@rule("T4-03", "error", "19/21", title="表四复议后起诉“总计”等于各结果之和")
def after_review_total(ctx: CheckContext) -> Iterator[Finding]:
    yield from _group_total(ctx, "litigation_after_review")


@rule("T4-04", "warning", "19/21", title="有复议后起诉的案件，应有对本机关的行政复议")
def suit_after_review_has_review(ctx: CheckContext) -> Iterator[Finding]:
    t = review_table_id(ctx.report)
    cells = [f"{t}.litigation_after_review.total", f"{t}.admin_review.total"]
    suits, reviews = (ctx.v(c) for c in cells)
    if suits is None or reviews is None:
        yield ctx.unknown(cells)
        return
    if suits == 0 or reviews > 0:
        yield ctx.passed(cells=cells)
        return
    f = format_number
    prior = ctx.prior
    if prior is None:
        yield ctx.unknown(
            cells,
            f"表四：复议后起诉{f(suits)}件，本年行政复议为0；需要上年报告才能判断"
            f"上年是否有对本机关的行政复议。",
        )
        return
    prior_reviews = prior.value(f"{review_table_id(prior)}.admin_review.total")
    if prior_reviews is None:
        yield ctx.unknown(cells, "上年报告表四行政复议总计未填写数字，无法判断。")
    elif prior_reviews > 0:
        yield ctx.passed(f"复议后起诉的案件可对应上年的{f(prior_reviews)}件行政复议。", cells=cells)
    else:
        yield ctx.fail(
            f"表四：复议后起诉{f(suits)}件，但本年和上年的行政复议总计均为0。复议后起诉意味着"
            f"曾有针对本机关的行政复议，应计入本机关的行政复议栏；复议机关作为共同被告的案件"
            f"只计原行为机关。请核对。",
            cells=cells,
            expected=">0",
            found=0,
        )
