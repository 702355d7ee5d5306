"""Every reader and data-file loader against generated hostile inputs (bombs, deep nesting, huge
numbers, truncated containers, random bytes, page images refused from their header), each case
bounded in time and memory: the readers run in worker processes under an address-space limit
(tests/support/fuzz_worker.py). Over 10,000 cases, and a quick run of a few dozen (to try a
change of the harness); both slow tier. Any traceback, MemoryError, case over its time or dead
worker fails the test, naming the file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support.hostile import hostile_cases

REPO = Path(__file__).resolve().parents[2]
BATCH_SECONDS = 900  # a whole worker's batch; each case has its own limit in the worker


def _run_batch(cases: list[tuple[str, str, str]], manifest: Path) -> dict[int, dict]:
    """Outcomes by case index; a worker that dies is restarted after the case it was on."""
    manifest.write_text(json.dumps([[p, loader] for p, loader, _ in cases]), encoding="utf-8")
    results: dict[int, dict] = {}
    start = 0
    while start < len(cases):
        proc = subprocess.run(
            [sys.executable, "-m", "tests.support.fuzz_worker", str(manifest), str(start)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=BATCH_SECONDS,
            check=False,
        )
        last = start - 1
        for line in proc.stdout.splitlines():
            row = json.loads(line)
            last = row["i"]
            if "outcome" in row:
                results[row["i"]] = row
        if last >= start and last not in results:  # died on this case
            results[last] = {
                "i": last,
                "outcome": "limit",
                "detail": f"worker died (exit {proc.returncode}): {proc.stderr[-500:]}",
            }
        if proc.returncode != 0 and last < start:
            pytest.fail(f"the fuzz worker did not start: {proc.stderr[-2000:]}")
        start = max(last + 1, start + 1) if proc.returncode != 0 else len(cases)
    return results


def _fuzz(tmp_path: Path, total: int, workers: int, *, bombs: bool) -> Counter[str]:
    (tmp_path / "cases").mkdir()
    cases = hostile_cases(tmp_path / "cases", total, bombs=bombs)
    chunks = [cases[w::workers] for w in range(workers)]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        outcomes = list(
            pool.map(
                lambda w: _run_batch(chunks[w], tmp_path / f"manifest-{w}.json"), range(workers)
            )
        )
    bad = []
    seen: Counter[str] = Counter()
    for chunk, results in zip(chunks, outcomes, strict=True):
        assert len(results) == len(chunk), "every case has an outcome"
        for i, (path, loader, kind) in enumerate(chunk):
            row = results[i]
            seen[row["outcome"]] += 1
            seen[f"kind:{kind.split('-')[0]}"] += 1
            if row["outcome"] in ("traceback", "limit"):
                bad.append(f"{Path(path).name} ({loader}): {row['outcome']}: {row['detail']}")
    assert not bad, f"{len(bad)} of {len(cases)} cases failed:\n" + "\n".join(bad[:20])
    return seen


@pytest.mark.slow
def test_a_few_hostile_cases_of_each_kind(tmp_path: Path) -> None:
    seen = _fuzz(tmp_path, 60, workers=1, bombs=False)  # bombs: test_limits.py, slow tier
    assert seen["refused"] > 30 and seen["traceback"] == seen["limit"] == 0


@pytest.mark.slow
def test_ten_thousand_hostile_cases(tmp_path: Path) -> None:
    seen = _fuzz(tmp_path, 10_200, workers=2, bombs=True)
    assert seen["ok"] + seen["refused"] >= 10_000
    assert seen["kind:laughs"] > 100 and seen["kind:deep"] > 100 and seen["kind:truncated"] > 500
    assert seen["kind:image"] > 100
