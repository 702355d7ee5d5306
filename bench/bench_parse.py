"""Parse + check throughput on generated published reports: reports/s and median ms per report
for each form (html, grid text, flattened text, docx, and the routes a page really travels:
the text Chromium copies from it and the text layer of the PDF Chromium prints of it). Targets:
≥ 100 reports/s and ≤ 20 ms median for html and txt."""

from __future__ import annotations

import html
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from assistant.checks import run_checks
from assistant.export.docx import docx_bytes
from assistant.export.tables import table_html, table_text
from assistant.ingest import read_report
from assistant.report.cells import Cell
from assistant.report.grid import report_grids
from assistant.report.model import Agency, Report, Section

COUNTS = {"html": 400, "txt": 250, "txt-flat": 150, "docx": 200}  # 1,000 reports
# made by Chromium from the html form (select all → copy; print to PDF), when it is installed
BROWSER_COUNTS = {"txt-copied": 150, "pdf-text": 50}
CHROMIUM = "/usr/bin/chromium"
_HEADINGS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "apply": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
_TEXT = {
    "overview": "本年度主动公开政府信息{n}条，其中政策文件{m}条。",
    "problems": "存在的主要问题是政策解读形式单一。下一步将丰富解读形式。",
    "other": "本年度未收取信息处理费。",
}


def _report(rng: random.Random, k: int) -> Report:
    from assistant.report.model import zero_report

    year = rng.choice([2020, 2021, 2022, 2023, 2024, 2025])
    base = zero_report(year, agency=f"示例市第{k}局")
    cells = {
        cid: (
            Cell.of(Decimal(rng.randint(0, 99999)) / 100)
            if isinstance(c.value, Decimal)
            else Cell.of(rng.randint(0, 300))
        )
        for cid, c in base.cells.items()
    }
    sections = {
        "preamble": Section(id="preamble", text=f"统计期限自{year}年1月1日起至{year}年12月31日止。")
    }
    for sid, text in _TEXT.items():
        sections[sid] = Section(
            id=sid,
            text=text.format(
                n=rng.randint(1, 999),  # type: ignore[index]
                m=rng.randint(0, 50),
            ),
        )
    return base.model_copy(
        update={
            "cells": cells,
            "sections": sections,
            "agency": Agency(name=f"示例市第{k}局"),
            "title": f"示例市第{k}局{year}年政府信息公开工作年度报告",
        }
    )


def _html(report: Report) -> str:
    grids = {g.table.section: g for g in report_grids(report)}
    parts = [
        "<html><head><meta charset='gbk'><title>年报</title></head><body>",
        "<div class='nav'><a>首页</a><a>政务公开</a></div>",
        f"<div class='article'><p class='MsoNormal'>{html.escape(report.title or '')}</p>",
        f"<p>{report.text('preamble')}</p>",
    ]
    for sid, heading in _HEADINGS.items():
        parts.append(f"<p class='MsoNormal'><b>{heading}</b></p>")
        if sid in grids:
            parts.append(table_html(grids[sid]))
        if report.text(sid):  # type: ignore[arg-type]
            parts.append(f"<p>{report.text(sid)}</p>")  # type: ignore[arg-type]
    return "\n".join(parts) + "</div><div class='footer'>版权所有</div></body></html>"


def _text(report: Report, *, flat: bool) -> str:
    grids = {g.table.section: g for g in report_grids(report)}
    lines = [report.title or "", "", report.text("preamble"), ""]
    for sid, heading in _HEADINGS.items():
        lines += [heading, ""]
        if sid in grids:
            if flat:  # copied from a page: one cell per line, rows ending in an empty line
                for row in grids[sid].rows():
                    lines += ["\t" + c.text for c in row] + [""]
            else:
                lines += [table_text(grids[sid]), ""]
        if report.text(sid):  # type: ignore[arg-type]
            lines += [report.text(sid), ""]  # type: ignore[arg-type]
    return "\n".join(lines)


def _write(folder: Path, form: str, k: int, report: Report, page: Any = None) -> Path:
    if form == "txt-copied":
        page.set_content(_html(report), wait_until="load")
        path = folder / f"r{k}-copied.txt"
        path.write_text(page.inner_text("body"), encoding="utf-8")
    elif form == "pdf-text":
        page.set_content(_html(report), wait_until="load")
        path = folder / f"r{k}.pdf"
        page.pdf(path=str(path), format="A4")
    elif form == "html":
        path = folder / f"r{k}.html"
        path.write_bytes(_html(report).encode("gb18030"))
    elif form == "docx":
        path = folder / f"r{k}.docx"
        path.write_bytes(docx_bytes(report))
    else:
        path = folder / f"r{k}-{form}.txt"
        path.write_text(_text(report, flat=form == "txt-flat"), encoding="utf-8")
    return path


def run() -> dict[str, object]:
    rng = random.Random(20261127)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: dict[str, list[tuple[Path, Report]]] = {}
        k = 0
        for form, n in COUNTS.items():
            for _ in range(n):
                report = _report(rng, k)
                files.setdefault(form, []).append((_write(folder, form, k, report), report))
                k += 1
        if Path(CHROMIUM).exists():
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page()
                for form, n in BROWSER_COUNTS.items():
                    for _ in range(n):
                        report = _report(rng, k)
                        path = _write(folder, form, k, report, page)
                        files.setdefault(form, []).append((path, report))
                        k += 1
                browser.close()
        else:
            print("（未安装 chromium：跳过复制文本和 PDF 文字层两种形式）")
        # warm up imports and caches outside the timing
        for form in files:
            read_report(files[form][0][0])
        total_n, total_s, wrong = 0, 0.0, 0
        for form, items in files.items():
            times, parse_times = [], []
            for path, truth in items:
                start = time.perf_counter()
                report = read_report(path)
                parsed = time.perf_counter()
                run_checks(report)
                times.append(time.perf_counter() - start)
                parse_times.append(parsed - start)
                wrong += sum(1 for cid, c in truth.cells.items() if report.value(cid) != c.value)
            seconds = sum(times)
            figures[form] = {
                "reports": len(items),
                "reports_per_s": round(len(items) / seconds, 1),
                "median_ms": round(statistics.median(times) * 1000, 2),
                "parse_median_ms": round(statistics.median(parse_times) * 1000, 2),
                "p95_ms": round(sorted(times)[int(len(times) * 0.95)] * 1000, 2),
            }
            total_n += len(items)
            total_s += seconds
            print(
                f"{form:9s} {len(items):4d} 份  {len(items) / seconds:7.1f} 份/秒  "
                f"中位数 {statistics.median(times) * 1000:6.2f} ms"
                f"（其中读取 {statistics.median(parse_times) * 1000:6.2f} ms）",
                flush=True,
            )
        figures["all"] = {"reports": total_n, "reports_per_s": round(total_n / total_s, 1)}
        figures["cells_read_wrong"] = wrong
        print(f"合计 {total_n} 份  {total_n / total_s:.1f} 份/秒；读错的单元格 {wrong} 个")
    return figures


if __name__ == "__main__":
    run()
