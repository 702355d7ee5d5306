"""The knowledge base: incremental indexing into Chroma + BM25, and hybrid search with citations."""

from __future__ import annotations

import dataclasses
import logging
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.config import Settings
from assistant.errors import KnowledgeError
from assistant.llm.base import Embedder
from assistant.report import Report
from assistant.retrieval.chunks import Chunk, hit_from
from assistant.retrieval.corpus import Library, SourceDoc, chunk_document, shipped_documents
from assistant.retrieval.hits import DocKind, Hit
from assistant.retrieval.keyword import Segmenter
from assistant.retrieval.phrasing import expand_query
from assistant.retrieval.ranking import (
    chroma_where,
    factor,
    follow_citations,
    fuse,
    keyword_mask,
    preferences,
    resolve_agency,
    resolve_section,
)
from assistant.retrieval.state import ChunkRecord, IndexState, SearchArrays, load_or_build_bm25
from assistant.retrieval.vectors import VectorStore, collection_name, make_client

log = logging.getLogger(__name__)

SearchMode = Literal["hybrid", "keyword", "vector"]
Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)

_CANDIDATES = 50


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    kind: DocKind
    title: str
    origin: str  # shipped | library | shared (added by another machine to a shared server)
    chunks: int
    year: int | None = None
    agency: str | None = None
    partial: bool = False


@dataclass(frozen=True)
class BuildReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    skipped: tuple[str, ...] = ()
    chunks: int = 0
    repaired: tuple[str, ...] = ()  # damaged parts found and what was done about each


