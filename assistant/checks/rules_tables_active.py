"""Section 二 (主动公开) rules on the table: T2-01, T2-02, T2-05, T2-06, T2-07 (SPEC c.2)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.model import AGENCY_KIND_LABELS, LEVEL_LABELS

_F = format_number


def may_make_rules(ctx: CheckContext) -> bool | None:
    """立法法 第九十一、九十三条: only 国务院部委/直属机构 and 省/设区的市 人民政府 make 规章.
    A 人民政府 (or its aggregate) at 省/市 level may; departments, counties and townships may not.
    None when the agency's kind is unknown. `options.may_make_rules` overrides (国务院部门)."""
    override = ctx.options.may_make_rules
    if override is not None:
        return override
    agency = ctx.report.agency
    if agency.kind is None:
        return None
    if agency.kind == "government":
        if agency.level is None:
            return None
        return agency.level in ("province", "city")
    return False


def _rules_rows(ctx: CheckContext, table: str, cols: tuple[str, ...]) -> Iterator[Finding]:
    cells = [f"{table}.rules.{c}" for c in cols]
    allowed = may_make_rules(ctx)
    agency = ctx.report.agency
    if allowed is None:
        yield ctx.unknown(
            cells,
            "未填写机关类型（部门/人民政府/乡镇街道等）或层级，无法判断能否制定规章。"
            "请在单位信息中填写机关类型和层级。",
        )
        return
    if allowed:
        yield ctx.passed("本机关属于有规章制定权的人民政府，规章数可以不为0。", cells=cells)
        return
    values = [ctx.v(c) for c in cells]
    nonzero = [(c, v) for c, v in zip(cells, values, strict=True) if v]
    who = (
        f"{LEVEL_LABELS.get(agency.level or '', '')}{AGENCY_KIND_LABELS.get(agency.kind or '', '')}"
        or "本机关"
    )
    if nonzero:
        listed = "，".join(f"{ctx.where(c)}为{_F(v)}" for c, v in nonzero)
        yield ctx.fail(
            f"{listed}。{who}没有规章制定权（立法法第九十一、九十三条），规章各项应为0；"
            f"如填的是行政规范性文件，请移到“规范性文件”行。",
            cells=[c for c, _ in nonzero],
            expected=0,
            found="、".join(_F(v) for _, v in nonzero),
        )
    elif None in values:
        yield ctx.unknown(cells)
    else:
        yield ctx.passed("规章各项为0，与本机关无规章制定权相符。", cells=cells)


@rule("T2-01", "warning", "21", title="无规章制定权的机关规章数为0")
def rules_power_2021(ctx: CheckContext) -> Iterator[Finding]:
    yield from _rules_rows(ctx, "active", ("made", "repealed", "valid"))


@rule("T2-02", "warning", "19", title="无规章制定权的机关规章数为0（2019格式）")
def rules_power_2019(ctx: CheckContext) -> Iterator[Finding]:
    yield from _rules_rows(ctx, "active19", ("new_made", "new_published", "total_published"))


@rule("T2-05", "warning", "19", title="本年新公开数量不超过对外公开总数量")
def published_within_total(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    for row, label in (("rules", "规章"), ("normative_docs", "规范性文件")):
        cells = [f"active19.{row}.new_published", f"active19.{row}.total_published"]
        new, total = (ctx.v(c) for c in cells)
        if new is None or total is None:
            yield ctx.unknown(cells)
        elif new <= total:
            ok.extend(cells)
        else:
            yield ctx.fail(
                f"表二「{label}」行：本年新公开数量{_F(new)}大于对外公开总数量{_F(total)}。"
                f"对外公开总数量应包含本年新公开的文件，请核对。",
                cells=cells,
                expected=f"≤{_F(total)}",
                found=new,
            )
    if ok:
        yield ctx.passed(cells=ok)


_ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "admin_fees")


@rule("T2-06", "warning", "19", title="上一年项目数量加本年增/减不为负")
def items_not_negative(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    for row in _ITEM_ROWS:
        cells = [f"active19.{row}.prev_items", f"active19.{row}.delta"]
        prev, delta = (ctx.v(c) for c in cells)
        if prev is None or delta is None:
            yield ctx.unknown(cells)
            continue
        label = ctx.layout.cell(cells[0]).row.label
        if prev + delta >= 0:
            ok.extend(cells)
        else:
            yield ctx.fail(
                f"表二「{label}」行：上一年项目数量{_F(prev)}加本年增/减{_F(delta)}"
                f"={_F(prev + delta)}，项目数不可能为负。请核对这两个数。",
                cells=cells,
                expected="≥0",
                found=prev + delta,
            )
    if ok:
        yield ctx.passed(cells=ok)


_MONEY_UNITS = ("万元", "元")


def _stated_unit(raw: str) -> str | None:
    text = raw.strip()
    return next((u for u in _MONEY_UNITS if text.endswith(u)), None)


@rule("T2-07", "warning", "19", title="政府集中采购总金额注明单位")
def procurement_unit(ctx: CheckContext) -> Iterator[Finding]:
    cid = "active19.procurement.amount"
    cell = ctx.report.cell(cid)
    amount = ctx.v(cid)
    if cell is None or amount is None:
        yield ctx.unknown([cid])
        return
    declared = ctx.options.procurement_unit  # the unit printed in the header, when known
    in_cell = _stated_unit(cell.raw)
    if amount == 0:
        yield ctx.passed("采购总金额为0，无需注明单位。", cells=[cid])
    elif in_cell and declared and in_cell != declared:
        yield ctx.fail(
            f"表二「政府集中采购」行「采购总金额」列写作“{cell.raw}”，单位{in_cell}与表头的"
            f"{declared}不一致。请统一单位。",
            cells=[cid],
            expected=declared,
            found=in_cell,
        )
    elif in_cell or declared:
        yield ctx.passed(f"采购总金额注明了单位（{in_cell or declared}）。", cells=[cid])
    else:
        yield ctx.fail(
            f"表二「政府集中采购」行「采购总金额」列为{_F(amount)}，未注明单位（元或万元），"
            f"格式未规定该列单位，读者无法判断金额大小。请注明单位。",
            cells=[cid],
            expected="元或万元",
            found=cell.raw,
        )
