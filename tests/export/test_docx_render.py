"""The DOCX rendered by LibreOffice: pages, page numbers, tables inside the text block (slow)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from assistant.export.docx import write_docx
from assistant.export.docx_styles import MARGINS_MM, PAGE_WIDTH_MM
from assistant.export.gate import DRAFT
from assistant.report import Report

pytestmark = pytest.mark.slow
_DPI = 80
_CJK_LINE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+")  # no half-width text
_INK = 160  # grey level below which a pixel is ink
# a full-width comma may hang past the line end (Word's and LibreOffice's default for CJK)
_HANGING_MM = 3


def _render(docx_path: Path, out_dir: Path, profile: Path) -> tuple[Path, list[Path]]:
    if shutil.which("libreoffice") is None or shutil.which("pdftoppm") is None:
        pytest.fail("libreoffice and pdftoppm are needed: run scripts/system-deps")
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = out_dir / (docx_path.stem + ".pdf")
    prefix = out_dir / docx_path.stem
    for old in out_dir.glob(f"{docx_path.stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(_DPI), "-png", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pngs = sorted(out_dir.glob(f"{docx_path.stem}-*.png"))
    return pdf, pngs


def _mm(px_mm: float) -> int:
    return round(px_mm / 25.4 * _DPI)


def test_sample_renders_with_tables_inside_the_text_block(
    shared_sample: Report, artifacts_dir: Path, tmp_path: Path
) -> None:
    out_dir = artifacts_dir / "export"
    out_dir.mkdir(exist_ok=True)
    docx_path = write_docx(shared_sample, out_dir / "sample-draft.docx", kind=DRAFT)
    pdf, pngs = _render(docx_path, out_dir, tmp_path / "lo-profile")
    pages = PdfReader(str(pdf)).pages
    assert 4 <= len(pages) <= 10 and len(pngs) == len(pages)
    texts = [p.extract_text() for p in pages]
    for n, text in enumerate(texts, 1):
        assert f"— {n} —" in text, f"page {n} has no page number"
        assert "征求意见稿" in text
    # a page of plain text holds 22 lines of 28 characters (header and page number aside)
    body_lines = [t.splitlines()[1:-1] for t in texts[1:3]]
    assert [len(lines) for lines in body_lines] == [22, 22]
    cjk = [line for lines in body_lines for line in lines if _CJK_LINE.fullmatch(line)]
    assert Counter(len(line) for line in cjk).most_common(1)[0][0] == 28
    table_page = next(i for i, t in enumerate(texts) if "申请人情况" in t)
    assert "四、结转下年度继续办理" in texts[table_page]  # table 三 kept on one page
    assert "三、收到和处理政府信息公开申请情况" in texts[table_page]  # with its heading
    review_page = next(i for i, t in enumerate(texts) if "复议后起诉" in t)

    assert "平潭综合实验区" in texts[-1] and "六、其他需要报告的事项" in texts[-1]  # kept together
    left, right = _mm(MARGINS_MM["left"]), _mm(PAGE_WIDTH_MM - MARGINS_MM["right"])
    slack = _mm(_HANGING_MM)
    for i, png in enumerate(pngs):
        ink = np.asarray(Image.open(png).convert("L")) < _INK
        # nothing, table 四's fifteen columns included, strays into the side margins
        assert not ink[:, : left - slack].any(), f"page {i + 1}: ink in the left margin"
        assert not ink[:, right + slack :].any(), f"page {i + 1}: ink in the right margin"
        if i in (table_page, review_page):
            block = ink[:, left:right]
            # table rules: rows inked across most of the text block
            rules = int((block.mean(axis=1) > 0.8).sum())
            assert rules >= 4, f"page {i + 1}: no table drawn ({rules} full-width rules)"
            assert block.mean() > 0.01, f"page {i + 1}: the table region is blank"
