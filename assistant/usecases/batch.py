"""Batch review: read and check every report of a folder (any mix of formats), one row per
report, unreadable files listed with the reason; one bad file never stops the run.

The worker processes send back only what the rows and the summary need (not the report), in
chunks: for a folder of machine-written data files, sending whole reports one by one cost more
than checking them."""

from __future__ import annotations

import csv
import gc
import html
import logging
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.checks.document import check_document
from assistant.checks.engine import run_checks
from assistant.checks.findings import SEVERITY_LABELS, CheckResult, Finding
from assistant.checks.options import CheckOptions
from assistant.config import LimitSettings
from assistant.errors import AssistantError
from assistant.export.spreadsheet import csv_text
from assistant.ingest import SUPPORTED_SUFFIXES, ocrengine, read_report, scan
from assistant.limits import DEFAULT_LIMITS
from assistant.report.layout import format_info
from assistant.report.model import UNREAD, Report
from assistant.usecases.review import review_name, write_review

log = logging.getLogger(__name__)
TOP_FINDINGS = 3


def report_files(folder: Path) -> list[Path]:
    """Every file under `folder` of a type the readers take, in name order."""
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


@dataclass
class BatchItem:
    """One file of the batch: who and what it is, its check result, or why it could not be read;
    `document` is its `xxgk check --json` document when the batch was asked for them."""

    path: Path
    agency: str = ""
    year: int | None = None
    format: str = ""
    read_notes: int = 0
    incomplete: str = ""  # what the reader could not read ("表三缺12格；第五部分未识别")
    result: CheckResult | None = None
    document: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None

    @property
    def errors(self) -> int:
        return len(self.result.errors) if self.result else 0

    @property
    def warnings(self) -> int:
        return len(self.result.warnings) if self.result else 0

    @property
    def not_assessable(self) -> int:
        return len(self.result.not_assessable) if self.result else 0

    def top_findings(self, n: int = TOP_FINDINGS) -> list[Finding]:
        """The failures a reviewer should read first: errors, then warnings, then infos."""
        if self.result is None:
            return []
        order = {"error": 0, "warning": 1, "info": 2}
        return sorted(self.result.failures(), key=lambda f: order[f.severity])[:n]

    def row(self) -> dict[str, object]:
        return {
            "文件": str(self.path),
            "机关": self.agency,
            "年度": self.year if self.year is not None else "",
            "格式": format_info(self.format).name if self.format else "",
            "错误": self.errors if self.ok else "",
            "警告": self.warnings if self.ok else "",
            "无法判断": self.not_assessable if self.ok else "",
            "主要问题": "；".join(
                f"[{f.rule}]{SEVERITY_LABELS[f.severity]}：{f.message}" for f in self.top_findings()
            ),
            "读取不全": self.incomplete if self.ok else "",
            "读取提示": self.read_notes if self.ok else "",
            "无法读取的原因": self.error or "",
        }


@dataclass
class BatchResult:
    items: list[BatchItem]

    @property
    def unreadable(self) -> list[BatchItem]:
        return [i for i in self.items if not i.ok]

    @property
    def rows(self) -> list[dict[str, object]]:
        return [i.row() for i in self.items]


def incomplete_reading(report: Report) -> str:
    """What the reader could not read, apart from what the report got wrong: the tables with
    cells not found or not placed, and the sections whose headings were not recognised."""
    out = []
    layout = report.layout
    unread = {n.cell.split(".", 1)[0] for n in report.notes if n.location == UNREAD and n.cell}
    for table in layout.tables:
        if table.render and table.id in unread:
            ids = table.cell_ids
            lost = sum(1 for c in ids if c not in report.cells)
            out.append(
                f"表{table.number}未找到" if lost == len(ids) else f"表{table.number}缺{lost}格"
            )
    for n in report.notes:
        if (
            n.location == UNREAD
            and not n.cell
            and (m := re.match(r"未找到第(\S+?)部分", n.message))
        ):
            out.append(f"第{m.group(1)}部分未识别")
    return "；".join(out)


def check_file(
    path: Path,
    *,
    documents: bool = False,
    limits: LimitSettings = DEFAULT_LIMITS,
    options: CheckOptions | None = None,
    review_dir: Path | None = None,
    year: int | None = None,
    ocr_threads: int | None = None,
) -> BatchItem:
    """Read and check one file; any failure becomes the item's `error`, never an exception.
    `review_dir`: also write the file's review package (Word, comments and revisions) there.
    `ocr_threads`: the OCR engine's threads in this process (scans), when several run at once."""
    start = time.perf_counter()
    item = BatchItem(path=path)
    if ocr_threads:
        ocrengine.limit_threads(ocr_threads)
    try:
        with scan.quiet():  # the folder's bar is the progress; no page counts per scan
            report = read_report(path, limits=limits, year=year)
        item.agency, item.year, item.format = report.agency.name, report.year, report.format
        item.read_notes = len(report.notes)
        item.incomplete = incomplete_reading(report)
        item.result = run_checks(report, options=options)
        if documents:
            item.document = check_document(report, item.result)
        if review_dir is not None:
            write_review(report, review_name(path, review_dir), findings=item.result.findings)
    except AssistantError as exc:
        item.result, item.error = None, exc.message
    except Exception as exc:  # noqa: BLE001 — a reader bug on one file must not stop the batch
        log.exception("batch: %s failed", path)
        item.result, item.document = None, None
        item.error = (
            f"{path.name}：读取或校验时发生内部错误（{type(exc).__name__}: {exc}）。请反馈此文件。"
        )
    item.seconds = time.perf_counter() - start
    return item


