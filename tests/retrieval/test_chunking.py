"""Chunking: 条例 by article, format notices by item, the fee measures, reports, guidance."""

from __future__ import annotations

from pathlib import Path

from assistant.config import shipped_dir
from assistant.report import Agency, Report
from assistant.report.model import Section
from assistant.retrieval.chunks import chunk_report, split_front_matter
from assistant.retrieval.corpus import chunk_document, shipped_documents
from assistant.retrieval.hanzi import to_simplified

KNOWLEDGE = shipped_dir("knowledge")


def _chunks(doc_id: str):
    doc = next(d for d in shipped_documents(KNOWLEDGE) if d.doc_id == doc_id)
    return {c.chunk_id: c for c in chunk_document(doc)}


def test_regulation_is_one_chunk_per_article_with_its_chapter() -> None:
    chunks = _chunks("tiaoli-2019")
    articles = [c for c in chunks.values() if c.article]
    assert len(articles) == 56
    art30 = chunks["tiaoli-2019#第三十条"]
    assert art30.article == "第三十条" and art30.chapter == "第四章　依申请公开"
    assert art30.text.startswith("第三十条") and art30.text.endswith("不再处理该政府信息公开申请。")
    # an article of several paragraphs and items stays whole, and no chapter heading leaks in
    art20 = chunks["tiaoli-2019#第二十条"]
    assert "(十五)" in art20.text and "第三章" not in art20.text
    assert chunks["tiaoli-2019#第二十一条"].chapter == "第三章　主动公开"


def test_format_notice_is_split_by_item_and_ignores_cross_references() -> None:
    chunks = _chunks("format-2021")
    items = [f"format-2021#一、报告内容（{n}）" for n in "一二三四五六"]
    assert all(i in chunks for i in items)
    # "第（五）项的行政许可数量、第（六）项…" inside item (二) is not an item of its own
    assert "第（六）项的行政处罚" in chunks["format-2021#一、报告内容（二）"].text
    assert chunks["format-2021#一、报告内容（五）"].text.startswith(
        "（五）政府信息公开工作存在的主要问题"
    )
    assert "1月31日" in chunks["format-2021#二、报告方式及时间（一）"].text
    assert chunks["format-2021#三、工作要求（四）"].format == "2021"
    assert "format-2019#二、有序衔接" in _chunks("format-2019")


def test_fee_measures_are_simplified_and_marked_partial() -> None:
    chunks = _chunks("fees-2020")
    art4 = chunks["fees-2020#第四条"]
    assert "100元/件" in art4.text and "按件计收" in art4.text and "計" not in art4.text
    assert art4.extra["partial"] == "true"
    assert any("40元/页" in c.text for c in chunks.values())
    assert not any("mirrored text ends here" in c.text for c in chunks.values())


def test_hanzi_conversion_touches_traditional_characters_only() -> None:
    assert to_simplified("政府信息公開信息處理費管理辦法") == "政府信息公开信息处理费管理办法"
    assert to_simplified("申请人逾期不补正") == "申请人逾期不补正"


def test_guidance_markdown_chunks_carry_their_section() -> None:
    chunks = _chunks("guide-overview")
    assert chunks["guide-overview#（二）依申请公开的写法"].section == "一.（二）"
    assert _chunks("guide-problems")["guide-problems#改进措施要有实效"].section == "五"


def _report() -> Report:
    overview = (
        "2023年，本局认真贯彻条例。\n（一）主动公开方面。全年主动公开信息120条。\n"
        "（二）依申请公开\n全年收到申请3件，均按时答复。\n"
    )
    long_problems = "。".join(f"一是问题{i}需要改进，栏目更新不够及时" for i in range(40)) + "。"
    return Report(
        agency=Agency(name="某市某局", kind="department"),
        year=2023,
        sections={
            "overview": Section(id="overview", heading="总体情况", text=overview),
            "apply": Section(id="apply", heading="收到和处理政府信息公开申请情况", text=""),
            "problems": Section(
                id="problems", heading="存在的主要问题及改进情况", text=long_problems
            ),
            "other": Section(
                id="other", heading="其他需要报告的事项", text="本年度未收取信息处理费。"
            ),
        },
    )


def test_report_is_split_by_section_and_subsection_with_metadata() -> None:
    chunks = {c.chunk_id: c for c in chunk_report("mj-2023", _report())}
    assert {
        "mj-2023#一",
        "mj-2023#一.（一）",
        "mj-2023#一.（二）",
        "mj-2023#五",
        "mj-2023#五/2",
        "mj-2023#六",
    } <= set(chunks)
    assert not any(cid.startswith("mj-2023#三") for cid in chunks)  # empty section: no chunk
    sub = chunks["mj-2023#一.（一）"]
    assert sub.text == "全年主动公开信息120条。"  # the run-in heading is not part of the text
    assert "（一）主动公开方面" in sub.context
    assert (sub.section, sub.year, sub.agency, sub.format) == (
        "一.（一）",
        2023,
        "某市某局",
        "2021",
    )
    assert sub.extra["agency_kind"] == "department"
    assert all(len(c.text) <= 440 for c in chunks.values())


def test_report_chunk_ids_are_stable() -> None:
    first = [c.chunk_id for c in chunk_report("mj-2023", _report())]
    assert first == [c.chunk_id for c in chunk_report("mj-2023", _report())]


def test_front_matter_accepts_plain_key_value_lines() -> None:
    meta, body = split_front_matter("---\ncompleteness: complete: all\ntitle: x\n---\n正文")
    assert meta == {"completeness": "complete: all", "title": "x"} and body == "正文"


