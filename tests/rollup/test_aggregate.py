"""report.rollup: per-cell sums (exact counts, Decimal money, nulls traced to units)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.report import Cell, Report, parse_cell, zero_report
from assistant.report.rollup import JOINT_DOCUMENTS_NOTE, aggregate


def unit(name: str, year: int = 2025, **cells: str) -> Report:
    return zero_report(year, name).with_cells(
        {k.replace("__", "."): parse_cell(v) for k, v in cells.items()}
    )


def test_counts_and_money_are_summed_exactly() -> None:
    a = unit("甲局", apply__new__total="3", active__admin_fees__amount_wan="1.25")
    b = unit("乙局", apply__new__total="4", active__admin_fees__amount_wan="2.5")
    agg = aggregate([a, b], year=2025)
    assert agg.report.value("apply.new.total") == 7
    money = agg.report.value("active.admin_fees.amount_wan")
    assert isinstance(money, Decimal) and money == Decimal("3.75")
    assert agg.units == ("甲局", "乙局")
    assert any(n.message == JOINT_DOCUMENTS_NOTE for n in agg.report.notes)


def test_money_with_its_own_unit_is_normalised() -> None:
    a = unit("甲局", active__admin_fees__amount_wan="12500元")  # parse_cell: → 1.25 万元
    b = unit("乙局", active__admin_fees__amount_wan="0.75")
    assert aggregate([a, b], year=2025).report.value("active.admin_fees.amount_wan") == 2


def test_unitless_procurement_amount_summed_in_yuan() -> None:
    a = unit("甲局", 2020, active19__procurement__amount="25.1万元")
    b = unit("乙局", 2020, active19__procurement__amount="1000")
    assert aggregate([a, b], year=2020).report.value("active19.procurement.amount") == 252000


def test_signed_deltas_are_summed_with_sign() -> None:
    a = unit("甲局", 2020, active19__licensing__delta="+2")
    b = unit("乙局", 2020, active19__licensing__delta="-5")
    assert aggregate([a, b], year=2020).report.value("active19.licensing.delta") == -3


def test_a_null_in_any_unit_makes_the_cell_null_and_names_the_units() -> None:
    a = unit("甲局", apply__new__total="/")
    b = unit("乙局", apply__new__total="2")
    c = unit("丙局", apply__new__total="")
    agg = aggregate([a, b, c], year=2025)
    assert agg.report.value("apply.new.total") is None
    assert agg.responsible("apply.new.total") == ("甲局", "丙局")
    assert agg.report.cells["apply.new.total"].kind == "blank"
    assert agg.derived["apply.received.total"] is None  # derived values follow the null


def test_derived_values_are_recomputed_from_the_summed_leaves() -> None:
    a = unit("甲局", apply__res__denied__state_secret__total="1")
    b = unit("乙局", apply__res__denied__third_party__total="2")
    assert aggregate([a, b], year=2025).derived["apply.res.denied.total"] == 3


def test_units_in_another_format_are_left_out() -> None:
    a = unit("甲局", apply__new__total="1")
    old = zero_report(2025, "乙局", format="2019")
    agg = aggregate([a, old], year=2025)
    assert agg.wrong_format == {"乙局": "2019"}
    assert agg.units == ("甲局",) and agg.report.value("apply.new.total") == 1


def test_fee_figures_summed_when_given_and_null_when_partly_missing() -> None:
    a = unit("甲局", fees__notices_count="1", fees__collected_yuan="100")
    b = unit("乙局", fees__notices_count="2")
    agg = aggregate([a, b], year=2025)
    assert agg.report.value("fees.notices_count") == 3
    assert agg.responsible("fees.collected_yuan") == ("乙局",)
    assert "fees.notices_count" not in aggregate([zero_report(2025, "丙")], year=2025).report.cells


_counts = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6)


@settings(max_examples=15, deadline=None)
@given(_counts, st.integers(min_value=1, max_value=5))
def test_roll_up_is_associative(values: list[int], cut: int) -> None:
    units = [
        zero_report(2025, f"单位{i}").with_cells({"apply.new.total": Cell.of(v)})
        for i, v in enumerate(values)
    ]
    cut = min(cut, len(units))
    left = aggregate(units[:cut], year=2025).report
    right = aggregate(units[cut:], year=2025).report if units[cut:] else None
    whole = aggregate(units, year=2025).report
    parts = [left] + ([right] if right else [])
    assert (
        aggregate(parts, year=2025).report.value("apply.new.total")
        == whole.value("apply.new.total")
        == sum(values)
    )
