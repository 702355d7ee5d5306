"""Alembic environment: runs on the connection the workspace passes in (never reads a config)."""

from __future__ import annotations

from alembic import context

from assistant.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True
)
with context.begin_transaction():
    context.run_migrations()
