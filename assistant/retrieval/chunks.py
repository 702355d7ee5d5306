"""Chunking: 条例 by article, format notices by item, reports by section, guidance by heading."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from assistant.report import Report
from assistant.report.layout import SECTION_IDS, load_sections, preamble_name
from assistant.retrieval.hits import DocKind, Hit

# Bump when chunking changes, so that every document is re-indexed once.
CHUNKER_VERSION = "3"
_MAX_CHUNK = 420  # characters; e5-small reads about 512 tokens and one 汉字 is about one token

# how a report's sections are cited: 五 and its heading (the opening paragraphs: 引言)
SECTION_NUMBERS: dict[str, str] = {
    "preamble": preamble_name(),
    **{s.id: s.number for s in load_sections()},
}
SECTION_HEADINGS: dict[str, str] = {
    "preamble": preamble_name(),
    **{s.id: s.heading for s in load_sections()},
}
_CN_DIGITS = "一二三四五六七八九十百零〇"


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage and the metadata that filters and cites it."""

    chunk_id: str
    doc_id: str
    kind: DocKind
    title: str
    text: str
    context: str = ""  # indexed before the text (title, chapter, section) but not quoted
    article: str | None = None
    chapter: str | None = None
    section: str | None = None
    year: int | None = None
    agency: str | None = None
    format: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def indexed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma and the keyword index (no None values)."""
        meta: dict[str, Any] = {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "title": self.title,
            "context_len": len(self.context) + 1 if self.context else 0,
        }
        for key in ("article", "chapter", "section", "year", "agency", "format"):
            value = getattr(self, key)
            if value is not None:
                meta[key] = value
        meta.update({f"x_{k}": v for k, v in self.extra.items()})
        return meta


def hit_from(chunk_id: str, document: str, meta: dict[str, Any], score: float) -> Hit:
    """A Hit from what the stores keep: the indexed text and the flat metadata."""
    year = meta.get("year")
    return Hit(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        kind=meta["kind"],
        title=str(meta["title"]),
        text=document[int(meta.get("context_len", 0)) :],
        score=score,
        article=meta.get("article"),
        section=meta.get("section"),
        year=int(year) if year is not None else None,
        agency=meta.get("agency"),
        extra={k[2:]: str(v) for k, v in meta.items() if k.startswith("x_")}
        | ({"chapter": str(meta["chapter"])} if meta.get("chapter") else {})
        | ({"format": str(meta["format"])} if meta.get("format") else {}),
    )


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (between `---` lines) and the body."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end > 0:
            head = text[4:end]
            try:
                meta = yaml.safe_load(head) or {}
            except yaml.YAMLError:
                # the shipped official texts use plain `key: value` lines whose values hold colons
                meta = dict(ln.split(": ", 1) for ln in head.splitlines() if ": " in ln)
            return (meta if isinstance(meta, dict) else {}), text[end + 4 :].lstrip("\n")
    return {}, text


def _pieces(text: str, limit: int = _MAX_CHUNK) -> list[str]:
    """Split text at paragraph, then sentence boundaries into pieces of at most about `limit`."""
    paragraphs = [
        p.strip()
        for p in re.split(r"\n\s*\n|\n(?=\s*[（(][一二三四五六七八九十]+[）)])", text)
        if p.strip()
    ]
    units: list[str] = []
    for para in paragraphs:
        if len(para) <= limit:
            units.append(para)
            continue
        for sentence in re.findall(r"[^。；！？]*[。；！？]?", para):
            # a run without sentence ends (a flattened table) is cut at the limit
            units.extend(
                sentence[i : i + limit]
                for i in range(0, len(sentence), limit)
                if sentence[i : i + limit].strip()
            )
    out: list[str] = []
    for unit in units:
        if out and (len(out[-1]) + len(unit) + 1 <= limit or len(unit) < 20):
            out[-1] = f"{out[-1]}\n{unit}"
        else:
            out.append(unit)
    return out


def _numbered(base: str, pieces: list[str]) -> list[tuple[str, str]]:
    return [(base if i == 0 else f"{base}/{i + 1}", p) for i, p in enumerate(pieces)]


# ---- regulations: one chunk per article ---------------------------------------------------------

_ARTICLE = re.compile(rf"^\s*(第[{_CN_DIGITS}]+条)[\s　]*", re.M)
_CHAPTER = re.compile(rf"^#*\s*(第[{_CN_DIGITS}]+章)[\s　]*(\S*)\s*$", re.M)


def chunk_articles(
    doc_id: str,
    kind: DocKind,
    title: str,
    body: str,
    *,
    short: str | None = None,
    extra: dict[str, str] | None = None,
) -> list[Chunk]:
    """Text with 第X条 paragraphs: one chunk per article (chapter kept), plus lead and tail."""
    extra = extra or {}
    name = short or title
    chunks: list[Chunk] = []
    marks = list(_ARTICLE.finditer(body))
    if not marks:
        return chunk_plain(doc_id, kind, title, body, extra=extra)
    lead = _clean(body[: marks[0].start()])
    if len(lead) > 30:
        for cid, piece in _numbered(f"{doc_id}#前言", _pieces(lead)):
            chunks.append(Chunk(cid, doc_id, kind, title, piece, context=name, extra=extra))
    chapters = [
        (m.start(), f"{m.group(1)}　{m.group(2)}".strip("　")) for m in _CHAPTER.finditer(body)
    ]
    tail_at = _tail_start(body)
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        end = min(end, tail_at) if tail_at > mark.start() else end
        text = _clean(_CHAPTER.sub("", body[mark.start() : end]))
        chapter = next((c for pos, c in reversed(chapters) if pos < mark.start()), None)
        article = mark.group(1)
        context = " ".join(x for x in (name, chapter, article) if x)
        chunks.append(
            Chunk(
                f"{doc_id}#{article}",
                doc_id,
                kind,
                title,
                text,
                context=context,
                article=article,
                chapter=chapter,
                extra=extra,
            )
        )
    if tail_at < len(body):
        tail = _clean(body[tail_at:])
        for cid, piece in _numbered(f"{doc_id}#附录", _pieces(tail)):
            chunks.append(
                Chunk(
                    cid,
                    doc_id,
                    kind,
                    title,
                    piece,
                    context=f"{name} 附录",
                    section="附录",
                    extra=extra,
                )
            )
    return chunks


def _tail_start(body: str) -> int:
    """Where material appended after the articles starts (a `=====` separator), else the end."""
    m = re.search(r"^\s*(\[[^\]]*\]\s*)?$\n*^=====", body, re.M)
    if m:
        return m.start()
    m = re.search(r"^=====", body, re.M)
    return m.start() if m else len(body)


def _clean(text: str) -> str:
    # "[image: image4.png]" is what a reader leaves where a picture was
    lines = [re.sub(r"\[image:[^\]]*\]", "", ln).strip() for ln in text.splitlines()]
    # comments and the transcriber's own markers ("[the mirrored text ends here]") are not text
    text = "\n".join(ln for ln in lines if ln and not ln.startswith(("<!--", "[", "=====")))
    return text.strip()


# ---- format notices: one chunk per item ---------------------------------------------------------

_TOP = re.compile(r"(?:^|(?<=[\s。：]))([一二三四五六七八九十])、(\S{2,12}?)(?=\s)")
# an item opens with its short title and a 。 ("（五）政府信息公开工作存在的主要问题及改进情况。");
# a cross-reference such as "第（五）项" or "（一）（五）（六）（八）共四项" is not an item
_SUB = re.compile(r"(?<![第）])（([一二三四五六七八九十])）(?=[^（）\s。，]{2,40}。)")


def chunk_notice(
    doc_id: str,
    kind: DocKind,
    title: str,
    body: str,
    *,
    short: str,
    format: str | None,
    extra: dict[str, str] | None = None,
) -> list[Chunk]:
    """A notice flattened to one paragraph: split at 一、… headings and their （一）… items."""
    extra = extra or {}
    marker = body.find("正文 ====")
    if marker >= 0:
        body = body[body.find("\n", marker) + 1 :]
    attach = body.find("附件")
    main, attachment = (body[:attach], body[attach:]) if attach > 0 else (body, "")
    tops = list(_TOP.finditer(main))
    segments: list[tuple[str, str]] = []  # (label, text)
    lead_end = tops[0].start() if tops else len(main)
    segments.append(("导语", main[:lead_end]))
    part = ""
    seen: set[str] = set()
    for i, top in enumerate(tops):
        end = tops[i + 1].start() if i + 1 < len(tops) else len(main)
        heading = f"{top.group(1)}、{top.group(2)}"
        if top.group(1) == "一" and heading not in seen and seen:
            part = "格式"  # numbering restarts: the notice's own items are done, the format begins
        seen.add(heading)
        label = f"{part}{heading}" if part and part != "格式" else heading
        text = main[top.start() : end]
        subs = list(_SUB.finditer(text))
        if not subs:
            segments.append((label, text))
            continue
        segments.append((label, text[: subs[0].start()]))
        for j, sub in enumerate(subs):
            sub_end = subs[j + 1].start() if j + 1 < len(subs) else len(text)
            segments.append((f"{label}（{sub.group(1)}）", text[sub.start() : sub_end]))
    if attachment:
        segments.append(("附件", attachment))
    chunks: list[Chunk] = []
    for label, text in segments:
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) < 8 or text == label:
            continue
        base = f"{doc_id}#{label}"
        for cid, piece in _numbered(base, _pieces(text, limit=_MAX_CHUNK)):
            chunks.append(
                Chunk(
                    cid,
                    doc_id,
                    kind,
                    title,
                    piece,
                    context=f"{short} {label}",
                    section=label,
                    format=format,
                    extra=extra,
                )
            )
    return chunks


# ---- reports: one chunk per section or subsection -----------------------------------------------

_SUBHEAD = re.compile(r"^\s*（([一二三四五六七八九十])）\s*(\S.*)$", re.M)


def chunk_report(
    doc_id: str, report: Report, *, title: str | None = None, extra: dict[str, str] | None = None
) -> list[Chunk]:
    """A past report's narrative, split by section and, inside 一, by （一）…（五）."""
    extra = dict(extra or {})
    agency = report.agency.name or None
    if report.agency.kind:
        extra.setdefault("agency_kind", report.agency.kind)
    if report.agency.level:
        extra.setdefault("level", report.agency.level)
    title = title or "政府信息公开工作年度报告"
    chunks: list[Chunk] = []
    for sid in SECTION_IDS:
        section = report.sections.get(sid)
        if section is None or not section.text.strip():
            continue
        number = SECTION_NUMBERS[sid]
        heading = section.heading or SECTION_HEADINGS[sid]
        parts: list[tuple[str, str, str]] = []  # (section label, heading, text)
        subs = list(_SUBHEAD.finditer(section.text)) if sid == "overview" else []
        if subs and subs[0].start() > 0 and section.text[: subs[0].start()].strip():
            parts.append((number, heading, section.text[: subs[0].start()]))
        for j, sub in enumerate(subs):
            end = subs[j + 1].start() if j + 1 < len(subs) else len(section.text)
            head, rest = _split_run_in(sub.group(2).strip())
            parts.append(
                (
                    f"{number}.（{sub.group(1)}）",
                    f"（{sub.group(1)}）{head}",
                    rest + section.text[sub.end() : end],
                )
            )
        if not subs:
            parts.append((number, heading, section.text))
        for label, head, text in parts:
            text = _clean(text.replace("\u3000", " ").replace("\xa0", " "))
            if not text:
                continue
            name = (
                SECTION_HEADINGS[sid] if sid == "preamble" else f"{number}、{SECTION_HEADINGS[sid]}"
            )
            # agency and year stay out of the indexed context: every chunk of a report would share
            # them and short chunks would win on them alone; they are metadata, used by filters
            # and by the year and agency preferences of the search
            context = f"年度报告 {name} {head if head != heading else ''}"
            for cid, piece in _numbered(f"{doc_id}#{label}", _pieces(text)):
                chunks.append(
                    Chunk(
                        cid,
                        doc_id,
                        "report",
                        title,
                        piece,
                        context=context.strip(),
                        section=label,
                        year=report.year,
                        agency=agency,
                        format=report.format,
                        extra=extra,
                    )
                )
    return chunks


