"""Section 三 (依申请) rules on the table: T3-01…T3-05 and T3-07 (SPEC c.3)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import Number, format_number
from assistant.report.derived import apply_table_id

_GROUP_NAMES = {
    "res.granted": "（一）",
    "res.partial": "（二）",
    "res.denied": "（三）",
    "res.unavailable": "（四）",
    "res.not_processed": "（五）",
    "res.other": "（六）",
}


@dataclass(frozen=True)
class _Plan:
    """The cell ids each identity reads, per format; built once, since checks run in bulk."""

    leaves: tuple[str, ...]  # the result rows （一）…（六）
    carry: tuple[tuple[str, tuple[str, ...]], ...]  # T3-01: column label → new, carry_in, done, out
    results: tuple[tuple[str, tuple[str, ...]], ...]  # T3-02: column label → total, leaves…
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # T3-03: row label → total, columns…


_PLANS: dict[str, _Plan] = {}


def _plan(ctx: CheckContext) -> _Plan:
    t = apply_table_id(ctx.report)
    if t not in _PLANS:
        block = ctx.layout.table(t).blocks[0]
        leaves = tuple(r.id for r in block.rows if r.id.startswith("res.") and r.id != "res.total")
        parts = [c.id for c in block.columns if c.id != "total"]
        carry = tuple(
            (
                c.label,
                tuple(f"{t}.{r}.{c.id}" for r in ("new", "carry_in", "res.total", "carry_out")),
            )
            for c in block.columns
        )
        results = tuple(
            (c.label, (f"{t}.res.total.{c.id}", *(f"{t}.{r}.{c.id}" for r in leaves)))
            for c in block.columns
        )
        rows = tuple(
            (
                ctx.layout.cell(f"{t}.{r.id}.total").row_label,
                (f"{t}.{r.id}.total", *(f"{t}.{r.id}.{c}" for c in parts)),
            )
            for r in block.rows
        )
        _PLANS[t] = _Plan(leaves, carry, results, rows)
    return _PLANS[t]


def _values(ctx: CheckContext, cells: Sequence[str]) -> list[Number | None]:
    """Table cells straight from the report: these rules read only printed cells."""
    return list(map(ctx.numbers.get, cells))


@rule("T3-01", "error", "19/21", title="表三列勾稽关系（一+二=三+四）")
def carry_identity(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    for label, cells in _plan(ctx).carry:
        new, carry_in, done, carry_out = _values(ctx, cells)
        if new is None or carry_in is None or done is None or carry_out is None:
            yield ctx.unknown(cells)
            continue
        left, right = new + carry_in, done + carry_out
        if left == right:
            ok.extend(cells)
        else:
            f = format_number
            yield ctx.fail(
                f"表三「{label}」列：一+二={f(new)}+{f(carry_in)}={f(left)}，"
                f"三(七)+四={f(done)}+{f(carry_out)}={f(right)}，不相等。"
                f"请核对本列“本年新收”“上年结转”“总计”“结转下年度”四个数。",
                cells=cells,
                expected=left,
                found=right,
            )
    if ok:
        yield ctx.passed(cells=ok)


@rule("T3-02", "error", "19/21", title="表三“（七）总计”等于（一）至（六）之和")
def result_total(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    plan = _plan(ctx)
    f = format_number
    for label, cells in plan.results:
        values = _values(ctx, cells)
        if None in values:
            yield ctx.unknown(cells)
            continue
        total, parts = values[0], values[1:]
        leaf_sum = sum(parts)  # type: ignore[arg-type]
        if total == leaf_sum:
            ok.extend(cells)
        else:
            groups = _group_sums(plan.leaves, parts)  # type: ignore[arg-type]
            shown = "+".join(f(v) for v in groups.values())
            yield ctx.fail(
                f"表三「{label}」列：（七）总计为{f(total)}，（一）至（六）之和为"  # type: ignore[arg-type]
                f"{'+'.join(groups)}={shown}={f(leaf_sum)}，不相等。请核对本列各办理结果。",
                cells=cells,
                expected=leaf_sum,
                found=total,
            )
    if ok:
        yield ctx.passed(cells=ok)


def _group_of(row: str) -> str:
    return next(_GROUP_NAMES[g] for g in _GROUP_NAMES if row == g or row.startswith(g + "."))


def _group_sums(leaves: Sequence[str], values: Sequence[int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row, value in zip(leaves, values, strict=True):
        group = _group_of(row)
        out[group] = out.get(group, 0) + value
    return out


@rule("T3-03", "error", "19/21", title="表三各行“总计”等于各类申请人之和")
def row_total(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    f = format_number
    for label, cells in _plan(ctx).rows:
        values = [v for v in _values(ctx, cells) if v is not None]
        if len(values) < len(cells):
            yield ctx.unknown(cells)
            continue
        total, parts = values[0], values[1:]
        if total == sum(parts):
            ok.extend(cells)
        else:
            yield ctx.fail(
                f"表三「{label}」行：总计为{f(total)}，自然人与法人或其他组织五列之和为"
                f"{'+'.join(f(v) for v in parts)}={f(sum(parts))}，不相等。"
                f"请核对本行各列。",
                cells=cells,
                expected=sum(parts),
                found=total,
            )
    if ok:
        yield ctx.passed(cells=ok)


@rule("T3-04", "warning", "19/21", title="上年结转的申请不多于本年办结总数")
def carry_in_concluded(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    cells = [f"{t}.carry_in.total", f"{t}.res.total.total"]
    carry_in, done = (ctx.v(c) for c in cells)
    if carry_in is None or done is None:
        yield ctx.unknown(cells)
    elif carry_in <= done:
        yield ctx.passed(cells=cells)
    else:
        f = format_number
        yield ctx.fail(
            f"表三：上年结转{f(carry_in)}件，多于本年办理结果总计{f(done)}件。上年结转的申请"
            f"按条例第三十三条的期限应在本年内办结，请核对“上年结转”和“（七）总计”。",
            cells=cells,
            expected=f"≤{f(done)}",
            found=carry_in,
        )


@rule("T3-05", "warning", "19/21", title="结转下年度的申请比例不过高")
def carry_out_share(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    cells = [f"{t}.carry_out.total", f"{t}.new.total"]
    carry_out, new = (ctx.v(c) for c in cells)
    share = ctx.options.carry_out_share
    floor = ctx.options.carry_out_min_new
    if carry_out is None or new is None:
        yield ctx.unknown(cells)
    elif new > floor and carry_out > new * share:  # type: ignore[operator]
        f = format_number
        yield ctx.fail(
            f"表三：结转下年度{f(carry_out)}件，占本年新收{f(new)}件的"
            f"{carry_out * 100 / new:.0f}%，超过{share * 100:.0f}%。结转的应只是年底前收到、"
            f"尚在答复期限内的申请，请核对。",
            cells=cells,
            expected=f"≤{share * 100:.0f}%",
            found=carry_out,
        )
    else:
        yield ctx.passed(cells=cells)


@rule("T3-07", "warning", "19/21", title="“其他处理”占比不过高")
def other_share(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    row = "res.other.total" if ctx.report.format == "2019" else "res.other.other.total"
    cells = [f"{t}.{row}", f"{t}.res.total.total"]
    other, total = (ctx.v(c) for c in cells)
    share = ctx.options.other_share
    floor = ctx.options.other_min_total
    if other is None or total is None:
        yield ctx.unknown(cells)
    elif total >= floor and other > total * share:  # type: ignore[operator]
        f = format_number
        yield ctx.fail(
            f"{ctx.where(cells[0])}为{f(other)}件，占办理结果总计{f(total)}件的"
            f"{other * 100 / total:.0f}%，超过{share * 100:.0f}%。原则上申请都应按法定方式处理，"
            f"请说明原因或核对是否归类错误。",
            cells=cells,
            expected=f"≤{share * 100:.0f}%",
            found=other,
        )
    else:
        yield ctx.passed(cells=cells)
