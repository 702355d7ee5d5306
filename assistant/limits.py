"""What one input may cost: size by kind, zip containers, data-file structure, model output.

The figures are `LimitSettings` (assistant/config.py, XXGK_LIMITS__*), read once at the edge and
passed in; a reader given none uses the defaults. Each check raises `LimitError` (an InputError:
exit 2 on the command line) whose Chinese message names the file and the limit, before anything
big is read, so no single input costs more than a few hundred MB whatever it claims to hold.
Readers of new kinds (OCR of images, issue 19) call `check_file` with their kind.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Literal

from assistant.config import LimitSettings
from assistant.errors import LimitError

DEFAULT_LIMITS = LimitSettings()

FileKind = Literal["data", "text", "html", "office", "pdf", "image", "backup", "knowledge"]

_KIND_WORDS = {
    "data": "数据文件（YAML/JSON）",
    "text": "文本文件",
    "html": "网页文件",
    "office": "Word/Excel 文件",
    "pdf": "PDF 文件",
    "image": "图片文件",
    "backup": "备份文件",
    "knowledge": "知识库资料",
}
_MB = 1024 * 1024
_MEDIA = ("word/media/", "xl/media/", "word/embeddings/", "xl/embeddings/")  # kept as bytes


def _mb(n: float) -> str:
    return f"{n / _MB:.1f}".rstrip("0").rstrip(".") + " MB"


def kind_of(path: Path) -> FileKind:
    """The size class of a file by its suffix (anything unknown is text)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return "data"
    if suffix in (".docx", ".xlsx"):
        return "office"
    if suffix in (".html", ".htm", ".shtml"):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"):
        return "image"
    if suffix == ".gz":
        return "backup"
    return "text"


def max_bytes(kind: FileKind, limits: LimitSettings = DEFAULT_LIMITS) -> int:
    return int(getattr(limits, f"{kind}_mb") * _MB)


def check_size(
    path: Path, kind: FileKind | None = None, limits: LimitSettings = DEFAULT_LIMITS
) -> None:
    """Refuse a file larger than its kind allows (the size on disk, before reading it)."""
    kind = kind or kind_of(path)
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says why it cannot open it, in its own words
    cap = max_bytes(kind, limits)
    if size > cap:
        raise LimitError(
            f"{path.name}：文件大小 {_mb(size)}，超过{_KIND_WORDS[kind]}的上限 {_mb(cap)}，"
            f"没有读取。请确认选对了文件；确需读取可调整设置 XXGK_LIMITS__{kind.upper()}_MB。",
            source=path,
            limit=f"{kind}_mb",
        )


def check_zip(path: Path, limits: LimitSettings = DEFAULT_LIMITS) -> None:
    """Refuse a zip container (docx, xlsx) whose members would unpack beyond the limits.

    The sizes are those the container declares: Python's zipfile (which python-docx and
    openpyxl read through) stops each member at its declared size, so a member that lies
    yields at most that much, then a CRC error. A file that is no zip is left to the reader."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return
    if len(members) > limits.zip_members:
        raise LimitError(
            f"{path.name}：压缩包内有 {len(members)} 个部件，超过上限 {limits.zip_members} 个"
            f"（正常的 Word/Excel 文件只有几十个），没有读取。请在 Word/WPS/Excel 中另存后再试。",
            source=path,
            limit="zip_members",
        )
    markup = sum(m.file_size for m in members if not m.filename.startswith(_MEDIA))
    cap = int(limits.unzipped_markup_mb * _MB)
    if markup > cap:  # the XML is parsed into a tree several times its size: a tighter limit
        raise LimitError(
            f"{path.name}：正文与表格部分解压后共 {_mb(markup)}，超过上限 {_mb(cap)}，没有读取"
            f"（文件可能是“压缩炸弹”）。请在 Word/WPS/Excel 中另存后再试；"
            f"确需读取可调整设置 XXGK_LIMITS__UNZIPPED_MARKUP_MB。",
            source=path,
            limit="unzipped_markup_mb",
        )
    total = sum(m.file_size for m in members)
    cap = int(limits.unzipped_mb * _MB)
    if total > cap:
        raise LimitError(
            f"{path.name}：解压后共 {_mb(total)}，超过上限 {_mb(cap)}，没有读取"
            f"（文件可能是“压缩炸弹”，或嵌入了过多图片）。请删去大图后另存再试；"
            f"确需读取可调整设置 XXGK_LIMITS__UNZIPPED_MB。",
            source=path,
            limit="unzipped_mb",
        )


def check_file(path: Path, limits: LimitSettings = DEFAULT_LIMITS) -> None:
    """Everything that can be judged at the door: the size, and a container's contents."""
    check_size(path, None, limits)
    if kind_of(path) == "office":
        check_zip(path, limits)


