"""Plain-text and Markdown reports in any Chinese encoding; tables as grid text, pipe rows,
tab-separated rows, or flattened one cell per line."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from assistant.errors import InputError
from assistant.ingest.assemble import Given, assemble
from assistant.ingest.blocks import Block, Paragraph, Table
from assistant.ingest.gridtext import parse_grid_table, parse_pipe_rows
from assistant.ingest.tables import is_value
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
_MAX_PIPE_CELL = 120  # characters: a longer "cell" is a sentence with a bar in it


def _pipe_cells(line: str) -> list[str] | None:
    """A Markdown row, with or without its outer bars ("a | b | c" as copied from some pages)."""
    body = line.strip()
    if "|" not in body or body.startswith("+"):
        return None
    cells = parse_pipe_rows([body])
    if not cells:  # the |---| rule
        return []
    row = cells[0]
    if len(row) < 2 or any(len(c) > _MAX_PIPE_CELL for c in row):
        return None
    return row


def _is_tsv(line: str) -> bool:
    fields = line.split("\t")
    return len(fields) >= 3 or (
        len(fields) == 2 and bool(fields[0].strip()) and bool(fields[1].strip())
    )


def _rows_table(rows: list[list[str]], location: str) -> Table:
    """Rows of cells as a table. When the rows differ in length the page's merged cells were
    dropped (a header over several columns printed once): positions mean nothing then, and the
    cells are read in reading order instead."""
    widths = {len(r) for r in rows}
    return Table.from_rows(rows, positional=len(widths) == 1, location=location)


# a report squeezed onto one line (crawlers, some copies): the section headings in it
_INLINE_HEADING = re.compile(
    r"\s(?=(?:[一二三四五六]\s*[、.．]|第[一二三四五六]部分)\s*\S{2,20}?(?:情况|事项|问题))"
)
_ONE_LINE = 3  # section headings on one line that make it a squeezed report


_MD_RULE = re.compile(r"\|(?:\s*:?-{3,}:?\s*\|)+")


def _md_tables(line: str) -> list[tuple[int, int, list[str]]]:
    """Markdown tables squeezed onto one line: (start, end, rows). The |---| rule says how many
    cells a row has; rows follow one another with only a space between "|" and "|"."""
    bars = [k for k, ch in enumerate(line) if ch == "|"]
    at = {pos: k for k, pos in enumerate(bars)}
    out: list[tuple[int, int, list[str]]] = []
    taken = -1
    for rule in _MD_RULE.finditer(line):
        k = at[rule.start()]
        n = rule.group(0).count("|") - 1
        head = k - 1 - n
        if head < 0 or bars[head] <= taken or line[bars[k - 1] + 1 : bars[k]].strip():
            continue
        starts = [head]  # the index (in bars) of each row's opening bar; the rule is left out
        close = k + n
        while close + 1 + n < len(bars) and not line[bars[close] + 1 : bars[close + 1]].strip():
            starts.append(close + 1)
            close += 1 + n
        texts = [line[bars[j] : bars[j + n] + 1] for j in starts]
        out.append((bars[head], bars[close] + 1, texts))
        taken = bars[close]
    return out


def unsqueeze(text: str) -> str:
    """A report collapsed onto one line, back into lines. Whitespace is all that is left of the
    line breaks and of the cell boundaries, so each space-separated piece becomes a line (the
    readers of flattened tables then find rows from labels and values); Markdown tables are cut
    back into their rows."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(_INLINE_HEADING.findall(line)) < _ONE_LINE:
            out.append(line)
            continue
        pos = 0
        for start, end, rows in _md_tables(line):
            out.extend(line[pos:start].split())
            out.extend(rows)
            pos = end
        out.extend(line[pos:].split())
    return "\n".join(out)


# PDF text layers (Chromium's print, some Office exports) give many characters as their Kangxi
# radical or CJK radical look-alikes ("⼆" U+2F06 for 二, "⾏" for 行); NFKC maps them back
_RADICALS = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for cp in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}


def plain_hanzi(text: str) -> str:
    """Radical look-alikes back to the characters they stand for; nothing else changed."""
    return text.translate(_RADICALS) if any(0x2E80 <= ord(c) <= 0x2FDF for c in text) else text


