"""Property tests: a consistent report passes every table identity; changing one cell makes
exactly the identities that cell takes part in fail (SPEC c.3 T3-01…03, c.4 T4-01…03)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.checks import run_checks
from assistant.report import Cell, Report, load_layout, zero_report

IDENTITIES = ("T3-01", "T3-02", "T3-03", "T4-01", "T4-02", "T4-03")
STRUCTURE = ("FMT-04", "FMT-05", "FMT-06", "FMT-08", "FMT-09")
_SMALL = st.integers(min_value=0, max_value=40)


@st.composite
def consistent_reports(draw: st.DrawFn) -> Report:
    fmt = draw(st.sampled_from(["2019", "2021"]))
    year = 2020 if fmt == "2019" else 2025
    layout = load_layout(fmt)  # type: ignore[arg-type]
    t, rt = ("apply", "review") if fmt == "2021" else ("apply19", "review19")
    block = layout.table(t).blocks[0]
    parts = [c.id for c in block.columns if c.id != "total"]
    leaves = [r.id for r in block.rows if r.id.startswith("res.") and r.id != "res.total"]
    values: dict[str, int] = {}
    for col in parts:
        for row in leaves:
            values[f"{t}.{row}.{col}"] = draw(_SMALL)
        done = sum(values[f"{t}.{row}.{col}"] for row in leaves)
        carry_out = draw(_SMALL)
        carry_in = draw(st.integers(min_value=0, max_value=done + carry_out))
        values |= {
            f"{t}.res.total.{col}": done,
            f"{t}.carry_out.{col}": carry_out,
            f"{t}.carry_in.{col}": carry_in,
            f"{t}.new.{col}": done + carry_out - carry_in,
        }
    for row in block.rows:
        values[f"{t}.{row.id}.total"] = sum(values[f"{t}.{row.id}.{c}"] for c in parts)
    for group in ("admin_review", "litigation_direct", "litigation_after_review"):
        counts = [draw(_SMALL) for _ in range(4)]
        for name, n in zip(("upheld", "corrected", "other", "pending"), counts, strict=True):
            values[f"{rt}.{group}.{name}"] = n
        values[f"{rt}.{group}.total"] = sum(counts)
    table2 = layout.table_for_section("active")
    assert table2 is not None
    for spec in table2.cells:
        values[spec.id] = (
            draw(st.integers(min_value=-5, max_value=5)) if spec.type == "sint" else draw(_SMALL)
        )
    base = zero_report(year, "某县某局", format=fmt)  # type: ignore[arg-type]
    return base.with_cells({k: Cell.of(v) for k, v in values.items()})


def expected_failures(report: Report, cell_id: str) -> set[str]:
    """The identities a change of this one cell must break."""
    table, rest = cell_id.split(".", 1)
    if table.startswith("review"):
        group = rest.split(".")[0]
        return {
            {
                "admin_review": "T4-01",
                "litigation_direct": "T4-02",
                "litigation_after_review": "T4-03",
            }[group]
        }
    if not table.startswith("apply"):
        return set()
    spec = report.layout.cell(cell_id)
    row = spec.row.id
    out = {"T3-03"}
    if row in ("new", "carry_in", "res.total", "carry_out"):
        out.add("T3-01")
    if row.startswith("res."):
        out.add("T3-02")
    return out


@settings(max_examples=30, deadline=None)
@given(consistent_reports())
def test_consistent_report_passes_every_identity(report: Report) -> None:
    result = run_checks(report, only=IDENTITIES + STRUCTURE)
    assert not result.failures(), [f.message for f in result.failures()]
    assert not result.not_assessable
    assert {f.rule for f in result.findings} >= set(IDENTITIES)


@settings(max_examples=60, deadline=None)
@given(consistent_reports(), st.data())
def test_changing_one_cell_fails_exactly_the_expected_rules(
    report: Report, data: st.DataObject
) -> None:
    ids = [c for t in report.layout.tables if not t.optional for c in t.cell_ids]
    cell_id = data.draw(st.sampled_from(ids))
    old = report.value(cell_id)
    assert old is not None
    changed = report.with_cells({cell_id: Cell.of(old + data.draw(st.integers(1, 9)))})
    result = run_checks(changed, only=IDENTITIES + STRUCTURE)
    assert {f.rule for f in result.failures()} == expected_failures(report, cell_id)
    for f in result.failures():
        assert cell_id in f.cells  # the evidence names the changed cell


@settings(max_examples=25, deadline=None)
@given(consistent_reports(), st.data())
def test_blanking_one_cell_makes_its_identities_not_assessable(
    report: Report, data: st.DataObject
) -> None:
    ids = [c for t in report.layout.tables if not t.optional for c in t.cell_ids]
    cell_id = data.draw(st.sampled_from(ids))
    blanked = report.with_cells({cell_id: Cell(kind="slash", raw="/")})
    result = run_checks(blanked, only=IDENTITIES)
    assert not result.failures()
    unknown = {f.rule for f in result.not_assessable}
    assert unknown == expected_failures(report, cell_id)
    assert [f.rule for f in run_checks(blanked, only=["FMT-08"]).failures()] == ["FMT-08"]
