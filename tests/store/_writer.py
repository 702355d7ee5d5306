"""A separate writer process for the durability and concurrency tests (run as a script).

python _writer.py loop URL REPORT_ID          save forever; print each committed count
python _writer.py race URL REPORT_ID VALUE GO  load, say "loaded", wait for GO, save VALUE
python _writer.py open URL YEAR GO             wait for GO, open (migrating), create a report
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.errors import ConflictError
from assistant.report import Cell, zero_report
from assistant.store import Workspace

FIELD = "apply.new.natural_person"


def loop(url: str, rid: int) -> None:
    ws = Workspace(url)
    while True:
        st = ws.load_report(rid)
        n = int(st.report.value(FIELD) or 0) + 1
        ws.save_report(
            rid,
            st.report.with_cells({FIELD: Cell.of(n)}),
            expected_version=st.version,
            author="writer",
        )
        # a second table in its own transaction: drafts must never run ahead of the data
        ws.add_draft(rid, "overview", f"第{n}稿" * 50, author_kind="composer", author="writer")
        print(n, flush=True)


def race(url: str, rid: int, value: int, go: Path) -> None:
    ws = Workspace(url)
    st = ws.load_report(rid)
    print("loaded", st.version, flush=True)
    while not go.exists():
        time.sleep(0.005)
    try:
        version = ws.save_report(
            rid,
            st.report.with_cells({FIELD: Cell.of(value)}),
            expected_version=st.version,
            author=f"writer{value}",
        )
    except ConflictError as exc:
        print("conflict", exc.message, flush=True)
    else:
        print("saved", version, flush=True)


def open_and_create(url: str, year: int, go: Path) -> None:
    while not go.exists():
        time.sleep(0.005)
    with Workspace(url) as ws:
        ws.create_report(zero_report(year, "某局"), author=f"opener{year}")
    print("created", year, flush=True)


if __name__ == "__main__":
    mode, url, rid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "open":
        open_and_create(url, rid, Path(sys.argv[4]))
    elif mode == "loop":
        loop(url, rid)
    else:
        race(url, rid, int(sys.argv[4]), Path(sys.argv[5]))
