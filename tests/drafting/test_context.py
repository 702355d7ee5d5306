"""Notes loading, section parsing and the context helpers that format prompt inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.drafting.context import format_passages, section_facts, substitute
from assistant.drafting.notes import load_notes, normalize_notes
from assistant.drafting.plan import parse_sections
from assistant.errors import InputError
from assistant.report import Cell, zero_report
from assistant.report.facts import build_ledger
from assistant.retrieval.hits import Hit


def test_notes_accept_chinese_and_english_keys(tmp_path: Path) -> None:
    path = tmp_path / "n.yaml"
    path.write_text(
        "一:\n  （五）监督保障: 培训2次\n  平台建设: 新增专栏\n六: 无\nproblems: 问题\n",
        encoding="utf-8",
    )
    notes = load_notes(path)
    assert notes["overview"] == {"监督保障": "培训2次", "政府信息公开平台建设": "新增专栏"}
    assert notes["other"] == {"": "无"} and notes["problems"] == {"": "问题"}


def test_bad_notes_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("七: 什么\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.yaml.*七"):
        load_notes(path)
    with pytest.raises(InputError):
        normalize_notes({"一": 3})


def test_parse_sections() -> None:
    assert parse_sections("all") == ["preamble", "overview", "problems", "other"]
    assert parse_sections("六，一") == ["overview", "other"]
    with pytest.raises(InputError, match="不认识"):
        parse_sections("七")


def test_substitute_and_section_facts() -> None:
    r = zero_report(2025).with_cells(
        {"apply.new.total": Cell.of(5), "fees.notices_count": Cell.of(0)}
    )
    ledger = build_ledger(r, notes={"other": {"_": "办理建议3件"}})
    assert (
        substitute("新收[[fact:apply.new.total]]，[[cell:apply.new.total]]，[[fact:x]]", ledger)
        == "新收5件，5件，[[fact:x]]"
    )
    other = [f.id for f in section_facts(ledger, "other")]
    assert "fees.notices_count" in other and "note.other._.1" in other
    overview = [f.id for f in section_facts(ledger, "overview")]
    assert overview[0] == "apply.new.total" and "fees.notices_count" not in overview


def test_passages_are_numbered_delimited_and_own_report_marked() -> None:
    own = Hit("r1", "r", "report", "某局2024年报告", "去年文字", year=2024, agency="某局")
    reg = Hit(
        "t33",
        "t",
        "regulation",
        "中华人民共和国政府信息公开条例",
        "第三十三条……",
        article="第三十三条",
    )
    text = format_passages([reg, own], agency="某局")
    assert text.startswith("<<<资料[1] 开始>>>\n来源：《中华人民共和国政府信息公开条例》第三十三条")
    assert "本机关上年报告（请勿照抄）" in text and text.endswith("<<<资料[2] 结束>>>")


def test_unit_written_after_a_reference_is_not_doubled() -> None:
    ledger = build_ledger(zero_report(2025).with_cells({"apply.new.total": Cell.of(5)}))
    assert (
        substitute("新收[[fact:apply.new.total]]件，[[fact:apply.new.total]]次", ledger)
        == "新收5件，5件次"
    )