def test_every_manifest_document_exists_and_has_a_licence_note() -> None:
    import yaml

    manifest = yaml.safe_load((KNOWLEDGE / "MANIFEST.yaml").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        assert (Path(KNOWLEDGE) / entry["path"]).is_file(), entry["path"]
        assert entry.get("licence") and entry.get("source"), entry["id"]
    fees = next(e for e in manifest["documents"] if e["id"] == "fees-2020")
    assert fees["partial"] is True


def test_report_citation_names_agency_and_year_once() -> None:
    from assistant.retrieval.hits import Hit

    named = Hit(
        "a#五",
        "a",
        "report",
        "平潭综合实验区2023年政府信息公开工作年度报告",
        "…",
        section="五",
        year=2023,
        agency="平潭综合实验区",
    )
    bare = Hit(
        "b#五",
        "b",
        "report",
        "政府信息公开工作年度报告",
        "…",
        section="五",
        year=2023,
        agency="某局",
    )
    assert named.citation() == "《平潭综合实验区2023年政府信息公开工作年度报告》五"
    assert bare.citation() == "某局2023年度《政府信息公开工作年度报告》五"


def test_shipped_samples_read_by_the_readers_chunk_like_the_fixtures() -> None:
    """The fixtures of data/ stand for the samples; the real readers must give the same ids."""
    from kb_support import report_fixtures

    for doc_id, fixture in report_fixtures():
        shipped = _chunks(doc_id)
        assert shipped, f"{doc_id}: the readers could not read the shipped sample"
        expected = {c.chunk_id for c in chunk_report(doc_id, fixture)} - {f"{doc_id}#引言"}
        assert expected <= set(shipped), sorted(expected - set(shipped))
        assert all(
            c.year == fixture.year and c.agency == fixture.agency.name for c in shipped.values()
        )


def test_question_preferences_and_fusion() -> None:
    from assistant.retrieval.ranking import factor, fuse, preferences

    prefer, topic = preferences("平潭2023年依申请公开情况", None, None, ["平潭综合实验区"])
    assert prefer == {"year": 2023, "agencies": ["平潭综合实验区"]} and topic == "依申请公开情况"
    report = {"kind": "report", "year": 2022, "agency": "平潭综合实验区"}
    assert factor(report | {"year": 2023}, prefer) > factor(report, prefer)
    assert factor({"kind": "format", "format": "2021"}, prefer) > factor(
        {"kind": "format", "format": "2019"}, prefer
    )
    assert preferences("第五部分写什么", None, None, [])[0] == {"section": "五"}
    articles = preferences("第五十条 年度报告 内容", None, None, [])[0]
    assert factor({"kind": "regulation", "article": "第五十条"}, articles) > factor(
        {"kind": "regulation", "article": "第五十二条"}, articles
    )
    # an explicit filter is not second-guessed, and a question of only a year keeps its words
    assert preferences("2023年", 2023, None, [])[0] == {}
    assert fuse([["a", "b"], ["b", "c"]])["b"] > fuse([["a", "b"], ["b", "c"]])["a"]


def test_passages_that_cite_an_article_bring_it_up() -> None:
    """A format notice or guide that says "根据《条例》第四十九条" lends the article part of its
    score; a report's boilerplate citation does not, nor an article the filters exclude."""
    from types import SimpleNamespace

    import numpy as np

    from assistant.retrieval.ranking import cited_articles, follow_citations

    regs = {"中华人民共和国政府信息公开条例": "tiaoli"}
    assert cited_articles(
        "根据《中华人民共和国政府信息公开条例》第四十九条的规定；依条例第三十条；《条例》第五十条",
        regs,
    ) == ["tiaoli#第四十九条", "tiaoli#第三十条", "tiaoli#第五十条"]
    assert cited_articles("《政府信息公开信息处理费管理办法》第三条", regs) == []
    two = regs | {"某省政府信息公开条例": "province"}
    assert cited_articles("依条例第三十条", two) == []  # which 条例? not a guess
    assert cited_articles("《某省政府信息公开条例》第三条", two) == ["province#第三条"]

    rows = [
        ("notice", {"kind": "format"}, "根据《中华人民共和国政府信息公开条例》第四十九条的规定"),
        (
            "report",
            {"kind": "report"},
            "根据《中华人民共和国政府信息公开条例》第五十条，编制本报告",
        ),
        ("guide", {"kind": "template"}, "申请内容不明确的，依条例第三十条一次性告知补正"),
        (
            "tiaoli#第四十九条",
            {"kind": "regulation", "title": "中华人民共和国政府信息公开条例"},
            "",
        ),
        ("tiaoli#第五十条", {"kind": "regulation"}, ""),
        ("tiaoli#第三十条", {"kind": "regulation"}, ""),
    ]
    arrays = SimpleNamespace(
        regulations=regs,
        position={cid: i for i, (cid, _, _) in enumerate(rows)},
        metas=[meta for _, meta, _ in rows],
        texts=[text for _, _, text in rows],
    )
    ranked = [(0.9, "notice"), (0.8, "report"), (0.5, "guide"), (0.3, "tiaoli#第三十条")]
    followed = follow_citations(ranked, arrays, None)  # type: ignore[arg-type]
    out = {cid: s for s, cid in followed}
    assert out["tiaoli#第四十九条"] == 0.45  # half the notice's score, added as a candidate
    # 0.3 + 0.25 would pass the guide that cites it: it stops at the guide's score, and goes first
    assert out["tiaoli#第三十条"] == 0.5
    assert [cid for _, cid in followed].index("tiaoli#第三十条") == 2
    assert "tiaoli#第五十条" not in out  # cited by a report only
    allowed = np.array([True, True, True, False, True, True])
    kept = [cid for _, cid in follow_citations(ranked, arrays, allowed)]  # type: ignore[arg-type]
    assert "tiaoli#第四十九条" not in kept
