"""The report model: layouts match SPEC b, cells keep what the source said, derived values, b.6."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.report import (
    Report,
    derive,
    format_for_year,
    load_layout,
    parse_cell,
    to_fmt2021,
    zero_report,
)
from assistant.report.units import convert_money


@pytest.mark.parametrize(
    ("version", "table", "count"),
    [
        ("2021", "active", 10),
        ("2021", "apply", 175),
        ("2021", "review", 15),
        ("2019", "active19", 22),
        ("2019", "apply19", 161),
        ("2019", "review19", 15),
    ],
)
def test_cell_counts_match_spec(version: str, table: str, count: int) -> None:
    assert len(load_layout(version).table(table).cells) == count  # type: ignore[arg-type]


def test_spec_cell_ids_exist() -> None:
    layout = load_layout("2021")
    for cid in (
        "apply.new.natural_person",
        "apply.res.denied.third_party.total",
        "review.litigation_direct.pending",
        "active.normative_docs.valid",
        "apply.res.other.fee_unpaid.legal.commercial",
        "fees.collected_yuan",
    ):
        assert layout.has_cell(cid), cid
    assert load_layout("2019").has_cell("apply19.res.other.total")
    assert not load_layout("2019").has_cell("apply19.res.other.other.total")


def test_describe_names_table_row_and_column() -> None:
    spec = load_layout("2021").cell("apply.res.denied.state_secret.natural_person")
    assert spec.describe() == "表三「（三）不予公开 1.属于国家秘密」行「自然人」列"


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("0", "number", 0),
        ("", "blank", None),
        ("  ", "blank", None),
        ("/", "slash", None),
        ("—", "dash", None),
        ("十二", "text", None),
        ("１２", "number", 12),
        ("-18", "number", -18),
        ("+2", "number", 2),
        ("1,234", "number", 1234),
        ("3.50", "number", Decimal("3.50")),
    ],
)
def test_parse_cell_keeps_kind(raw: str, kind: str, value: object) -> None:
    cell = parse_cell(raw)
    assert (cell.kind, cell.value, cell.raw) == (kind, value, raw)


def test_money_cell_with_its_own_unit_is_converted() -> None:
    cell = parse_cell("73802895.90元", unit="万元")
    assert cell.value == Decimal("7380.28959") and cell.raw == "73802895.90元"
    assert convert_money(Decimal("1.5"), "万元", "元") == Decimal(15000)


def test_format_follows_year() -> None:
    assert [format_for_year(y) for y in (2019, 2020, 2021, 2025)] == [
        "2019",
        "2019",
        "2021",
        "2021",
    ]
    assert Report(year=2020).format == "2019"
    assert Report(year=2020, format="2021").format == "2021"


def test_derived_values_and_blank_propagation() -> None:
    r = zero_report(2025)
    r = r.with_cells(
        {
            "apply.res.denied.state_secret.total": parse_cell("2"),
            "apply.res.denied.third_party.total": parse_cell("3"),
            "apply.new.legal.research": parse_cell(""),
        }
    )
    d = derive(r)
    assert d["apply.res.denied.total"] == 5
    assert d["apply.new.legal.subtotal"] is None  # a blank never counts as 0


def test_fmt2019_maps_to_fmt2021_without_guessing() -> None:
    r = zero_report(2020).with_cells({"apply19.res.other.total": parse_cell("4")})
    mapped = to_fmt2021(r)
    assert mapped.report.format == "2021"
    assert mapped.report.value("apply.res.other.other.total") == 4
    assert mapped.report.cell("apply.res.other.fee_unpaid.total").kind == "blank"
    assert "active.rules.valid" in mapped.unmapped
    assert "active19.procurement.items" in mapped.dropped
    assert mapped.report.cell("active.rules.valid").kind == "blank"
