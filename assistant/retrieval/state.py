"""What this machine knows of the index: documents, chunk texts, tokens; saved beside Chroma."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.retrieval.keyword import BM25Index


@dataclass
class ChunkRecord:
    text: str  # as indexed: context line + text
    meta: dict[str, Any]
    tokens: str  # space-joined jieba tokens of `text`


@dataclass
class IndexState:
    """The documents and chunks in the collection, mirrored locally for the keyword side."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    chunks: dict[str, ChunkRecord] = field(default_factory=dict)
    revision: int = 0

    @classmethod
    def load(cls, path: Path) -> IndexState:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        chunks = {cid: ChunkRecord(c["text"], c["meta"], c["tokens"])
                  for cid, c in data["chunks"].items()}
        return cls(docs=data["docs"], chunks=chunks, revision=int(data.get("revision", 0)))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"revision": self.revision, "docs": self.docs,
                "chunks": {cid: {"text": c.text, "meta": c.meta, "tokens": c.tokens}
                           for cid, c in self.chunks.items()}}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def drop_doc(self, doc_id: str) -> None:
        self.docs.pop(doc_id, None)
        for cid in [cid for cid, c in self.chunks.items() if c.meta.get("doc_id") == doc_id]:
            del self.chunks[cid]


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


def load_or_build_bm25(state: IndexState, path: Path) -> BM25Index:
    """The saved BM25 index when it matches the state's revision, else a fresh one (saved)."""
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        try:
            stamp = json.loads(meta_path.read_text(encoding="utf-8")).get("revision")
        except (OSError, ValueError):
            stamp = None
        if stamp == state.revision:
            return BM25Index.load(path)
    ids = list(state.chunks)
    bm25 = BM25Index(ids, [state.chunks[cid].tokens.split() for cid in ids])
    bm25.save(path)
    data = json.loads(meta_path.read_text(encoding="utf-8"))
    data["revision"] = state.revision
    meta_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return bm25
