"""Roll-up rules RU-01…08 (SPEC f.3): they judge the run in `options.rollup` (a RollupRun)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.checks.engine import CheckContext, rule, run_checks
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.derived import apply_table_id
from assistant.report.rollup import name_key

if TYPE_CHECKING:
    from assistant.checks.rollup_run import RollupRun

_F = format_number
_RU02_RULES = ("T3-01", "T3-02", "T3-03", "T4-01", "T4-02", "T4-03", "FMT-09")


def _run(ctx: CheckContext) -> RollupRun:
    run = ctx.options.rollup
    assert run is not None, "RU rules need options.rollup"
    return run


def _list(items: list[str], limit: int = 8) -> str:
    return "、".join(items[:limit]) + (f"等{len(items)}个" if len(items) > limit else "")


@rule("RU-01", "error", "19/21", title="纳入汇总的单位各自通过表格校验", scope="rollup")
def units_pass_table_rules(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    if not run.included:
        yield ctx.unknown((), "没有可汇总的单位报告。")
        return
    failing = run.failing
    if not failing:
        yield ctx.passed(f"纳入汇总的{len(run.included)}个单位均通过各自的表格校验。")
        return
    lines = []
    for unit in failing:
        first = unit.table_failures[0]
        more = f"等{len(unit.table_failures)}项" if len(unit.table_failures) > 1 else ""
        lines.append(f"{unit.name}（{first.rule}：{first.message.rstrip('。')}{more}）")
    yield ctx.fail(
        f"{len(failing)}个单位的表格未通过校验，汇总结果为草稿，须待其更正后重新汇总："
        + "；".join(lines),
        found=_list([u.name for u in failing]),
    )


@rule("RU-02", "error", "19/21", title="汇总表满足表格勾稽关系", scope="rollup")
def aggregate_identities(ctx: CheckContext) -> Iterator[Finding]:
    result = run_checks(ctx.report, only=_RU02_RULES)
    failed = [f for f in result.findings if f.failed]
    unknown = [f for f in result.findings if f.status == "not_assessable"]
    if failed:
        shown = "；".join(f"{f.rule}：{f.message.rstrip('。')}" for f in failed[:3])
        more = f"（共{len(failed)}处）" if len(failed) > 3 else ""
        yield ctx.fail(
            f"汇总表不满足勾稽关系{more}：{shown}。",
            cells=sorted({c for f in failed for c in f.cells}),
        )
    elif unknown:
        cells = sorted({c for f in unknown for c in f.cells if ctx.v(c) is None})
        run = _run(ctx)
        units = sorted({u for c in cells for u in run.aggregate.responsible(c)})
        yield ctx.unknown(
            cells,
            f"汇总表有{len(cells)}个数据格因单位未填数字而无法汇总，相关勾稽关系无法判断。"
            f"未填的单位：{_list(units)}。",
        )
    else:
        yield ctx.passed("汇总表满足表三、表四的勾稽关系，数值类型正确。")


@rule("RU-03", "error", "19/21", title="汇总表每格等于各单位之和", scope="rollup")
def aggregate_equals_sum(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    summed = run.aggregate.report
    wrong = []
    for cid, cell in summed.cells.items():
        if not cell.is_number or not ctx.layout.has_cell(cid):
            continue
        have = ctx.v(cid)
        if have != cell.value:
            wrong.append((cid, have, cell.value))
    if wrong:
        shown = "；".join(
            f"{ctx.where(c)}为{_F(h) if h is not None else '空白'}，各单位之和为{_F(s)}"  # type: ignore[arg-type]
            for c, h, s in wrong[:4]
        )
        more = f"等{len(wrong)}处" if len(wrong) > 4 else ""
        yield ctx.fail(
            f"汇总表与{len(run.included)}个单位报告之和不符：{shown}{more}。请按单位报告重新汇总。",
            cells=[c for c, _, _ in wrong],
        )
    else:
        yield ctx.passed(f"汇总表各格等于{len(run.included)}个单位报告之和。")


@rule("RU-04", "warning", "19/21", title="名单内单位均已报送且按时", scope="rollup")
def missing_or_late(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    parts = []
    if run.missing:
        parts.append(
            f"未报送{len(run.missing)}个：{_list([u.name for u in run.missing])}，汇总不完整"
        )
    if run.unreadable:
        parts.append(
            f"无法读取的文件{len(run.unreadable)}个：{_list([p for p, _ in run.unreadable])}"
        )
    if run.late:
        parts.append(
            "逾期发布："
            + "、".join(
                f"{u.name}（{u.published}发布，期限{u.deadline}，迟{u.late_days}天）"
                for u in run.late[:8]
            )
        )
    if run.unlisted:
        parts.append(f"不在名单内、未计入汇总：{_list([n for n, _ in run.unlisted])}")
    if run.wrong_year:
        parts.append(
            "报告年度不符、未计入汇总："
            + "、".join(f"{n}（{y}年度，{p}）" for n, p, y in run.wrong_year[:8])
        )
    if parts:
        yield ctx.fail(
            "；".join(parts) + "。",
            found=_list([u.name for u in run.missing] + [u.name for u in run.late]),
        )
    else:
        yield ctx.passed(f"名单内{len(run.included)}个单位均已报送，未见逾期。")


@rule("RU-05", "error", "19/21", title="各单位使用报告年度的格式", scope="rollup")
def one_format(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    if run.wrong_format:
        listed = "、".join(f"{n}（{f}年格式）" for n, _, f in run.wrong_format[:8])
        how = (
            "已按格式对照（SPEC b.6）转换后计入，无法对应的数据格留空，汇总表相应格为空"
            if run.format == "2021"
            else "2021年格式无法转换为2019年格式，未计入汇总"
        )
        yield ctx.fail(
            f"{run.year}年度应统一使用{run.format}年格式，以下单位格式不符：{listed}。{how}。"
            f"请这些单位按{run.format}年格式重新报送。",
            expected=run.format,
            found=_list([n for n, _, _ in run.wrong_format]),
        )
    else:
        yield ctx.passed(f"各单位均使用{run.format}年格式。")


@rule("RU-06", "warning", "19/21", title="无重复计入、无垂直管理单位", scope="rollup")
def no_double_or_vertical(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    parts = []
    if run.duplicates:
        parts.append(
            "重复报送（只计入第一份）：" + "、".join(f"{n}（{p}）" for n, p in run.duplicates[:8])
        )
    if run.vertical:
        parts.append(
            "垂直管理单位（向本系统报送，不计入本级汇总）：" + _list([n for n, _ in run.vertical])
        )
    if parts:
        yield ctx.fail("；".join(parts) + "。")
    else:
        yield ctx.passed("没有单位被重复计入，也没有垂直管理单位计入本级汇总。")


@rule("RU-07", "warning", "19/21", title="汇总表“上年结转”等于上年汇总“结转下年度”", scope="rollup")
def aggregate_carry_chain(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    prior = run.prior
    if prior is None:
        return  # no previous aggregate given
    if run.prior_units is not None:
        now = {name_key(u.name) for u in run.included}
        before = {name_key(n) for n in run.prior_units}
        if now != before:
            added = sorted(u.name for u in run.included if name_key(u.name) not in before)
            gone = sorted(n for n in run.prior_units if name_key(n) not in now)
            yield ctx.unknown(
                (),
                f"单位范围与上年不同（新增：{_list(added) or '无'}；减少：{_list(gone) or '无'}），"
                f"上年结转与上年汇总的结转下年度不必相等。",
            )
            return
    t, pt = apply_table_id(ctx.report), apply_table_id(prior)
    bad = []
    for col in ctx.layout.table(t).blocks[0].columns:
        now_v, before_v = ctx.v(f"{t}.carry_in.{col.id}"), prior.value(f"{pt}.carry_out.{col.id}")
        if now_v is None or before_v is None:
            yield ctx.unknown(
                [f"{t}.carry_in.{col.id}"], f"表三「{col.label}」列的结转数不全，无法核对。"
            )
            return
        if now_v != before_v:
            bad.append(
                f"「{col.label}」列本年上年结转{_F(now_v)}，上年汇总结转下年度{_F(before_v)}"
            )
    if bad:
        yield ctx.fail(
            "汇总表三：" + "；".join(bad) + "。单位范围未变时两者应相等，请核对各单位的结转数。",
            cells=[f"{t}.carry_in.{c.id}" for c in ctx.layout.table(t).blocks[0].columns],
        )
    else:
        yield ctx.passed("汇总表“上年结转”与上年汇总“结转下年度”一致。")


@rule("RU-08", "info", "19/21", title="需主管部门跟进的单位", scope="rollup")
def follow_up(ctx: CheckContext) -> Iterator[Finding]:
    run = _run(ctx)
    lines = []
    for unit in run.included:
        reasons = []
        failed = {f.rule for f in unit.result.findings if f.failed}
        if "T3-07" in failed:
            reasons.append("“其他处理”占比高")
        if failed & {"T2-01", "T2-02"}:
            reasons.append("无规章制定权却填报规章")
        t = "review" if unit.report.format == "2021" else "review19"
        corrected = sum(
            unit.report.value(f"{t}.{g}.corrected") or 0
            for g in ("admin_review", "litigation_direct", "litigation_after_review")
        )
        if corrected:
            reasons.append(f"复议诉讼结果纠正{_F(corrected)}件")
        if reasons:
            lines.append(f"{unit.name}（{'、'.join(reasons)}）")
    if lines:
        yield ctx.fail("建议跟进的单位：" + "；".join(lines) + "。", found=str(len(lines)))
    else:
        yield ctx.passed("没有需要特别跟进的单位。")
