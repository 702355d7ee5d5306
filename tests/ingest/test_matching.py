"""Labels, headings, alignment certainty and format detection, one behaviour per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_forms import AGENCY, flat_text, known_report

from assistant.checks import run_checks
from assistant.ingest import read_report
from assistant.ingest.blocks import Table, place_cells
from assistant.ingest.html import read_html
from assistant.ingest.labels import norm_label
from assistant.ingest.sections import match_heading, read_preamble
from assistant.ingest.tables import read_table
from assistant.report.layout import SECTION_IDS, load_layout
from assistant.report.model import IMAGE_TABLES


@pytest.mark.parametrize(
    ("printed", "official"),
    [
        ("商业\n企业", "商业企业"),
        ("3.危及‘三安全一稳定’", "3.危及“三安全一稳定”"),
        ('3、危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("１．属于国家秘密", "1.属于国家秘密"),
        (
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ),
        ("本年增／减", "本年增/减"),
    ],
)
def test_label_variants_normalise_alike(printed: str, official: str) -> None:
    assert norm_label(printed) == norm_label(official)


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("一、总体情况", "overview"),
        ("（二）主动公开政府信息情况", "active"),
        ("三．收到和处理政府信息公开申请情况", "apply"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review"),
        ("四、政府信息公开行政法复议、行政诉讼情况", "review"),  # a typo seen on 平潭 2022
        ("第五部分 存在的主要问题及改进措施", "problems"),
        ("六.其他事项", "other"),
        ("其他需要报告的事项", "other"),  # Word's automatic numbering is lost in .docx
    ],
)
def test_headings_in_any_numbering_style(line: str, section: str) -> None:
    h = match_heading(line)
    assert h is not None and h.section == section


@pytest.mark.parametrize(
    "line",
    [
        "（一）主动公开工作情况",
        "（二）依申请公开工作情况",
        "（五）监督保障情况",
        "本报告由总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况组成。",
    ],
)
def test_sub_headings_and_sentences_are_not_section_headings(line: str) -> None:
    assert match_heading(line) is None


def test_preamble_metadata() -> None:
    info = read_preamble(
        [
            "示例县交通运输局",
            "2024年政府信息公开工作年度报告",
            "根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式（试行）》，"
            "统计期限自2024年1月1日至2024年12月31日。联系电话：0531－12345678。",
        ]
    )
    assert (info.agency, info.year) == ("示例县交通运输局", 2024)
    assert [d.isoformat() for d in info.period or ()] == ["2024-01-01", "2024-12-31"]
    assert info.cites_regulation and info.notices == ["格式（试行）"]
    assert info.phone == "0531-12345678"


def test_old_tables_in_a_2022_report_are_detected_as_fmt2019(
    data_dir: Path, tmp_path: Path
) -> None:
    text = (data_dir / "samples" / "wendeng-gxj-2020.txt").read_text(encoding="utf-8")
    path = tmp_path / "stale.txt"
    path.write_text(
        text.replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告"),
        encoding="utf-8",
    )
    r = read_report(path)
    assert (r.year, r.format) == (2022, "2019")  # FMT-03 then fires on it


def _apply_html(second_row: str) -> str:
    return f"""<html><body><p>示例局2025年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>
    <table><tr><td rowspan=3 colspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
    <td colspan=7>申请人情况</td></tr>
    <tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>
    <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
    <tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>0</td>
    <td>0</td><td>0</td><td>6</td></tr>
    {second_row}</table></body></html>"""


def test_a_value_spanning_two_headed_columns_is_reported_not_guessed() -> None:
    row = (
        "<tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td colspan=2>3</td>"
        "<td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>"
    )
    r = read_html(_apply_html(row), source="page.html", format="2021")
    assert r.value("apply.new.natural_person") == 5 and r.value("apply.new.total") == 6
    assert "apply.carry_in.natural_person" not in r.cells
    assert "apply.carry_in.legal.commercial" not in r.cells
    assert r.value("apply.carry_in.total") == 3
    uncertain = {n.cell for n in r.notes if "跨了多列" in n.message}
    assert uncertain == {"apply.carry_in.natural_person", "apply.carry_in.legal.commercial"}


def test_header_positions_beat_counting_from_the_right() -> None:
    # Word's irregular grid: an extra empty cell after 自然人 in a data row
    row = (
        "<tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td>4</td><td></td><td>1</td>"
        "<td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr>"
    )
    html = _apply_html(row).replace(
        "<td rowspan=2>自然人</td>", "<td rowspan=2 colspan=2>自然人</td>"
    )
    html = html.replace("<td colspan=7>申请人情况</td>", "<td colspan=8>申请人情况</td>")
    html = html.replace("<td>5</td><td>1</td>", "<td>5</td><td></td><td>1</td>")
    r = read_html(html, source="page.html", format="2021")
    assert r.value("apply.carry_in.natural_person") == 4
    assert r.value("apply.carry_in.legal.commercial") == 1
    assert r.value("apply.carry_in.total") == 5
    assert not [n for n in r.notes if n.cell and n.cell.startswith("apply.carry_in")]


def test_flattened_row_with_a_missing_value_is_reported() -> None:
    spec = load_layout("2021").table("apply")
    table = Table.from_rows(
        [["一、本年新收政府信息公开申请数量", "1", "2", "3", "4", "5", "15"]], positional=False
    )
    read = read_table(table, spec)
    assert read.cells == {}
    warnings = [n for n in read.notes if n.level != "info"]
    assert len(warnings) == 7 and "读到6个值，应有7个" in warnings[0].message


def test_zero_blank_and_slash_stay_apart() -> None:
    rows = [
        [
            ("信息内容", 1, 1),
            ("本年制发件数", 1, 1),
            ("本年废止件数", 1, 1),
            ("现行有效件数", 1, 1),
        ],
        [("规章", 1, 1), ("0", 1, 1), ("", 1, 1), ("/", 1, 1)],
    ]
    read = read_table(Table(place_cells(rows)), load_layout("2021").table("active"))
    assert read.cells == {
        "active.rules.made": "0",
        "active.rules.repealed": "",
        "active.rules.valid": "/",
    }


def test_flat_text_fixture_is_the_form_of_the_sample() -> None:
    text = flat_text(known_report())
    assert "\t（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n" in text
    assert "\t\n\t\n\t2.其他法律行政法规禁止公开\n" in text


def test_tables_are_read_even_without_section_headings(data_dir: Path, tmp_path: Path) -> None:
    # a page whose headings are images or lost: the tables alone still give the cells
    html = (data_dir / "reports" / "known-2025-word.html").read_bytes().decode("gb18030")
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "一、总体情况",
    ):
        html = html.replace(heading, "")
    r = read_html(html, source="x.html")
    want = {k: c.value for k, c in known_report().cells.items()}
    assert {k: c.value for k, c in r.cells.items()} == want
    assert any("未找到第一、二、三、四部分的标题" in n.message for n in r.notes)


def test_a_table_split_across_pages_is_read_from_both_parts(data_dir: Path) -> None:
    # Word starts a new <table> after a page break; the second part has no header rows
    html = (data_dir / "reports" / "known-2025-word.html").read_bytes().decode("gb18030")
    start = html.rindex("<tr>", 0, html.index("4.保护第三方合法权益"))
    html = html[:start] + "</table><p>&nbsp;</p><table border='1'>" + html[start:]
    r = read_html(html, source="x.html")
    want = {k: c.value for k, c in known_report().cells.items()}
    assert {k: c.value for k, c in r.cells.items()} == want
    assert [n for n in r.notes if n.level != "info"] == []


def test_a_page_laid_out_in_a_table_is_read_as_text(data_dir: Path) -> None:
    # old portals put the whole article in a two-column layout table (sidebar | content)
    page = (data_dir / "reports" / "known-2025-word.html").read_bytes().decode("gb18030")
    body = page[page.index('<div class="article">') : page.index('<div class="footer">')]
    while "<table" in body:  # its tables published as images
        body = (
            body[: body.index("<table")] + "<img src='t.png'>" + body[body.index("</table>") + 8 :]
        )
    layout = (
        f"<html><body><table><tr><td>栏目导航</td><td>{body}</td></tr>"
        f"<tr><td>&nbsp;</td><td>&nbsp;</td></tr></table></body></html>"
    )
    r = read_html(layout, source="x.html")
    assert r.cells == {}
    assert set(r.sections) == set(SECTION_IDS) and r.agency.name == AGENCY
    pictured = [n.message for n in r.notes if "以图片发布" in n.message]
    assert len(pictured) == 3 and "未找到表二" in pictured[0] and "FMT-07" in pictured[0]
    assert all(n.location == IMAGE_TABLES for n in r.notes if "以图片发布" in n.message)
    [fmt07] = run_checks(r, only=["FMT-07"]).findings
    assert fmt07.status == "fail" and "图片" in fmt07.message
    assert "\x00" not in r.narrative
    assert r.text("other") == known_report().text("other")
