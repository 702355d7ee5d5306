"""Wording similarity: boilerplate removed, numbers masked, 3-gram Jaccard and cosine."""

from __future__ import annotations

import pytest

from assistant.report.similarity import char_ngrams, similarity, strip_boilerplate

PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布本机关2022年度政府信息公开工作报告。"
    "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"
    "本报告电子版可在本机关门户网站查阅。如对本报告有疑问，请与办公室联系。"
)


def test_strip_boilerplate_removes_preamble_headings_and_note() -> None:
    text = (
        PREAMBLE + "\n一、总体情况\n（一）主动公开\n本年度新设政策解读栏目。\n"
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
        "五、存在的主要问题及改进情况\n（二）依申请公开。全年办理申请按时办结。"
    )
    assert strip_boilerplate(text) == "本年度新设政策解读栏目。\n全年办理申请按时办结。"


def test_identical_wording_with_new_numbers_counts_as_copied() -> None:
    a = "一是公开意识有待提高，全年培训2次；二是政策解读形式单一。下一步将进一步加强培训。"
    b = "一是公开意识有待提高，全年培训5次；二是政策解读形式单一。下一步将进一步加强培训。"
    assert similarity(a, b) == 1.0
    assert similarity(a, b, measure="cosine") == pytest.approx(1.0)


def test_shared_preamble_alone_does_not_make_texts_similar() -> None:
    a = PREAMBLE + "\n本年度围绕优化营商环境公开涉企政策三十余条。"
    b = PREAMBLE + "\n下一步重点建设政府信息公开专栏，规范栏目设置。"
    assert similarity(a, b) < 0.1
    assert similarity(a, b, strip=False) > 0.4


def test_partial_overlap_lies_between_and_is_symmetric() -> None:
    a = "存在的问题是政策解读不够深入，信息更新不够及时。"
    b = "存在的问题是政策解读不够深入，栏目设置不够规范。"
    s = similarity(a, b)
    assert 0.2 < s < 0.9
    assert similarity(b, a) == s
    assert 0.2 < similarity(a, b, measure="cosine") < 0.95


def test_empty_and_short_texts() -> None:
    assert similarity("", "任何内容") == 0.0
    assert similarity("一、总体情况", "一、总体情况") == 0.0  # only a heading: nothing to compare
    assert char_ngrams("无") == {"无": 1}
    assert similarity("无", "无") == 1.0


def test_unknown_measure_is_a_bug() -> None:
    with pytest.raises(ValueError):
        similarity("甲乙丙丁", "甲乙丙丁", measure="dice")  # type: ignore[arg-type]
