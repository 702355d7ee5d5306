"""The one splitter of section 五: problems, measures and rectification, in the shapes reports use."""

from __future__ import annotations

import pytest

from assistant.report.problems import (
    split_measures,
    split_points,
    split_problems,
    states_progress,
)

CASES = [
    (  # 一是/二是 under "存在的问题：", measures under "改进措施：" numbered again
        "存在的问题：一是政策解读形式单一，缺少多角度、多形式的解读。二是部分栏目更新不及时。"
        "改进措施：一是加强培训。二是建立栏目更新台账。",
        ["政策解读形式单一，缺少多角度、多形式的解读", "部分栏目更新不及时"],
        ["加强培训", "建立栏目更新台账"],
    ),
    (  # （一）/（二） headings on their own lines, 1./2. items
        "（一）存在的主要问题\n1.主动公开的内容不够全面。\n2.工作人员业务能力有待提高。\n"
        "（二）改进情况\n1.编制主动公开目录。\n2.每季度组织一次业务培训。",
        ["主动公开的内容不够全面", "工作人员业务能力有待提高"],
        ["编制主动公开目录", "每季度组织一次业务培训"],
    ),
    (  # problems inside one "如…等" sentence; the measures in an unnumbered "我局将…" sentence
        "本年度政务公开工作取得一定成效，但也存在一些不足，如政策解读形式较为单一、"
        "部分栏目更新不及时等。我局将加强培训，建立栏目更新台账，丰富解读形式。",
        ["政策解读形式较为单一", "部分栏目更新不及时"],
        ["我局将加强培训，建立栏目更新台账，丰富解读形式"],
    ),
    (  # unnumbered sentences, no intro at all: the wording decides
        "网站检索功能不完善，群众查找信息不便。依申请公开答复文书格式不统一。"
        "今后将优化网站检索功能，统一答复文书模板。",
        ["网站检索功能不完善，群众查找信息不便", "依申请公开答复文书格式不统一"],
        ["今后将优化网站检索功能，统一答复文书模板"],
    ),
    (  # ①② marks (which NFKC turns into bare digits) and a problem with its measure in one item
        "主要问题：①政策解读形式单一，下一步将推出图解解读；②栏目更新不及时。",
        ["政策解读形式单一", "栏目更新不及时"],
        ["下一步将推出图解解读"],
    ),
    (  # a marked item that contains "存在…差距" is a problem, not an intro
        "一年来取得了一定的成绩，但仍存在一定的不足：一是信息收集渠道不畅；"
        "二是信息内容与公众需求存在一定的差距。下一步，我们将着力做好两方面工作：一是畅通渠道；"
        "二是提升信息质量。",
        ["信息收集渠道不畅", "信息内容与公众需求存在一定的差距"],
        ["我们将着力做好两方面工作", "畅通渠道", "提升信息质量"],
    ),
]


@pytest.mark.parametrize(("text", "problems", "measures"), CASES)
def test_problems_and_measures_apart(text: str, problems: list[str], measures: list[str]) -> None:
    assert split_problems(text) == problems
    assert split_measures(text) == measures


def test_offsets_point_into_the_text_given_even_after_nfkc() -> None:
    text = "存在的问题：(一)政策解读形式单一；㈡栏目更新不及时，①有待加强。"
    for p in split_points(text):
        quoted = text[p.start : p.end]
        assert quoted.replace("(", "（").replace(")", "）") == p.text or p.text in quoted


def test_an_account_of_last_years_problems_is_neither_problem_nor_measure() -> None:
    text = (
        "（一）上年度问题的整改情况\n针对上年度报告提出的“政策解读形式单一”问题，今年制作图解12期。\n"
        "（二）存在的主要问题\n一是公开不及时。二是网站检索功能不完善。\n（三）改进情况\n一是建立台账。"
    )
    kinds = [(p.kind, p.text) for p in split_points(text)]
    assert kinds == [
        ("rectification", "针对上年度报告提出的“政策解读形式单一”问题，今年制作图解12期"),
        ("problem", "公开不及时"),
        ("problem", "网站检索功能不完善"),
        ("measure", "建立台账"),
    ]


def test_a_general_statement_is_no_point() -> None:
    assert split_points("本年度我局高度重视政务公开工作。") == []
    assert split_problems("") == [] and split_problems("无。") == []


@pytest.mark.parametrize(
    ("sentence", "progress"),
    [
        ("针对上年政策解读形式单一的问题，今年已制作图解12期。", True),
        ("上年报告所列问题已全部整改到位。", True),
        ("栏目更新不及时的问题得到解决。", True),
        ("政策解读形式仍较单一。", False),  # the problem persists
        ("虽已制作图解，但解读形式依然单一。", False),
        ("栏目更新还不够及时。", False),
        ("针对上年度报告提出的问题，【待补充：采取的整改措施及成效】", False),  # a placeholder
        ("下一步将完善栏目设置。", False),  # a plan, not an action
        ("已完成栏目改版，下一步将持续更新。", True),
    ],
)
def test_progress_means_an_action_or_a_result(sentence: str, progress: bool) -> None:
    assert states_progress(sentence) is progress
