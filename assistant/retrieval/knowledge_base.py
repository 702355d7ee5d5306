"""The knowledge base: incremental indexing into Chroma + BM25, and hybrid search with citations."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import KnowledgeError
from assistant.llm.base import Embedder
from assistant.report import Report
from assistant.retrieval.chunks import Chunk, hit_from
from assistant.retrieval.corpus import Library, SourceDoc, chunk_document, shipped_documents
from assistant.retrieval.coverage import Coverage, Hits, batches, in_build_order
from assistant.retrieval.hits import DocKind, Hit
from assistant.retrieval.keyword import Segmenter
from assistant.retrieval.search import SearchMode, find
from assistant.retrieval.state import (
    ChunkRecord,
    IndexState,
    SearchArrays,
    bm25_readable,
    doc_entry,
    load_or_build_bm25,
)
from assistant.retrieval.vectors import VectorStore, collection_name, make_client

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


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


class KnowledgeBase:
    """The searchable corpus. Implements `Retriever`; open it with `KnowledgeBase.open`.

    Two locks: `_lock`, one build (or change of documents) at a time; `_view`, held by a search
    for its whole run and by a build only while it writes a batch to Chroma and the keyword
    mirror and commits it. A search therefore sees a state in which both hold the same passages,
    and searches go on between the batches of a build instead of waiting for all of it.
    """

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
        self._lock = threading.RLock()
        self._view = threading.RLock()
        # builds are started in the background (by the app): a search never builds, it uses what
        # is in, also after a build that stopped early
        self._background = False
        self._coverage: Coverage | None = None  # set while a build has not brought everything in

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

    @property
    def coverage(self) -> Coverage | None:
        """How much is searchable while a build is under way (or stopped early); None when the
        index holds everything it was last built from."""
        return self._coverage

    def ensure_built(self, progress: Progress | None = None) -> BuildReport:
        """Bring the index up to date: index new or changed documents, drop deleted ones.
        Each batch is searchable as soon as it is written (see `coverage`)."""
        with self._lock:
            return self._ensure_built(progress)

    def build_in_background(
        self,
        progress: Progress | None = None,
        done: Callable[[BuildReport | Exception], None] | None = None,
    ) -> None:
        """`ensure_built` in a worker thread. From now on searches never build: they use what is
        in (while this build runs, or after it stopped early). `done` gets the report, or the
        exception that stopped the build."""
        with self._view:
            self._background = True
            if not self._state.docs:  # nothing searchable until the first batch is in
                self._coverage = Coverage(0, 0)

        def run() -> None:
            outcome: BuildReport | Exception
            try:
                outcome = self.ensure_built(progress)
            except Exception as exc:  # handed to `done`; a thread's exception would go unseen
                outcome = exc
            if done is not None:
                done(outcome)

        threading.Thread(target=run, name="xxgk-index", daemon=True).start()

    def _ensure_built(self, progress: Progress | None) -> BuildReport:
        with self._view:
            repaired = [
                f"{part} 已损坏，已按向量库中的内容重建（无需重新计算向量）"
                for part in dict.fromkeys(self._state.damaged)
            ]
            self._state.damaged.clear()
            if not bm25_readable(self._bm25_path):
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
        with self._view:
            removed = tuple(
                doc_id
                for doc_id, info in self._state.docs.items()
                if doc_id not in wanted
                and (info.get("origin") == "shipped" or info.get("owner") == owner)
            )
            for doc_id in removed:
                self.vectors.delete_doc(doc_id)
                self._state.drop_doc(doc_id)
            if removed:
                self._commit()
            changed = [
                d
                for d in sources
                if self._state.docs.get(d.doc_id, {}).get("hash") != d.content_hash
            ]
        report = self._index(changed, len(sources), progress)
        self._checked = True
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
            with self._view:
                found = [f"{part} 已损坏" for part in dict.fromkeys(self._state.damaged)]
                if not bm25_readable(self._bm25_path):
                    found.append("bm25.npz 已损坏")
                for stale in (self._bm25_path, self._bm25_path.with_suffix(".json")):
                    stale.unlink(missing_ok=True)
                self.vectors.reset()
                self._state = IndexState(chunks={}, revision=max(self._state.revision, 0))
                self._commit()
            built = self._ensure_built(progress)
            return dataclasses.replace(built, repaired=(*found, *built.repaired))

    def _index(self, docs: list[SourceDoc], total: int, progress: Progress | None) -> BuildReport:
        """Index `docs` in batches (see `coverage.batches`), each embedded first and then
        written and committed at once; `total` is the number of documents wanted in all."""
        skipped: list[str] = []
        pending: list[tuple[SourceDoc, list[Chunk]]] = []
        for doc in docs:
            chunks = chunk_document(doc)
            if chunks:
                pending.append((doc, chunks))
            else:
                skipped.append(doc.doc_id)
        pending = in_build_order(pending, lambda p: p[0].kind)
        to_embed = sum(len(chunks) for _, chunks in pending)
        done_docs, embedded = total - len(pending), 0
        added: list[str] = []
        updated: list[str] = []
        self._coverage = Coverage.of(self._state.docs, done_docs, total) if pending else None
        if progress and to_embed:
            progress(0, to_embed)
        try:
            for batch in batches(pending, lambda p: p[0].kind, lambda p: len(p[1])):
                written = self._index_batch(batch, embedded, to_embed, progress)
                embedded += sum(len(chunks) for _, chunks in batch)
                done_docs += len(batch)
                for doc_id, was_there in written:
                    (updated if was_there else added).append(doc_id)
                self._coverage = Coverage.of(self._state.docs, done_docs, total)
        except BaseException:
            if self._coverage is not None:  # what is in stays searchable; the note says so
                self._coverage = dataclasses.replace(self._coverage, running=False)
            raise
        self._coverage = None
        return BuildReport(added=tuple(added), updated=tuple(updated), skipped=tuple(skipped))

    def _index_batch(
        self,
        batch: list[tuple[SourceDoc, list[Chunk]]],
        before: int,
        to_embed: int,
        progress: Progress | None,
    ) -> list[tuple[str, bool]]:
        """Embed a batch (searches go on meanwhile), then write it to Chroma and the mirror and
        commit, as one step for searches. Says for each document whether it was there before."""
        owner = self.library.owner
        chunks = [c for _, cs in batch for c in cs]
        texts = [c.indexed_text for c in chunks]
        vectors = self.vectors.embed(
            texts, (lambda n: progress(before + n, to_embed)) if progress else None
        )
        tokens = [" ".join(self.segmenter.tokens(t)) for t in texts]
        metas = [
            c.metadata()
            | {
                "doc_hash": doc.content_hash,
                "doc_chunks": len(cs),
                "origin": doc.origin,
                "owner": owner,
            }
            for doc, cs in batch
            for c in cs
        ]
        written: list[tuple[str, bool]] = []
        with self._view:
            for doc, _ in batch:
                was_there = doc.doc_id in self._state.docs  # after the sync: all of Chroma
                if was_there:
                    self.vectors.delete_doc(doc.doc_id)
                    self._state.drop_doc(doc.doc_id)
                written.append((doc.doc_id, was_there))
            self.vectors.write([c.chunk_id for c in chunks], texts, metas, vectors)
            for c, text, meta, toks in zip(chunks, texts, metas, tokens, strict=True):
                self._state.chunks[c.chunk_id] = ChunkRecord(text, meta, toks)
            for doc, cs in batch:
                self._state.docs[doc.doc_id] = doc_entry(
                    doc.content_hash,
                    doc.kind,
                    doc.origin,
                    owner,
                    cs,
                    partial=bool(doc.entry.get("partial")),
                )
            self._commit()
        return written

    def _sync_with_store(self) -> None:
        """Take over what the collection holds when it differs from the local mirror (a shared
        server that another machine added to, or a collection that was reset)."""
        if self.vectors.count() == self._state.chunk_count:
            return
        ids, texts, metas = self.vectors.all_records()
        state = IndexState.mirror_of(ids, texts, metas, self._state, self.segmenter.tokens)
        self._state = state
        self._commit()

    def _commit(self) -> None:
        self._state.revision += 1
        self._state.save(self._state_path)
        self._arrays = None

    def _build_unless_building(self) -> None:
        """The first search of a process brings the index up to date, unless builds are run in
        the background or one is under way (in another request): then it searches what is in."""
        if self._checked or self._background or not self._lock.acquire(blocking=False):
            return
        try:
            if not self._checked:
                self._ensure_built(None)
        finally:
            self._lock.release()

    def _arrays_now(self) -> SearchArrays:
        """The committed state laid out for search (call with `_view` held)."""
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
        with self._lock, self._view:
            info = self._state.docs.get(doc_id)
            if info is None:
                known = "、".join(sorted(self._state.docs)[:20])
                raise KnowledgeError(
                    f"知识库中没有编号为“{doc_id}”的文档。现有文档：{known}。"
                    "可用 xxgk kb list 查看全部编号。"
                )
            if info.get("origin") == "shipped":
                raise KnowledgeError(f"“{doc_id}”是随软件提供的文档，不能删除。")
            self.library.remove(doc_id)
            self.vectors.delete_doc(doc_id)
            self._state.drop_doc(doc_id)
            self._commit()

    def list_documents(self) -> list[DocumentInfo]:
        self._build_unless_building()
        with self._view:
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
        with self._view:
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
    ) -> Hits:
        """The k best passages for a question, keyword and vector lists fused by rank; while
        the index is being built, of the batches already in (`Hits.partial` says how many)."""
        self._build_unless_building()
        with self._view:
            hits = find(
                self._arrays_now(),
                self.vectors,
                self.embedder,
                self.segmenter,
                query,
                k=k,
                kind=kind,
                agency=agency,
                year=year,
                section=section,
                format=format,
                mode=mode,
            )
            return Hits(hits, self._coverage)
