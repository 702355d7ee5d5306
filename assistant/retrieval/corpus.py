"""The documents to index: the shipped corpus (knowledge/MANIFEST.yaml) and the user's library."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.config import LimitSettings
from assistant.errors import InputError, KnowledgeError
from assistant.limits import DEFAULT_LIMITS, check_file, check_size
from assistant.report import Report
from assistant.retrieval.chunks import (
    CHUNKER_VERSION,
    Chunk,
    chunk_articles,
    chunk_local,
    chunk_markdown,
    chunk_notice,
    chunk_report,
    renumber,
    split_front_matter,
)
from assistant.retrieval.hanzi import to_simplified
from assistant.retrieval.hits import DocKind

log = logging.getLogger(__name__)

_TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True)
class SourceDoc:
    """A document the index should hold, with a hash of everything its chunks depend on."""

    doc_id: str
    kind: DocKind
    title: str
    origin: str  # "shipped" or "library"
    path: Path | None
    content_hash: str
    entry: dict[str, Any] = field(default_factory=dict)


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256(CHUNKER_VERSION.encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:24]


def shipped_documents(knowledge_dir: Path) -> list[SourceDoc]:
    """Every document listed in knowledge/MANIFEST.yaml."""
    manifest = knowledge_dir / "MANIFEST.yaml"
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"无法读取知识库清单 {manifest}：{exc}。请检查安装是否完整。") from exc
    docs = []
    for entry in data.get("documents", []):
        path = knowledge_dir / entry["path"]
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise KnowledgeError(
                f"知识库清单列出的文件 {path} 无法读取：{exc}。请检查安装是否完整。"
            ) from exc
        meta = json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")
        docs.append(
            SourceDoc(
                entry["id"],
                entry["kind"],
                entry["title"],
                "shipped",
                path,
                _digest(raw, meta),
                entry,
            )
        )
    return docs


def chunk_document(doc: SourceDoc) -> list[Chunk]:
    """Read and chunk one document. A report the readers cannot read yields no chunks."""
    entry, path = doc.entry, doc.path
    chunking = entry.get("chunking", "plain")
    extra = {"origin": doc.origin}
    if entry.get("partial"):
        extra["partial"] = "true"
    if chunking == "report":
        report = _read_report(doc)
        if report is None:
            return []
        return renumber(
            chunk_report(doc.doc_id, report, title=_report_title(report, entry), extra=extra)
        )
    if chunking == "report-json":
        assert path is not None
        report = Report.model_validate_json(path.read_text(encoding="utf-8"))
        return renumber(
            chunk_report(doc.doc_id, report, title=_report_title(report, entry), extra=extra)
        )
    assert path is not None
    text = _read_text(path)
    if entry.get("script") == "traditional":
        text = to_simplified(text)
    front, body = split_front_matter(text)
    title = doc.title
    if chunking == "articles":
        chunks = chunk_articles(
            doc.doc_id, doc.kind, title, body, short=entry.get("short"), extra=extra
        )
    elif chunking == "notice":
        chunks = chunk_notice(
            doc.doc_id,
            doc.kind,
            title,
            body,
            short=entry.get("short", title),
            format=entry.get("format"),
            extra=extra,
        )
    elif chunking == "markdown":
        chunks = chunk_markdown(
            doc.doc_id, doc.kind, title, body, section=front.get("section"), extra=extra
        )
    else:
        chunks = chunk_local(doc.doc_id, title, body)
    year = entry.get("year")
    if year is not None:
        chunks = [c if c.year is not None else _with_year(c, int(year)) for c in chunks]
    return renumber(chunks)


def _with_year(chunk: Chunk, year: int) -> Chunk:
    from dataclasses import replace

    return replace(chunk, year=year)


def _report_title(report: Report, entry: dict[str, Any]) -> str:
    agency = report.agency.name or ""
    return entry.get("title") or report.title or f"{agency}{report.year}年政府信息公开工作年度报告"


_WARNED: set[str] = set()


def _read_report(doc: SourceDoc) -> Report | None:
    from assistant.ingest import read_report

    try:
        report = read_report(doc.path) if doc.path else None
    except InputError as exc:
        # skipped, not recorded: it is tried again on the next build (the readers may improve);
        # said once per process so that every search does not repeat it
        level = logging.DEBUG if doc.doc_id in _WARNED else logging.WARNING
        _WARNED.add(doc.doc_id)
        log.log(level, "知识库：%s 暂时无法读取为年度报告，已跳过（%s）", doc.path, exc.message)
        return None
    return report


LOCAL_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".shtml", ".docx", ".pdf")


def _check_addable(path: Path, limits: LimitSettings) -> None:
    try:
        info = path.lstat()
    except OSError as exc:
        raise InputError(f"找不到文件“{path}”。请检查路径是否正确。", source=path) from exc
    if stat.S_ISLNK(info.st_mode):
        raise InputError(
            f"{path.name}：这是一个链接（快捷方式），不是文件本身。为安全起见不跟随链接，"
            f"请直接选择原文件。",
            source=path,
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"“{path}”不是普通文件，请选择一个文档文件。", source=path)
    from assistant.ingest import SUPPORTED_SUFFIXES

    kinds = sorted({*LOCAL_SUFFIXES, *SUPPORTED_SUFFIXES})
    if path.suffix.lower() not in kinds:
        raise InputError(
            f"{path.name}：知识库不收“{path.suffix or '无扩展名'}”类型的文件。可添加的类型："
            + "、".join(s.lstrip(".") for s in kinds)
            + "。",
            source=path,
        )
    check_size(path, "knowledge", limits)
    check_file(path, limits)  # and the limit of its kind (a web page, a Word file's contents)


def _read_text(path: Path) -> str:
    """Text of a local document: UTF-8, else GB18030 (the usual encodings of Chinese files)."""
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".shtml"):
        from bs4 import BeautifulSoup

        return BeautifulSoup(raw, "lxml").get_text("\n")
    if suffix == ".docx":
        return _docx_text(path)
    if suffix == ".pdf":
        from assistant.ingest.pdf import pdf_text  # encrypted, damaged: a Chinese message

        return pdf_text(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{path.name}：无法识别文件编码。请另存为 UTF-8 编码的文本后再添加。", source=path
    )


def _docx_text(path: Path) -> str:

    import docx

    from assistant.ingest.docx import UNREADABLE

    try:
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    except UNREADABLE as exc:  # a damaged, encrypted or renamed file
        raise InputError(
            f"{path.name}：无法作为 Word 文档（.docx）打开（文件损坏、加密，或是改了扩展名的"
            f".doc）。请在 Word/WPS 中另存为 .docx 后再添加。",
            source=path,
        ) from exc


class Library:
    """The user's own documents, copied into the workspace (home/knowledge) so they survive."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index = root / "library.json"

    def _load(self) -> dict[str, Any]:
        if not self._index.exists():
            return {"owner": uuid.uuid4().hex[:12], "documents": {}}
        data: dict[str, Any] = json.loads(self._index.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self._index.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self._index)

    @property
    def owner(self) -> str:
        """Identifies this library, so a shared Chroma server keeps other offices' documents."""
        data = self._load()
        if not self._index.exists():
            self._save(data)
        return str(data["owner"])

    def documents(self) -> list[SourceDoc]:
        data = self._load()
        docs = []
        for doc_id, entry in data["documents"].items():
            path = self.root / entry["file"]
            if not path.exists():
                continue
            docs.append(
                SourceDoc(
                    doc_id,
                    entry["kind"],
                    entry["title"],
                    "library",
                    path,
                    _digest(path.read_bytes(), json.dumps(entry, sort_keys=True).encode("utf-8")),
                    {**entry, "id": doc_id},
                )
            )
        return docs

    def add_file(
        self, path: Path, *, kind: DocKind | None = None, limits: LimitSettings = DEFAULT_LIMITS
    ) -> SourceDoc:
        """Copy a file in. A published report becomes kind "report"; anything else "local".
        Only a regular file of a supported type, within the size limits: a link is not
        followed (a link to /etc/passwd would otherwise be copied in and indexed)."""
        _check_addable(path, limits)
        report = None
        if kind in (None, "report"):
            report = _try_report(path, required=kind == "report", limits=limits)
        data = self._load()
        doc_id = self._free_id(data, _slug(path.stem))
        if report is not None:
            file = f"{doc_id}.json"
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / file).write_text(report.model_dump_json(), encoding="utf-8")
            title = _report_title(report, {})
            entry = {
                "file": file,
                "kind": "report",
                "chunking": "report-json",
                "title": title,
                "original": path.name,
            }
        else:
            text = _read_text(path)  # fails early, with a Chinese message, on an unreadable file
            if not text.strip():
                raise InputError(f"{path.name}：文件中没有可读取的文字。", source=path)
            file = f"{doc_id}{path.suffix.lower()}"
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, self.root / file)
            title = _title_of(text, path)
            entry = {
                "file": file,
                "kind": kind or "local",
                "chunking": "local",
                "title": title,
                "original": path.name,
            }
        data["documents"][doc_id] = entry
        self._save(data)
        return next(d for d in self.documents() if d.doc_id == doc_id)

    def add_report(self, report: Report, *, doc_id: str | None = None) -> SourceDoc:
        data = self._load()
        agency = report.agency.name or "报告"
        doc_id = doc_id or f"{_slug(agency)}-{report.year}"
        if doc_id in data["documents"]:
            old = self.root / data["documents"][doc_id]["file"]
            old.unlink(missing_ok=True)
        file = f"{doc_id}.json"
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / file).write_text(report.model_dump_json(), encoding="utf-8")
        data["documents"][doc_id] = {
            "file": file,
            "kind": "report",
            "chunking": "report-json",
            "title": _report_title(report, {}),
        }
        self._save(data)
        return next(d for d in self.documents() if d.doc_id == doc_id)

    def remove(self, doc_id: str) -> bool:
        data = self._load()
        entry = data["documents"].pop(doc_id, None)
        if entry is None:
            return False
        (self.root / entry["file"]).unlink(missing_ok=True)
        self._save(data)
        return True

    @staticmethod
    def _free_id(data: dict[str, Any], base: str) -> str:
        doc_id, n = base, 1
        while doc_id in data["documents"]:
            n += 1
            doc_id = f"{base}-{n}"
        return doc_id


def _try_report(path: Path, *, required: bool, limits: LimitSettings) -> Report | None:
    from assistant.ingest import read_report

    try:
        report = read_report(path, limits=limits)
    except InputError:
        if required:
            raise
        return None
    # a file the readers accept but that has no section text is not a report worth indexing
    return report if any(s.text.strip() for s in report.sections.values()) else None


def _slug(stem: str) -> str:
    slug = re.sub(r"[^\w\u3400-\u9fff-]+", "-", stem).strip("-")
    return slug or "doc"


def _title_of(text: str, path: Path) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if 4 <= len(line) <= 60:
            return line
    return path.stem
