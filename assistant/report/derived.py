"""Derived values of SPEC b.2 (`derived`): subtotals used by rules and the narrative, not printed."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.report.cells import Number
from assistant.report.model import Report

_GROUPS = ("res.denied", "res.unavailable", "res.not_processed", "res.other")


def _sum(values: Iterable[Number | None]) -> Number | None:
    """Sum, or None as soon as any input is unknown (a blank never counts as 0)."""
    total: Number = 0
    for v in values:
        if v is None:
            return None
        total += v
    return total


def apply_table_id(report: Report) -> str:
    return "apply" if report.format == "2021" else "apply19"


def derive(report: Report) -> dict[str, Number | None]:
    """Every derived value of table 三, per column: `apply.res.denied.total`,
    `apply.res.leaf_sum.natural_person`, `apply.new.legal.subtotal`, `apply.received.total`…
    A derived value whose inputs include a blank is None."""
    table = report.layout.table(apply_table_id(report))
    block = table.blocks[0]
    out: dict[str, Number | None] = {}
    row_ids = [r.id for r in block.rows]
    for col in block.columns:
        def v(row: str, col_id: str = col.id) -> Number | None:
            return report.value(f"{table.id}.{row}.{col_id}")

        for group in _GROUPS:
            members = [r for r in row_ids if r == group or r.startswith(group + ".")]
            if members and members != [group]:
                out[f"{table.id}.{group}.{col.id}"] = _sum(v(r) for r in members)
        leaves = [r for r in row_ids if r.startswith("res.") and r != "res.total"]
        out[f"{table.id}.res.leaf_sum.{col.id}"] = _sum(v(r) for r in leaves)
        out[f"{table.id}.received.{col.id}"] = _sum((v("new"), v("carry_in")))
    legal_cols = [c.id for c in block.columns if c.id.startswith("legal.")]
    for row in row_ids:
        out[f"{table.id}.{row}.legal.subtotal"] = _sum(
            report.value(f"{table.id}.{row}.{c}") for c in legal_cols
        )
    return out
