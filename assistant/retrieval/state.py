"""What this machine knows of the index: documents, chunk texts, tokens; saved beside Chroma."""

from __future__ import annotations

import json
import logging
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.keyword import BM25Index

log = logging.getLogger(__name__)


@dataclass
class ChunkRecord:
    text: str  # as indexed: context line + text
    meta: dict[str, Any]
    tokens: str  # space-joined jieba tokens of `text`


class IndexState:
    """The documents and chunks in the collection, mirrored locally for the keyword side.

    Two files: `state.json` (documents, revision, chunk count) is read on every open, and
    `chunks.json` (texts, metadata, tokens) only when a search or a change needs the chunks, so
    that checking an unchanged index costs the same at 200 chunks as at 20,000.
    """

    def __init__(
        self,
        docs: dict[str, dict[str, Any]] | None = None,
        chunks: dict[str, ChunkRecord] | None = None,
        revision: int = 0,
        *,
        chunks_path: Path | None = None,
        chunk_count: int = 0,
    ) -> None:
        self.docs = docs if docs is not None else {}
        self.revision = revision
        self._chunks = chunks
        self._chunks_path = chunks_path
        self._count = chunk_count
        self.damaged: list[str] = []  # parts found damaged on reading (state.json, chunks.json)

    @property
    def chunks(self) -> dict[str, ChunkRecord]:
        if self._chunks is None:
            self._chunks = {}
            if self._chunks_path is not None and self._chunks_path.exists():
                try:
                    data = json.loads(self._chunks_path.read_text(encoding="utf-8"))
                    self._chunks = {
                        str(cid): ChunkRecord(str(c["text"]), dict(c["meta"]), str(c["tokens"]))
                        for cid, c in data.items()
                    }
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    # damaged: the caller resynchronises from the vector store (damaged is set)
                    self.damaged.append("chunks.json")
                    self._count = -1
        return self._chunks

    @property
    def chunk_count(self) -> int:
        return len(self._chunks) if self._chunks is not None else self._count

    @classmethod
    def load(cls, path: Path) -> IndexState:
        """The saved state; a damaged part is noted in `damaged` and read as unknown
        (chunk count -1), so the next build takes the mirror over from the vector store."""
        chunks_path = path.with_name("chunks.json")
        if not path.exists():
            return cls(chunks_path=chunks_path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            count = data.get("chunks", 0)
            docs = data["docs"]
            revision = int(data.get("revision", 0))
            size = data.get("chunks_bytes")
            if not isinstance(docs, dict) or not all(isinstance(d, dict) for d in docs.values()):
                raise TypeError("docs")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            state = cls(chunks_path=chunks_path, chunk_count=-1)
            state.damaged.append("state.json")
            return state
        if not isinstance(count, int):  # an older layout: start over from what Chroma holds
            return cls(chunks_path=chunks_path, chunk_count=-1)
        state = cls(docs=docs, revision=revision, chunks_path=chunks_path, chunk_count=count)
        # chunks.json is read only when needed; its size, saved with the state, tells at once
        # whether it is the file the state was saved with
        if isinstance(size, int) and _size(chunks_path) not in (size, None):
            state.damaged.append("chunks.json")
            state._count = -1
        return state

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._chunks is not None:  # only a loaded mirror can have changed
            chunks = {
                cid: {"text": c.text, "meta": c.meta, "tokens": c.tokens}
                for cid, c in self._chunks.items()
            }
            _write(path.with_name("chunks.json"), chunks)
        self._chunks_path = path.with_name("chunks.json")
        data = {"revision": self.revision, "chunks": self.chunk_count, "docs": self.docs}
        size = _size(self._chunks_path)
        if size is not None:
            data["chunks_bytes"] = size
        _write(path, data)

    @classmethod
    def mirror_of(
        cls,
        ids: list[str],
        texts: list[str],
        metas: list[dict[str, Any]],
        old: IndexState,
        tokens: Callable[[str], list[str]],
    ) -> IndexState:
        """The mirror of what the vector store holds (its records as `all_records` gives them),
        reusing `old`'s tokens for unchanged texts. A document with fewer chunks than it was
        written with (a build cut short between two writes) gets no hash: it is indexed again."""
        previous = old.chunks
        state = cls(chunks={}, revision=old.revision)
        for cid, text, meta in zip(ids, texts, metas, strict=True):
            prior = previous.get(cid)
            words = prior.tokens if prior and prior.text == text else " ".join(tokens(text))
            state.chunks[cid] = ChunkRecord(text, meta, words)
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
            expected = doc.pop("expected", None)
            if expected is not None and int(expected) != doc["chunks"]:
                doc["hash"] = None
        return state

    def drop_doc(self, doc_id: str) -> None:
        self.docs.pop(doc_id, None)
        for cid in [cid for cid, c in self.chunks.items() if c.meta.get("doc_id") == doc_id]:
            del self.chunks[cid]


def doc_entry(
    content_hash: str, kind: str, origin: str, owner: str, chunks: list[Any], *, partial: bool
) -> dict[str, Any]:
    """A document's entry in the state, from its chunks (the first gives title, year, agency)."""
    first = chunks[0]
    return {
        "hash": content_hash,
        "kind": kind,
        "title": first.title,
        "origin": origin,
        "owner": owner,
        "chunks": len(chunks),
        "year": first.year,
        "agency": first.agency,
        "partial": partial,
    }


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _write(path: Path, data: Any) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


class SearchArrays:
    """The state laid out for fast filtering and keyword scoring."""

    def __init__(self, state: IndexState, bm25: BM25Index) -> None:
        self.ids = bm25.ids
        self.bm25 = bm25
        metas = [state.chunks[cid].meta for cid in self.ids]
        self.metas = metas
        self.texts = [state.chunks[cid].text for cid in self.ids]
        self.kind = np.array([m.get("kind", "") for m in metas], dtype=str)
        self.year = np.array([int(m.get("year", 0)) for m in metas], dtype=np.int32)
        self.agency = np.array([m.get("agency", "") for m in metas], dtype=str)
        self.section = np.array([m.get("section", "") for m in metas], dtype=str)
        self.format = np.array([m.get("format", "") for m in metas], dtype=str)
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.agencies = sorted({a for a in self.agency.tolist() if a})
        self.sections = sorted({s for s in self.section.tolist() if s})
        # title → doc id of each regulation: what a passage citing "《…条例》第X条" points at
        self.regulations = {
            str(m["title"]): str(m["doc_id"]) for m in metas if m.get("kind") == "regulation"
        }


def bm25_readable(path: Path) -> bool:
    """Whether the saved keyword index opens (a missing one is fine: it is built when needed)."""
    if not path.exists():
        return True
    try:
        with np.load(path) as arrays:
            return {"rows", "cols", "tfs", "lengths"} <= set(arrays.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False


def load_or_build_bm25(state: IndexState, path: Path, *, save: bool = True) -> BM25Index:
    """The saved BM25 index when it matches the state's revision, else a fresh one (saved)."""
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        try:
            stamp = json.loads(meta_path.read_text(encoding="utf-8")).get("revision")
        except (OSError, ValueError, AttributeError):
            stamp = None
        if stamp == state.revision:
            try:
                return BM25Index.load(path)
            except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
                log.warning("知识库：关键词索引 %s 已损坏，已重建。", path)
    ids = list(state.chunks)
    bm25 = BM25Index(ids, [state.chunks[cid].tokens.split() for cid in ids])
    if not save:
        return bm25
    bm25.save(path)
    data = json.loads(meta_path.read_text(encoding="utf-8"))
    data["revision"] = state.revision
    meta_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return bm25
