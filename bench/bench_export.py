"""Export speed: the sample report (平潭 2023, tests/data/export) written as each format, and the
gate's inputs (checks plus the drafting guard over the text). Run: `python -m bench export`.

Figures are milliseconds per export (median of XXGK_BENCH_EXPORTS runs, default 20), and one
LibreOffice DOCX → PDF conversion when `libreoffice` is installed (what the slow test pays).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.checks import run_checks
from assistant.export import document
from assistant.export.docx import docx_bytes, write_docx
from assistant.export.gate import DRAFT
from assistant.ingest import read_report
from assistant.report.facts import build_ledger
from assistant.usecases.publishing import untraced_numbers

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "export" / "pingtan-2023.yaml"


def _median_ms(fn: Callable[[], object], n: int) -> float:
    fn()  # warm caches (layouts, reference.docx read)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 1)


def run() -> dict[str, float]:
    n = int(os.environ.get("XXGK_BENCH_EXPORTS", "20"))
    report = read_report(SAMPLE)
    checks = run_checks(report)
    figures = {
        "docx_ms": _median_ms(lambda: docx_bytes(report, kind=DRAFT), n),
        "html_page_ms": _median_ms(lambda: document.html_page(report), n),
        "markdown_ms": _median_ms(lambda: document.markdown(report), n),
        "text_ms": _median_ms(lambda: document.plain_text(report), n),
        "json_ms": _median_ms(
            lambda: json.dumps(document.json_document(report, checks), ensure_ascii=False), n
        ),
        "gate_inputs_ms": _median_ms(
            lambda: (run_checks(report), untraced_numbers(report, build_ledger(report))), n
        ),
    }
    if shutil.which("libreoffice"):
        with tempfile.TemporaryDirectory() as tmp:
            path = write_docx(report, Path(tmp) / "sample.docx")
            t = time.perf_counter()
            subprocess.run(
                [
                    "libreoffice",
                    f"-env:UserInstallation={Path(tmp, 'lo').as_uri()}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(path),
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
            figures["libreoffice_pdf_s"] = round(time.perf_counter() - t, 2)
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    return figures
