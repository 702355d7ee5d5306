"""Roll-up of 1,000 generated unit reports (SPEC f): time and peak memory of check + sum + RU.

Run: `python -m bench rollup` (N via XXGK_BENCH_UNITS, default 1000).
"""

from __future__ import annotations

import os
import time
import tracemalloc

from assistant.checks.rollup import check_rollup, run_rollup
from assistant.report import Agency, Report
from assistant.report.rollup import RosterUnit, aggregate
from bench.bench_check import generate


def _units(n: int) -> list[Report]:
    out = []
    seed = 0
    while len(out) < n:
        r = generate(seed)
        seed += 1
        if r.format == "2021":  # one report year: the fmt2021 reports of the generator
            out.append(r)
    return out


def run() -> dict:
    n = int(os.environ.get("XXGK_BENCH_UNITS", "1000"))
    reports = _units(n)
    roster = [RosterUnit(r.agency.name, kind=r.agency.kind, level="county") for r in reports]
    files: list[tuple[str, Report | str]] = [(f"{i}.json", r) for i, r in enumerate(reports)]
    agency = Agency(name="测试县人民政府", kind="government", level="county")

    start = time.perf_counter()
    summed = aggregate(reports, year=2025)
    sum_s = time.perf_counter() - start

    start = time.perf_counter()
    rollup = run_rollup(roster, files, year=2025, agency=agency)
    result = check_rollup(rollup)
    total_s = time.perf_counter() - start
    # memory in a second run: tracing allocations slows the first one's timing
    tracemalloc.start()
    check_rollup(run_rollup(roster, files, year=2025, agency=agency))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert summed.report.value("apply.new.total") == rollup.aggregate.report.value(
        "apply.new.total"
    )
    assert not result.errors, [f.message for f in result.errors]

    figures = {
        "units": n,
        "sum_only_s": round(sum_s, 3),
        "check_units_sum_and_ru_s": round(total_s, 3),
        "peak_memory_mb": round(peak / 2**20, 1),
    }
    print(
        f"汇总 {n} 个单位：仅按格相加 {figures['sum_only_s']} 秒；逐一校验+相加+汇总校验 "
        f"{figures['check_units_sum_and_ru_s']} 秒；峰值内存 {figures['peak_memory_mb']} MB"
    )
    return figures
