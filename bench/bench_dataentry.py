"""Data entry and table rendering: reading YAML/JSON/xlsx data files, writing the workbook,
and rendering the three tables, on the shipped 2025 example (203 cells).

Run: `python -m bench dataentry` (repetitions via XXGK_BENCH_REPEAT, default 200).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.config import shipped_dir
from assistant.export.tables import tables_html, tables_markdown, tables_text
from assistant.export.xlsx import write_workbook
from assistant.ingest import datafile
from assistant.ingest import xlsx as xlsx_reader
from assistant.report.dataschema import dump


def _rate(n: int, work: Callable[[], object]) -> float:
    work()  # warm caches (layouts, grids) outside the timing
    start = time.perf_counter()
    for _ in range(n):
        work()
    return round(n / (time.perf_counter() - start), 1)


def run() -> dict:
    n = int(os.environ.get("XXGK_BENCH_REPEAT", "200"))
    example = shipped_dir("knowledge") / "examples" / "report-2025.yaml"
    report = datafile.read(example)
    with tempfile.TemporaryDirectory() as tmp:
        as_json = Path(tmp) / "checked.json"
        as_json.write_text(json.dumps(dump(report), ensure_ascii=False), encoding="utf-8")
        book = write_workbook(Path(tmp) / "book.xlsx", report)
        figures = {
            "cells": len(report.cells),
            "yaml_reads_per_s": _rate(n, lambda: datafile.read(example)),
            "json_reads_per_s": _rate(n, lambda: datafile.read(as_json)),
            "xlsx_reads_per_s": _rate(max(n // 10, 5), lambda: xlsx_reader.read(book)),
            "xlsx_writes_per_s": _rate(
                max(n // 10, 5), lambda: write_workbook(Path(tmp) / "w.xlsx", report)
            ),
            "text_renders_per_s": _rate(n, lambda: tables_text(report)),
            "markdown_renders_per_s": _rate(n, lambda: tables_markdown(report)),
            "html_renders_per_s": _rate(n, lambda: tables_html(report)),
        }
    print(f"数据录入与表格渲染（示例报告，{figures['cells']}个数据格，单进程，次/秒）：")
    for key, value in figures.items():
        if key != "cells":
            print(f"  {key}: {value}")
    return figures
