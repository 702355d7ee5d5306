"""The fact ledger: cells, derived values, year-on-year changes and ratios, staff-note numbers."""

from __future__ import annotations

from decimal import Decimal

from assistant.report import Cell, zero_report
from assistant.report.facts import build_ledger, note_facts


def _report(year: int = 2025, **cells: int) -> object:
    r = zero_report(year, "某某市某某局")
    return r.with_cells({k.replace("__", "."): Cell.of(v) for k, v in cells.items()})


def test_every_number_cell_is_a_fact_with_unit_and_location() -> None:
    r = _report(**{"apply__new__total": 12, "apply__new__natural_person": 12})
    ledger = build_ledger(r)  # type: ignore[arg-type]
    f = ledger.get("apply.new.total")
    assert f is not None and (f.value, f.unit, f.source) == (Decimal(12), "件", "cell")
    assert f.label == "表三「一、本年新收政府信息公开申请数量」行「总计」列"
    assert ledger.get("active.admin_fees.amount_wan").unit == "万元"  # type: ignore[union-attr]
    assert len([x for x in ledger if x.source == "cell"]) == 200  # 10 + 175 + 15 cells


def test_blank_cells_are_not_facts() -> None:
    r = zero_report(2025).with_cells({"apply.new.total": Cell(kind="blank", raw="")})
    ledger = build_ledger(r)
    assert "apply.new.total" not in ledger
    assert "apply.received.total" not in ledger  # a derived value needs every input


def test_derived_values_and_ratios() -> None:
    r = _report(
        **{
            "apply__new__total": 10,
            "apply__carry_in__total": 2,
            "apply__res__granted__total": 8,
            "apply__res__other__other__total": 3,
            "apply__res__total__total": 11,
            "apply__carry_out__total": 1,
            "review__litigation_direct__total": 1,
            "review__litigation_after_review__total": 2,
        }
    )
    ledger = build_ledger(r)  # type: ignore[arg-type]
    assert ledger.value("apply.received.total") == 12
    assert ledger.value("apply.res.other.total") == 3
    assert ledger.value("review.litigation.total") == 3
    share = ledger.get("ratio.apply.res.other.other.total")
    assert share is not None and share.render() == "27.3%"


def test_prior_year_changes_and_growth() -> None:
    cur = _report(**{"apply__new__total": 12})
    prior = _report(2024, **{"apply__new__total": 8})
    ledger = build_ledger(cur, prior=prior)  # type: ignore[arg-type]
    assert ledger.value("prior.apply.new.total") == 8
    change = ledger.get("change.apply.new.total")
    assert change is not None and change.value == 4 and "增加" in change.label
    assert change.render() == "4件"
    assert ledger.get("growth.apply.new.total").render() == "50.0%"  # type: ignore[union-attr]


def test_prior_in_fmt2019_maps_to_fmt2021_ids() -> None:
    cur = _report(2021, **{"apply__carry_in__total": 3})
    prior = zero_report(2020).with_cells({"apply19.carry_out.total": Cell.of(3)})
    ledger = build_ledger(cur, prior=prior)
    assert ledger.value("prior.apply.carry_out.total") == 3
    assert ledger.value("change.apply.carry_in.total") == 3


def test_fmt2019_cells_have_2021_style_aliases() -> None:
    ledger = build_ledger(zero_report(2020).with_cells({"apply19.new.total": Cell.of(4)}))
    assert ledger.value("apply19.new.total") == ledger.value("apply.new.total") == 4


def test_staff_note_numbers_become_facts() -> None:
    facts = note_facts("overview.监督保障", "全年开展培训2次，参训60人次；新增政策解读专栏")
    assert [(f.id, f.value, f.unit, f.label, f.source) for f in facts] == [
        ("note.overview.监督保障.1", Decimal(2), "次", "全年开展培训2次", "staff note"),
        ("note.overview.监督保障.2", Decimal(60), "人次", "参训60人次", "staff note"),
    ]
    ledger = build_ledger(zero_report(2025), notes={"overview": {"监督保障": "培训两次"}})
    assert [f.render() for f in ledger.notes_for("overview")] == ["2次"]


def test_ids_are_stable_between_builds() -> None:
    r = _report(**{"apply__new__total": 3})
    a, b = build_ledger(r), build_ledger(r)  # type: ignore[arg-type]
    assert list(f.id for f in a) == list(f.id for f in b)
