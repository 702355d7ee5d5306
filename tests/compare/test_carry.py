"""Carry-forward: last year's closing figures prefill this year's, never over a clerk's entry."""

from __future__ import annotations

import pytest

from assistant.compare import CARRIED, carry_forward
from assistant.report import Agency, Cell, zero_report


def _prior():
    r = zero_report(2022, "某局").with_cells(
        {
            "apply.carry_out.natural_person": Cell.of(2),
            "apply.carry_out.legal.commercial": Cell.of(1),
            "apply.carry_out.total": Cell.of(3),
            "active.rules.valid": Cell.of(12),
            "active.normative_docs.valid": Cell.of(40),
        }
    )
    return r.model_copy(
        update={"agency": Agency(name="某局", phone="0631-1", parent="某市政府办公室")}
    )


def test_fresh_year_gets_carry_in_valid_counts_and_profile() -> None:
    got = carry_forward(_prior())
    r = got.report
    assert r.year == 2023
    assert r.value("apply.carry_in.natural_person") == 2
    assert r.value("apply.carry_in.total") == 3
    assert r.cell("apply.carry_in.total").source == CARRIED  # type: ignore[union-attr]
    assert r.value("active.rules.valid") == 12
    assert (r.agency.phone, r.agency.parent) == ("0631-1", "某市政府办公室")
    assert "apply.carry_in.legal.commercial" in got.filled and "agency.phone" in got.filled
    assert got.kept == ()


def test_clerk_entries_are_never_overwritten() -> None:
    mine = (
        zero_report(2023, "某局")
        .with_cells(
            {
                "apply.carry_in.total": Cell.of(5, source="录入"),  # differs from last year's 3
                "apply.carry_in.natural_person": Cell.of(2, source="录入"),  # agrees
                "active.rules.made": Cell.of(3, source="录入"),
                "active.rules.repealed": Cell.of(1, source="录入"),
            }
        )
        .model_copy(update={"agency": Agency(name="某局", phone="0631-9")})
    )
    got = carry_forward(_prior(), mine)
    r = got.report
    assert r.value("apply.carry_in.total") == 5 and r.cell("apply.carry_in.total").source == "录入"  # type: ignore[union-attr]
    assert got.kept == ("apply.carry_in.total",)
    assert r.value("active.rules.valid") == 12 + 3 - 1  # SPEC XY-02
    assert r.agency.phone == "0631-9" and r.agency.parent == "某市政府办公室"
    # a second run refreshes its own prefill and still keeps the clerk's figure
    again = carry_forward(_prior(), r)
    assert again.report == r


def test_fmt2019_prior_gives_carry_in_but_not_valid_counts() -> None:
    prior = zero_report(2020, "某局").with_cells(
        {"apply19.carry_out.total": Cell.of(4), "active19.rules.total_published": Cell.of(9)}
    )
    r = carry_forward(prior).report
    assert r.format == "2021" and r.value("apply.carry_in.total") == 4
    assert r.cell("active.rules.valid").source is None  # type: ignore[union-attr]  # not chained


def test_years_must_follow() -> None:
    with pytest.raises(ValueError):
        carry_forward(_prior(), zero_report(2025, "某局"))