def run_batch(
    paths: Sequence[Path],
    *,
    jobs: int | None = 1,
    progress: bool = True,
    documents: bool = False,
    limits: LimitSettings = DEFAULT_LIMITS,
    options: CheckOptions | None = None,
    review_dir: Path | None = None,
    year: int | None = None,
) -> BatchResult:
    """Check every file, in `jobs` processes (None: one per CPU); results in the given order.
    A progress bar goes to stderr. `documents`: keep each file's check-JSON document too;
    `review_dir`: write each file's review package (Word) there."""
    paths = [Path(p) for p in paths]
    workers = min(jobs or os.cpu_count() or 1, max(len(paths), 1))
    bar = tqdm(
        total=len(paths),
        file=sys.stderr,
        disable=not progress,
        unit="份",
        desc="校验报告",
        leave=False,
    )
    work = partial(
        check_file,
        documents=documents,
        limits=limits,
        options=options,
        review_dir=review_dir,
        year=year,
        ocr_threads=1 if workers > 1 else None,
    )
    items: list[BatchItem] = []
    # the results pile up as some fifty small objects per file and make no reference cycles: the
    # collector, re-scanning them all as they grow, took most of the time of receiving them
    collecting = gc.isenabled()
    gc.disable()
    try:
        if workers <= 1:
            for p in paths:
                items.append(work(p))
                bar.update(1)
        else:
            # chunks small enough that the bar moves and both workers stay busy to the end
            chunk = max(1, min(64, len(paths) // (workers * 8)))
            # spawn, not fork: a parent that has already started threads (an OCR engine,
            # a vector store, a test runner) hands a forked child locks held by threads that do
            # not exist there, and the child waits for ever (seen: scans after an OCR read)
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for item in pool.map(work, paths, chunksize=chunk):
                    items.append(item)
                    bar.update(1)
    except BrokenProcessPool as exc:
        raise AssistantError(
            "批量校验的子进程意外退出（可能是内存不足）。请用 --jobs 1 重试，"
            "或把文件夹分成几批校验。"
        ) from exc
    finally:
        bar.close()
        if collecting:
            gc.enable()
    return BatchResult(items)


_COLUMNS = [
    "文件",
    "机关",
    "年度",
    "格式",
    "错误",
    "警告",
    "无法判断",
    "主要问题",
    "读取不全",
    "读取提示",
    "无法读取的原因",
]


def write_csv(result: BatchResult, path: Path) -> None:
    """One row per file; UTF-8 with BOM so Excel opens the Chinese correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=_COLUMNS)
        out.writeheader()
        for row in result.rows:  # names and messages as text, never a formula
            out.writerow({k: csv_text(v) for k, v in row.items()})


def write_html(result: BatchResult, path: Path, *, title: str = "年度报告批量校验") -> None:
    """A self-contained page (no external resources), every value escaped."""
    body = []
    for item in result.items:
        row = item.row()
        cls = "bad" if not item.ok or item.errors else ("warn" if item.warnings else "ok")
        findings = "".join(
            f"<li>[{html.escape(f.rule)}] {html.escape(SEVERITY_LABELS[f.severity])}："
            f"{html.escape(f.message)}</li>"
            for f in item.top_findings()
        )
        problem = (
            f"<ul>{findings}</ul>"
            if findings
            else html.escape(str(row["无法读取的原因"])) or "未发现问题"
        )
        cells = [
            row["文件"],
            row["机关"],
            row["年度"],
            row["格式"],
            row["错误"],
            row["警告"],
            row["无法判断"],
            row["读取不全"],
        ]
        body.append(
            f'<tr class="{cls}">'
            + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
            + f"<td>{problem}</td></tr>"
        )
    readable = len(result.items) - len(result.unreadable)
    summary = (
        f"共{len(result.items)}份：可读取{readable}份，无法读取{len(result.unreadable)}份；"
        f"有错误{sum(1 for i in result.items if i.ok and i.errors)}份。"
    )
    page = _PAGE.format(
        title=html.escape(title), summary=html.escape(summary), rows="\n".join(body)
    )
    path.write_text(page, encoding="utf-8")


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}.bad{{background:#fde2e2}}
.warn{{background:#fff4d6}}.ok{{background:#e6f6e6}}</style></head>
<body><h1>{title}</h1><p>{summary}</p>
<table><thead><tr><th>文件</th><th>机关</th><th>年度</th><th>格式</th><th>错误</th><th>警告</th>
<th>无法判断</th><th>读取不全</th><th>主要问题 / 无法读取的原因</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""
