"""Scanned reports: page images (image-only PDF pages, .png/.jpg photos) → OCR words → the same
blocks every reader gives (paragraphs, tables on their ruled grid) → Report. Every value the
engine read stays tied to its page, box and confidence until it is trusted or left unread."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import InputError, NeedsOCRError
from assistant.ingest.assemble import Given
from assistant.ingest.blocks import Block, Paragraph, Table, TableCell
from assistant.ingest.ocrengine import Word
from assistant.ingest.scancells import (
    ScanRead,
    Seen,
    box_of,
    cell_value,
    group_lines,
    is_valueish,
)
from assistant.report.layout import FormatVersion
from assistant.report.model import OCR_CHECK, ReadNote, Report

if TYPE_CHECKING:
    import numpy as np

    from assistant.ingest.ruling import Grid

# rendering scale: 200 dpi keeps a table's digits ~25 px high, what the detector sees best
RENDER_DPI = 200
MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 million

ProgressFn = Callable[[int, int], None]


def stderr_progress(done: int, total: int) -> None:
    """Page k of n on stderr, for a person waiting at the command line."""
    if total > 1:
        end = "\n" if done == total else ""
        print(f"\r文字识别（OCR）：第{done}/{total}页", end=end, file=sys.stderr, flush=True)


# the command line shows page progress; a batch of files shows its own bar instead (quiet())
progress: ProgressFn | None = stderr_progress


@contextmanager
def quiet() -> Iterator[None]:
    global progress
    saved, progress = progress, None
    try:
        yield
    finally:
        progress = saved


# ------------------------------------------------------------------ page images


def load_image(path: Path) -> np.ndarray:
    import cv2
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:  # the header alone: a small file may claim a huge picture (a decompression bomb)
        with Image.open(path) as probe:
            width, height = probe.size
    except Image.DecompressionBombError as exc:
        raise InputError(
            f"{path.name}：图片像素过多，超过可识别的上限。请缩小后再读取。", source=path
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(
            f"{path.name}：无法作为图片打开（文件损坏或不是图片）。", source=path
        ) from exc
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{path.name}：图片为 {width}×{height} 像素，超过可识别的上限（约{MAX_PIXELS // 10**6}百万像素）。"
            f"请缩小到 A4 页面 300 dpi（约 2480×3508）左右再读取。",
            source=path,
        )
    data = np.frombuffer(path.read_bytes(), np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise InputError(f"{path.name}：无法作为图片打开（文件损坏或不是图片）。", source=path)
    return img


def render_pages(path: Path, pages: Iterable[int]) -> Iterable[tuple[int, np.ndarray]]:
    """(0-based page index, grayscale image) for the given pages of a PDF (pdfium, BSD/Apache)."""
    import numpy as np
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(
            f"{path.name}：无法作为 PDF 打开（文件损坏或不是 PDF）。", source=path
        ) from exc
    try:
        for i in pages:
            page = pdf[i]
            width, height = page.get_size()  # points
            # an oversized page (a poster, a bogus media box) is rendered smaller, not to gigabytes
            scale = min(RENDER_DPI / 72, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
            bitmap = page.render(scale=scale, grayscale=True)
            img = np.array(bitmap.to_pil().convert("L"))
            yield i, img
    finally:
        pdf.close()


# ------------------------------------------------------------------ one page


def read_page(image: np.ndarray, page: int, read: ScanRead) -> list[tuple[float, str | Table]]:
    """One page's items with their top position: text lines, and tables read on their grid."""
    from assistant.ingest import borderless, ruling

    gray, words = _upright(ruling.straighten(image))
    heights = sorted(w.height for w in words)
    grids = ruling.find_grids(gray, heights[len(heights) // 2] if heights else None)
    items: list[tuple[float, str | Table]] = []
    taken: set[int] = set()
    for k, grid in enumerate(grids, 1):
        inside = [
            i
            for i, w in enumerate(words)
            if i not in taken and _inside(w.cx, w.cy, grid.box, margin=2)
        ]
        taken.update(inside)
        table = _grid_table(gray, grid, [words[i] for i in inside], page, read)
        table.location = f"第{page}页第{k}个表格"
        items.append((grid.box[1], table))
    lines = group_lines([w for i, w in enumerate(words) if i not in taken])
    tables, used = borderless.find_tables(lines, gray, page, read, is_valueish)
    items.extend(tables)
    for y, text in _text_lines([x for i, x in enumerate(lines) if i not in used], page, read):
        items.append((y, text))
    items.sort(key=lambda x: x[0])
    return items


def _upright(gray: np.ndarray) -> tuple[np.ndarray, list[Word]]:
    """The page turned the right way up, and its words. A page scanned sideways (a landscape
    table) shows tall text boxes; one upside down reads as nonsense with low confidence: each
    is read again turned, and the turn that reads best is kept."""
    import cv2

    from assistant.ingest import ocrengine

    words = ocrengine.recognize(gray)
    lines = [w for w in words if len(w.text) >= 3]
    if len(lines) < 5:
        return gray, words
    if sum(w.height > 1.5 * (w.x1 - w.x0) for w in lines) > len(lines) / 2:
        turns = [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE]
    elif sum(w.score for w in lines) / len(lines) < 0.6:
        turns = [cv2.ROTATE_180]
    else:
        return gray, words
    best = (gray, words)
    for turn in turns:
        turned = cv2.rotate(gray, turn)
        again = ocrengine.recognize(turned)
        if _legible(again) > _legible(best[1]):
            best = (turned, again)
        read_lines = [w for w in again if len(w.text) >= 3]
        if read_lines and sum(w.score for w in read_lines) / len(read_lines) >= 0.9:
            break  # this turn reads well: no need to try the other
    return best


def _legible(words: list[Word]) -> float:
    return sum(w.score * len(w.text) for w in words if w.score >= 0.8)


def _inside(x: float, y: float, box: tuple[int, int, int, int], margin: int = 0) -> bool:
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def _grid_table(
    gray: np.ndarray, grid: Grid, words: list[Word], page: int, read: ScanRead
) -> Table:
    by_cell: dict[int, list[Word]] = {}
    for w in words:
        for n, c in enumerate(grid.cells):
            if _inside(w.cx, w.cy, c.box):
                by_cell.setdefault(n, []).append(w)
                break
    cells: list[TableCell] = []
    for n, c in enumerate(grid.cells):
        text = cell_value(gray, by_cell.get(n, []), c.box, page, read)
        cells.append(TableCell(c.row, c.col, text, c.rowspan, c.colspan))
    return Table(cells)


def _text_lines(lines: list[list[Word]], page: int, read: ScanRead) -> list[tuple[float, str]]:
    """Words outside ruled tables → text lines. A value standing alone (a borderless table's
    cell) becomes a placeholder token, so that its place is judged like any table text."""
    out: list[tuple[float, str]] = []
    for line in lines:
        parts: list[str] = []
        prev: Word | None = None
        for w in line:
            text = w.text
            if is_valueish(text) and len(line) > 1:
                text = read.placeholder(Seen(w.text, w.score, page, box_of(w)))
            gap = " " if prev is not None and (w.x0 - prev.x1) > 0.8 * w.height else ""
            if prev is not None and (is_valueish(w.text) or is_valueish(prev.text)):
                gap = " "
            parts.append(gap + text)
            prev = w
        out.append((min(w.y0 for w in line), "".join(parts)))
    return out


# ------------------------------------------------------------------ document


def read_images(
    images: Iterable[tuple[int, np.ndarray]], total: int, read: ScanRead
) -> dict[int, list[tuple[float, str | Table]]]:
    """OCR each (page index, image); progress as page k of n."""
    out: dict[int, list[tuple[float, str | Table]]] = {}
    for done, (i, img) in enumerate(images, 1):
        out[i] = read_page(img, i + 1, read)
        read.pages += 1
        if progress is not None:
            progress(done, total)
    return out


def blocks_of(
    items: Iterable[str | Table], unwrap: Callable[[list[str]], list[str]]
) -> list[Block]:
    """Page items in order → blocks: runs of lines re-joined into paragraphs, tables as they are."""
    blocks: list[Block] = []
    run: list[str] = []
    for x in items:
        if isinstance(x, str):
            run.append(x)
            continue
        blocks.extend(Paragraph(t) for t in unwrap(run))
        run = []
        blocks.append(x)
    blocks.extend(Paragraph(t) for t in unwrap(run))
    return blocks


def read(path: Path, *, format: FormatVersion | None = None, given: Given | None = None) -> Report:
    """A photographed or scanned page saved as .png/.jpg."""
    from assistant.ingest import ocrengine
    from assistant.ingest.ocrtrust import finish
    from assistant.ingest.pdflines import unwrap

    if not ocrengine.available():
        raise NeedsOCRError(ocrengine.missing_message(path.name), source=path)

    scan = ScanRead()
    pages = read_images([(0, load_image(path))], 1, scan)
    blocks = blocks_of((x for _, x in pages[0]), unwrap)
    kind = path.suffix.lstrip(".").lower()
    return finish(blocks, scan, source=str(path), kind=kind, format=format, given=given)


def read_pdf(
    path: Path,
    texts: list[str],
    scanned: list[int],
    *,
    format: FormatVersion | None = None,
    given: Given | None = None,
) -> Report:
    """A PDF some or all of whose pages are pictures: those pages by OCR, the others by their
    text layer, in page order."""
    from assistant.ingest import ocrengine
    from assistant.ingest.ocrtrust import finish
    from assistant.ingest.pdflines import unwrap

    if not ocrengine.available():
        if len(scanned) == len(texts):
            raise NeedsOCRError(ocrengine.missing_message(path.name), source=path)
        return _without_ocr(path, texts, scanned, format=format, given=given)
    scan = ScanRead()
    ocr_pages = read_images(render_pages(path, scanned), len(scanned), scan)
    items: list[str | Table] = []
    for i, text in enumerate(texts):
        if i in ocr_pages:
            items.extend(x for _, x in ocr_pages[i])
        else:
            items.extend(text.split("\n"))
    blocks = blocks_of(items, unwrap)
    return finish(blocks, scan, source=str(path), kind="pdf", format=format, given=given)


def _without_ocr(
    path: Path,
    texts: list[str],
    scanned: list[int],
    *,
    format: FormatVersion | None,
    given: Given | None,
) -> Report:
    from assistant.ingest import ocrengine
    from assistant.ingest.assemble import assemble
    from assistant.ingest.pdflines import unwrap

    lines = [x for i, t in enumerate(texts) if i not in scanned for x in t.split("\n")]
    report, _ = assemble(
        blocks_of(lines, unwrap), source=str(path), kind="pdf", format=format, given=given
    )
    pages = "、".join(str(i + 1) for i in scanned)
    note = ReadNote(
        level="warning",
        location=OCR_CHECK,
        message=f"第{pages}页是图片（扫描件），没有文字层，未读取；这几页上的表格和文字需要"
        f"文字识别（OCR）。安装识别组件：{ocrengine.INSTALL_HINT}，然后再读取一次。",
    )
    return report.model_copy(update={"notes": [note, *report.notes]})