def _split_run_in(line: str) -> tuple[str, str]:
    """A run-in heading "（一）主动公开方面。按照…" is the words up to the first 。/：; the rest is text."""
    m = re.match(r"(.{2,24}?)[。：:]", line)
    if m and line[m.end() :].strip():
        return m.group(1), line[m.end() :].strip()
    return line, ""


# ---- guidance written as markdown, and plain local documents ------------------------------------


def chunk_markdown(
    doc_id: str,
    kind: DocKind,
    title: str,
    body: str,
    *,
    section: str | None = None,
    extra: dict[str, str] | None = None,
) -> list[Chunk]:
    """One chunk per `## heading`; a heading may carry its own section tag: `## 写法 {一.（一）}`."""
    extra = extra or {}
    chunks: list[Chunk] = []
    heads = list(re.finditer(r"^##\s+(.+?)\s*$", body, re.M))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        text = _clean(body[head.end() : end])
        label = head.group(1)
        tag = re.search(r"\{([^}]+)\}\s*$", label)
        sec = tag.group(1) if tag else section
        label = label[: tag.start()].strip() if tag else label
        if not text:
            continue
        for cid, piece in _numbered(f"{doc_id}#{label}", _pieces(text, limit=_MAX_CHUNK)):
            chunks.append(
                Chunk(
                    cid,
                    doc_id,
                    kind,
                    title,
                    piece,
                    context=f"{title} {label}",
                    section=sec,
                    extra=extra | {"heading": label},
                )
            )
    return chunks


def chunk_plain(
    doc_id: str, kind: DocKind, title: str, body: str, *, extra: dict[str, str] | None = None
) -> list[Chunk]:
    """Text without structure we know: paragraph windows of a few hundred characters."""
    return [
        Chunk(cid, doc_id, kind, title, piece, context=title, extra=extra or {})
        for cid, piece in _numbered(f"{doc_id}#段1", _pieces(_clean(body)))
    ]


def chunk_local(doc_id: str, title: str, body: str) -> list[Chunk]:
    """A local rule or work plan (省级办法, 年度政务公开工作要点): by article when it has them."""
    if len(_ARTICLE.findall(body)) >= 3:
        return chunk_articles(doc_id, "local", title, body)
    return chunk_plain(doc_id, "local", title, body)


def renumber(chunks: list[Chunk]) -> list[Chunk]:
    """Make chunk ids unique inside one document (a repeated heading gets a suffix)."""
    seen: dict[str, int] = {}
    out = []
    for c in chunks:
        n = seen.get(c.chunk_id, 0)
        seen[c.chunk_id] = n + 1
        out.append(c if n == 0 else replace(c, chunk_id=f"{c.chunk_id}~{n + 1}"))
    return out
