"""The workspace: reports, versions, decisions (SQLite by default)."""

from __future__ import annotations
