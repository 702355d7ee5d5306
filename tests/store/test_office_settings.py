"""The office's settings kept in the workspace (保存为本单位设置 holds after a restart), and the
model key kept out of every backup."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.store import Workspace, backup, restore
from assistant.store.backup import _checksum

KEY = {"key": "sk-office-secret", "endpoint": "http://127.0.0.1:8001/v1"}


def test_settings_are_kept_until_removed(ws: Workspace, db_url: str) -> None:
    assert ws.office_settings() == {}
    ws.save_office_settings(
        {"llm.base_url": KEY["endpoint"], "llm.model": "m1", "llm.api_key": KEY}, author="管理员"
    )
    ws.save_office_settings({"llm.model": "m2"}, author="管理员")  # the rest stays
    with Workspace(db_url) as later:  # another connection, as after a restart
        assert later.office_settings() == {
            "llm.base_url": KEY["endpoint"],
            "llm.model": "m2",
            "llm.api_key": KEY,
        }
    ws.save_office_settings({"llm.api_key": None}, author="管理员")  # None: back to .env
    assert "llm.api_key" not in ws.office_settings()
    with pytest.raises(ValueError, match="office settings"):
        ws.save_office_settings({"llm.temperature": 2}, author="管理员")


def _tables(path: Path) -> dict[str, list[dict[str, object]]]:
    doc = json.loads(gzip.decompress(path.read_bytes()))
    return doc["tables"]  # type: ignore[no-any-return]


def test_a_backup_carries_no_key_and_a_restore_keeps_the_workspaces_own(
    ws: Workspace, tmp_path: Path
) -> None:
    """Decided: the key stays in the workspace it was saved in. A backup holds every other
    setting; a restore replaces them and keeps the key the workspace has (it applies only to
    the endpoint it was given for, so a restored endpoint elsewhere does not get it)."""
    ws.save_office_settings(
        {"llm.base_url": KEY["endpoint"], "llm.model": "m1", "llm.api_key": KEY}, author="管理员"
    )
    path = tmp_path / "ws.json.gz"
    backup(ws, path)
    assert b"sk-office-secret" not in gzip.decompress(path.read_bytes())
    assert [r["name"] for r in _tables(path)["office_settings"]] == ["llm.base_url", "llm.model"]
    ws.save_office_settings({"llm.model": "m2"}, author="管理员")
    restore(ws, path)
    assert ws.office_settings() == {
        "llm.base_url": KEY["endpoint"],
        "llm.model": "m1",
        "llm.api_key": KEY,
    }
    ws.save_office_settings({"llm.model": "m3"}, author="管理员")  # numbering still works


def test_a_backup_holding_a_key_is_refused(ws: Workspace, tmp_path: Path) -> None:
    ws.save_office_settings({"llm.base_url": KEY["endpoint"]}, author="管理员")
    path = tmp_path / "ws.json.gz"
    backup(ws, path)
    doc = json.loads(gzip.decompress(path.read_bytes()))
    row = dict(doc["tables"]["office_settings"][0], id=99, name="llm.api_key", value=KEY)
    doc["tables"]["office_settings"].append(row)
    doc["checksum"] = _checksum(doc["tables"])
    path.write_bytes(gzip.compress(json.dumps(doc, ensure_ascii=False).encode("utf-8")))
    with pytest.raises(InputError, match="工作区保持原样") as refused:
        restore(ws, path)
    assert "name" in refused.value.message
