"""Narrative rules (SPEC c.6, c.7 and the narrative halves of T2/T3/T4, XY-04…07): for each rule
a text that passes and a text that fails, on the same table figures."""

from __future__ import annotations

import pytest

from assistant.checks import run_checks
from assistant.report import Report, Section, parse_cell, zero_report
from assistant.report.sentences import sentences, word_count

FIGURES = {
    "apply.new.total": "26",
    "apply.carry_in.total": "2",
    "apply.res.total.total": "24",
    "apply.carry_out.total": "4",
    "apply.res.granted.total": "12",
    "apply.res.other.fee_unpaid.total": "1",
    "apply.new.natural_person": "20",
    "apply.new.legal.commercial": "6",
    "review.admin_review.total": "1",
    "review.admin_review.corrected": "1",
    "active.normative_docs.made": "3",
    "active.admin_fees.amount_wan": "2.5",
    "active.licensing.decisions": "40",
}


def report(
    year: int = 2025, agency: str = "某县教育局", kind: str | None = "department", **texts: str
) -> Report:
    r = zero_report(year, agency).with_cells({k: parse_cell(v) for k, v in FIGURES.items()})
    r.agency.kind = kind  # type: ignore[assignment]
    return r.model_copy(
        update={
            "sections": {
                k: Section(id=k, text=v)  # type: ignore[arg-type]
                for k, v in texts.items()
            }
        }
    )


def statuses(r: Report, rule: str, prior: Report | None = None) -> list[str]:
    return [f.status for f in run_checks(r, prior=prior, only=[rule]).findings]


GOOD_OVERVIEW = (
    "（一）主动公开。本年新收政府信息公开申请26件，上年结转2件，办结24件，结转下年度4件，"
    "其中予以公开12件，占比50%。（二）依申请公开。（三）政府信息管理。（四）平台建设依托门户网站。"
    "（五）监督保障：开展培训2次。本年制发行政规范性文件3件。"
)
GOOD_OTHER = (
    "依据《政府信息公开信息处理费管理办法》，本年度发出收费通知1件，总金额100元，实际收取0元。"
    "落实上级政务公开工作要点情况良好。人大代表建议和政协提案办理结果均已公开。创新开展政策直播。"
)
GOOD_PROBLEMS = (
    "一是“政策解读”栏目全年仅更新3次，解读形式单一。二是1件行政复议被纠正，答复书说理不充分。"
    "上年报告所列依申请办理不规范问题已整改。下一步，一是2026年6月前将解读栏目改为每月更新；"
    "二是修订答复文书模板，组织1次专题培训。"
)

CASES = [  # rule, passing texts, failing texts
    ("NAR-01", {"overview": GOOD_OVERVIEW}, {"overview": "本年新收政府信息公开申请25件。"}),
    (
        "NAR-02",
        {"overview": "主动公开信息30条，其中动态20条，通知10条。"},
        {"overview": "主动公开信息30条，其中动态20条，通知11条。"},
    ),
    (
        "NAR-03",
        {"overview": "予以公开12件，占办结总数的50%。"},
        {"overview": "予以公开12件，占比60%。"},
    ),
    ("NAR-04", {"overview": "本年新收申请26件。"}, {"overview": "受理政府信息公开申请26条。"}),
    ("NAR-05", {"overview": "共收到申请26件。"}, {"overview": "共收到申请27件。"}),
    (
        "NAR-06",
        {"overview": "本年度未发生行政诉讼。"},
        {"overview": "本年度未收到政府信息公开申请。"},
    ),
    (
        "NAR-07",
        {"overview": "2025年，本局高度重视。"},
        {"overview": "2023年，本局高度重视公开工作。"},
    ),
    ("NAR-08", {"overview": "本年制发行政规范性文件3件。"}, {"overview": "本年内无规范性文件。"}),
    ("S1-01", {"overview": GOOD_OVERVIEW}, {"overview": "本年主动公开信息若干。"}),
    ("S1-03", {"overview": GOOD_OVERVIEW}, {"overview": "主动公开。" * 201}),
    ("S5-01", {"problems": GOOD_PROBLEMS}, {"problems": "我局公开工作运行良好。"}),
    (
        "S5-02",
        {"problems": GOOD_PROBLEMS},
        {"problems": "一是公开意识有待提高。下一步，我们将进一步加强学习，不断提高水平。"},
    ),
    (
        "S5-03",
        {"problems": GOOD_PROBLEMS},
        {"problems": "一是公开意识有待提高。二是内容不够丰富。下一步将加强。"},
    ),
    ("S6-01", {"other": GOOD_OTHER}, {"other": "无。"}),
    ("S6-04", {"other": GOOD_OTHER}, {"other": "本年度未收取信息处理费。"}),
    ("S6-05", {"other": GOOD_OTHER}, {"other": "本年度未收取信息处理费。"}),
    ("S6-06", {"other": GOOD_OTHER}, {"other": "本年度未收取信息处理费。"}),
    ("S6-08", {"other": GOOD_OTHER}, {"other": "本年度未收取信息处理费。"}),
    ("T2-03", {"overview": "行政事业性收费25000元。"}, {"overview": "行政事业性收费2500元。"}),
    ("T2-08", {"overview": "公示行政许可决定30件。"}, {"overview": "公示行政许可决定41件。"}),
    ("T3-06", {"other": GOOD_OTHER}, {"other": "本年度未发出收费通知，未收取信息处理费。"}),
    ("T3-08", {"overview": "申请人包括群众和企业。"}, {"overview": "申请人主要是群众个人。"}),
    ("T4-05", {"problems": GOOD_PROBLEMS}, {"problems": "一是公开不及时。下一步将改进。"}),
]


