"""Check throughput: `xxgk check` rules over 10,000 generated consistent reports (SPEC c).

Two figures: the rules alone on Reports in memory, and the data-file path a clerk uses
(read a check-JSON file with `read_report`, then check it). Target: ≥ 2,000 reports/s for
data-file input. Run: `python -m bench check` (N via XXGK_BENCH_REPORTS, default 10000).
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from assistant.checks import run_checks
from assistant.ingest import read_report
from assistant.report import Agency, Cell, Report, load_layout, zero_report
from assistant.report.dataschema import dump
from assistant.usecases.batch import run_batch

_KINDS = ("department", "government", "township")


def generate(seed: int) -> Report:
    """A random report of either format whose tables satisfy every identity."""
    rng = random.Random(seed)
    fmt = "2021" if rng.random() < 0.8 else "2019"
    year = 2025 if fmt == "2021" else 2020
    layout = load_layout(fmt)  # type: ignore[arg-type]
    t, rt = ("apply", "review") if fmt == "2021" else ("apply19", "review19")
    block = layout.table(t).blocks[0]
    parts = [c.id for c in block.columns if c.id != "total"]
    leaves = [r.id for r in block.rows if r.id.startswith("res.") and r.id != "res.total"]
    v: dict[str, int] = {}
    for col in parts:
        for row in leaves:
            v[f"{t}.{row}.{col}"] = rng.choice((0, 0, 0, 1, 2, 5))
        done = sum(v[f"{t}.{row}.{col}"] for row in leaves)
        carry_out = rng.randint(0, 3)
        carry_in = rng.randint(0, min(3, done + carry_out))
        v |= {
            f"{t}.res.total.{col}": done,
            f"{t}.carry_out.{col}": carry_out,
            f"{t}.carry_in.{col}": carry_in,
            f"{t}.new.{col}": done + carry_out - carry_in,
        }
    for row in block.rows:
        v[f"{t}.{row.id}.total"] = sum(v[f"{t}.{row.id}.{c}"] for c in parts)
    for group in ("admin_review", "litigation_direct", "litigation_after_review"):
        counts = [rng.randint(0, 2) for _ in range(4)]
        for name, n in zip(("upheld", "corrected", "other", "pending"), counts, strict=True):
            v[f"{rt}.{group}.{name}"] = n
        v[f"{rt}.{group}.total"] = sum(counts)
    active = layout.table_for_section("active")
    assert active is not None
    for spec in active.cells:
        v[spec.id] = rng.randint(-3, 3) if spec.type == "sint" else rng.randint(0, 50)
    report = zero_report(year, f"测试县第{seed}局", format=fmt)  # type: ignore[arg-type]
    report = report.with_cells({k: Cell.of(n) for k, n in v.items()})
    kind = rng.choice(_KINDS)
    return report.model_copy(
        update={"agency": Agency(name=report.agency.name, kind=kind, level="county")}
    )


def _check_file(path: Path) -> int:
    """One worker's job: read a data file, check it, count table-rule errors."""
    result = run_checks(read_report(path))
    return sum(1 for f in result.errors if f.rule.startswith(("T3", "T4", "FMT")))


def _timed(items: list, work) -> tuple[float, float, list[float]]:  # type: ignore[no-untyped-def]
    """Wall seconds, CPU seconds of this process (not slowed by other load), each item's wall."""
    each: list[float] = []
    start, cpu = time.perf_counter(), time.process_time()
    for item in items:
        t0 = time.perf_counter()
        work(item)
        each.append(time.perf_counter() - t0)
    return time.perf_counter() - start, time.process_time() - cpu, each


def run() -> dict:
    n = int(os.environ.get("XXGK_BENCH_REPORTS", "10000"))
    reports = [generate(i) for i in range(n)]
    run_checks(reports[0])  # load the rule modules and layouts outside the timing
    # the 10,000 generated reports stay alive for the whole run; keep the collector from
    # re-scanning them on every check (a real batch holds one report at a time)
    gc.collect()
    gc.freeze()
    total, cpu, each = _timed(reports, run_checks)
    figures = {
        "reports": n,
        "memory_reports_per_s": round(n / total, 1),
        "memory_reports_per_cpu_s": round(n / cpu, 1),
        "memory_median_ms": round(statistics.median(each) * 1000, 3),
    }
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, r in enumerate(reports):
            path = Path(tmp) / f"{i}.json"
            path.write_text(json.dumps(dump(r), ensure_ascii=False), encoding="utf-8")
            paths.append(path)
        total, cpu, each = _timed(paths, lambda p: run_checks(read_report(p)))
        jobs = os.cpu_count() or 1
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            errors = sum(pool.map(_check_file, paths, chunksize=64))
        parallel = time.perf_counter() - start
        assert errors == 0, "generated reports must be clean on the table rules"
        # what `xxgk check FOLDER --jobs N` does: each file's row and result sent back
        start = time.perf_counter()
        folder = run_batch(paths, jobs=jobs, progress=False)
        batch_s = time.perf_counter() - start
        assert not folder.unreadable
    gc.unfreeze()
    figures |= {
        "datafile_reports_per_s": round(n / total, 1),
        "datafile_reports_per_cpu_s": round(n / cpu, 1),
        "datafile_median_ms": round(statistics.median(each) * 1000, 3),
        f"datafile_{jobs}proc_reports_per_s": round(n / parallel, 1),
        f"folder_batch_{jobs}proc_reports_per_s": round(n / batch_s, 1),
        "target_reports_per_s": 2000,
    }
    print(f"检查 {n} 份报告（单进程；括号内为按本进程 CPU 时间计，不受机器上其他负载影响）：")
    print(
        f"  内存中校验：{figures['memory_reports_per_s']} 份/秒"
        f"（{figures['memory_reports_per_cpu_s']} 份/CPU秒），中位数 "
        f"{figures['memory_median_ms']} 毫秒/份"
    )
    print(
        f"  读取 JSON 数据文件并校验：{figures['datafile_reports_per_s']} 份/秒"
        f"（{figures['datafile_reports_per_cpu_s']} 份/CPU秒），中位数 "
        f"{figures['datafile_median_ms']} 毫秒/份（目标 ≥ 2000 份/秒）"
    )
    print(
        f"  同上，{jobs} 个进程并行：{figures[f'datafile_{jobs}proc_reports_per_s']} 份/秒"
        f"（机器负载 {os.getloadavg()[0]:.1f}）"
    )
    print(
        f"  文件夹批量校验（xxgk check 文件夹 --jobs {jobs}，含每份结果回传）："
        f"{figures[f'folder_batch_{jobs}proc_reports_per_s']} 份/秒"
    )
    figures["load_average"] = round(os.getloadavg()[0], 2)
    return figures