def gunzip(data: bytes, name: str, limits: LimitSettings = DEFAULT_LIMITS) -> bytes:
    """Decompress gzip data, refusing more than `unzipped_mb` before producing it."""
    cap = int(limits.unzipped_mb * _MB)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, cap + 1)
    if len(out) > cap:
        raise LimitError(
            f"{name}：解压后超过上限 {_mb(cap)}，没有读取（文件可能是“压缩炸弹”）。",
            source=name,
            limit="unzipped_mb",
        )
    if not inflater.eof:
        raise zlib.error("truncated gzip stream")
    return out


# ---- data files: JSON structure before parsing -------------------------------------------------

# unrolled (a run of plain characters in one step, not one alternation per character): the
# per-character form cost 0.25 ms on every report and took reading + checking below 2,000/s
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS_ONLY = bytes(c for c in range(256) if c not in b"[]{}")
_MAX_EXPONENT_DIGITS = 2  # 1e99 at most: a number's digits, written out, stay in the hundreds


# digits → "0", e/E → "e", signs → "+", the rest → " ": long runs and exponents become plain
# substrings, found by a byte search rather than a regex (ten times faster on a report)
_NUMBER_SHAPES = bytes(
    0x30 if 0x30 <= c <= 0x39 else 0x65 if c in b"eE" else 0x2B if c in b"+-" else 0x20
    for c in range(256)
)


def _suspect_number(data: bytes, number_chars: int) -> bool:
    """A quick test on the raw text, strings and all: a run of digits longer than the limit, or
    an exponent of three digits or more. Only when it finds one is the careful scan (outside
    strings) made, so a well-formed file costs one translation and three byte searches."""
    shapes = data.translate(_NUMBER_SHAPES)
    exponent = b"0" * (_MAX_EXPONENT_DIGITS + 1)
    return (
        b"0" * (number_chars + 1) in shapes
        or b"0e" + exponent in shapes
        or b"0e+" + exponent in shapes
    )


def check_json_text(data: bytes, name: str, limits: LimitSettings = DEFAULT_LIMITS) -> None:
    """Refuse nesting deeper than `json_depth` and numbers longer than `number_chars` (or with
    an exponent beyond 99) before a parser sees them: a deep nest overflows the parser's stack,
    and `1e999999999` or a 200,000-digit integer costs minutes and gigabytes once it is made a
    number. A well-formed file costs byte counts, splits and replacements, no regex and no
    per-character loop."""
    marks = data.translate(_PARENS, _NOT_MARKS)  # a tenth of the file: brackets and quotes
    deep = marks.count(b"(") > limits.json_depth and _may_be_deeper(data, marks, limits.json_depth)
    suspect = _suspect_number(data, limits.number_chars)
    if not (deep or suspect):
        return
    bare = _STRING.sub(b'""', data) if b'"' in data else data
    if deep:
        depth = 0
        for byte in bare.translate(None, _BRACKETS_ONLY):
            if byte in (0x5B, 0x7B):  # [ {
                depth += 1
                if depth > limits.json_depth:
                    raise _too_deep(name, limits)
            else:
                depth -= 1
    if suspect:
        for token in re.findall(rb"[0-9eE.+\-]+", bare):
            _check_number_token(token.decode("ascii"), name, limits)


# [ { → "(", ] } → ")"; with _NOT_MARKS deleted, only brackets and quotes are left
_PARENS = bytes(0x28 if c in b"[{" else 0x29 if c in b"]}" else c for c in range(256))
_NOT_MARKS = bytes(c for c in range(256) if c not in b'[]{}"')