def _bm25_readable(path: Path) -> bool:
    """Whether the saved keyword index opens (a missing one is fine: it is built when needed)."""
    if not path.exists():
        return True
    try:
        with np.load(path) as arrays:
            return {"rows", "cols", "tfs", "lengths"} <= set(arrays.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False


class KnowledgeBase:
    """The searchable corpus. Implements `Retriever`; open it with `KnowledgeBase.open`."""

    def __init__(self, settings: Settings, embedder: Embedder, client: Any) -> None:
        self.settings = settings
        self.embedder = embedder
        home = Path(settings.paths.home)
        self.vectors = VectorStore(
            client, collection_name(settings.retrieval.collection, embedder), embedder
        )
        self._dir = home / "kb" / self.vectors.name
        self._state_path = self._dir / "state.json"
        self._bm25_path = self._dir / "bm25.npz"
        self.library = Library(home / "knowledge")
        self.segmenter = Segmenter(home / "cache")
        self._state = IndexState.load(self._state_path)
        self._arrays: SearchArrays | None = None
        self._checked = False
        # the UI serves several requests at once; indexing and the lazy arrays are one at a time
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls, settings: Settings, *, embedder: Embedder | None = None, chroma_client: Any = None
    ) -> KnowledgeBase:
        """Open (and create if needed) the knowledge base the settings describe."""
        if embedder is None:
            from assistant.llm.embeddings import build_embedder

            embedder = build_embedder(settings)
        return cls(settings, embedder, chroma_client or make_client(settings))

    # ---- indexing -------------------------------------------------------------------------------

    def ensure_built(self, progress: Progress | None = None) -> BuildReport:
        """Bring the index up to date: index new or changed documents, drop deleted ones."""
        with self._lock:
            return self._ensure_built(progress)

    def _ensure_built(self, progress: Progress | None) -> BuildReport:
        repaired = [
            f"{part} 已损坏，已按向量库中的内容重建（无需重新计算向量）"
            for part in dict.fromkeys(self._state.damaged)
        ]
        self._state.damaged.clear()
        if not _bm25_readable(self._bm25_path):
            for stale in (self._bm25_path, self._bm25_path.with_suffix(".json")):
                stale.unlink(missing_ok=True)
            self._arrays = None
            repaired.append("bm25.npz 已损坏，已删除，检索时自动重建")
        for line in repaired:
            log.warning("知识库：%s", line)
        self._sync_with_store()
        sources = [
            *shipped_documents(Path(self.settings.paths.knowledge_dir)),
            *self.library.documents(),
        ]
        wanted = {d.doc_id: d for d in sources}
        owner = self.library.owner
        removed = tuple(
            doc_id
            for doc_id, info in self._state.docs.items()
            if doc_id not in wanted
            and (info.get("origin") == "shipped" or info.get("owner") == owner)
        )
        for doc_id in removed:
            self.vectors.delete_doc(doc_id)
            self._state.drop_doc(doc_id)
        changed = [
            d for d in sources if self._state.docs.get(d.doc_id, {}).get("hash") != d.content_hash
        ]
        report = self._index(changed, progress)
        self._checked = True
        if removed or changed:
            self._commit()
        return BuildReport(
            added=report.added,
            updated=report.updated,
            removed=removed,
            unchanged=len(sources) - len(changed),
            skipped=report.skipped,
            chunks=self._state.chunk_count,
            repaired=tuple(repaired),
        )

    def rebuild(self, progress: Progress | None = None) -> BuildReport:
        """Empty the collection and index everything again (after a change of chunking rules,
        or a damaged store), whatever state the local files are in; the report says which
        were found damaged. On a shared server this also drops what other machines added."""
        with self._lock:
            found = [f"{part} 已损坏" for part in dict.fromkeys(self._state.damaged)]
            if not _bm25_readable(self._bm25_path):
                found.append("bm25.npz 已损坏")
            for stale in (self._bm25_path, self._bm25_path.with_suffix(".json")):
                stale.unlink(missing_ok=True)
            self.vectors.reset()
            self._state = IndexState(chunks={}, revision=max(self._state.revision, 0))
            self._commit()
            built = self._ensure_built(progress)
            return dataclasses.replace(built, repaired=(*found, *built.repaired))

    def _index(self, docs: list[SourceDoc], progress: Progress | None) -> BuildReport:
        owner = self.library.owner
        added, updated, skipped = [], [], []
        pending: list[tuple[SourceDoc, list[Chunk]]] = []
        for doc in docs:
            chunks = chunk_document(doc)
            if not chunks:
                skipped.append(doc.doc_id)
                continue
            pending.append((doc, chunks))
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        for doc, chunks in pending:
            if doc.doc_id in self._state.docs:  # after the sync, the mirror knows all of Chroma
                updated.append(doc.doc_id)
                self.vectors.delete_doc(doc.doc_id)
                self._state.drop_doc(doc.doc_id)
            else:
                added.append(doc.doc_id)
            ids += [c.chunk_id for c in chunks]
            texts += [c.indexed_text for c in chunks]
            metas += [
                c.metadata()
                | {
                    "doc_hash": doc.content_hash,
                    "doc_chunks": len(chunks),
                    "origin": doc.origin,
                    "owner": owner,
                }
                for c in chunks
            ]
        if progress and ids:
            progress(0, len(ids))
        self.vectors.add(
            ids, texts, metas, progress=(lambda n: progress(n, len(ids))) if progress else None
        )
        for cid, text, meta in zip(ids, texts, metas, strict=True):
            self._state.chunks[cid] = ChunkRecord(text, meta, " ".join(self.segmenter.tokens(text)))
        for doc, chunks in pending:
            self._state.docs[doc.doc_id] = _doc_entry(doc, chunks, owner)
        return BuildReport(added=tuple(added), updated=tuple(updated), skipped=tuple(skipped))

    def _sync_with_store(self) -> None:
        """Take over what the collection holds when it differs from the local mirror (a shared
        server that another machine added to, or a collection that was reset)."""
        if self.vectors.count() == self._state.chunk_count:
            return
        ids, texts, metas = self.vectors.all_records()
        old = self._state.chunks
        state = IndexState(chunks={}, revision=self._state.revision)
        for cid, text, meta in zip(ids, texts, metas, strict=True):
            prior = old.get(cid)
            tokens = (
                prior.tokens
                if prior and prior.text == text
                else " ".join(self.segmenter.tokens(text))
            )
            state.chunks[cid] = ChunkRecord(text, meta, tokens)
            doc = state.docs.setdefault(
                meta["doc_id"],
                {
                    "hash": meta.get("doc_hash"),
                    "kind": meta.get("kind"),
                    "title": meta.get("title"),
                    "expected": meta.get("doc_chunks"),
                    "origin": meta.get("origin", "shared"),
                    "owner": meta.get("owner"),
                    "chunks": 0,
                    "year": meta.get("year"),
                    "agency": meta.get("agency"),
                    "partial": meta.get("x_partial") == "true",
                },
            )
            doc["chunks"] += 1
        for doc in state.docs.values():
            # a build cut short between two writes left a document incomplete: index it again
            expected = doc.pop("expected", None)
            if expected is not None and int(expected) != doc["chunks"]:
                doc["hash"] = None
        self._state = state
        self._commit()

    def _commit(self) -> None:
        self._state.revision += 1
        self._state.save(self._state_path)
        self._arrays = None

    def _ready(self) -> SearchArrays:
        with self._lock:
            if not self._checked:
                self.ensure_built()
            if self._arrays is None:
                bm25 = load_or_build_bm25(self._state, self._bm25_path)
                self._arrays = SearchArrays(self._state, bm25)
            return self._arrays

    # ---- the user's documents -------------------------------------------------------------------

    def add_files(
        self,
        paths: Iterable[str | Path],
        *,
        kind: DocKind | None = None,
        progress: Progress | None = None,
    ) -> list[DocumentInfo]:
        """Copy files into the workspace library and index them (reports by section)."""
        with self._lock:
            limits = self.settings.limits
            docs = [self.library.add_file(Path(p), kind=kind, limits=limits) for p in paths]
            self.ensure_built(progress)
        return [self._info(d.doc_id) for d in docs]

    def add_report(self, report: Report, *, doc_id: str | None = None) -> DocumentInfo:
        """Index a report (a past year's, or a final draft) split by section and subsection."""
        with self._lock:
            doc = self.library.add_report(report, doc_id=doc_id)
            self.ensure_built()
        return self._info(doc.doc_id)

    def remove(self, doc_id: str) -> None:
        """Remove a document from the index (and from the library if the user added it)."""
        info = self._state.docs.get(doc_id)
        if info is None:
            known = "、".join(sorted(self._state.docs)[:20])
            raise KnowledgeError(
                f"知识库中没有编号为“{doc_id}”的文档。现有文档：{known}。"
                "可用 xxgk kb list 查看全部编号。"
            )
        if info.get("origin") == "shipped":
            raise KnowledgeError(f"“{doc_id}”是随软件提供的文档，不能删除。")
        with self._lock:
            self.library.remove(doc_id)
            self.vectors.delete_doc(doc_id)
            self._state.drop_doc(doc_id)
            self._commit()

    def list_documents(self) -> list[DocumentInfo]:
        if not self._checked:
            self.ensure_built()
        return [self._info(doc_id) for doc_id in self._state.docs]

    def _info(self, doc_id: str) -> DocumentInfo:
        d = self._state.docs[doc_id]
        return DocumentInfo(
            doc_id=doc_id,
            kind=d["kind"],
            title=d["title"],
            origin=d["origin"],
            chunks=int(d["chunks"]),
            year=d.get("year"),
            agency=d.get("agency"),
            partial=bool(d.get("partial")),
        )

    def get(self, chunk_id: str) -> Hit | None:
        """The passage a draft cites, by its stable id."""
        record = self._state.chunks.get(chunk_id)
        return hit_from(chunk_id, record.text, record.meta, 0.0) if record else None

    # ---- search ---------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 8,
        kind: str | None = None,
        agency: str | None = None,
        year: int | None = None,
        section: str | None = None,
        format: str | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        """The k best passages for a question, keyword and vector lists fused by rank."""
        arrays = self._ready()
        query = query.strip()
        if not query or not arrays.ids:
            return []
        query = expand_query(query)  # 年报什么时候公布 → … 年度报告 每年 月 日前 期限 公开
        agencies = resolve_agency(agency, arrays.agencies)
        sections = resolve_section(section, arrays.sections)
        if (agency and not agencies) or (section and not sections):
            return []
        n = max(_CANDIDATES, 2 * k)
        prefer, topic = preferences(query, year, agency, arrays.agencies)
        lists: list[list[str]] = []
        scores: dict[str, float] = {}
        mask = keyword_mask(arrays, kind, agencies, year, sections, format)
        if mode in ("hybrid", "keyword"):
            ranked = self._keyword(arrays, topic, mask, n)
            lists.append([cid for cid, _ in ranked])
            scores = dict(ranked)
        if mode in ("hybrid", "vector"):
            where = chroma_where(kind, agencies, year, sections, format)
            ranked = self.vectors.query(self.embedder.embed_query(topic), n, where)
            lists.append([cid for cid, _ in ranked if cid in arrays.position])
            scores = dict(ranked)
        if mode == "hybrid":
            scores = fuse(lists)
        fused = sorted(
            (
                (s * factor(arrays.metas[arrays.position[cid]], prefer), cid)
                for cid, s in scores.items()
            ),
            reverse=True,
        )
        fused = follow_citations(fused, arrays, mask)
        hits: list[Hit] = []
        seen: set[str] = set()
        for s, cid in fused:
            hit = hit_from(
                cid,
                arrays.texts[arrays.position[cid]],
                arrays.metas[arrays.position[cid]],
                float(s),
            )
            if hit.text in seen:  # the same passage twice (a report added again): cite it once
                continue
            seen.add(hit.text)
            hits.append(hit)
            if len(hits) == k:
                break
        return hits

    def _keyword(
        self, arrays: SearchArrays, query: str, mask: np.ndarray | None, n: int
    ) -> list[tuple[str, float]]:
        scores = arrays.bm25.scores(self.segmenter.tokens(query))
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = min(n, int(np.count_nonzero(scores)))
        if top == 0:
            return []
        idx = np.argpartition(-scores, top - 1)[:top]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(arrays.ids[i], float(scores[i])) for i in idx]


def _doc_entry(doc: SourceDoc, chunks: list[Chunk], owner: str) -> dict[str, Any]:
    first = chunks[0]
    return {
        "hash": doc.content_hash,
        "kind": doc.kind,
        "title": first.title,
        "origin": doc.origin,
        "owner": owner,
        "chunks": len(chunks),
        "year": first.year,
        "agency": first.agency,
        "partial": bool(doc.entry.get("partial")),
    }
