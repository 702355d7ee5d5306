"""The real published reports parse completely, with their tables aligned as the pages show."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checks import run_checks
from assistant.ingest import read_report
from assistant.report.layout import SECTION_IDS, load_layout
from assistant.report.model import HEADER_NOTE


def test_wendeng_sample_parses_completely(data_dir: Path) -> None:
    r = read_report(data_dir / "samples" / "wendeng-gxj-2020.txt")
    assert r.agency.name == "威海市文登区工业和信息化局"
    assert r.year == 2020
    assert r.format == "2019"
    assert r.title == "威海市文登区工业和信息化局2020年政府信息公开工作年度报告"
    assert set(r.sections) == set(SECTION_IDS)
    assert r.sections["review"].heading == "四、被申请行政复议、提起行政诉讼情况"
    assert r.sections["overview"].text.startswith("2020年，区工信局高度重视")
    assert "187条" in r.sections["overview"].text
    assert r.sections["other"].text.endswith("相关办理结果已通过政府网站专栏主动公开。")
    layout = load_layout("2019")
    assert set(r.cells) == set(layout.cell_ids)  # every cell of 二、三、四
    ones = {cid for cid, c in r.cells.items() if c.value != 0}
    assert ones == {
        "active19.normative_docs.new_made",
        "active19.normative_docs.new_published",
        "active19.normative_docs.total_published",
    }
    assert all(c.kind == "number" for c in r.cells.values())
    assert [n for n in r.notes if n.level != "info"] == []
    assert r.agency.postcode == "264400"
    assert str(r.publication.date) == "2021-01-27"
    # no profile in a published page: kind and level come from the name, and the user is told
    assert (r.agency.kind, r.agency.level) == ("department", "county")
    assert any("根据机关名称推断为县级部门" in n.message for n in r.notes)


# hand-checked against the pages (see the dumps in the helper's notes): irregular grids included
PINGTAN = {
    2021: {
        "active.normative_docs.made": 69,
        "active.normative_docs.valid": 665,
        "active.licensing.decisions": 2293,
        "active.coercion.decisions": 42,
        "apply.new.natural_person": 64,
        "apply.new.legal.commercial": 0,
        "apply.new.legal.social_welfare": 2,
        "apply.new.legal.other": 4,
        "apply.new.total": 70,
        "apply.res.unavailable.not_held.legal.other": 3,
        "apply.res.total.total": 69,
        "apply.carry_out.natural_person": 1,
        "review.admin_review.other": 2,
        "review.admin_review.total": 3,
        "review.litigation_direct.upheld": 12,
        "review.litigation_direct.total": 12,
    },
    2022: {
        "active.normative_docs.repealed": 55,
        "active.licensing.decisions": 10690,
        "apply.new.legal.commercial": 3,
        "apply.res.partial.legal.commercial": 1,
        "apply.res.other.other.legal.commercial": 2,
        "apply.res.other.no_correction.total": 2,
        "apply.carry_in.total": 1,
        "review.admin_review.corrected": 1,
        "review.litigation_direct.total": 1,
    },
    2023: {
        "active.normative_docs.repealed": 132,
        "active.penalty.decisions": 1330,
        "apply.new.total": 81,
        "apply.res.partial.natural_person": 19,
        "apply.res.denied.admin_query.total": 2,
        "review.litigation_direct.pending": 1,
        "review.litigation_after_review.upheld": 1,
        "review.litigation_after_review.total": 2,
    },
}


@pytest.mark.parametrize("year", sorted(PINGTAN))
def test_pingtan_pages_align_their_tables(data_dir: Path, year: int) -> None:
    r = read_report(data_dir / "samples" / f"pingtan-{year}.html")
    assert (r.agency.name, r.year, r.format) == ("平潭综合实验区", year, "2021")
    assert set(r.cells) == set(load_layout("2021").cell_ids) - {
        c for c in load_layout("2021").cell_ids if c.startswith("fees.")
    }
    for cid, value in PINGTAN[year].items():
        assert r.value(cid) == value, cid
    assert [n for n in r.notes if n.level != "info"] == []
    assert set(r.sections) == set(SECTION_IDS)
    # the portal around the report is gone
    assert "网站标识码" not in r.narrative and "闽ICP备" not in r.narrative
    assert r.text("other") == f"{year}年，无收取信息处理费情况。"
    assert r.publication.url and r.publication.url.startswith("https://www.pingtan.gov.cn/")
    # the identity note printed over table 三 is kept for FMT-12, which finds it unaltered
    [note] = [n for n in r.notes if n.location == HEADER_NOTE]
    assert "第一项加第二项之和，等于第三项加第四项之和" in note.message
    assert [f.status for f in run_checks(r, only=["FMT-12"]).findings] == ["pass"]


def test_pingtan_money_keeps_its_decimals(data_dir: Path) -> None:
    r = read_report(data_dir / "samples" / "pingtan-2022.html")
    assert str(r.value("active.admin_fees.amount_wan")) == "9116.36"
