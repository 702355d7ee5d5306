"""Scanned reports made the way people make them: a shipped sample exported to Word, printed to
PDF by LibreOffice, each page rasterised (150 or 300 dpi, optionally tilted and speckled like a
flatbed scan) and bound into an image-only PDF. Used by the OCR tests and `bench ocr`."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np

from assistant.export.docx import docx_bytes
from assistant.ingest import read_report
from assistant.report.model import Report


def office_pdf(source: Path, out: Path) -> Path:
    """The sample exported to .docx (our Word export) and printed to PDF by LibreOffice."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice is needed (scripts/system-deps: libreoffice-writer-nogui)"
    out.mkdir(parents=True, exist_ok=True)
    docx = out / f"{source.stem}.docx"
    docx.write_bytes(docx_bytes(read_report(source)))
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / f"{source.stem}.pdf"


def raster(pdf: Path, dpi: int) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [
            np.array(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            for page in doc
        ]
    finally:
        doc.close()


def scanned_look(
    img: np.ndarray, *, degrees: float = 0.0, noise: float = 0.0, seed: int = 1
) -> np.ndarray:
    """A page as a flatbed gives it back: slightly turned, with speckle and grey paper."""
    import cv2

    out = img
    if degrees:
        h, w = img.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        out = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    if noise:
        rng = np.random.default_rng(seed)
        speck = rng.normal(0, 255 * noise, out.shape)
        out = np.clip(out.astype(np.float64) * 0.94 + speck, 0, 255).astype(np.uint8)
    return out


def image_pdf(pages: list[np.ndarray], dpi: int, path: Path) -> Path:
    """Pages bound into a PDF with no text layer at all (what a scanner writes)."""
    from PIL import Image

    images = [Image.fromarray(p) for p in pages]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=float(dpi))
    return path


def mixed_pdf(text_pdf: Path, scans: dict[int, np.ndarray], dpi: int, path: Path) -> Path:
    """The text PDF with some pages (0-based) replaced by their scans."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(text_pdf))
    writer = PdfWriter()
    for i, page in enumerate(reader.pages):
        if i in scans:
            from PIL import Image

            buf = io.BytesIO()
            Image.fromarray(scans[i]).save(buf, format="PDF", resolution=float(dpi))
            writer.add_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
        else:
            writer.add_page(page)
    with path.open("wb") as f:
        writer.write(f)
    return path


def find_text(pdf: Path, page: int, text: str) -> tuple[float, float, float, float]:
    """The box (points, origin bottom-left) of the first `text` on a page of a text PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        tp = doc[page].get_textpage()
        searcher = tp.search(text, match_whole_word=True)
        hit = searcher.get_next()
        assert hit is not None, f"{text} not on page {page + 1}"
        start, count = hit
        boxes = [tp.get_charbox(start + k) for k in range(count)]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    finally:
        doc.close()


def overwrite(
    img: np.ndarray,
    box_pt: tuple[float, float, float, float],
    page_height_pt: float,
    dpi: int,
    text: str,
) -> np.ndarray:
    """Paint `text` over what the box held (a misprint the OCR will read with confidence)."""
    import cv2

    s = dpi / 72
    x0, y0, x1, y1 = box_pt
    left, right = int(x0 * s) - 2, int(x1 * s) + 2
    top, bottom = int((page_height_pt - y1) * s) - 2, int((page_height_pt - y0) * s) + 2
    out = img.copy()
    out[top:bottom, left:right] = 255
    height = bottom - top
    scale = cv2.getFontScaleFromHeight(cv2.FONT_HERSHEY_SIMPLEX, int(height * 0.8), 2)
    cv2.putText(out, text, (left, bottom - 3), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, 2, cv2.LINE_AA)
    return out


def page_with(pdf: Path, text: str) -> int:
    from pypdf import PdfReader

    for i, page in enumerate(PdfReader(str(pdf)).pages):
        if text in "".join((page.extract_text() or "").split()):
            return i
    raise AssertionError(f"{text} not in {pdf}")


def score(truth: Report, read: Report) -> tuple[int, int, int, list[str]]:
    """(right, wrong, unread, the wrong cells) over the cells of the true report's tables."""
    right = wrong = unread = 0
    bad: list[str] = []
    for cid, cell in truth.cells.items():
        if cid.startswith("fees."):
            continue
        got = read.cells.get(cid)
        if got is None:
            unread += 1
        elif (got.value, got.kind) == (cell.value, cell.kind):
            right += 1
        else:
            wrong += 1
            bad.append(f"{cid}: {cell.raw!r} read as {got.raw!r}")
    return right, wrong, unread, bad
