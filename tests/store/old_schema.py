"""A workspace database as an older version of xxgk left it, for the migration tests."""

from __future__ import annotations

from typing import Any


def workspace_at(url: str, revision: str, *rows: tuple[str, dict[str, Any]]) -> None:
    """A database at an older schema `revision`, as a workspace of that time left it: one
    agency (id 1) and its 2025 report (id 1), then `rows` (SQL, parameters) in the same
    transaction. Opening it as a Workspace migrates it to the newest revision."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from assistant.store.engine import alembic_config

    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.execute(
            text(
                "INSERT INTO agencies (id, name, profile, version, updated_at, updated_by) "
                "VALUES (1, '某局', '{}', 1, '2026-01-01', 'x')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO reports (id, agency_id, year, format, data, version, created_at, "
                "updated_at, updated_by) VALUES (1, 1, 2025, '2021', '{}', 1, '2026-01-01', "
                "'2026-01-01', 'x')"
            )
        )
        for sql, params in rows:
            conn.execute(text(sql), params)
    engine.dispose()
