"""The title block and metadata the way published reports print them: wrapped or spaced titles,
the year first, last or only in the body, page labels above the title, an agency line above or
below a bare title."""

from __future__ import annotations

import pytest

from assistant.ingest.sections import read_preamble, split_title

_INTRO = "根据《中华人民共和国政府信息公开条例》，编制本报告。"


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["示例市水务局2024年政府信息公开工作年度报告", _INTRO], "示例市水务局", 2024),
        (["示例市水务局2024 年度政府信息公开年报", _INTRO], "示例市水务局", 2024),
        (["示例市水务局2024政府信息公开工作年度报告", _INTRO], "示例市水务局", 2024),
        (["2024年示例市水务局政府信息公开工作年度报告", _INTRO], "示例市水务局", 2024),
        (["2024 年示例市水务局政府信息公开", "工作年度报告", _INTRO], "示例市水务局", 2024),
        (["示例市水务局2024年政府信息", "公开工作年度报告", _INTRO], "示例市水务局", 2024),
        (["示例镇人民政府", "2024年政府信息公开工作年度报告", _INTRO], "示例镇人民政府", 2024),
        (["2024年政府信息公开工作年度报告", "示例镇人民政府", _INTRO], "示例镇人民政府", 2024),
        (
            ["标题：示例市水务局2024年政府信息公开工作年度报告", "发布日期：2025-01-15", _INTRO],
            "示例市水务局",
            2024,
        ),
        (
            [
                "发布时间: 2025-01-15 09:30",
                "来源：示例市人民政府",
                "2024年政府信息公开工作年度报告",
            ],
            None,
            2024,
        ),
        (["2024年示例县人民政府信息公开工作年度报告"], "示例县人民政府", 2024),
    ],
)
def test_title_block(lines: list[str], agency: str | None, year: int) -> None:
    info = read_preamble(lines)
    assert (info.agency, info.year) == (agency, year)


@pytest.mark.parametrize(
    "period",
    [
        "统计期限为 2024 年 1 月 1 日至 12 月 31 日。",
        "统计期限为2024\n年1月1日至12月31日。",
        "统计期限自2024年1月1日起至2024年12月31日止。",
    ],
)
def test_year_from_the_period_in_any_spacing(period: str) -> None:
    info = read_preamble(["示例市水务局政府信息公开工作年度报告", *period.split("\n")])
    assert (info.agency, info.year) == ("示例市水务局", 2024)
    assert [d.isoformat() for d in info.period or ()] == ["2024-01-01", "2024-12-31"]


def test_year_from_the_body_and_no_agency_from_a_pronoun() -> None:
    info = read_preamble(
        [
            "示例市水务局政府信息公开工作年度报告",
            "根据《中华人民共和国政府信息公开条例》，现公布我局2024年政府信息公开工作年度报告。",
        ]
    )
    assert (info.agency, info.year) == ("示例市水务局", 2024)
    bare = read_preamble(["根据条例，现公布我局2024年政府信息公开工作年度报告。"])
    assert (bare.agency, bare.year) == (None, 2024)


def test_an_introduction_line_is_no_title() -> None:
    # "…统计周期\n为 2024 年 1 月 1 日至 12 月 31 日。年度报告电子版…" is a sentence, not a title
    info = read_preamble(
        [
            "2024 年示例县文旅局政府信息公开工作",
            "年度报告",
            "本年度报告中所列数据的统计周期",
            "为 2024 年 1 月 1 日至 12 月 31 日。年度报告电子版可以在县政府网站下载。",
        ]
    )
    assert (info.agency, info.year) == ("示例县文旅局", 2024)
    assert info.body_start == 2


def test_a_menu_entry_is_no_title() -> None:
    # a page copied whole: the site's menu names the column, the report's title comes below
    info = read_preamble(
        [
            "首页",
            "政务公开",
            "政府信息公开年报",
            "示例市水务局2024年政府信息公开工作年度报告",
            "来源：示例市人民政府",
        ]
    )
    assert (info.agency, info.year) == ("示例市水务局", 2024)


def test_split_title_without_a_year() -> None:
    assert split_title("示例市水务局政府信息公开工作年度报告") == ("示例市水务局", None)
    assert split_title("本报告统计期限为2024年1月1日至12月31日") == (None, None)
