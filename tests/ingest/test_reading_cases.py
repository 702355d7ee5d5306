"""The shared reading cases (`../shared/cases/reading`): each a fictitious report reproducing one
way real published reports differ from the clean layout, with what a careful reader gets from it.
They are read from there, never copied into the project; all of them must hold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED

RUNNER = SHARED / "cases" / "reading" / "run"


@pytest.mark.slow
def test_every_reading_case_holds(tmp_path: Path) -> None:
    if not RUNNER.exists():
        pytest.skip(f"the shared reading cases are not here ({RUNNER.parent} is absent)")
    xxgk = Path(sys.executable).parent / "xxgk"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XXGK_")}
    env |= {"XXGK": str(xxgk), "XXGK_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, str(RUNNER)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=900,
    )
    lines = done.stdout.strip().splitlines()
    short = [line for line in lines if line.startswith("SHORT")]
    assert done.returncode == 0 and not short, "\n".join(short) or done.stderr[-2000:]
    held, total = lines[-1].split()[0].split("/")
    assert held == total and int(total) >= 47, lines[-1]
