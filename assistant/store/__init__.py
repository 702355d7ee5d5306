"""The workspace: reports, versions, decisions (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from assistant.store.backup import backup, restore
from assistant.store.records import (
    Change,
    ChatEntry,
    ChatKind,
    Decision,
    DraftVersion,
    ExportRecord,
    Note,
    ReportSummary,
    StoredReport,
    section_label,
)
from assistant.store.workspace import HEAD, Workspace

__all__ = [
    "HEAD",
    "Change",
    "ChatEntry",
    "ChatKind",
    "Decision",
    "DraftVersion",
    "ExportRecord",
    "Note",
    "ReportSummary",
    "StoredReport",
    "Workspace",
    "backup",
    "restore",
    "section_label",
]
