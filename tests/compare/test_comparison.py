"""The reviewer's comparison: the sample report against a modified copy, numbers, diff, HTML."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assistant.compare import (
    compare_numbers,
    compare_reports,
    comparison_json,
    diff_text,
    percent_change,
    render_html,
)
from assistant.ingest import read_report
from assistant.report import Cell, Report, Section, zero_report

NEW_PROBLEMS = (
    "一年来，区工信局政务公开工作取得了一定成效，但仍存在一些不足：一是信息收集渠道不畅，"
    "部分信息传递缓慢；二是网站栏目设置不够科学，部分栏目更新不及时。下一步，我们将完善栏目。"
)


@pytest.fixture
def sample(data_dir: Path) -> Report:
    return read_report(data_dir / "samples" / "wendeng-gxj-2020.txt")


def _modified(prior: Report) -> Report:
    """A copy one year on, with known changes to three cells and to section 五."""
    copy = prior.model_copy(update={"year": prior.year + 1}, deep=True)
    copy = copy.with_cells(
        {
            "apply19.new.natural_person": Cell.of(4),
            "apply19.new.total": Cell.of(4),
            "active19.licensing.decisions": Cell.of(
                int(prior.value("active19.licensing.decisions") or 0) + 10
            ),
        }
    )
    copy.sections["problems"] = Section(
        id="problems", heading="五、存在的主要问题及改进情况", text=NEW_PROBLEMS
    )
    return copy


def test_sample_against_a_modified_copy_finds_every_known_change(sample: Report) -> None:
    this = _modified(sample)
    c = compare_reports(this, [sample])
    assert {r.cell for r in c.numbers.changed} == {
        "apply19.new.natural_person",
        "apply19.new.total",
        "active19.licensing.decisions",
    }
    row = c.numbers.row("active19.licensing.decisions")
    assert row.change == 10 and row.values[1] - row.values[0] == 10  # type: ignore[operator]
    assert c.numbers.row("apply19.new.total").values == (0, 4)
    assert c.numbers.row("apply19.new.total").percent is None  # from 0: no percentage
    # untouched sections are flagged as copied; the rewritten 五 is not
    by_section = {w.section: w for w in c.wording}
    assert by_section["overview"].flagged and by_section["overview"].similarity == 1.0
    assert not by_section["problems"].flagged
    inserted = "".join(p.text for p in by_section["problems"].diff if p.op == "insert")
    assert "网站栏目设置不够科学" in inserted
    # last year's two problems: the first is repeated word for word, the second is silent
    assert [m.status for m in c.problems] == ["repeated", "silent"]
    # the whole narrative: mostly the same, but the new 五 keeps it under XY-06's 0.9
    year, sim, flagged = c.narrative[0]
    assert year == 2020 and 0.6 < sim < 0.9 and not flagged
    assert compare_reports(sample.model_copy(update={"year": 2021}), [sample]).narrative[0][2]


def test_numbers_over_three_years_and_across_formats() -> None:
    y19 = zero_report(2020, "某局").with_cells({"apply19.new.total": Cell.of(8)})
    y21 = zero_report(2021, "某局").with_cells(
        {"apply.new.total": Cell.of(10), "active.admin_fees.amount_wan": Cell.of(Decimal("1.5"))}
    )
    y22 = zero_report(2022, "某局").with_cells(
        {
            "apply.new.total": Cell.of(15),
            "active.admin_fees.amount_wan": Cell(kind="slash", raw="/"),
        }
    )
    c = compare_numbers([y22, y19, y21])
    assert c.years == (2020, 2021, 2022)
    row = c.row("apply.new.total")
    assert (row.values, row.change, row.percent) == ((8, 10, 15), 5, Decimal("50.0"))
    fees = c.row("active.admin_fees.amount_wan")
    assert fees.shown == ("", "1.5", "/") and fees.change is None and fees.changed
    assert "active.rules.valid" in c.unmapped  # fmt2019 cannot give it (SPEC b.6)
    assert [name for _, name, _ in c.series()][0] == "新收申请"


def test_percent_change_rounds_half_up() -> None:
    assert percent_change(3, 4) == Decimal("33.3")
    assert percent_change(8, 7) == Decimal("-12.5")
    assert percent_change(0, 5) is None and percent_change(None, 5) is None


def test_chinese_diff_keeps_sentences_whole_and_numbers_precise() -> None:
    old = "本年度共收到申请5件，全部按时办结。下一步将加强培训。"
    new = "本年度共收到申请7件，全部按时办结。我局将完善目录。下一步将加强培训。"
    ops = [(p.op, p.text) for p in diff_text(old, new)]
    assert ops == [
        ("equal", "本年度共收到申请"),
        ("delete", "5"),
        ("insert", "7"),
        ("equal", "件，全部按时办结。"),
        ("insert", "我局将完善目录。"),
        ("equal", "下一步将加强培训。"),
    ]
    # scattered single shared characters are folded into one readable change
    ops = diff_text("政策解读形式单一", "栏目设置不够规范")
    assert [p.op for p in ops] == ["delete", "insert"]
    assert "".join(p.text for p in diff_text("甲乙丙", "甲乙丙") if p.op != "equal") == ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_page_is_self_contained_and_escaped(sample: Report) -> None:
    this = _modified(sample)
    this.sections["other"] = Section(id="other", text="<script>alert(1)</script>无")
    page = render_html(compare_reports(this, [sample]))
    assert "<script>" not in page and "&lt;script&gt;" in page
    parser = _Collector()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert {"svg", "polyline", "table", "del", "ins"} <= tags
    for _tag, attrs in parser.tags:  # nothing is fetched from elsewhere
        for key in ("src", "href"):
            assert not attrs.get(key), attrs
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", page)
    assert "网站栏目设置不够科学" in page and "未提及" in page


def test_json_document_round_trips(sample: Report) -> None:
    doc = comparison_json(compare_reports(_modified(sample), [sample]))
    again = json.loads(json.dumps(doc, ensure_ascii=False))
    assert again["years"] == [2020, 2021]
    assert set(again["changed_cells"]) == {
        "apply19.new.natural_person",
        "apply19.new.total",
        "active19.licensing.decisions",
    }
    assert [p["status"] for p in again["problems"]] == ["repeated", "silent"]


def test_a_short_standard_statement_is_not_flagged_as_copied() -> None:
    a = zero_report(2022, "某局")
    b = zero_report(2023, "某局")
    a.sections["other"] = Section(id="other", text="2022年，无收取信息处理费情况。")
    b.sections["other"] = Section(id="other", text="2023年，无收取信息处理费情况。")
    long = "本年度围绕优化营商环境，集中公开涉企政策，编制政策汇编，开展政策解读进企业活动，回应企业关切。"
    a.sections["overview"] = Section(id="overview", text=long)
    b.sections["overview"] = Section(id="overview", text=long)
    by_section = {w.section: w for w in compare_reports(b, [a]).wording}
    assert by_section["other"].similarity == 1.0 and not by_section["other"].flagged
    assert by_section["overview"].flagged


def test_cells_a_fmt2019_year_cannot_give_are_not_reported_as_changes() -> None:
    y20 = zero_report(2020, "某局")
    y21 = zero_report(2021, "某局").with_cells({"active.rules.valid": Cell.of(12)})
    c = compare_numbers([y20, y21])
    row = c.row("active.rules.valid")
    assert not row.comparable and not row.changed and row.shown == ("", "12")
    assert c.row("apply.new.total").comparable


def test_a_short_fixed_statement_is_neither_copied_nor_without_likeness(sample: Report) -> None:
    """Section 六's one line ("本年度未收取信息处理费。") is the same every year: 100% alike
    but too short to count as copied; the page must not call it "未见雷同"."""
    this = sample.model_copy(update={"year": sample.year + 1}, deep=True)
    for r in (sample, this):
        r.sections["other"] = Section(id="other", text="本年度未收取信息处理费。")
    c = compare_reports(this, [sample])
    other = next(w for w in c.wording if w.section == "other")
    assert other.similarity == 1.0 and not other.flagged
    assert other.label == "与往年相同（篇幅很短的固定表述，不计雷同）"
    page = render_html(c)
    assert "相似度 100% <span" in page and '100% <span class="ok">未见雷同' not in page
