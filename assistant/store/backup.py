"""Backup and restore of a whole workspace as one portable gzip'd JSON file (SQLite ↔ PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, MetaData, Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from assistant.config import LimitSettings
from assistant.errors import InputError, StoreError
from assistant.limits import DEFAULT_LIMITS, check_json_text, check_size, gunzip
from assistant.store.backup_check import check_records
from assistant.store.engine import (
    WRITE,
    alembic_config,
    create_workspace_engine,
    current_revision,
    head_revision,
    migrate,
    sqlite_url,
)
from assistant.store.models import TABLES_IN_ORDER, OfficeSettingRow
from assistant.store.office_settings import SECRET_SETTINGS
from assistant.store.workspace import Workspace

MAGIC = "xxgk-workspace-backup"
VERSION = 2  # 2: always gzip, with a checksum of the tables; 1 (unversioned) is refused


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _checksum(tables: Any) -> str:
    """sha256 of the tables in one canonical spelling, so any changed value is noticed."""
    canonical = json.dumps(tables, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _secret(table: str, row: Any) -> bool:
    """The office's model key stays in the workspace: a backup file is copied and handed
    around, a key is not (after a restore, the office enters it again)."""
    return table == "office_settings" and row["name"] in SECRET_SETTINGS


def _dump(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as JSON values, but the secrets."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES_IN_ORDER:
        rows = conn.execute(select(table).order_by(table.c.id)).mappings()
        tables[table.name] = [
            {k: _encode(v) for k, v in r.items()} for r in rows if not _secret(table.name, r)
        ]
    return tables


def backup(ws: Workspace, path: Path) -> dict[str, int]:
    """Write every row of every table to `path` as gzip'd JSON, from one snapshot, with the
    format version and a checksum of the tables. The office's model key is left out.

    The file is written beside the target first and renamed, so a failed backup never leaves a
    half-written file under the name the user gave.
    """
    with ws.engine.connect() as conn, conn.begin():
        revision = current_revision(conn)
        tables = _dump(conn)
    counts = {name: len(rows) for name, rows in tables.items()}
    doc = {
        "format": MAGIC,
        "version": VERSION,
        "schema": revision,
        "written_at": dt.datetime.now(dt.UTC).isoformat(),
        "checksum": _checksum(tables),
        "tables": tables,
    }
    tmp = path.with_name(path.name + ".part")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"无法写入备份文件 {path}：{exc.strerror}。请换一个可写的位置。") from exc
    return counts


def _refuse(path: Path, why: str) -> InputError:
    return InputError(f"备份文件 {path.name} {why}，恢复没有进行，工作区保持原样。", source=path)


def read_backup(path: Path, limits: LimitSettings = DEFAULT_LIMITS) -> dict[str, Any]:
    """The backup document, checked (format, version, schema, checksum, every record); raises
    InputError (LimitError beyond the limits) without touching any workspace."""
    check_size(path, "backup", limits)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取备份文件 {path}：{exc.strerror}。", source=path) from exc
    try:
        if raw[:2] != b"\x1f\x8b":
            raise _refuse(path, "不是 gzip 压缩的 xxgk 工作区备份（应由 xxgk backup 生成）")
        text = gunzip(raw, path.name, limits)
        check_json_text(text, path.name, limits)
        doc = json.loads(text.decode("utf-8"))
    except (ValueError, EOFError, zlib.error) as exc:
        raise InputError(
            f"{path.name} 不是 xxgk 的工作区备份文件（内容无法解析）。"
            "请选择由 xxgk backup 生成的文件。",
            source=path,
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != MAGIC:
        raise InputError(
            f"{path.name} 不是 xxgk 的工作区备份文件。请选择由 xxgk backup 生成的文件。",
            source=path,
        )
    if doc.get("version") != VERSION:
        raise _refuse(
            path,
            f"的格式版本为 {doc.get('version', '1（早期）')!s:.20}，本程序只恢复第 {VERSION} 版"
            f"（带校验和）的备份；请用生成它的 xxgk 版本恢复",
        )
    if doc.get("schema") not in _revisions():
        raise InputError(
            f"{path.name} 的数据结构版本为 {doc.get('schema')!s:.40}，本程序为 "
            f"{head_revision()}，不认识它（可能来自更新版本的 xxgk）。请用相同或更新版本的 xxgk 恢复。",
            source=path,
        )
    if doc.get("checksum") != _checksum(doc.get("tables")):
        raise _refuse(path, "的校验和与内容不符（文件被改动或已损坏）")
    if doc["schema"] != head_revision():
        doc = dict(doc, schema=head_revision(), tables=_upgraded(doc, path))
    check_records(doc.get("tables"), path)
    return doc


def _revisions() -> set[str]:
    """The schema revisions this program can read a backup of: its own and every earlier one."""
    return {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _upgraded(doc: dict[str, Any], path: Path) -> dict[str, list[dict[str, Any]]]:
    """The tables of a backup of an earlier schema, brought to this one the way a workspace is
    upgraded: the rows go into a scratch SQLite database at the backup's revision, the
    migrations run (notes stored twice are merged, …), and the rows are read back; they are
    then checked like those of any backup. The workspace is not touched."""
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise _refuse(path, "缺少数据表")
    with tempfile.TemporaryDirectory(prefix="xxgk-restore-") as scratch:
        engine = create_workspace_engine(sqlite_url(Path(scratch)))
        try:
            with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, str(doc["schema"]))
                old = MetaData()
                old.reflect(conn)
                kept = {name for name in old.tables if name != "alembic_version"}
                unknown = sorted(set(tables) - kept)
                if unknown:
                    raise _refuse(path, f"含有不认识的数据表“{unknown[0]!s:.40}”")
                for table in (t for t in old.sorted_tables if t.name in kept):
                    rows = [_decoded(table, r) for r in tables.get(table.name, [])]
                    if rows:
                        conn.execute(insert(table), rows)
            migrate(engine)
            with engine.connect() as conn, conn.begin():
                return _dump(conn)
        except (
            StoreError,
            SQLAlchemyError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            raise _refuse(
                path,
                f"来自较早的版本（{doc['schema']!s:.20}），其内容无法升级（{type(exc).__name__}）",
            ) from exc
        finally:
            engine.dispose()


def _decoded(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    dates = {c.name for c in table.columns if isinstance(c.type, DateTime)}
    return {
        k: dt.datetime.fromisoformat(v) if k in dates and isinstance(v, str) else v
        for k, v in row.items()
    }


def is_empty(ws: Workspace) -> bool:
    with ws.engine.connect() as conn:
        return all(conn.scalar(select(func.count()).select_from(t)) == 0 for t in TABLES_IN_ORDER)


def restore(ws: Workspace, path: Path, *, limits: LimitSettings = DEFAULT_LIMITS) -> dict[str, int]:
    """Replace the whole workspace by the backup, in one transaction: all of it or nothing
    (but the office's model key, which no backup holds: the workspace keeps its own).
    Every record is checked against the models first (backup_check.py): a backup that would
    leave a report nobody can open is refused before the workspace is touched."""
    doc = read_backup(path, limits)
    counts: dict[str, int] = {}
    try:
        with ws.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                # the office's key is in no backup: the workspace keeps its own (it applies only
                # to the endpoint it was given for, service.py)
                kept = [
                    {k: v for k, v in r.items() if k != "id"}
                    for r in conn.execute(select(*OfficeSettingRow.__table__.columns)).mappings()
                    if _secret("office_settings", r)
                ]
                for table in reversed(TABLES_IN_ORDER):
                    conn.execute(delete(table))
                for table in TABLES_IN_ORDER:
                    rows = doc["tables"].get(table.name, [])
                    dates = [c.name for c in table.columns if isinstance(c.type, DateTime)]
                    for r in rows:
                        for name in dates:
                            if r.get(name) is not None:
                                r[name] = dt.datetime.fromisoformat(r[name])
                    if rows:
                        conn.execute(insert(table), rows)
                    counts[table.name] = len(rows)
                if conn.dialect.name == "postgresql":
                    # Explicit ids were inserted; move each id sequence past them.
                    for table in TABLES_IN_ORDER:
                        name = table.name
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                            )
                        )
                if kept:  # numbered after the restored rows
                    conn.execute(insert(OfficeSettingRow), kept)
    except OperationalError as exc:
        raise StoreError(
            f"工作区数据库暂时无法写入：{exc.orig}。恢复没有进行，请稍后重试。"
        ) from exc
    except (SQLAlchemyError, KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"备份文件 {path.name} 的内容不完整或已损坏，恢复没有进行，工作区保持原样。"
            f"（{type(exc).__name__}）",
            source=path,
        ) from exc
    return counts
