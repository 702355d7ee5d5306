"""Web pages saved from a government portal (often Word-exported HTML in GB2312/GBK): drop the
site chrome, keep paragraphs and tables in order, expand rowspan/colspan into a grid, and keep
发布机构 / 公开日期 / 索引号 as publication metadata."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from bs4.element import CData, Declaration, ProcessingInstruction

from assistant.errors import InputError
from assistant.ingest.assemble import Meta, assemble
from assistant.ingest.blocks import Block, Paragraph, Table, place_cells
from assistant.ingest.sections import match_heading
from assistant.ingest.tables import is_table_text
from assistant.ingest.text import decode, read_bytes
from assistant.report.layout import FormatVersion
from assistant.report.model import Publication, Report

_DROP = frozenset(("script", "style", "noscript", "iframe", "form", "button", "select", "input", "textarea",
         "nav", "header", "footer", "head", "svg", "object", "embed", "template", "map"))
_CHROME = frozenset({"header", "footer", "nav", "navbar", "menu", "submenu", "breadcrumb", "crumb",
                     "crumbs", "share", "sidebar", "search", "topbar", "copyright", "friendlink",
                     "position", "location", "toolbar"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
                    "article", "blockquote", "pre", "center", "dd", "dt", "dl", "address", "main",
                    "aside", "figure", "figcaption", "hr", "tr", "td", "th", "tbody", "thead",
                    "caption", "body", "html"})
_LAYOUT_CELL = 300  # characters: no label or number of the official tables is this long
_SKIP_STRINGS = (Comment, Doctype, Declaration, ProcessingInstruction, CData)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_META_LINE = {
    "index_no": re.compile(r"索\s*引\s*号\s*[:：]?\s*([\w\-/.]+)"),
    "publisher": re.compile(r"(?:发布机构|发文机关|发布单位|来\s*源)\s*[:：]\s*([^\s:：|]{2,40})"),
    "date": re.compile(r"(?:公开日期|发布日期|发布时间|成文日期|时\s*间|日\s*期)\s*[:：]\s*(\S.{0,30})"),
}


def _tokens(tag: Tag) -> set[str]:
    values: list[str] = []
    for attr in ("class", "id"):
        v = tag.get(attr)
        values.extend(v if isinstance(v, list) else [v] if isinstance(v, str) else [])
    return {t for v in values for t in re.split(r"[\s_\-]+", v.lower()) if t}


def _is_chrome(tag: Tag) -> bool:
    if tag.get("role") in ("navigation", "banner", "contentinfo", "search"):
        return True
    return bool(_tokens(tag) & _CHROME)


def _span(value: object) -> int:
    m = re.match(r"\s*(\d{1,4})", value if isinstance(value, str) else "")
    return int(m.group(1)) if m else 1


class _Walker:
    """Document order → blocks; each block remembers the element it came from."""

    def __init__(self) -> None:
        self.blocks: list[tuple[Block, Tag]] = []
        self.buf: list[str] = []
        self.owner: Tag | None = None

    def flush(self) -> None:
        text = "".join(self.buf)
        lines = [_SPACE.sub(" ", x).strip() for x in text.split("\n")]
        text = "\n".join(x for x in lines if x)
        if text and self.owner is not None:
            self.blocks.append((Paragraph(text), self.owner))
        self.buf = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIP_STRINGS):
                    if not self.buf:
                        self.owner = node
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _DROP or _is_chrome(child):
                continue  # scripts, styles, navigation, headers and footers of the portal
            if name == "br":
                self.buf.append("\n")
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in _BLOCK:
                self.flush()
                self.owner = child
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table: Tag) -> None:
        if table.find("table") is not None:  # a layout table: its cells are containers
            self.walk(table)
            return
        rows: list[list[tuple[str, int, int]]] = []
        for tr in table.find_all("tr"):
            rows.append([(_cell_text(td), _span(td.get("rowspan")), _span(td.get("colspan")))
                         for td in tr.find_all(["td", "th"], recursive=False)])
        if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2 or any(
                len(text) > _LAYOUT_CELL or any(match_heading(x) and not is_table_text(x)
                                                for x in text.split("\n"))
                for row in rows for text, _, _ in row):
            # one row or one column, or cells holding whole sections: a frame around the text
            self.walk(table)
            return
        self.blocks.append((Table(place_cells(rows)), table))


def _cell_text(td: Tag) -> str:
    w = _Walker()
    w.owner = td
    w.walk(td)
    w.flush()
    return "\n".join(b.text for b, _ in w.blocks if isinstance(b, Paragraph))


def _content(blocks: list[tuple[Block, Tag]]) -> list[tuple[Block, Tag]]:
    """The blocks of the report itself: under the smallest element holding its first and last
    section headings (everything else is the portal around it)."""
    heads = [el for b, el in blocks if isinstance(b, Paragraph)
             and any(match_heading(x) for x in b.text.split("\n"))]
    if len(heads) < 2:
        return blocks
    first = [heads[0], *heads[0].parents]
    last = {id(x) for x in (heads[-1], *heads[-1].parents)}
    root = next((x for x in first if id(x) in last), None)
    if root is None or root.name in ("html", "[document]"):
        return blocks
    return [(b, el) for b, el in blocks if el is root or any(p is root for p in el.parents)]


def _parse_date(text: str) -> dt.date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _head_meta(soup: BeautifulSoup) -> Meta:
    """The page's <meta> tags and <title>: portals put 标题, 发布日期 and 网址 there."""
    tags: dict[str, str] = {}
    for tag in (soup.head or soup).find_all("meta"):
        name = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip():
            tags.setdefault(name.lower(), content.strip())

    def meta(*names: str) -> str | None:
        return next((tags[n.lower()] for n in names if n.lower() in tags), None)

    pub = Publication()
    title = meta("ArticleTitle", "og:title")
    if title is None and soup.title is not None and soup.title.string:
        parts = re.split(r"[_|｜—\-]+", str(soup.title.string))
        title = next((p.strip() for p in parts if "报告" in p), None)
    pub.url = meta("Url", "og:url")
    pub.publisher = meta("ContentSource")
    pub.date = _parse_date(meta("PubDate", "pubdate", "publishdate") or "")
    return Meta(title=title, publication=pub)


