"""The official merged layout of each table (SPEC b.1–b.5 geometry)."""

from __future__ import annotations

from assistant.report import load_layout, zero_report
from assistant.report.grid import table_grid


def _spans(grid, kind):  # type: ignore[no-untyped-def]
    return [(c.text, c.rowspan, c.colspan) for c in grid.cells if c.kind == kind]


def test_apply_header_and_row_groups_2021() -> None:
    g = table_grid(load_layout("2021").table("apply"))
    assert (g.width, g.height, g.header_rows) == (10, 28, 3)
    note = [c for c in g.cells if c.kind == "note"][0]
    assert (note.rowspan, note.colspan) == (3, 3) and "勾稽关系" in note.text
    headers = _spans(g, "header")
    assert ("申请人情况", 1, 7) in headers and ("法人或其他组织", 1, 5) in headers
    assert ("自然人", 2, 1) in headers and ("总计", 2, 1) in headers
    groups = _spans(g, "group")
    assert ("三、本年度办理结果", 22, 1) in groups and ("（六）其他处理", 3, 1) in groups


def test_apply_2019_has_one_other_row() -> None:
    groups = _spans(table_grid(load_layout("2019").table("apply19")), "group")
    assert ("三、本年度办理结果", 20, 1) in groups
    assert not any(t == "（六）其他处理" for t, _, _ in groups)


def test_review_header() -> None:
    g = table_grid(load_layout("2021").table("review"))
    assert (g.width, g.height) == (15, 4)
    headers = _spans(g, "header")
    assert ("行政复议", 1, 5) in headers and ("行政诉讼", 1, 10) in headers
    assert ("未经复议直接起诉", 1, 5) in headers and ("结果维持", 2, 1) in headers


def test_active_blocks_span_three_data_columns() -> None:
    r = zero_report(2025).with_cells({})
    g = table_grid(r.layout.table("active"), r)
    fee = [c for c in g.cells if c.cell_id == "active.admin_fees.amount_wan"][0]
    assert fee.colspan == 3 and fee.text == "0"
    assert all(sum(c.colspan for c in row) == g.width for row in g.rows())


def test_matrix_positions_cover_the_grid_once() -> None:
    for version in ("2019", "2021"):
        for t in load_layout(version).tables:  # type: ignore[arg-type]
            if not t.render:
                continue
            g = table_grid(t)
            covered: set[tuple[int, int]] = set()
            for c in g.cells:
                for r in range(c.row, c.row + c.rowspan):
                    for k in range(c.col, c.col + c.colspan):
                        assert (r, k) not in covered, (t.id, r, k)
                        covered.add((r, k))
            assert len(covered) == g.width * g.height, t.id
