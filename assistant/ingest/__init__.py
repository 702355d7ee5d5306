"""Readers: any file a clerk or reviewer has → Report. Data files (yaml, json, xlsx) and published
reports (txt in any Chinese encoding, html, docx, pdf with a text layer, scanned pdf pages and
page photos by OCR)."""

from __future__ import annotations

import importlib
import stat
from pathlib import Path

from assistant.config import LimitSettings
from assistant.errors import InputError
from assistant.ingest.assemble import Given
from assistant.limits import DEFAULT_LIMITS, check_file
from assistant.report import FormatVersion, Report

# suffix → module with `read(path: Path, *, format: FormatVersion | None) -> Report`
_READERS = {
    ".yaml": "assistant.ingest.datafile",
    ".yml": "assistant.ingest.datafile",
    ".json": "assistant.ingest.datafile",
    ".xlsx": "assistant.ingest.xlsx",
    ".txt": "assistant.ingest.text",
    ".text": "assistant.ingest.text",
    ".md": "assistant.ingest.text",
    ".html": "assistant.ingest.html",
    ".htm": "assistant.ingest.html",
    ".shtml": "assistant.ingest.html",
    ".docx": "assistant.ingest.docx",
    ".pdf": "assistant.ingest.pdf",
    # scanned or photographed pages: OCR (the `ocr` extra)
    ".png": "assistant.ingest.scan",
    ".jpg": "assistant.ingest.scan",
    ".jpeg": "assistant.ingest.scan",
}
SUPPORTED_SUFFIXES = tuple(_READERS)
# published reports, whose year and agency are read from the text (and may be given instead)
_PUBLISHED = frozenset(
    {
        "assistant.ingest.text",
        "assistant.ingest.html",
        "assistant.ingest.docx",
        "assistant.ingest.pdf",
        "assistant.ingest.scan",
    }
)


def read_report(
    path: str | Path,
    *,
    format: FormatVersion | None = None,
    limits: LimitSettings = DEFAULT_LIMITS,
    year: int | None = None,
    agency: str | None = None,
) -> Report:
    """Read any supported file into a Report. Raises InputError (Chinese) for anything unusable,
    LimitError for a file beyond `limits` (judged before it is read). `year` and `agency` stand
    in for a published report's own when it does not print them (a data file states both and is
    read as it is)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode  # one stat for both questions: a batch reads thousands
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"找不到文件“{path}”。请检查路径是否正确。", source=path) from None
    if stat.S_ISDIR(mode):
        raise InputError(f"“{path}”是文件夹，请指定一个报告文件。", source=path)
    suffix = path.suffix.lower()
    module_name = _READERS.get(suffix)
    if module_name is None:
        kinds = "、".join(sorted({s.lstrip(".") for s in _READERS}))
        raise InputError(
            f"{path.name}：不支持“{suffix or '无扩展名'}”类型的文件。可读取的类型：{kinds}。"
            f"如是 .doc 或 .xls 旧格式，请在 Word/WPS/Excel 中另存为 .docx 或 .xlsx。",
            source=path,
        )
    if module_name != "assistant.ingest.datafile":  # which checks its own size, once
        check_file(path, limits)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise InputError(f"{path.name}：暂不支持读取“{suffix}”文件。", source=path) from exc
    if module_name == "assistant.ingest.datafile":  # its structure limits apply while parsing
        return module.read(path, format=format, limits=limits)
    if module_name in _PUBLISHED and (year is not None or agency):
        report: Report = module.read(path, format=format, given=Given(year=year, agency=agency))
    else:
        report = module.read(path, format=format)
    return report