def _may_be_deeper(data: bytes, marks: bytes, limit: int) -> bool:
    """False when the nesting is certainly no deeper than `limit`; True sends the file to the
    exact scan. `marks` is `data` with only its brackets (as parentheses) and quotes kept.
    Without an escaped quote every quote opens or closes a string, so brackets
    between the first and second quote of a pair are inside a string and the rest nest.
    Removing every innermost "()" pair at once removes one level: a report's five levels are
    gone after five passes of byte replacement, with no per-character loop and no regex."""
    if b"\\" in data and b'\\"' in data:  # the one-byte search is the quick one
        return True
    # strings without brackets leave "" and go first (taking out two adjacent quotes changes no
    # other quote's place in its pair, nor which brackets lie outside strings)
    marks = marks.replace(b'""', b"")
    if b'"' in marks:  # a string holds a bracket: keep only what lies outside strings
        marks = b"".join(marks.split(b'"')[::2])
    for _ in range(limit):
        if not marks:
            return False
        shorter = marks.replace(b"()", b"")
        if len(shorter) == len(marks):
            return True  # unbalanced: let the exact scan (and then the parser) decide
        marks = shorter
    return bool(marks)


def _too_deep(name: str, limits: LimitSettings) -> LimitError:
    return LimitError(
        f"{name}：数据嵌套超过 {limits.json_depth} 层，没有读取。年报数据只有几层"
        f"（单位、表三、行、列），请对照 xxgk template 生成的样例检查。",
        source=name,
        limit="json_depth",
    )


def _too_long_number(name: str, limits: LimitSettings) -> LimitError:
    return LimitError(
        f"{name}：文件中有超过 {limits.number_chars} 位（或指数超过 99）的数字，没有读取。年报中的数字"
        f"都不会这么长，请检查是否误粘贴了内容。",
        source=name,
        limit="number_chars",
    )


_YAML_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\"")


def check_yaml_text(text: str, name: str, limits: LimitSettings = DEFAULT_LIMITS) -> None:
    """Refuse YAML nested deeper than `json_depth` before the parser (which recurses per level)
    sees it: flow brackets [ { outside quotes, and block indentation (one space at least per
    level, so deeper indentation than the limit is the only way to nest that deep)."""
    if text.count("[") + text.count("{") > limits.json_depth:
        depth = 0
        for char in _YAML_QUOTED.sub("", text):
            if char in "[{":
                depth += 1
                if depth > limits.json_depth:
                    raise _too_deep(name, limits)
            elif char in "]}":
                depth = max(depth - 1, 0)
    indents = {len(line) - len(line.lstrip(" -")) for line in text.splitlines()}
    if len(indents) > limits.json_depth:
        raise _too_deep(name, limits)


def _check_number_token(token: str, name: str, limits: LimitSettings) -> None:
    """A number may have at most `number_chars` characters and an exponent of two digits:
    1e999999999 is short, but a billion digits once a reader writes it out."""
    if len(token) > limits.number_chars:
        raise _too_long_number(name, limits)
    _, e, exponent = token.lower().partition("e")
    if e and len(exponent.lstrip("+-").lstrip("0")) > _MAX_EXPONENT_DIGITS:
        raise _too_long_number(name, limits)


def check_number_text(text: str, name: str, limits: LimitSettings = DEFAULT_LIMITS) -> None:
    """A number written in a YAML scalar: the same limit as in JSON."""
    _check_number_token(text.strip(), name, limits)


class YamlBudget:
    """Counts the nodes a YAML document expands to, aliases included, and refuses beyond
    `yaml_nodes` (a few hundred bytes of nested aliases, "billion laughs", would otherwise
    expand to gigabytes) and depth beyond `json_depth`."""

    def __init__(self, name: str, limits: LimitSettings = DEFAULT_LIMITS) -> None:
        self.name = name
        self.limits = limits
        self.nodes = 0

    def visit(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > self.limits.yaml_nodes:
            raise LimitError(
                f"{self.name}：YAML 展开后超过 {self.limits.yaml_nodes} 项，没有读取"
                f"（文件中的锚点“&”与引用“*”层层嵌套）。年报数据不需要锚点和引用，请删去后再试。",
                source=self.name,
                limit="yaml_nodes",
            )
        if depth > self.limits.json_depth:
            raise _too_deep(self.name, self.limits)
