"""Restore refuses every invalid backup before touching the workspace (issue 16 item 9)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.config import LimitSettings
from assistant.errors import InputError, LimitError
from assistant.report import zero_report
from assistant.store import Workspace, backup, restore
from assistant.store.backup import _checksum


def _state(ws: Workspace) -> list[tuple[int, int, str]]:
    return [(s.year, s.version, s.agency) for s in ws.reports()]


@pytest.fixture
def saved(ws: Workspace, tmp_path: Path) -> dict[str, Any]:
    """A workspace with one report and a draft, and a valid backup of it, as a dict."""
    stored = ws.create_report(zero_report(2025, "某县统计局"), author="张三")
    ws.add_draft(stored.id, "overview", "初稿", author_kind="person", author="张三")
    ws.add_note(stored.id, "overview", "备注", author="张三")
    backup(ws, tmp_path / "ws.json.gz")
    doc: dict[str, Any] = json.loads(gzip.decompress((tmp_path / "ws.json.gz").read_bytes()))
    ws.create_report(zero_report(2024, "某县统计局"), author="张三")  # later work
    return doc


def _write(path: Path, doc: dict[str, Any], *, reseal: bool = True) -> Path:
    if reseal:  # a careful forger recomputes the checksum: the record checks must still refuse
        doc["checksum"] = _checksum(doc["tables"])
    path.write_bytes(gzip.compress(json.dumps(doc, ensure_ascii=False).encode("utf-8")))
    return path


def _report_row(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["tables"]["reports"][0]


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "version not an integer": (lambda d: _report_row(d).update(version="abc"), "version"),
    "year in Chinese numerals": (lambda d: _report_row(d).update(year="二〇二五"), "year"),
    "report data not a report": (
        lambda d: _report_row(d)["data"].update(year="二〇二五"),
        "不是有效的报告",
    ),
    "row year differs from its data": (lambda d: _report_row(d).update(year=2023), "不一致"),
    "reports not a list": (lambda d: d["tables"].update(reports={"id": 1}), "不是记录列表"),
    "a record not a mapping": (lambda d: d["tables"].update(reports=[[1, 2]]), "字段: 值"),
    "missing column": (lambda d: _report_row(d).pop("data"), "data"),
    "unknown table": (lambda d: d["tables"].update(users=[]), "users"),
    "dangling foreign key": (
        lambda d: d["tables"]["drafts"][0].update(report_id=99),
        "不存在",
    ),
    "bad author kind": (lambda d: d["tables"]["drafts"][0].update(author_kind="x"), "author_kind"),
    "note digest not its text's": (
        lambda d: d["tables"]["notes"][0].update(text="另一条备注"),
        "摘要与备注文字不符",
    ),
    "date not a date": (lambda d: _report_row(d).update(updated_at="昨天"), "updated_at"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_restore_refuses_each_invalid_record(
    ws: Workspace, saved: dict[str, Any], tmp_path: Path, name: str
) -> None:
    edit, words = EDITS[name]
    edit(saved)
    before = _state(ws)
    with pytest.raises(InputError, match="工作区保持原样") as caught:
        restore(ws, _write(tmp_path / "bad.json.gz", saved))
    assert words in caught.value.message
    assert _state(ws) == before


def test_a_tampered_value_is_refused_by_the_checksum(
    ws: Workspace, saved: dict[str, Any], tmp_path: Path
) -> None:
    _report_row(saved)["updated_by"] = "李四"  # a valid value, but not the one backed up
    before = _state(ws)
    with pytest.raises(InputError, match="校验和"):
        restore(ws, _write(tmp_path / "bad.json.gz", saved, reseal=False))
    assert _state(ws) == before


def test_plain_json_old_versions_and_other_files_are_refused(
    ws: Workspace, saved: dict[str, Any], tmp_path: Path
) -> None:
    before = _state(ws)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="gzip"):
        restore(ws, plain)
    old = dict(saved)
    old.pop("version")
    with pytest.raises(InputError, match="格式版本"):
        restore(ws, _write(tmp_path / "old.json.gz", old))
    (tmp_path / "other.gz").write_bytes(gzip.compress(b"[1, 2]"))
    with pytest.raises(InputError, match="不是 xxgk 的工作区备份"):
        restore(ws, tmp_path / "other.gz")
    (tmp_path / "cut.gz").write_bytes((tmp_path / "ws.json.gz").read_bytes()[:-40])
    with pytest.raises(InputError, match="无法解析"):
        restore(ws, tmp_path / "cut.gz")
    assert _state(ws) == before


def test_a_gzip_bomb_is_refused_before_it_is_unpacked(ws: Workspace, tmp_path: Path) -> None:
    ws.create_report(zero_report(2025, "某县统计局"), author="张三")
    before = _state(ws)
    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb") as fh:  # 64 MB of spaces: 64 KB on disk
        for _ in range(64):
            fh.write(b" " * (1 << 20))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(LimitError, match="解压后超过上限 8 MB") as caught:
        restore(ws, bomb, limits=LimitSettings(unzipped_mb=8))
    assert caught.value.limit == "unzipped_mb"
    assert _state(ws) == before


def test_a_valid_backup_restores(ws: Workspace, saved: dict[str, Any], tmp_path: Path) -> None:
    counts = restore(ws, tmp_path / "ws.json.gz")
    assert counts["reports"] == 1 and counts["drafts"] == 1
    assert _state(ws) == [(2025, 1, "某县统计局")]
    assert gzip.decompress((tmp_path / "ws.json.gz").read_bytes())  # always gzip


def _old_backup(url: str, revision: str, path: Path) -> Path:
    """The backup file xxgk of schema `revision` wrote of the database at `url`."""
    from sqlalchemy import MetaData, create_engine, select

    from assistant.store.backup import MAGIC, VERSION, _encode

    engine = create_engine(url)
    schema = MetaData()
    schema.reflect(engine)
    with engine.connect() as conn:
        tables = {
            t.name: [
                {k: _encode(v) for k, v in r.items()}
                for r in conn.execute(select(t).order_by(t.c.id)).mappings()
            ]
            for t in schema.sorted_tables
            if t.name != "alembic_version"
        }
    engine.dispose()
    doc = {"format": MAGIC, "version": VERSION, "schema": revision, "tables": tables}
    return _write(path, doc)


def test_a_backup_of_an_earlier_schema_is_upgraded_on_restore(
    ws: Workspace, tmp_path: Path
) -> None:
    """A backup written before notes had their unique key (schema 0003, with a note stored
    twice) restores into today's workspace: its rows are migrated as a workspace's are."""
    from assistant.store.engine import sqlite_url
    from tests.store.old_schema import workspace_at

    (tmp_path / "old").mkdir()
    url = sqlite_url(tmp_path / "old")
    report = zero_report(2025, "某局")
    note = (
        "INSERT INTO notes (report_id, section, text, author, at) "
        "VALUES (1, 'problems', :text, :author, '2026-01-02 08:00:00')"
    )
    workspace_at(
        url,
        "0003",
        ("UPDATE agencies SET profile = :p", {"p": report.agency.model_dump_json()}),
        ("UPDATE reports SET data = :d", {"d": report.model_dump_json()}),
        (note, {"text": "目录已梳理", "author": "张三"}),
        (note, {"text": "目录已梳理", "author": "李四"}),
        (note, {"text": "培训2次", "author": "李四"}),
    )
    path = _old_backup(url, "0003", tmp_path / "old.json.gz")
    restore(ws, path)
    assert [s.agency for s in ws.reports()] == ["某局"]
    assert ws.load_report(1).report == report
    assert [(n.text, n.author) for n in ws.notes(1)] == [
        ("目录已梳理", "张三"),
        ("培训2次", "李四"),
    ]
    assert ws.add_note(1, "problems", "目录已梳理", author="王五") is False

    newer = _old_backup(url, "9999", tmp_path / "newer.json.gz")
    with pytest.raises(InputError, match="不认识"):
        restore(ws, newer)
