"""Cross-year rules on the tables (need last year's report): XY-01/02/03/08 (SPEC c.5)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.checks.rules_tables_review import review_table_id
from assistant.report.cells import format_number
from assistant.report.derived import apply_table_id
from assistant.report.model import Report

_F = format_number


def _prior(ctx: CheckContext) -> Report | None:
    """Last year's report, or None (with a NOT_ASSESSABLE finding) when it is not Y−1's."""
    prior = ctx.prior
    assert prior is not None
    if prior.year != ctx.report.year - 1:
        return None
    return prior


def _wrong_year(ctx: CheckContext) -> Finding:
    assert ctx.prior is not None
    return ctx.unknown(
        (),
        f"提供的上年报告是{ctx.prior.year}年度的，不是{ctx.report.year - 1}年度，"
        f"无法做跨年度核对。",
    )


@rule("XY-01", "warning", "19/21", title="本年“上年结转”等于上年“结转下年度”", needs_prior=True)
def carry_chain(ctx: CheckContext) -> Iterator[Finding]:
    prior = _prior(ctx)
    if prior is None:
        yield _wrong_year(ctx)
        return
    # SPEC: an error when the agency's scope is unchanged, a warning otherwise (the default)
    severity = "error" if ctx.options.scope_unchanged else "warning"
    t, pt = apply_table_id(ctx.report), apply_table_id(prior)
    table = ctx.layout.table(t)
    for col in table.blocks[0].columns:
        here, there = f"{t}.carry_in.{col.id}", f"{pt}.carry_out.{col.id}"
        now, before = ctx.v(here), prior.value(there)
        if now is None or before is None:
            which = ctx.where(here) if now is None else f"上年报告表三「{col.label}」列的结转下年度"
            yield ctx.unknown(
                [here, there], f"{which}未填写数字，无法核对结转。", severity=severity
            )
        elif now == before:
            yield ctx.passed(cells=[here, there], severity=severity)
        else:
            yield ctx.fail(
                f"表三「{col.label}」列：本年“上年结转”为{_F(now)}，上年报告“结转下年度继续办理”"
                f"为{_F(before)}，不相等。请核对结转数，或说明统计口径的变化。",
                cells=[here, there],
                expected=before,
                found=now,
                severity=severity,
            )


@rule(
    "XY-02", "warning", "21", title="现行有效件数=上年现行有效+本年制发−本年废止", needs_prior=True
)
def valid_chain(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    prior = _prior(ctx)
    if prior is None:
        yield _wrong_year(ctx)
        return
    if prior.format != "2021":
        yield ctx.unknown(
            (),
            "上年报告使用2019年格式，其“对外公开总数量”与“现行有效件数”含义不同，"
            "不做现行有效件数的跨年核对。",
        )
        return
    for row, label in (("rules", "规章"), ("normative_docs", "行政规范性文件")):
        cells = [f"active.{row}.valid", f"active.{row}.made", f"active.{row}.repealed"]
        valid, made, repealed = (ctx.v(c) for c in cells)
        before = prior.value(f"active.{row}.valid")
        if None in (valid, made, repealed, before):
            yield ctx.unknown(cells)
            continue
        expected = before + made - repealed  # type: ignore[operator]
        if valid == expected:
            ok.extend(cells)
        else:
            yield ctx.fail(
                f"表二「{label}」行：上年现行有效{_F(before)}+本年制发{_F(made)}−本年废止"  # type: ignore[arg-type]
                f"{_F(repealed)}={_F(expected)}，但本年现行有效件数为{_F(valid)}。"  # type: ignore[arg-type]
                f"如有文件到期自然失效或清理范围变化，请在正文中说明。",
                cells=cells,
                expected=expected,
                found=valid,
            )
    if ok:
        yield ctx.passed(cells=ok)


_ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "admin_fees")


@rule(
    "XY-03", "warning", "19", title="本年“上一年项目数量”=上年项目数量+上年增减", needs_prior=True
)
def items_chain(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    prior = _prior(ctx)
    if prior is None:
        yield _wrong_year(ctx)
        return
    if prior.format != "2019":
        yield ctx.unknown((), "上年报告不是2019年格式，无法核对项目数量。")
        return
    for row in _ITEM_ROWS:
        here = f"active19.{row}.prev_items"
        now = ctx.v(here)
        before, delta = (prior.value(f"active19.{row}.{c}") for c in ("prev_items", "delta"))
        label = ctx.layout.cell(here).row.label
        if None in (now, before, delta):
            yield ctx.unknown([here])
            continue
        expected = before + delta  # type: ignore[operator]
        if now == expected:
            ok.append(here)
        else:
            yield ctx.fail(
                f"表二「{label}」行：上年报告的上一年项目数量{_F(before)}加本年增/减"  # type: ignore[arg-type]
                f"{_F(delta)}={_F(expected)}，但本年“上一年项目数量”为{_F(now)}。"  # type: ignore[arg-type]
                f"请核对。",
                cells=[here],
                expected=expected,
                found=now,
            )
    if ok:
        yield ctx.passed(cells=ok)


@rule("XY-08", "info", "19/21", title="上年尚未审结的复议诉讼，本年可说明结果", needs_prior=True)
def pending_last_year(ctx: CheckContext) -> Iterator[Finding]:
    prior = ctx.prior
    assert prior is not None
    pt = review_table_id(prior)
    groups = {
        "admin_review": "行政复议",
        "litigation_direct": "未经复议直接起诉",
        "litigation_after_review": "复议后起诉",
    }
    pending = {g: prior.value(f"{pt}.{g}.pending") for g in groups}
    open_cases = {g: v for g, v in pending.items() if v}
    if open_cases:
        listed = "、".join(f"{groups[g]}{_F(v)}件" for g, v in open_cases.items())
        yield ctx.fail(
            f"上年报告表四有尚未审结的案件（{listed}），本年报告可说明其审结结果。", found=listed
        )
    elif None in pending.values():
        yield ctx.unknown((), "上年报告表四“尚未审结”未填写数字，无法判断。")
    else:
        yield ctx.passed("上年没有尚未审结的复议、诉讼案件。")