@pytest.mark.parametrize(("rule", "good", "bad"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_and_fails(rule: str, good: dict[str, str], bad: dict[str, str]) -> None:
    passed = statuses(report(**good), rule)
    failed = statuses(report(**bad), rule)
    assert passed and "fail" not in passed, passed
    assert "fail" in failed, failed


def test_s1_02_applies_to_governments_only() -> None:
    text = {"overview": GOOD_OVERVIEW}
    assert statuses(report(**text), "S1-02") == []  # a department
    gov = report(agency="某县人民政府", kind="government", **text)
    assert statuses(gov, "S1-02") == ["fail"]
    ok = report(
        agency="某县人民政府",
        kind="government",
        overview=GOOD_OVERVIEW + "年度工作考核、社会评议和责任追究结果均已公开，未发生责任追究。",
    )
    assert statuses(ok, "S1-02") == ["pass"]


def test_cross_year_rules_need_and_use_the_prior() -> None:
    prior = report(
        2024,
        overview="全年主动公开政府信息125条。",
        problems="一是栏目更新不及时。二是解读形式单一。下一步将改进。",
    )
    copied = report(
        overview="全年主动公开政府信息187条，比上年增加60条。",
        problems="一是栏目更新不及时。二是解读形式单一。下一步将改进。",
    )
    fresh = report(overview="全年主动公开政府信息187条，比上年增加62条。", problems=GOOD_PROBLEMS)
    assert statuses(copied, "XY-04") == []  # no prior given: the rule does not run
    assert statuses(copied, "XY-04", prior) == ["fail"]
    assert statuses(fresh, "XY-04", prior) == ["pass"]
    assert statuses(copied, "XY-05", prior) == ["fail"]
    assert statuses(fresh, "XY-05", prior) == ["pass"]
    assert statuses(fresh, "XY-07", prior) == ["pass"]
    assert statuses(report(problems="一是网站改版。下一步将完善。"), "XY-07", prior) == ["fail"]


def test_finding_quotes_the_sentence_with_offsets() -> None:
    text = "本局重视公开。本年新收政府信息公开申请25件。"
    f = run_checks(report(overview=text), only=["NAR-01"]).failures()[0]
    assert f.quote == "本年新收政府信息公开申请25件。"
    assert text[f.start : f.end] == f.quote and f.section == "overview"
    assert "apply.new.total" in f.cells and "26" in f.message


def test_sample_enumeration_adds_up() -> None:
    text = (
        "全年，区工信局主动公开政府信息187条，比上年增加62条，其中公告公示类信息5条，组织机构类信息5条，"
        "政策文件及解读类信息11条，比上年增加4条，工作动态类信息137条，比上年增加49条，财政预决算信息7条，"
        "其他类信息22条，比上年增加12条。"
    )
    f = run_checks(report(2020, overview=text), only=["NAR-02"]).findings
    assert [x.status for x in f] == ["pass"] and f[0].found == "187"


def test_word_count_counts_ascii_runs_once() -> None:
    assert word_count("本局2025年公开 信息abc共187条。") == 13  # 2025, abc, 187 count once
    assert [s.text for s in sentences("一是甲。二是乙；\n三是丙")] == [
        "一是甲。",
        "二是乙；",
        "三是丙",
    ]


def test_tables_only_input_is_not_judged_on_its_narrative() -> None:
    tables_only = zero_report(2025, "某县教育局")  # as read from the Excel workbook: no sections
    for rule in ("S5-01", "S6-01"):
        assert statuses(tables_only, rule) == ["not_assessable"]
    assert statuses(report(other="无。"), "S6-01") == ["fail"]


def test_a_section_the_reader_did_not_find_is_not_judged_empty() -> None:
    from assistant.report.model import ReadNote

    read = report(overview=GOOD_OVERVIEW).model_copy(
        update={"notes": [ReadNote(message="未找到第五、六部分的标题。")]}
    )
    for rule in ("S5-01", "S6-01"):
        assert statuses(read, rule) == ["not_assessable"]
    printed_empty = report(overview=GOOD_OVERVIEW, problems=" ", other=" ")
    printed_empty = printed_empty.model_copy(update={"notes": read.notes})
    for rule in ("S5-01", "S6-01"):
        assert statuses(printed_empty, rule) == ["fail"]


def test_fmt01_counts_a_table_as_its_section_and_ignores_entry_order() -> None:
    # built in the workspace: 六 accepted before 一, tables entered, no printed headings
    built = report(other=GOOD_OTHER, overview=GOOD_OVERVIEW, problems=GOOD_PROBLEMS)
    assert statuses(built, "FMT-01") == ["pass"]
    printed = built.model_copy(
        update={
            "sections": {
                "other": Section(id="other", heading="六、其他需要报告的事项", text="无。"),
                "overview": Section(id="overview", heading="一、总体情况", text="概述。"),
            }
        }
    )
    assert statuses(printed, "FMT-01") == ["fail"]  # printed out of order, 五 missing


def test_s6_02_no_fee_sentence_against_positive_figures() -> None:
    said = "本年度未发出收费通知，未收取信息处理费。落实上级政务公开工作要点情况良好。"
    charged = report(other=said).with_cells(
        {
            "fees.notices_count": parse_cell("1"),
            "fees.notices_amount_yuan": parse_cell("100"),
            "fees.collected_yuan": parse_cell("0"),
        }
    )
    [f] = run_checks(charged, only=["S6-02"]).findings
    assert f.status == "fail" and f.section == "other"
    assert (
        f.quote == "本年度未发出收费通知，未收取信息处理费。" and said[f.start : f.end] == f.quote
    )
    assert set(f.cells) == {"fees.notices_count", "fees.notices_amount_yuan"}
    assert "发出收费通知1件" in f.message and "收费通知总金额100元" in f.message
    # the same sentence with zero figures is coherent; a rule about when no fee is due is no claim
    none = charged.with_cells(
        {"fees.notices_count": parse_cell("0"), "fees.notices_amount_yuan": parse_cell("0")}
    )
    assert statuses(none, "S6-02") == ["pass"]
    rule_text = report(other="对符合条件的申请人依法不收取信息处理费。").with_cells(
        {
            "fees.notices_count": parse_cell("1"),
            "fees.notices_amount_yuan": parse_cell("100"),
            "fees.collected_yuan": parse_cell("100"),
        }
    )
    assert statuses(rule_text, "S6-02") == ["pass"]


def test_xy07_wants_an_action_or_a_result_not_a_placeholder_or_a_persisting_problem() -> None:
    prior = report(2024, problems="存在的问题：一是栏目更新不及时。二是解读形式单一。")
    done = report(problems="针对上年栏目更新不及时的问题，已建立更新台账，全年更新栏目48次。")
    todo = report(
        problems="（一）上年度问题的整改情况\n针对上年度报告提出的“栏目更新不及时”问题，"
        "【待补充：采取的整改措施及成效】"
    )
    still = report(problems="上年提出的栏目更新不及时问题，目前仍未解决。下一步将加强。")
    assert statuses(done, "XY-07", prior) == ["pass"]
    assert statuses(todo, "XY-07", prior) == ["fail"]
    assert statuses(still, "XY-07", prior) == ["fail"]
    passed = run_checks(done, prior=prior, only=["XY-07"]).findings[0]
    assert passed.quote is not None and "已建立更新台账" in passed.quote


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # a nested breakdown in brackets: the outer list adds up, and so does the inner one
        ("公开文件60件，其中通知40件（转发通知15件、本级通知25件）、公告20件。", ["pass", "pass"]),
        ("公开文件60件，其中通知40件（转发通知15件、本级通知20件）、公告20件。", ["pass", "fail"]),
        # the last part without its measure word
        ("公开文件60件，其中通知40件，公告20。", ["pass"]),
        # a 其中 naming one part, then a new clause: not a partition
        ("发布信息300条，其中政府信息80条，被省级网站转载12条。", []),
        # a 其中 list may name only some parts (SPEC NAR-02): less than the total is no error,
        # more is
        ("公开文件60件，其中通知40件、公告15件。", []),
        ("公开文件60件，其中通知40件、公告25件。", ["fail"]),
        ("公开文件60件，其中通知、公告分别为40件、15件。", []),
        # 包括 and a colon break down the number right before them
        ("公开文件60件，包括通知40件、公告25件。", ["fail"]),
        ("公开文件60件：通知40件，公告20件。", ["pass"]),
        ("公开文件60件：通知40件，公告25件。", ["fail"]),
        # "…等" admits the list is partial
        ("公开文件60件，包括通知40件、公告5件等。", []),
    ],
)
def test_breakdowns_as_reports_write_them(text: str, status: list[str]) -> None:
    assert statuses(report(overview=text), "NAR-02") == status


