"""Plain-text and Markdown reports in any Chinese encoding; tables as grid text, pipe rows,
tab-separated rows, or flattened one cell per line."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from assistant.errors import InputError
from assistant.ingest.assemble import Given, assemble
from assistant.ingest.blocks import Block, Paragraph, Table
from assistant.ingest.gridtext import parse_grid_table, parse_pipe_rows
from assistant.report.layout import FormatVersion
from assistant.report.model import Report

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
}
_MAX_BYTES = 50 * 1024 * 1024


def decode(data: bytes, *, declared: str | None = None, name: str = "") -> str:
    """Decode once: BOM, then UTF-8, then the declared charset, then detection. GB2312 and GBK
    are read as GB18030, their superset, so a rare character does not break the page."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        candidates.append(_ALIASES.get(declared.lower().strip(), declared.lower().strip()))
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        candidates.append(_ALIASES.get(best.encoding.lower(), best.encoding))
    candidates.append("gb18030")
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(
        f"{name}：无法识别文件的字符编码。请用 UTF-8 或 GB18030 另存后再试。", source=name
    )


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise InputError(
                f"{path.name}：文件过大（{size // 1024 // 1024} MB），不像一份年度报告。",
                source=path,
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name}：无法读取文件（{exc.strerror}）。", source=path) from exc


_GRID_LINE = re.compile(r"^\s*[+|]")
_PIPE_LINE = re.compile(r"^\s*\|.*\|\s*$")


def _is_tsv(line: str) -> bool:
    fields = line.split("\t")
    return len(fields) >= 3 or (
        len(fields) == 2 and bool(fields[0].strip()) and bool(fields[1].strip())
    )


def text_blocks(text: str) -> list[Block]:
    """Lines → paragraphs and tables. Blank lines are kept: in flattened tables they separate
    rows."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    i = 0
    n_table = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("+") and set(stripped) <= set("+-=") and len(stripped) > 2:
            j = i + 1
            while j < len(lines) and _GRID_LINE.match(lines[j]):
                j += 1
            n_table += 1
            blocks.append(Table(parse_grid_table(lines[i:j]), location=f"第{n_table}个表格"))
            i = j
            continue
        if _PIPE_LINE.match(line):
            j = i
            while j < len(lines) and _PIPE_LINE.match(lines[j]):
                j += 1
            n_table += 1
            blocks.append(
                Table.from_rows(parse_pipe_rows(lines[i:j]), location=f"第{n_table}个表格")
            )
            i = j
            continue
        if _is_tsv(line):
            j = i
            while j < len(lines) and _is_tsv(lines[j]):
                j += 1
            if j - i >= 2:
                n_table += 1
                rows = [x.split("\t") for x in lines[i:j]]
                blocks.append(Table.from_rows(rows, location=f"第{n_table}个表格"))
                i = j
                continue
        md = re.match(r"^\s*(?:#{1,6}\s+|\*\*)(.*?)(?:\*\*)?\s*$", line)
        blocks.append(Paragraph(md.group(1) if md else line))
        i += 1
    return blocks


def read_text(
    text: str,
    *,
    source: str,
    kind: str = "txt",
    format: FormatVersion | None = None,
    given: Given | None = None,
) -> Report:
    report, _ = assemble(text_blocks(text), source=source, kind=kind, format=format, given=given)
    return report


def read(path: Path, *, format: FormatVersion | None = None, given: Given | None = None) -> Report:
    text = decode(read_bytes(path), name=path.name)
    return read_text(
        text,
        source=str(path),
        kind=path.suffix.lstrip(".").lower() or "txt",
        format=format,
        given=given,
    )
