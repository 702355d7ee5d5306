"""The knowledge base: incremental indexing into Chroma + BM25, and hybrid search with citations."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import KnowledgeError
from assistant.llm.base import Embedder
from assistant.llm.embeddings import QueryCache
from assistant.report import Report
from assistant.retrieval.buildlock import BuildLock
from assistant.retrieval.chunks import hit_from
from assistant.retrieval.corpus import Library
from assistant.retrieval.coverage import Coverage, Hits
from assistant.retrieval.hits import DocKind, Hit
from assistant.retrieval.indexing import Indexing, Progress, state_stamp
from assistant.retrieval.keyword import Segmenter
from assistant.retrieval.search import SearchMode, find
from assistant.retrieval.state import (
    IndexState,
    SearchArrays,
    load_or_build_bm25,
)
from assistant.retrieval.vectors import VectorStore, collection_name, make_client

log = logging.getLogger(__name__)


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


class KnowledgeBase(Indexing):
    """The searchable corpus. Implements `Retriever`; open it with `KnowledgeBase.open`. Its
    building half, and the locks that let searches run between a build's batches, are
    `Indexing`'s."""

    def __init__(self, settings: Settings, embedder: Embedder, client: Any) -> None:
        self.settings = settings
        self.embedder = embedder
        self._queries = QueryCache(embedder)  # what searches embed their questions with
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
        self._stamp = state_stamp(self._state_path)  # the state file as last read or written here
        self._files = BuildLock(self._dir)  # one builder among the processes on this index
        self._following = False  # another process is building: its commits are read, not made
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

    def _build_unless_building(self) -> None:
        """The first search of a process brings the index up to date, unless builds are run in
        the background or one is under way (in another request): then it searches what is in;
        while another process builds, its newest commit."""
        self._follow(begin=False)
        if self._checked or self._background or not self._lock.acquire(blocking=False):
            return
        try:
            if not self._checked:
                self.ensure_built(None, wait=False)
        finally:
            self._lock.release()

    def _arrays_now(self) -> SearchArrays:
        """The committed state laid out for search (call with `_view` held)."""
        if self._arrays is None:
            # a follower does not write the index files: they are the building process's
            bm25 = load_or_build_bm25(self._state, self._bm25_path, save=not self._following)
            self._arrays = SearchArrays(self._state, bm25)
        return self._arrays

    def building_elsewhere(self) -> bool:
        """Whether another process is building this index now (a change made here waits)."""
        return self._files.held_elsewhere()

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
        with self._lock, self._held(), self._view:
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
                self._queries,
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
