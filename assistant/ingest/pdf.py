"""PDF reports with a text layer (pypdf, BSD licence); a scan without text needs OCR first."""

from __future__ import annotations

import logging
import struct
import warnings
import zlib
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError, PyPdfError

from assistant.errors import InputError, NeedsOCRError
from assistant.ingest.assemble import Given, assemble
from assistant.ingest.pdflines import unwrap
from assistant.ingest.text import plain_hanzi, text_blocks
from assistant.report.layout import FormatVersion
from assistant.report.model import Report

_MIN_CHARS_PER_PAGE = 20


def _opens_without_password(reader: PdfReader, path: Path) -> bool:
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except DependencyError as exc:  # AES needs the cryptography package (a dependency)
        raise InputError(
            f"{path.name}：这份 PDF 使用 AES 加密，读取需要 cryptography 组件。"
            f"请运行 pip install cryptography 后再试。",
            source=path,
        ) from exc


def _has_image(page: PageObject) -> bool:
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    if not xobjects:
        return False
    return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.get_object().values())


def pdf_pages(path: Path) -> tuple[list[str], list[int]]:
    """Each page's text, and the pages that are pictures without a text layer (scans)."""
    pdf_logger = logging.getLogger("pypdf")
    level = pdf_logger.level
    pdf_logger.setLevel(logging.ERROR)  # pypdf logs every repaired glitch of a sloppy file
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path))
            # a PDF with only an owner password (no copying, no printing) opens with an empty
            # user password, as in any viewer; one that asks for a password to open cannot
            if reader.is_encrypted and not _opens_without_password(reader, path):
                raise InputError(
                    f"{path.name}：PDF 设置了打开密码，无法读取。请用原软件去掉打开密码"
                    f"后另存，或提供未加密的文件。",
                    source=path,
                )
            pages = [page.extract_text() or "" for page in reader.pages]
            scanned = [
                i
                for i, (page, text) in enumerate(zip(reader.pages, pages, strict=True))
                if len("".join(text.split())) < _MIN_CHARS_PER_PAGE and _has_image(page)
            ]
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        OSError,
        RecursionError,
        ZeroDivisionError,
        zlib.error,
        EOFError,
        struct.error,
        NotImplementedError,
    ) as exc:
        raise InputError(
            f"{path.name}：无法作为 PDF 打开（文件损坏或不是 PDF）。", source=path
        ) from exc
    finally:
        pdf_logger.setLevel(level)
    return pages, scanned


def pdf_text(path: Path) -> str:
    """The text layer of every page; NeedsOCRError when the PDF has none to speak of."""
    return _joined(path, pdf_pages(path)[0])


def _joined(path: Path, pages: list[str]) -> str:
    chars = sum(len("".join(p.split())) for p in pages)
    if chars < _MIN_CHARS_PER_PAGE * max(len(pages), 1):
        raise NeedsOCRError(
            f"{path.name}：这份 PDF 没有文字层（可能是扫描件或图片），需要OCR（文字识别）后才能读取。"
            f"请用 WPS、Adobe Acrobat 等工具识别文字后另存为 PDF 或 Word，再试一次。",
            source=path,
        )
    return "\n".join(pages)


def read(path: Path, *, format: FormatVersion | None = None, given: Given | None = None) -> Report:
    pages, scanned = pdf_pages(path)
    if scanned:  # pages that are pictures are read by OCR, the others by their text layer
        from assistant.ingest.scan import read_pdf

        return read_pdf(path, pages, scanned, format=format, given=given)
    lines = unwrap(plain_hanzi(_joined(path, pages)).split("\n"))
    report, _ = assemble(
        text_blocks("\n".join(lines)), source=str(path), kind="pdf", format=format, given=given
    )
    return report
