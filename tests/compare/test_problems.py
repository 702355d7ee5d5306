"""Problems carried over, on hand-written pairs of last year's and this year's section 五."""

from __future__ import annotations

import pytest

from assistant.compare import match_problems, split_problems

PRIOR = (
    "（一）存在的主要问题\n"
    "一是政策解读形式单一，图解、视频解读较少；二是依申请公开办理流程不够规范，答复文书格式不统一；"
    "三是政府信息公开专栏栏目设置不合理，部分栏目长期未更新。\n"
    "（二）改进措施\n下一步，我局将丰富解读形式，规范办理流程，优化栏目设置。"
)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            PRIOR,
            [
                "政策解读形式单一，图解、视频解读较少",
                "依申请公开办理流程不够规范，答复文书格式不统一",
                "政府信息公开专栏栏目设置不合理，部分栏目长期未更新",
            ],
        ),
        (
            "1.主动公开的内容不够全面。2.工作人员业务能力有待提高。3.网站检索功能不完善。",
            ["主动公开的内容不够全面", "工作人员业务能力有待提高", "网站检索功能不完善"],
        ),
        (
            "我局政府信息公开工作还存在一些不足，主动公开的内容不够全面，政策解读的形式比较单一。"
            "下一步，我局将加强学习，丰富解读形式。",
            ["主动公开的内容不够全面，政策解读的形式比较单一"],
        ),
        (
            "2021年，我局工作虽取得一定成效，但仍存在以下问题：（1）基层公开标准目录更新不及时；"
            "（2）公开平台互动回应不够。2022年，我局将进一步加强目录动态更新。",
            ["基层公开标准目录更新不及时", "公开平台互动回应不够"],
        ),
    ],
)
def test_split_problems(text: str, problems: list[str]) -> None:
    assert split_problems(text) == problems


def test_each_problem_matched_addressed_repeated_or_silent() -> None:
    this = (
        "（一）上年度问题整改情况\n针对上年度政策解读形式单一的问题，今年已制作图解12期、视频解读3期。\n"
        "（二）存在的主要问题\n一是依申请公开办理流程不够规范，答复文书格式不统一；"
        "二是主动公开信息的时效性有待加强。\n（三）改进措施\n下一步，我局将规范办理流程。"
    )
    got = match_problems(PRIOR, this)
    assert [m.status for m in got] == ["addressed", "repeated", "silent"]
    assert got[0].evidence is not None and "已制作图解" in got[0].evidence
    assert got[1].similarity == 1.0 and got[1].label == "原样重复"
    assert got[2].evidence is None and got[2].label == "未提及"


def test_a_reworded_problem_without_progress_is_repeated_not_addressed() -> None:
    prior = "存在的问题：一是网站检索功能不完善，群众查找信息不便；二是培训次数偏少。"
    this = "当前仍存在网站检索功能不够完善、查找信息不便的情况。下一步将继续优化。"
    got = match_problems(prior, this)
    assert got[0].status == "repeated" and got[0].similarity < 0.6
    assert got[1].status == "silent"


def test_generic_words_alone_do_not_count_as_a_reference() -> None:
    prior = "存在的问题：一是政府信息公开工作有待进一步加强；二是公开目录编制不够细化。"
    this = "我局进一步加强政府信息公开工作，取得明显成效。"
    got = match_problems(prior, this)
    assert got[1].status == "silent"


def test_no_prior_problems_gives_an_empty_list() -> None:
    assert split_problems("") == []
    assert match_problems("无。", "一是公开不及时。") == []


def test_a_placeholder_or_a_persisting_sentence_is_not_rectification() -> None:
    prior = "存在的问题：一是政策解读形式单一；二是栏目更新不及时。"
    placeholder = (
        "（一）上年度问题的整改情况\n针对上年度报告提出的“政策解读形式单一”问题，"
        "【待补充：采取的整改措施及成效】\n（二）存在的主要问题\n一是网站检索功能不完善。"
    )
    persists = "上年提出的栏目更新不及时问题已着手整改，但栏目更新仍不及时。"
    assert match_problems(prior, placeholder)[0].status != "addressed"
    assert match_problems(prior, persists)[1].status == "repeated"


def test_measures_of_last_year_are_not_its_problems_and_a_plan_is_not_a_fix() -> None:
    prior = (
        "本年度工作取得一定成效，但也存在一些不足，如政策解读形式较为单一、部分栏目更新不及时等。"
        "我局将建立栏目更新台账，丰富解读形式。"
    )
    this = "下一步，我局将丰富政策解读形式，推出图解解读。"
    got = match_problems(prior, this)
    assert [m.problem for m in got] == ["政策解读形式较为单一", "部分栏目更新不及时"]
    assert [m.status for m in got] == ["planned", "silent"]
    assert got[0].label == "仅列改进措施"
