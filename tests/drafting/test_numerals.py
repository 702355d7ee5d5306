"""Chinese numerals and number extraction: the guard and the narrative checks rest on these."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.report.numerals import extract_numbers, parse_chinese_numeral


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", "10"),
        ("十二", "12"),
        ("二十", "20"),
        ("一百零五", "105"),
        ("两", "2"),
        ("三千零五", "3005"),
        ("一百二", "120"),
        ("一百二十", "120"),
        ("二〇二一", "2021"),
        ("三点五", "3.5"),
        ("一万零三百", "10300"),
        ("十万", "100000"),
        ("两亿三千万", "230000000"),
        ("壹佰贰拾", "120"),
        ("零", "0"),
        ("一千零一十", "1010"),
    ],
)
def test_parse_chinese_numeral(text: str, value: str) -> None:
    assert parse_chinese_numeral(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "十十", "百一十", "abc", "一二三四五点", "万"])
def test_parse_chinese_numeral_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_numeral(text)


def _q(text: str) -> list[tuple[Decimal, str | None]]:
    return [(m.value, m.unit) for m in extract_numbers(text) if m.checkable]


def test_staff_note_numbers() -> None:
    text = "全年开展培训2次，参训60人次；新增政策解读专栏"
    ms = extract_numbers(text)
    assert [(m.value, m.unit, m.raw) for m in ms] == [
        (Decimal(2), "次", "2次"),
        (Decimal(60), "人次", "60人次"),
    ]
    assert text[ms[1].start : ms[1].end] == "60人次"


def test_chinese_numerals_with_units() -> None:
    assert _q("共收到申请十二件，一百零五条，开展两次，三千零五元") == [
        (Decimal(12), "件"),
        (Decimal(105), "条"),
        (Decimal(2), "次"),
        (Decimal(3005), "元"),
    ]


def test_words_containing_numerals_are_not_numbers() -> None:
    assert extract_numbers("统一规范，进一步加强，一次性告知，一是二是，十四五规划，之一") == []


def test_percent_forms() -> None:
    assert _q("占比33.3%，百分之十二，提高2个百分点") == [
        (Decimal("33.3"), "%"),
        (Decimal(12), "%"),
        (Decimal(2), "个百分点"),
    ]


def test_full_width_digits_positions_refer_to_original() -> None:
    text = "公开信息１２３件"
    (m,) = extract_numbers(text)
    assert (m.value, m.unit) == (Decimal(123), "件")
    assert text[m.start : m.end] == "１２３件" == m.raw


def test_money_and_multipliers() -> None:
    assert _q("收费3.5万元，两万元，1.2万人次，1,200元") == [
        (Decimal("3.5"), "万元"),
        (Decimal(20000), "元"),
        (Decimal(12000), "人次"),
        (Decimal(1200), "元"),
    ]


def test_approximate() -> None:
    (m,) = extract_numbers("参训60余人次")
    assert (m.value, m.unit, m.approx) == (Decimal(60), "人次", True)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("根据《条例》第三十三条", "ordinal"),
        ("2020年", "year"),
        ("12月31日", "date"),
        ("国办公开办函〔2021〕30号", "doc_no"),
        ("见[3]", "citation"),
        ("电话0631-8451234", "code"),
        ("邮编264400", "code"),
        ("（2）依申请公开", "enum"),
    ],
)
def test_non_quantity_kinds(text: str, kind: str) -> None:
    kinds = {m.kind for m in extract_numbers(text)}
    assert kind in kinds
    assert not any(m.checkable for m in extract_numbers(text))


def test_list_marker_at_line_start_but_decimal_is_a_number() -> None:
    ms = extract_numbers("1. 主动公开\n共3.5万元")
    assert [(m.kind, m.value) for m in ms] == [("enum", Decimal(1)), ("quantity", Decimal("3.5"))]


def test_sample_report_sentence() -> None:
    text = (
        "2020年，主动公开政府信息187条，比上年增加62条，其中公告公示5条、组织机构5条、"
        "政策文件及解读11条（增加4条）"
    )
    assert [v for v, _ in _q(text)] == [Decimal(x) for x in (187, 62, 5, 5, 11, 4)]


def test_phone_with_long_dash_is_a_code() -> None:
    (m,) = extract_numbers("电话：0631—8451391")
    assert m.kind == "code" and m.raw == "0631—8451391"


def test_row_label_marker_inside_brackets_is_enum() -> None:
    assert not any(m.checkable for m in extract_numbers("表三「（三）不予公开 1.属于国家秘密」行"))


@pytest.mark.parametrize(
    "text",
    [
        "2021年度",
        "1-12月",
        "1至6月份",
        "上午8:30至12:00",
        "二〇二一年",
        # a PDF's text layer spaces and wraps dates and document numbers
        "统计期限为 2023\n年 1 月 1 日至 12 月 31 日",
        "（国办公开办函〔2021〕30 号）",
    ],
)
def test_dates_and_times_are_not_quantities(text: str) -> None:
    assert not any(m.checkable for m in extract_numbers(text))


def test_short_number_before_year_word_is_a_quantity() -> None:
    (m,) = extract_numbers("连续3年")
    assert m.checkable and m.value == 3
