"""The workspace repository on SQLite and PostgreSQL: reports, changes, drafts, decisions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from assistant.config import load_settings
from assistant.errors import ConflictError, InputError, StoreError
from assistant.report import Agency, Cell, Report, Section, zero_report
from assistant.store import Workspace, backup, restore
from assistant.store.engine import DB_FILENAME, head_revision
from assistant.store.models import Base
from tests.store.old_schema import workspace_at


def _report(year: int = 2022, agency: str = "某市生态环境局") -> Report:
    r = zero_report(year, agency)
    r = r.model_copy(
        update={
            "agency": Agency(name=agency, kind="department", level="city", phone="0631-1234567")
        }
    )
    return r.with_cells(
        {
            "apply.new.natural_person": Cell.of(3),
            "apply.new.total": Cell.of(3),
            "active.admin_fees.amount_wan": Cell.of(Decimal("12.35")),
        }
    )


def test_schema_at_head_matches_the_models(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_report_round_trip_keeps_every_value(ws: Workspace) -> None:
    r = _report()
    r.sections["problems"] = Section(
        id="problems", heading="五、存在的主要问题及改进情况", text="一是……"
    )
    stored = ws.create_report(r, author="张三")
    loaded = ws.load_report(stored.id)
    assert loaded.version == 1 and loaded.updated_by == "张三"
    assert loaded.report == r
    assert loaded.report.value("active.admin_fees.amount_wan") == Decimal("12.35")
    assert ws.agency("某市生态环境局").phone == "0631-1234567"  # type: ignore[union-attr]
    assert [(s.agency, s.year, s.version) for s in ws.reports()] == [("某市生态环境局", 2022, 1)]
    assert ws.report_id("某市生态环境局", 2022) == stored.id
    assert ws.find_report("某市生态环境局", 2021) is None


def test_every_change_is_recorded_with_who_old_and_new(ws: Workspace) -> None:
    stored = ws.create_report(_report(), author="张三")
    edited = stored.report.with_cells(
        {"apply.new.natural_person": Cell.of(4), "apply.new.total": Cell(kind="blank")}
    )
    assert ws.save_report(stored.id, edited, expected_version=1, author="李四") == 2
    log = ws.changes(stored.id, "apply.new.natural_person")
    assert [(c.old, c.new, c.author, c.report_version) for c in log] == [
        (None, "3", "张三", 1),
        ("3", "4", "李四", 2),
    ]
    blank = ws.changes(stored.id, "apply.new.total")[-1]
    assert (blank.old, blank.new) == ("3", "（空白）")
    # saving the same data again writes nothing and keeps the version
    assert ws.save_report(stored.id, edited, expected_version=2, author="李四") == 2
    assert len(ws.changes(stored.id)) == len({c.field for c in ws.changes(stored.id)}) + 2


def test_stale_save_is_refused_with_a_chinese_message_and_nothing_is_lost(ws: Workspace) -> None:
    stored = ws.create_report(_report(), author="张三")
    first = stored.report.with_cells({"apply.new.natural_person": Cell.of(10)})
    second = stored.report.with_cells({"apply.new.natural_person": Cell.of(20)})
    ws.save_report(stored.id, first, expected_version=1, author="李四")
    with pytest.raises(ConflictError) as err:
        ws.save_report(stored.id, second, expected_version=1, author="王五")
    assert "李四" in err.value.message and "第2版" in err.value.message
    assert "第1版" in err.value.message and "重新打开" in err.value.message
    assert ws.load_report(stored.id).report.value("apply.new.natural_person") == 10


def test_a_report_belongs_to_one_agency_and_year(ws: Workspace) -> None:
    stored = ws.create_report(_report(), author="张三")
    with pytest.raises(StoreError, match="已有"):
        ws.create_report(_report(), author="李四")
    with pytest.raises(InputError, match="2023年度"):
        ws.save_report(stored.id, _report(2023), expected_version=1, author="李四")
    with pytest.raises(InputError, match="机关名称"):
        ws.create_report(zero_report(2022, ""), author="张三")
    with pytest.raises(InputError, match="report new"):
        ws.report_id("别的机关", 2022)


def test_drafts_are_an_append_only_history_with_authors_and_flags(ws: Workspace) -> None:
    rid = ws.create_report(_report(), author="张三").id
    v1 = ws.add_draft(rid, "overview", "初稿", author_kind="composer", author="", based_on=None)
    v2 = ws.add_draft(
        rid,
        "overview",
        "模型稿",
        author_kind="llm",
        author="张三",
        model="qwen2.5-7b-instruct",
        flags=[{"number": "62", "reason": "无出处"}],
        incomplete=True,
        based_on=1,
    )
    assert (v1.number, v1.parent, v2.number, v2.parent) == (1, None, 2, 1)
    assert v2.describe_author() == "大模型（qwen2.5-7b-instruct） 张三"
    with pytest.raises(ConflictError, match="第2版.*第1版"):
        ws.add_draft(
            rid, "overview", "基于旧版的修改", author_kind="person", author="李四", based_on=1
        )
    restored = ws.restore_draft(rid, "overview", 1, author="李四")
    history = ws.drafts(rid, "overview")
    assert [(d.number, d.parent, d.text) for d in history] == [
        (1, None, "初稿"),
        (2, 1, "模型稿"),
        (3, 2, "初稿"),
    ]
    assert history[1].flags == [{"number": "62", "reason": "无出处"}] and history[1].incomplete
    assert restored.author == "李四" and ws.draft(rid, "overview") == restored
    assert ws.drafts(rid, "problems") == []
    with pytest.raises(InputError, match="没有第9版"):
        ws.restore_draft(rid, "overview", 9, author="李四")
    with pytest.raises(InputError, match="部分"):
        ws.drafts(rid, "chapter7")


def test_notes_chat_decisions_and_exports(ws: Workspace, tmp_path: Path) -> None:
    rid = ws.create_report(_report(), author="张三").id
    ws.add_note(rid, "problems", "去年承诺的目录梳理已完成", author="张三")
    ws.add_chat(rid, "problems", "user", "写得具体一些", author="张三")
    ws.add_chat(rid, "problems", "assistant", "好的。")
    assert [n.text for n in ws.notes(rid, "problems")] == ["去年承诺的目录梳理已完成"]
    assert [(c.role, c.content) for c in ws.chat(rid, "problems")] == [
        ("user", "写得具体一些"),
        ("assistant", "好的。"),
    ]
    with pytest.raises(InputError, match="理由"):
        ws.decide(rid, "T3-01:apply.res.total", "dismiss", author="李四")
    ws.decide(rid, "T3-01:apply.res.total", "confirm", author="李四")
    ws.decide(rid, "T3-01:apply.res.total", "dismiss", reason="上年口径不同", author="王五")
    got = ws.decisions(rid)["T3-01:apply.res.total"]
    assert (got.decision, got.reason, got.author) == ("dismiss", "上年口径不同", "王五")
    ws.record_export(
        rid,
        format="docx",
        kind="正式稿",
        path=tmp_path / "a.docx",
        author="张三",
        overrides=["NAR-03 已人工核对"],
    )
    [e] = ws.exports(rid)
    assert (e.format, e.kind, e.overrides, e.path) == (
        "docx",
        "正式稿",
        ["NAR-03 已人工核对"],
        str(tmp_path / "a.docx"),
    )


def test_backup_and_restore_round_trip(ws: Workspace, tmp_path: Path) -> None:
    stored = ws.create_report(_report(), author="张三")
    ws.add_draft(stored.id, "overview", "初稿", author_kind="person", author="张三")
    ws.decide(stored.id, "fp1", "confirm", author="张三")
    counts = backup(ws, tmp_path / "ws.json.gz")
    assert counts["reports"] == 1 and counts["drafts"] == 1
    # later work, then restore: the workspace returns to the backup exactly
    ws.save_report(
        stored.id,
        stored.report.with_cells({"apply.new.total": Cell.of(99)}),
        expected_version=1,
        author="李四",
    )
    ws.create_report(_report(2023), author="李四")
    restore(ws, tmp_path / "ws.json.gz")
    assert [(s.year, s.version) for s in ws.reports()] == [(2022, 1)]
    assert ws.load_report(stored.id).report == stored.report
    assert [d.text for d in ws.drafts(stored.id, "overview")] == ["初稿"]
    # ids continue after the restored ones (PostgreSQL sequences are moved on)
    ws.add_draft(stored.id, "overview", "二稿", author_kind="person", author="张三")
    assert ws.create_report(_report(2024), author="张三").id > stored.id


def test_default_workspace_is_sqlite_in_wal_mode_in_the_home_folder(tmp_path: Path) -> None:
    settings = load_settings()
    with Workspace.open(settings) as ws:
        ws.create_report(_report(), author="张三")
        with ws.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert (Path(settings.paths.home) / DB_FILENAME).is_file()
    with Workspace.open(settings) as again:  # reopening does not migrate or lose anything
        assert len(again.reports()) == 1


def test_bad_database_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="XXGK_DATABASE_URL"):
        Workspace("nosuchdb://x")


def test_writing_to_a_missing_report_is_refused_cleanly(ws: Workspace) -> None:
    with pytest.raises(StoreError, match="没有写入任何内容"):
        ws.add_note(999, "overview", "备注", author="张三")
    with pytest.raises(InputError, match="999"):
        ws.load_report(999)


def test_chat_turns_keep_their_kind_sources_and_version(ws: Workspace) -> None:
    stored = ws.create_report(_report(), author="张三")
    ws.add_chat(stored.id, "problems", "user", "去年写了哪些问题？", author="张三", kind="question")
    source = {"n": 1, "kind": "prior", "label": "上年报告", "text": "一是……"}
    ws.add_chat(stored.id, "problems", "assistant", "三个[1]。", kind="answer", sources=[source])
    ws.add_chat(stored.id, "problems", "assistant", "第2版", kind="version", draft_number=2)
    kinds = [(e.kind, e.sources, e.draft_number) for e in ws.chat(stored.id, "problems")]
    assert kinds == [("question", None, None), ("answer", [source], None), ("version", None, 2)]


def test_a_workspace_of_the_first_schema_keeps_its_chat(tmp_path: Path) -> None:
    """Migration 0002 on a database written before chat turns had kinds."""
    from assistant.store.engine import sqlite_url

    url = sqlite_url(tmp_path)
    chat = (
        "INSERT INTO chat_messages (report_id, section, role, content, author, at) "
        "VALUES (1, 'problems', 'user', '改短一些', 'x', '2026-01-01')"
    )
    workspace_at(url, "0001", (chat, {}))
    with Workspace(url) as ws:
        (entry,) = ws.chat(1, "problems")
        assert (entry.content, entry.kind, entry.sources) == ("改短一些", "message", None)
