"""OCR of scanned reports: the 2022 sample exported to Word, printed to PDF by LibreOffice,
rasterised at 300 and 150 dpi into image-only PDFs, read back (xxgk's reader, all pages OCR'd).
Figures: seconds per page and per report, peak memory, cells right / wrong / unread.
Targets: ≤ 3 s per page on 2 cores, ≤ 1.5 GB peak."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from assistant.ingest import read_report, scan

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "tests" / "data" / "samples" / "pingtan-2022.html"


def run() -> dict[str, object]:
    sys.path.insert(0, str(HERE.parent / "tests" / "ingest"))
    import scans  # the test suite's scan maker: export → LibreOffice → raster → image PDF

    truth = read_report(SAMPLE)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, scan.quiet():
        out = Path(tmp)
        printed = scans.office_pdf(SAMPLE, out)
        for dpi in (300, 150):
            pages = scans.raster(printed, dpi)
            pdf = scans.image_pdf(pages, dpi, out / f"scan-{dpi}.pdf")
            start = time.perf_counter()
            cpu0 = time.process_time()
            report = read_report(pdf)
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu0
            right, wrong, unread, _ = scans.score(truth, report)
            figures[f"{dpi}dpi"] = {
                "pages": len(pages),
                "s_per_report": round(seconds, 1),
                "s_per_page": round(seconds / len(pages), 2),
                "cpu_s_per_page": round(cpu / len(pages), 2),
                "cells_right": right,
                "cells_wrong": wrong,
                "cells_unread": unread,
            }
            print(
                f"{dpi} dpi: {len(pages)}页 {seconds:.1f} s/份  {seconds / len(pages):.2f} s/页"
                f"（CPU {cpu / len(pages):.2f} s/页）  单元格 对{right} 错{wrong} 未读{unread}"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["peak_mb"] = round(peak_mb)
    print(f"峰值内存 {peak_mb:.0f} MB")
    return figures
