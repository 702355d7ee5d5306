"""Run benchmarks: `python -m bench` (all) or `python -m bench check parse` (some).

Each `bench/bench_<name>.py` defines `run() -> dict` that prints its figures and returns them;
this runner appends one JSON line per run to `bench/results/<name>.jsonl` (date, commit, machine,
figures), so the figures quoted in an issue note can be traced.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=False,
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def available() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"未知的基准：{', '.join(unknown)}。可用：{', '.join(available())}", file=sys.stderr)
        return 2
    (HERE / "results").mkdir(exist_ok=True)
    for name in names:
        print(f"== bench {name} ==", flush=True)
        module = importlib.import_module(f"bench.bench_{name}")
        figures = module.run()
        record = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "machine": _machine(),
            "figures": figures,
        }
        with (HERE / "results" / f"{name}.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