_PIECE = 8  # characters: a label wrapped in a narrow cell comes as pieces this short


def _blank(line: str) -> bool:
    return not line.strip(" \t\xa0\u3000")


def _one_cell(paragraphs: list[str]) -> bool:
    """Paragraphs that are one cell's text: a label printed in pieces ("商业" "企业")."""
    return all(len(p) <= _PIECE and not is_value(p) for p in paragraphs)


def _is_separator(lines: list[str], k: int) -> bool:
    """A line holding only a tab between two blank lines: where one cell ends and the next begins
    (a tab-only line among tab-led lines is an empty cell of another copy style)."""
    return (
        "\t" in lines[k]
        and _blank(lines[k])
        and 0 < k < len(lines) - 1
        and "\t" not in lines[k - 1]
        and _blank(lines[k - 1])
        and "\t" not in lines[k + 1]
        and _blank(lines[k + 1])
    )


def _copied_row(lines: list[str]) -> list[str]:
    """Rows of a table copied from a page whose cells hold paragraphs (Word's HTML): a line
    holding only a tab separates two cells, a blank line two paragraphs. Where one table ends and
    the next begins with only a paragraph between them (a heading), that text runs into a cell:
    it is given back as a line of its own, and the rows on either side kept apart."""
    chunks: list[list[str]] = [[]]
    for k, line in enumerate(lines):
        if _is_separator(lines, k):
            chunks.append([])
        elif not _blank(line):
            chunks[-1].append(line.strip(" \xa0\u3000"))
    out: list[str] = []
    row: list[str] = []
    last = len(chunks) - 1
    for k, paragraphs in enumerate(chunks):
        if len(paragraphs) <= 1 or _one_cell(paragraphs):
            row.append("".join(paragraphs))
            continue
        # the first paragraph ends the row before (unless this is a row's first cell), the last
        # one starts the next row (unless this is its last cell); the rest stands alone
        head, middle, tail = paragraphs[:1], paragraphs[1:-1], paragraphs[-1:]
        if k == 0:
            middle, head = [*head, *middle], []
        if k == last:
            middle, tail = [*middle, *tail], []
        if head:
            row.append(head[0])
        if row:
            out.append("\t".join(row))
        out.extend(middle)
        row = list(tail)
    if row:
        out.append("\t".join(row))
    return out


def untangle_copied_tables(text: str) -> str:
    """Text copied from a browser showing Word's HTML: every cell a paragraph, so a cell
    boundary is a line with only a tab and a row ends with several blank lines. Such rows back
    into tab-separated lines; other text is left as it is."""
    lines = text.split("\n")
    if sum(_is_separator(lines, k) for k in range(len(lines))) < 2:
        return text
    out: list[str] = []
    group: list[str] = []
    blanks = 0

    def flush() -> None:
        if any(_is_separator(group, k) for k in range(len(group))):
            out.extend(_copied_row(group))
        else:
            out.extend(group)
        group.clear()

    for line in lines:
        if _blank(line) and "\t" not in line:
            blanks += 1
            group.append(line)
            continue
        if blanks >= 3:  # a row's end (a paragraph break is one blank line)
            flush()
        blanks = 0
        group.append(line)
    flush()
    return "\n".join(out)


def text_blocks(text: str) -> list[Block]:
    """Lines → paragraphs and tables. Blank lines are kept: in flattened tables they separate
    rows."""
    text = plain_hanzi(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = untangle_copied_tables(text)
    lines = unsqueeze(text).split("\n")
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
        if _pipe_cells(line) is not None:
            rows: list[list[str]] = []
            j = i
            while j < len(lines) and (cells := _pipe_cells(lines[j])) is not None:
                if cells:
                    rows.append(cells)
                j += 1
            if len(rows) >= 2:
                n_table += 1
                blocks.append(_rows_table(rows, f"第{n_table}个表格"))
                i = j
                continue
        if _is_tsv(line):
            j = i
            while j < len(lines) and _is_tsv(lines[j]):
                j += 1
            if j - i >= 2:
                n_table += 1
                blocks.append(
                    _rows_table([x.split("\t") for x in lines[i:j]], f"第{n_table}个表格")
                )
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
