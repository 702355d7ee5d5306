"""Store fixtures: every store test runs on SQLite and, marked `postgres`, on a real PostgreSQL
server that this file starts from Debian's binaries in a temporary folder."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.store import Workspace


def _pg_bin() -> Path:
    """Debian's PostgreSQL programs (the newest installed), or XXGK_TEST_PG_BIN."""
    if os.environ.get("XXGK_TEST_PG_BIN"):
        return Path(os.environ["XXGK_TEST_PG_BIN"])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()
_db_names = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; in a root container run it as the `postgres` user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL on 127.0.0.1:<free port>; yields a URL without a database name."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg (v3) 未安装：pip install 'psycopg[binary]>=3.1,<4'")
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            f"找不到 PostgreSQL 程序 {PG_BIN}/initdb：请运行 scripts/system-deps 安装 postgresql"
        )
    root = Path(tempfile.mkdtemp(prefix="xxgk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    log = root / "server.log"
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off"
    started = subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        server_log = log.read_text(encoding="utf-8") if log.exists() else ""
        pytest.fail(f"PostgreSQL did not start: {started.stderr}\n{server_log}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def new_pg_database(server: str) -> str:
    """A fresh, empty database on the server; returns its URL."""
    import psycopg

    name = f"xxgk_test_{os.getpid()}_{next(_db_names)}"
    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture
def pg_database(pg_server: str) -> str:
    """The URL of a fresh database on the test server (for tests marked `postgres`)."""
    return new_pg_database(pg_server)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    return new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def ws(db_url: str) -> Iterator[Workspace]:
    workspace = Workspace(db_url)
    yield workspace
    workspace.close()