@pytest.mark.parametrize(
    ("other", "s601", "s608"),
    [
        ("本年度未发出收费通知，未收取信息处理费。", "pass", ["pass"]),  # the tool's own sentence
        ("本年度政府信息公开工作未发生收费情况。", "pass", ["pass"]),
        ("本年度没有收取任何费用。", "pass", ["fail"]),  # the notices are not said
        ("本年度承办人大代表建议2件。", "fail", []),
    ],
)
def test_fee_statements_as_reports_write_them(other: str, s601: str, s608: list[str]) -> None:
    r = report(other=other)
    assert statuses(r, "S6-01") == [s601]
    assert statuses(r, "S6-08") == s608


@pytest.mark.parametrize(
    ("heading", "severity"),
    [
        ("五、存在的主要问题及整改措施", "warning"),
        ("五、主要问题和改进措施", "warning"),
        ("五、存在的主要问题和改进措施", "warning"),
        ("五、工作亮点", "error"),
    ],
)
def test_a_reworded_heading_of_section_five_is_a_warning(heading: str, severity: str) -> None:
    texts = {
        "overview": ("一、总体情况", GOOD_OVERVIEW),
        "active": ("二、主动公开政府信息情况", ""),
        "apply": ("三、收到和处理政府信息公开申请情况", ""),
        "review": ("四、政府信息公开行政复议、行政诉讼情况", ""),
        "problems": (heading, GOOD_PROBLEMS),
        "other": ("六、其他需要报告的事项", GOOD_OTHER),
    }
    r = report().model_copy(
        update={
            "sections": {
                k: Section(id=k, heading=h, text=t)  # type: ignore[arg-type]
                for k, (h, t) in texts.items()
            }
        }
    )
    found = run_checks(r, only=["FMT-01"]).findings
    assert [(f.status, f.severity) for f in found] == [("fail", severity)]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("予以公开及部分公开12件。", ["pass"]),  # 12 + 0 in the figures
        ("其中予以公开和部分公开共12件，均按时答复。", ["pass"]),
        ("予以公开及部分公开13件。", ["fail"]),
    ],
)
def test_granted_and_partial_as_one_figure(text: str, status: list[str]) -> None:
    assert statuses(report(overview=text), "NAR-01") == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("在公示专栏公开申请建设工程规划许可30条。", ["pass"]),
        ("公开行政许可申请办理结果30条。", ["pass"]),
        ("受理政府信息公开申请26条。", ["fail"]),
    ],
)
def test_published_items_about_other_applications_are_counted_in_tiao(
    text: str, status: list[str]
) -> None:
    assert statuses(report(overview=text), "NAR-04") == status


@pytest.mark.parametrize(
    ("amount", "status"),
    [("25000", "fail"), ("25000.123456", "pass"), ("2.5", "pass")],
)
def test_a_large_fee_in_wan_with_fractions_is_not_taken_for_yuan(amount: str, status: str) -> None:
    r = report(overview="本年度政府信息公开工作情况良好。")
    r = r.with_cells({"active.admin_fees.amount_wan": parse_cell(amount)})
    assert statuses(r, "T2-03") == [status]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # the figures: one 行政复议, its result corrected, none pending
        ("本年度被申请行政复议1件，均获维持。", ["fail"]),
        ("本年度被申请行政复议1件，均已审结。", ["pass"]),
        ("本年度被申请行政复议1件，结果为纠正。", ["pass"]),  # no claim about all of them
        ("本年度未发生行政诉讼。", ["pass"]),
    ],
)
def test_claims_about_every_review_case_agree_with_table_four(text: str, status: list[str]) -> None:
    assert statuses(report(overview=text), "NAR-09") == status
