"""One note per click: the same text saved twice in a section is one note, also when two saves
run at once (a button and the blur that comes with it, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.report import zero_report
from assistant.store import Workspace
from tests.store.old_schema import workspace_at

ROUNDS = 12


def test_the_same_note_twice_is_kept_once(ws: Workspace) -> None:
    rid = ws.create_report(zero_report(2025, "某局"), author="setup").id
    assert ws.add_note(rid, "problems", "目录已梳理", author="张三") is True
    assert ws.add_note(rid, "problems", "目录已梳理", author="李四") is False
    assert ws.add_note(rid, "overview", "目录已梳理", author="张三") is True  # another section
    long = "很长的备注。" * 2000  # beyond what PostgreSQL can index as text
    assert ws.add_note(rid, "problems", long, author="张三") is True
    assert ws.add_note(rid, "problems", long, author="张三") is False
    assert [(n.text, n.author) for n in ws.notes(rid, "problems")] == [
        ("目录已梳理", "张三"),
        (long, "张三"),
    ]


def test_without_returning_the_skip_is_told_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite before 3.35 (an older system library) has ON CONFLICT but no RETURNING."""
    with Workspace(f"sqlite:///{tmp_path / 'ws.sqlite3'}") as ws:
        monkeypatch.setattr(ws.engine.dialect, "insert_returning", False)
        rid = ws.create_report(zero_report(2025, "某局"), author="setup").id
        assert ws.add_note(rid, "problems", "目录已梳理", author="张三") is True
        assert ws.add_note(rid, "problems", "目录已梳理", author="李四") is False
        assert len(ws.notes(rid)) == 1


def _save_at_once(writers: list[Workspace], rid: int, text: str) -> list[bool | BaseException]:
    """Each writer saves the note in its own thread, released together by a barrier."""
    gate = threading.Barrier(len(writers))
    outcomes: list[bool | BaseException] = []

    def save(w: Workspace) -> None:
        gate.wait()
        try:
            outcomes.append(w.add_note(rid, "problems", text, author="张三"))
        except BaseException as exc:  # reported by the test, with the round
            outcomes.append(exc)

    threads = [threading.Thread(target=save, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_two_saves_at_once_store_one_note(db_url: str) -> None:
    """Two writers, each with its own connections, save the same note at the same moment,
    ROUNDS times: each text is stored once and exactly one of the two is told it added it
    (before the unique key, PostgreSQL stored both in the first round)."""
    with Workspace(db_url) as setup:
        rid = setup.create_report(zero_report(2025, "某局"), author="setup").id
    writers = [Workspace(db_url), Workspace(db_url)]
    try:
        for w in writers:
            w.notes(rid)  # connect before the race
        for n in range(ROUNDS):
            outcomes = _save_at_once(writers, rid, f"第{n}条备注")
            assert sorted(outcomes, key=str) == [False, True], f"round {n}: {outcomes!r}"
        texts = [note.text for note in writers[0].notes(rid, "problems")]
        assert texts == [f"第{n}条备注" for n in range(ROUNDS)]
    finally:
        for w in writers:
            w.close()


def test_notes_stored_twice_before_the_key_are_merged_by_the_migration(db_url: str) -> None:
    """Migration 0004 on a workspace of revision 0003 that holds a note saved twice (the old
    dedupe raced on PostgreSQL): the first copy stays, with its author and time; the key holds."""
    insert = (
        "INSERT INTO notes (report_id, section, text, author, at) "
        "VALUES (1, :section, :text, :author, '2026-01-02')"
    )
    notes = [
        ("张三", "problems", "目录已梳理"),
        ("李四", "problems", "目录已梳理"),  # the same click's second save
        ("王五", "problems", "培训2次"),
        ("王五", "overview", "目录已梳理"),  # another section: a note of its own
        ("赵六", "problems", "目录已梳理"),
    ]
    workspace_at(
        db_url,
        "0003",
        *((insert, {"section": s, "text": t, "author": a}) for a, s, t in notes),
    )
    with Workspace(db_url) as ws:
        kept = [(n.section, n.text, n.author) for n in ws.notes(1)]
        assert kept == [
            ("problems", "目录已梳理", "张三"),
            ("problems", "培训2次", "王五"),
            ("overview", "目录已梳理", "王五"),
        ]
        assert ws.add_note(1, "problems", "目录已梳理", author="孙七") is False
        assert ws.add_note(1, "problems", "新的备注", author="孙七") is True
