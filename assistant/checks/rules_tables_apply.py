"""Section 三 (依申请) rules on the table: T3-01…T3-05 and T3-07 (SPEC c.3)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.engine import CheckContext, rule
from assistant.checks.findings import Finding
from assistant.report.cells import format_number
from assistant.report.derived import apply_table_id


def _columns(ctx: CheckContext) -> list[tuple[str, str]]:
    table = ctx.layout.table(apply_table_id(ctx.report))
    return [(c.id, c.label) for c in table.blocks[0].columns]


@rule("T3-01", "error", "19/21", title="表三列勾稽关系（一+二=三+四）")
def carry_identity(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    t = apply_table_id(ctx.report)
    for col, label in _columns(ctx):
        cells = [f"{t}.new.{col}", f"{t}.carry_in.{col}", f"{t}.res.total.{col}",
                 f"{t}.carry_out.{col}"]
        new, carry_in, done, carry_out = (ctx.v(c) for c in cells)
        if None in (new, carry_in, done, carry_out):
            yield ctx.unknown(cells)
            continue
        left, right = new + carry_in, done + carry_out  # type: ignore[operator]
        if left == right:
            ok.extend(cells)
        else:
            f = format_number
            yield ctx.fail(
                f"表三「{label}」列：一+二={f(new)}+{f(carry_in)}={f(left)}，"  # type: ignore[arg-type]
                f"三(七)+四={f(done)}+{f(carry_out)}={f(right)}，不相等。"  # type: ignore[arg-type]
                f"请核对本列“本年新收”“上年结转”“总计”“结转下年度”四个数。",
                cells=cells, expected=left, found=right,
            )
    if ok:
        yield ctx.passed(cells=ok)


def _rows(ctx: CheckContext) -> list[tuple[str, str]]:
    table = ctx.layout.table(apply_table_id(ctx.report))
    return [(r.id, r.label) for r in table.blocks[0].rows]


def _leaf_rows(ctx: CheckContext) -> list[str]:
    return [r for r, _ in _rows(ctx) if r.startswith("res.") and r != "res.total"]


@rule("T3-02", "error", "19/21", title="表三“（七）总计”等于（一）至（六）之和")
def result_total(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    t = apply_table_id(ctx.report)
    leaves = _leaf_rows(ctx)
    f = format_number
    for col, label in _columns(ctx):
        total_id = f"{t}.res.total.{col}"
        cells = [total_id, *(f"{t}.{r}.{col}" for r in leaves)]
        values = [ctx.v(c) for c in cells]
        if None in values:
            yield ctx.unknown(cells)
            continue
        total, parts = values[0], values[1:]
        leaf_sum = sum(parts)  # type: ignore[arg-type]
        if total == leaf_sum:
            ok.extend(cells)
        else:
            groups = _group_sums(leaves, parts)  # type: ignore[arg-type]
            shown = "+".join(f(v) for v in groups.values())
            yield ctx.fail(
                f"表三「{label}」列：（七）总计为{f(total)}，（一）至（六）之和为"  # type: ignore[arg-type]
                f"{'+'.join(groups)}={shown}={f(leaf_sum)}，不相等。请核对本列各办理结果。",
                cells=cells, expected=leaf_sum, found=total,
            )
    if ok:
        yield ctx.passed(cells=ok)


_GROUP_NAMES = {"res.granted": "（一）", "res.partial": "（二）", "res.denied": "（三）",
                "res.unavailable": "（四）", "res.not_processed": "（五）", "res.other": "（六）"}


def _group_of(row: str) -> str:
    return next(_GROUP_NAMES[g] for g in _GROUP_NAMES if row == g or row.startswith(g + "."))


def _group_sums(leaves: list[str], values: list[int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row, value in zip(leaves, values, strict=True):
        group = _group_of(row)
        out[group] = out.get(group, 0) + value
    return out


@rule("T3-03", "error", "19/21", title="表三各行“总计”等于各类申请人之和")
def row_total(ctx: CheckContext) -> Iterator[Finding]:
    ok: list[str] = []  # one pass finding for every item that passes
    t = apply_table_id(ctx.report)
    cols = [c for c, _ in _columns(ctx) if c != "total"]
    f = format_number
    given = ctx.report.cells
    for row, _ in _rows(ctx):
        cells = [f"{t}.{row}.total", *(f"{t}.{row}.{c}" for c in cols)]
        # 175 cells: read them straight from the report (ctx.v's derived fallback is not needed)
        values = [x.value if (x := given.get(c)) is not None and x.kind == "number" else None
                  for c in cells]
        if None in values:
            yield ctx.unknown(cells)
            continue
        total, parts = values[0], values[1:]
        if total == sum(parts):  # type: ignore[arg-type]
            ok.extend(cells)
        else:
            spec = ctx.layout.cell(cells[0])
            yield ctx.fail(
                f"表三「{spec.row_label}」行：总计为{f(total)}，自然人与法人或其他组织五列之和为"  # type: ignore[arg-type]
                f"{'+'.join(f(v) for v in parts)}={f(sum(parts))}，不相等。"  # type: ignore[arg-type]
                f"请核对本行各列。", cells=cells, expected=sum(parts), found=total,  # type: ignore[arg-type]
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
        yield ctx.fail(f"表三：上年结转{f(carry_in)}件，多于本年办理结果总计{f(done)}件。上年结转的申请"
                       f"按条例第三十三条的期限应在本年内办结，请核对“上年结转”和“（七）总计”。",
                       cells=cells, expected=f"≤{f(done)}", found=carry_in)


@rule("T3-05", "warning", "19/21", title="结转下年度的申请比例不过高")
def carry_out_share(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    cells = [f"{t}.carry_out.total", f"{t}.new.total"]
    carry_out, new = (ctx.v(c) for c in cells)
    share = ctx.option("carry_out_share", 0.5)
    floor = ctx.option("carry_out_min_new", 10)
    if carry_out is None or new is None:
        yield ctx.unknown(cells)
    elif new > floor and carry_out > new * share:  # type: ignore[operator]
        f = format_number
        yield ctx.fail(f"表三：结转下年度{f(carry_out)}件，占本年新收{f(new)}件的"
                       f"{carry_out * 100 / new:.0f}%，超过{share * 100:.0f}%。结转的应只是年底前收到、"  # type: ignore[operator]
                       f"尚在答复期限内的申请，请核对。",
                       cells=cells, expected=f"≤{share * 100:.0f}%", found=carry_out)  # type: ignore[operator]
    else:
        yield ctx.passed(cells=cells)


@rule("T3-07", "warning", "19/21", title="“其他处理”占比不过高")
def other_share(ctx: CheckContext) -> Iterator[Finding]:
    t = apply_table_id(ctx.report)
    row = "res.other.total" if ctx.report.format == "2019" else "res.other.other.total"
    cells = [f"{t}.{row}", f"{t}.res.total.total"]
    other, total = (ctx.v(c) for c in cells)
    share = ctx.option("other_share", 0.2)
    floor = ctx.option("other_min_total", 10)
    if other is None or total is None:
        yield ctx.unknown(cells)
    elif total >= floor and other > total * share:  # type: ignore[operator]
        f = format_number
        yield ctx.fail(f"{ctx.where(cells[0])}为{f(other)}件，占办理结果总计{f(total)}件的"
                       f"{other * 100 / total:.0f}%，超过{share * 100:.0f}%。原则上申请都应按法定方式处理，"  # type: ignore[operator]
                       f"请说明原因或核对是否归类错误。", cells=cells,
                       expected=f"≤{share * 100:.0f}%", found=other)  # type: ignore[operator]
    else:
        yield ctx.passed(cells=cells)
