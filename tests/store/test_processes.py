"""Real processes: a writer killed with SIGKILL mid-save, and two writers racing on one report."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.report import zero_report
from assistant.store import Workspace

WRITER = Path(__file__).resolve().parent / "_writer.py"
FIELD = "apply.new.natural_person"


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.slow
def test_kill_9_while_saving_leaves_the_last_commit_intact(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ws.sqlite3'}"
    with Workspace(url) as ws:
        rid = ws.create_report(zero_report(2022, "某局"), author="setup").id
    rng = random.Random(6)
    last_printed, kills_mid_run = 0, 0
    for kills in range(1, 16):
        proc = _start("loop", url, str(rid))
        assert proc.stdout is not None
        # wait for its first commit (start-up time varies with the machine's load), then let it
        # save in its tight loop for a random moment before the kill
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the writer did not start saving within 60 s"
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.02, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err
        printed = [int(x) for x in (first + out).split()]
        kills_mid_run += bool(printed)
        last_printed = printed[-1] if printed else last_printed
        with Workspace(url) as ws:
            st = ws.load_report(rid)
            value = st.report.value(FIELD)
            # the save that was running may have committed just before its print: at most one
            assert value in (last_printed, last_printed + 1)
            # data, version and change log moved together (one transaction per save)
            assert st.version == value + 1
            assert len(ws.changes(rid, FIELD)) == st.version
            drafts = ws.drafts(rid, "overview")
            # a kill between the two transactions loses that one draft, never more
            assert value - kills <= len(drafts) <= value
            assert (
                not drafts
                or drafts[-1].text.startswith(f"第{value}稿")
                or drafts[-1].text.startswith(f"第{value - 1}稿")
            )
            assert [d.number for d in drafts] == list(range(1, len(drafts) + 1))
            with ws.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert kills_mid_run >= 10 and last_printed > 50  # the kills really hit a busy writer


def _race(url: str, rid: int, tmp_path: Path) -> tuple[list[str], list[str]]:
    go = tmp_path / "go"
    procs = [_start("race", url, str(rid), str(v), str(go)) for v in (111, 222)]
    for p in procs:  # both have loaded the same version before either saves
        assert p.stdout is not None
        assert p.stdout.readline().split() == ["loaded", "1"]
    go.touch()
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    return outs, [o.split()[0] for o in outs]


@pytest.mark.slow  # three interpreters started per case
def test_two_processes_saving_the_same_version_one_gets_a_conflict(
    db_url: str, tmp_path: Path
) -> None:
    with Workspace(db_url) as ws:
        rid = ws.create_report(zero_report(2022, "某局"), author="setup").id
    outs, kinds = _race(db_url, rid, tmp_path)
    assert sorted(kinds) == ["conflict", "saved"]
    winner = (111, 222)[kinds.index("saved")]
    message = outs[kinds.index("conflict")]
    assert f"writer{winner}" in message and "没有写入" in message and "重新打开" in message
    with Workspace(db_url) as ws:
        st = ws.load_report(rid)
        assert (st.version, st.report.value(FIELD), st.updated_by) == (2, winner, f"writer{winner}")
        assert [c.new for c in ws.changes(rid, FIELD)] == ["0", str(winner)]


@pytest.mark.slow  # three interpreters started per case
def test_processes_opening_a_new_database_at_once_all_succeed(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go-open"
    procs = [_start("open", db_url, str(year), str(go)) for year in (2021, 2022, 2023)]
    time.sleep(0.3)
    go.touch()
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    with Workspace(db_url) as ws:
        assert [s.year for s in ws.reports()] == [2021, 2022, 2023]
