"""One workspace database and its transactions: what every part of the workspace saves through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.errors import StoreError
from assistant.store.engine import WRITE, create_workspace_engine, migrate, sqlite_url


class Transactions:
    """The database of one workspace, migrated at open. Every public method of the workspace
    is one transaction of `_tx`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_workspace_engine(url)
        migrate(self.engine)

    @classmethod
    def open(cls, settings: Settings) -> Self:
        """The workspace of these settings: XXGK_DATABASE_URL, else SQLite in the home folder."""
        if settings.database_url:
            return cls(settings.database_url)
        home = Path(settings.paths.home)
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"无法创建工作区目录 {home}：{exc.strerror}。请检查 XXGK_HOME。"
            ) from exc
        return cls(sqlite_url(home))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Session]:
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(**{WRITE: True})
                with conn.begin(), Session(bind=conn, expire_on_commit=False) as session:
                    yield session
                    session.flush()
        except OperationalError as exc:
            raise StoreError(
                f"工作区数据库暂时无法读写：{exc.orig}。可能有其他人正在保存，请稍后重试。"
            ) from exc
        except DBAPIError as exc:  # a constraint the code above did not expect: nothing was saved
            raise StoreError(
                f"工作区数据库拒绝了这次保存（{type(exc.orig).__name__}），没有写入任何内容。"
                "请确认报告仍然存在，重新打开后再试。"
            ) from exc
