"""Opening the workspace database: SQLite (WAL) by default or PostgreSQL, migrated at open."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from assistant.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "xxgk.sqlite3"
WRITE = "xxgk_write"  # execution option: this transaction will write
BUSY_TIMEOUT_MS = 15000


def sqlite_url(home: Path) -> str:
    return f"sqlite:///{(home / DB_FILENAME).resolve()}"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit at the driver level so that we issue BEGIN ourselves (below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL: a committed save survives a power cut too, not only a killed process.
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock at BEGIN: two writers queue on busy_timeout instead of
        # one failing with "database is locked" when it upgrades a read lock mid-transaction.
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_workspace_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite set up for WAL, durability and queued writers."""
    try:
        parsed = make_url(url)
        if parsed.drivername in ("postgresql", "postgres"):
            # psycopg (v3) is the driver we ship with; SQLAlchemy's default would be psycopg2
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(
            f"工作区数据库地址“{_safe(url)}”无法使用：{exc}。请检查 XXGK_DATABASE_URL。"
        ) from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "（无法解析的地址）"


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; one transaction, safe with concurrent openers."""
    head = head_revision()
    try:
        with engine.connect() as conn:
            if current_revision(conn) == head:
                return
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                # Two processes opening a new database at once: the second waits, then sees head.
                conn.execute(text("SELECT pg_advisory_xact_lock(7761)"))
            if current_revision(conn) == head:
                return
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            log.info("migrating the workspace schema to %s", head)
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StoreError(
            f"无法打开工作区数据库（{_safe(str(engine.url))}）：{exc.orig}。"
            "请确认目录可写、数据库服务已启动，或稍后重试。"
        ) from exc


def dialect_insert(session: Session, model: Any) -> Any:
    """INSERT in this database's dialect, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    module = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        raise StoreError(f"工作区数据库类型 {dialect} 不受支持：请使用 SQLite 或 PostgreSQL。")
    return module.insert(model)


def insert_unless_present(
    session: Session, model: Any, row: dict[str, Any], key: tuple[str, ...]
) -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING: a row that another transaction stored first
    (committed, or committing while this one waits on the key) is skipped, not an error.
    Returns whether the row was inserted."""
    insert = dialect_insert(session, model).values(row)
    insert = insert.on_conflict_do_nothing(index_elements=list(key))
    conn = session.connection()
    if conn.dialect.insert_returning:
        id_columns = model.__table__.primary_key.columns
        return conn.execute(insert.returning(*id_columns)).first() is not None
    # SQLite before 3.35 has ON CONFLICT (3.24) but no RETURNING; there rowcount tells
    # (psycopg reports -1 for it, hence RETURNING wherever it exists)
    return bool(conn.execute(insert).rowcount == 1)
