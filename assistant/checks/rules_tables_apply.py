"""Section 三 (依申请) rules T3-01…T3-03: the identities of the table itself."""

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
            yield ctx.passed(cells=cells)
        else:
            f = format_number
            yield ctx.fail(
                f"表三「{label}」列：一+二={f(new)}+{f(carry_in)}={f(left)}，"  # type: ignore[arg-type]
                f"三(七)+四={f(done)}+{f(carry_out)}={f(right)}，不相等。"  # type: ignore[arg-type]
                f"请核对本列“本年新收”“上年结转”“总计”“结转下年度”四个数。",
                cells=cells, expected=left, found=right,
            )
