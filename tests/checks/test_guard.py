"""The guard flags every unsupported number, citation and article claim, and copied text."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.checks.guard import guard_text, known_articles
from assistant.config import shipped_dir
from assistant.ingest import read_report
from assistant.report import Cell, zero_report
from assistant.report.facts import build_ledger
from assistant.retrieval.hits import Hit

ARTICLES = known_articles(
    (shipped_dir("knowledge") / "official" / "tiaoli-2019.md").read_text(encoding="utf-8")
)
ART33 = Hit(
    "tiaoli:33",
    "tiaoli",
    "regulation",
    "中华人民共和国政府信息公开条例",
    "第三十三条 行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。",
    article="第三十三条",
)


@pytest.fixture
def ledger():  # type: ignore[no-untyped-def]
    r = zero_report(
        2025,
        "某局",
    ).with_cells(
        {
            "apply.new.total": Cell.of(12),
            "apply.res.total.total": Cell.of(12),
            "apply.res.granted.total": Cell.of(4),
            "active.admin_fees.amount_wan": Cell.of(Decimal("1.5")),
        }
    )
    prior = zero_report(2024).with_cells({"apply.new.total": Cell.of(8)})
    led = build_ledger(r, prior=prior, notes={"overview": "全年开展培训两次，参训60人次。"})
    led.profile["phone"] = "0631-8451234"
    return led


def test_known_articles_are_the_56_of_the_regulation() -> None:
    assert len(ARTICLES) == 56 and "第五十六条" in ARTICLES and "第五十七条" not in ARTICLES


@pytest.mark.parametrize(
    "text",
    [
        "本年度新收政府信息公开申请12件，比上年增加4件，增长50%。",
        "新收申请十二件，予以公开4件，占33.3%。",
        "行政事业性收费1.5万元，即15000元，合0.00015亿元。",
        "全年开展培训2次，参训60余人次。",
        "依据《条例》第三十三条[1]，于2025年12月31日前办结。电话0631-8451234。",
        "（一）主动公开\n1. 规范性文件0件。",
    ],
)
def test_supported_text_has_no_flags(ledger, text: str) -> None:  # type: ignore[no-untyped-def]
    assert guard_text(text, ledger, passages=[ART33], known_articles=ARTICLES) == []


def test_invented_number_is_flagged_with_position(ledger) -> None:  # type: ignore[no-untyped-def]
    text = "本年度新收申请12件，主动公开信息356条，培训三次。"
    flags = guard_text(text, ledger)
    assert [(f.kind, f.text) for f in flags] == [("number", "356条"), ("number", "三次")]
    assert text[flags[0].start : flags[0].end] == "356条"
    assert "找不到出处" in flags[0].message


@pytest.mark.parametrize(
    "text", ["新收申请12条。", "收费1.5元。", "予以公开比例为33%。，其中33.4%"]
)
def test_wrong_unit_or_rounding_is_flagged(ledger, text: str) -> None:  # type: ignore[no-untyped-def]
    kinds = [f.kind for f in guard_text(text, ledger)]
    assert "number" in kinds


def test_unresolved_fact_reference(ledger) -> None:  # type: ignore[no-untyped-def]
    (flag,) = guard_text("新收[[fact:apply.nope]]。", ledger)
    assert flag.kind == "fact_ref" and "apply.nope" in flag.message


def test_citation_must_point_to_a_retrieved_passage(ledger) -> None:  # type: ignore[no-untyped-def]
    flags = guard_text("按期答复[1]，规范办理[3]。", ledger, passages=[ART33])
    assert [(f.kind, f.text) for f in flags] == [("citation", "[3]")]


def test_article_must_exist_and_be_retrieved(ledger) -> None:  # type: ignore[no-untyped-def]
    text = "根据《条例》第六十条，依照《中华人民共和国政府信息公开条例》第四十二条。"
    flags = guard_text(text, ledger, passages=[ART33], known_articles=ARTICLES)
    assert [(f.kind, f.severity) for f in flags] == [("article", "error"), ("article", "warning")]
    assert "第六十条" in flags[0].message and "不在本稿检索到的资料中" in flags[1].message


def test_unknown_phone_is_flagged(ledger) -> None:  # type: ignore[no-untyped-def]
    (flag,) = guard_text("联系电话：0631-1234567。", ledger)
    assert flag.kind == "contact"


def test_similarity_to_last_year(ledger) -> None:  # type: ignore[no-untyped-def]
    prior = "一是政策解读形式较为单一；二是依申请公开答复文书有待规范。下一步将建立台账逐项整改。"
    flags = guard_text(prior, ledger, prior_text=prior)
    assert [(f.kind, f.severity) for f in flags] == [("similarity", "warning")]
    assert guard_text("本年度新增政务新媒体栏目，完善了答复模板。", ledger, prior_text=prior) == []


def test_agency_profile_text_is_not_a_claim(ledger) -> None:  # type: ignore[no-untyped-def]
    ledger.profile["address"] = "某某区龙山路52号"
    assert guard_text("通讯地址：某某区龙山路52号；电话：0631-8451234。", ledger) == []
    flags = guard_text("地址：某某区龙山路53号。", ledger)
    assert [(f.kind, f.text) for f in flags] == [("contact", "53")]


def test_what_an_opening_paragraph_holds_besides_figures_is_no_claim(ledger) -> None:  # type: ignore[no-untyped-def]
    assert ledger.profile.get("address") is None  # no address to compare with: not checked
    text = (
        "本报告包括总体情况、主动公开政府信息情况等六个部分（共6部分组成）。"
        "地址：某县人民路88号行政中心7号楼14层301室。"
    )
    assert guard_text(text, ledger) == []
    # but 部分公开 is a row of table 三, and a bare number elsewhere a claim
    assert [f.text for f in guard_text("其中5部分公开。", ledger)] != []


def test_numbers_quoted_from_retrieved_law_are_not_invented(ledger) -> None:  # type: ignore[no-untyped-def]
    law = Hit(
        "t33",
        "t",
        "regulation",
        "中华人民共和国政府信息公开条例",
        "应当自收到申请之日起20个工作日内予以答复",
        article="第三十三条",
    )
    text = "均在20个工作日内答复。"
    assert guard_text(text, ledger, passages=[law]) == []
    # the whole 条例 is checked, not only the retrieved articles
    assert guard_text(text, ledger) == []
    # a number no law states is a claim, whatever another agency's report says
    example = Hit("r", "r", "report", "某局报告", "答复25个工作日", agency="某局")
    assert [f.text for f in guard_text("均在25个工作日内答复。", ledger, passages=[example])] == [
        "25个工作日"
    ]


@pytest.mark.parametrize(
    "left",
    [
        "[[fact: apply.new.total]]",
        "[[新收申请]]",
        "[fact:apply.new.total]",
        "【【办结总数】】",
        "{{x}}",
    ],
)
def test_reference_syntax_left_in_the_text_is_flagged_and_blocks_the_final(ledger, left) -> None:  # type: ignore[no-untyped-def]
    from assistant.report import Section
    from assistant.usecases.publishing import untraced_numbers

    text = f"本年度新收申请{left}。"
    (flag,) = guard_text(text, ledger)
    assert flag.kind == "fact_ref" and flag.text == left and flag.severity == "error"
    report = zero_report(2025, "某局")
    report.sections["problems"] = Section(id="problems", text=text)
    assert [u.text for u in untraced_numbers(report, ledger)] == [left]


_PUBLISHED = sorted(
    p
    for folder in ("samples", "reports")
    for p in (Path(__file__).resolve().parents[1] / "data" / folder).iterdir()
    if p.suffix in (".html", ".txt", ".pdf", ".docx")
)


@pytest.mark.parametrize("path", _PUBLISHED, ids=lambda p: p.name)
def test_published_opening_paragraphs_pass_the_guard(path: Path) -> None:
    # real openings (documents cited, parts counted, the period, address, postcode, phone) as the
    # readers give them, from HTML, text, Word and a PDF's text layer: nothing to flag
    report = read_report(path)
    assert [
        (f.kind, f.text) for f in guard_text(report.text("preamble"), build_ledger(report))
    ] == []
