"""Building the knowledge base's index: in batches, each embedded first and then written to
Chroma and the keyword mirror and committed as one step for searches (see `coverage`); one
builder among the processes on an index (see `buildlock`), the others follow its commits."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.retrieval.buildlock import BuildLock
from assistant.retrieval.chunks import Chunk
from assistant.retrieval.corpus import Library, SourceDoc, chunk_document, shipped_documents
from assistant.retrieval.coverage import Coverage, batches, in_build_order
from assistant.retrieval.keyword import Segmenter
from assistant.retrieval.state import (
    ChunkRecord,
    IndexState,
    SearchArrays,
    bm25_readable,
    doc_entry,
)
from assistant.retrieval.vectors import VectorStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)


@dataclass(frozen=True)
class BuildReport:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    skipped: tuple[str, ...] = ()
    chunks: int = 0
    repaired: tuple[str, ...] = ()  # damaged parts found and what was done about each


class Indexing:
    """The building half of `KnowledgeBase` (which sets these attributes up).

    Two locks: `_lock`, one build (or change of documents) at a time; `_view`, held by a search
    for its whole run and by a build only while it writes a batch to Chroma and the keyword
    mirror and commits it. A search therefore sees a state in which both hold the same passages,
    and searches go on between the batches of a build instead of waiting for all of it.
    """

    settings: Settings
    vectors: VectorStore
    library: Library
    segmenter: Segmenter
    _state: IndexState
    _state_path: Path
    _bm25_path: Path
    _arrays: SearchArrays | None
    _checked: bool
    _lock: threading.RLock
    _view: threading.RLock
    _background: bool
    _coverage: Coverage | None
    _stamp: tuple[int, int] | None
    _files: BuildLock
    _following: bool

    def ensure_built(self, progress: Progress | None = None, *, wait: bool = True) -> BuildReport:
        """Bring the index up to date: index new or changed documents, drop deleted ones.
        Each batch is searchable as soon as it is written (see `coverage`). While another
        process builds this index: with `wait`, wait for it, then bring in what is left;
        without, go on with what it has committed so far (searches follow its progress)."""
        with self._lock:
            if not self._files.try_acquire():
                self._follow()  # meanwhile, searches here cite what that build committed
                if not wait:
                    return BuildReport(chunks=self._state.chunk_count)
                self._files.acquire()
            try:
                with self._view:
                    self._following = False
                    self._reload_if_changed()
                return self._ensure_built(progress)
            finally:
                self._files.release()

    def _follow(self, *, begin: bool = True) -> None:
        """Search what another process's build has committed, and say how far it is (with
        `begin=False`: only if following already, to read its newest commit)."""
        with self._view:
            if not (begin or self._following):
                return
            self._following = True
            self._reload_if_changed(follower=True)
            built = self._files.progress()
            if built is not None:
                self._coverage = Coverage.of(self._state.docs, *built)
            else:  # it is still finding what changed: what is in is complete, if anything is
                self._coverage = None if self._state.docs else Coverage(0, 0)

    def _reload_if_changed(self, *, follower: bool = False) -> None:
        """Read the state again when another process has committed since (call with `_view`).
        A follower may read between the builder's two files (chunks.json written, state.json
        not yet): what looks damaged then is kept out, and read again at the next search; the
        builder itself takes a damaged state in, to repair it."""
        stamp = state_stamp(self._state_path)
        if stamp != self._stamp:
            state = IndexState.load(self._state_path)
            if follower and state.damaged:
                return
            self._state, self._stamp, self._arrays = state, stamp, None

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
        if self._files.held_elsewhere():  # searches from now on follow that build, not later
            self._follow()

        def run() -> None:
            outcome: BuildReport | Exception
            try:
                outcome = self.ensure_built(progress)
            except Exception as exc:  # handed to `done`; a thread's exception would go unseen
                outcome = exc
                with self._view:  # stopped before its first batch too: no longer "正在建立"
                    if self._coverage is not None:
                        self._coverage = dataclasses.replace(self._coverage, running=False)
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
        with self._lock, self._held():
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
        if pending:
            self._files.publish(done_docs, total)
        if progress and to_embed:
            progress(0, to_embed)
        try:
            already = self._state.chunk_count
            for batch in batches(
                pending, lambda p: p[0].kind, lambda p: len(p[1]), already=max(already, 0)
            ):
                written = self._index_batch(batch, embedded, to_embed, progress)
                embedded += sum(len(chunks) for _, chunks in batch)
                done_docs += len(batch)
                for doc_id, was_there in written:
                    (updated if was_there else added).append(doc_id)
                self._coverage = Coverage.of(self._state.docs, done_docs, total)
                self._files.publish(done_docs, total)
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
        self._stamp = state_stamp(self._state_path)
        self._arrays = None

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        """The lock file, for a change outside `ensure_built` (waits for another's build)."""
        self._files.acquire()
        try:
            with self._view:
                self._following = False
                self._reload_if_changed()
            yield
        finally:
            self._files.release()


def state_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