def _line_meta(meta: Meta, blocks: list[tuple[Block, Tag]]) -> Meta:
    """索引号 / 发布机构 / 公开日期 lines (or table rows) around the report fill what the <meta>
    tags did not say."""
    pub = meta.publication.model_copy()
    lines: list[str] = []
    for b, _ in blocks:
        if isinstance(b, Paragraph):
            lines.extend(b.text.split("\n"))
        else:
            lines.extend(" ".join(c.text for c in row) for row in b.rows())
    for line in lines:
        if len(line) > 120:
            continue
        if pub.index_no is None and (m := _META_LINE["index_no"].search(line)):
            pub.index_no = m.group(1)
        if pub.publisher is None and (m := _META_LINE["publisher"].search(line)):
            pub.publisher = m.group(1)
        if pub.date is None and (m := _META_LINE["date"].search(line)):
            pub.date = _parse_date(m.group(1))
    return Meta(title=meta.title, publication=pub)


def html_blocks(text: str) -> tuple[list[Block], Meta]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 warns about odd input; we judge the result
        soup = BeautifulSoup(text, "lxml")
    head_meta = _head_meta(soup)
    walker = _Walker()
    root = soup.body or soup
    walker.owner = root
    walker.walk(root)
    walker.flush()
    meta = _line_meta(head_meta, walker.blocks)
    return [b for b, _ in _content(walker.blocks)], meta


def read_html(text: str, *, source: str, format: FormatVersion | None = None) -> Report:
    try:
        blocks, meta = html_blocks(text)
    except RecursionError as exc:
        raise InputError(f"{source}：网页结构嵌套过深，无法读取。请另存为 .docx 或 .txt 后再试。",
                         source=source) from exc
    report, _ = assemble(blocks, source=source, kind="html", meta=meta, format=format)
    return report


def read(path: Path, *, format: FormatVersion | None = None) -> Report:
    data = read_bytes(path)
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace") if m else None
    return read_html(decode(data, declared=declared, name=path.name), source=str(path),
                     format=format)
