"""Backup and restore of a whole workspace as one portable JSON file (SQLite ↔ PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, delete, func, insert, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from assistant.errors import InputError, StoreError
from assistant.store.engine import WRITE, current_revision, head_revision
from assistant.store.models import TABLES_IN_ORDER
from assistant.store.workspace import Workspace

MAGIC = "xxgk-workspace-backup"


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _open_write(path: Path) -> Any:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8")
    return path.open("w", encoding="utf-8")


def backup(ws: Workspace, path: Path) -> dict[str, int]:
    """Write every row of every table to `path` (gzip when it ends in .gz), from one snapshot.

    The file is written beside the target first and renamed, so a failed backup never leaves a
    half-written file under the name the user gave.
    """
    counts: dict[str, int] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    with ws.engine.connect() as conn, conn.begin():
        revision = current_revision(conn)
        for model in TABLES_IN_ORDER:
            table = model.__table__
            rows = conn.execute(select(table).order_by(table.c.id)).mappings()
            tables[table.name] = [{k: _encode(v) for k, v in r.items()} for r in rows]
            counts[table.name] = len(tables[table.name])
    doc = {
        "format": MAGIC,
        "schema": revision,
        "written_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": tables,
    }
    tmp = path.with_name(path.name + ".part")
    try:
        with _open_write(tmp) as fh:
            json.dump(doc, fh, ensure_ascii=False)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"无法写入备份文件 {path}：{exc.strerror}。请换一个可写的位置。") from exc
    return counts


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        doc = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise InputError(f"无法读取备份文件 {path}：{exc.strerror}。", source=path) from exc
    except (ValueError, EOFError) as exc:
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
    if doc.get("schema") != head_revision():
        raise InputError(
            f"{path.name} 的数据结构版本为 {doc.get('schema')}，本程序为 "
            f"{head_revision()}。请用相同版本的 xxgk 恢复。",
            source=path,
        )
    return doc


def is_empty(ws: Workspace) -> bool:
    with ws.engine.connect() as conn:
        return all(
            conn.scalar(select(func.count()).select_from(m.__table__)) == 0 for m in TABLES_IN_ORDER
        )


def restore(ws: Workspace, path: Path) -> dict[str, int]:
    """Replace the whole workspace by the backup, in one transaction: all of it or nothing."""
    doc = _read(path)
    counts: dict[str, int] = {}
    try:
        with ws.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                for model in reversed(TABLES_IN_ORDER):
                    conn.execute(delete(model.__table__))
                for model in TABLES_IN_ORDER:
                    table = model.__table__
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
                    for model in TABLES_IN_ORDER:
                        name = model.__table__.name
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                            )
                        )
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
