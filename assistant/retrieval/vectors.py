"""The vector side: a Chroma collection through langchain-chroma, fed by our own Embedder."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import KnowledgeError
from assistant.llm.base import Embedder

log = logging.getLogger(__name__)

# Chroma commits each upsert to disk (about 0.1 s); embedding is what takes time, so texts are
# embedded in small batches (for the progress bar) and written in large ones.
_WRITE_BATCH = 1000
_EMBED_BATCH = 16


class _LangchainEmbeddings(Embeddings):
    """Our Embedder seen as langchain Embeddings: documents are passages, queries are queries."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.on_batch: Callable[[int], None] | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), _EMBED_BATCH):
            out.extend(self.embedder.embed_passages(texts[start : start + _EMBED_BATCH]))
            if self.on_batch:
                self.on_batch(len(out))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)


def make_client(settings: Settings) -> Any:
    """PersistentClient under the workspace, or HttpClient when XXGK_CHROMA_URL is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.retrieval.chroma_url
    try:
        if url:
            parts = urlparse(url if "://" in url else f"http://{url}")
            return chromadb.HttpClient(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=chroma_settings,
            )
        path = Path(settings.paths.home) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except (ValueError, OSError, chromadb.errors.ChromaError) as exc:
        if url:
            raise KnowledgeError(
                f"无法连接Chroma 服务 {url}：{exc}。请确认服务已启动、XXGK_CHROMA_URL 填写正确。"
            ) from exc
        folder = Path(settings.paths.home) / "chroma"
        if not os.access(folder, os.W_OK):
            raise KnowledgeError(
                f"无法打开向量库目录 {folder}：{exc}。请检查目录权限和磁盘空间。"
            ) from exc
        raise KnowledgeError(
            f"向量库 {folder} 的文件已损坏，无法打开（{exc}）。请运行 xxgk kb build --rebuild "
            f"重建（损坏的文件会移到一旁保留）；起草仍可进行，只是不引用参考资料。"
        ) from exc


def recover_store(settings: Settings) -> list[str]:
    """Before a rebuild: an embedded vector store that cannot be opened is moved aside (kept,
    not deleted) so that a new one can be made; says what it found. A Chroma server is the
    server's to repair."""
    if settings.retrieval.chroma_url:
        return []
    try:
        make_client(settings)
        return []
    except KnowledgeError as exc:
        folder = Path(settings.paths.home) / "chroma"
        if not folder.exists() or not os.access(folder, os.W_OK):
            raise
        aside = folder.with_name(f"chroma.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}")
        folder.rename(aside)
        # Chroma keeps one system per folder in a process: forget the one on the damaged file
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        log.warning("vector store moved aside: %s", exc.message)
        return [f"向量库文件已损坏，已移到 {aside}，并新建向量库"]


def collection_name(prefix: str, embedder: Embedder) -> str:
    """One collection per embedder: vectors of different models never mix."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder.name).strip("-._") or "embedder"
    return f"{prefix}-{slug}"[:200]


class VectorStore:
    """Add, delete and query chunks; every call wraps Chroma's errors in a KnowledgeError."""

    def __init__(self, client: Any, name: str, embedder: Embedder) -> None:
        self.embedder = embedder
        self.name = name
        try:
            # embedding_function is ours; langchain-chroma creates the collection with
            # embedding_function=None, so Chroma's downloading default is never instantiated
            self._embeddings = _LangchainEmbeddings(embedder)
            self._store = Chroma(
                collection_name=name,
                client=client,
                embedding_function=self._embeddings,
                collection_configuration={"hnsw": {"space": "cosine"}},
                collection_metadata={"embedder": embedder.name},
            )
        except (ValueError, OSError, chromadb.errors.ChromaError) as exc:
            raise KnowledgeError(
                f"无法打开向量库集合 {name}：{exc}。如使用 Chroma 服务，请确认服务已启动。"
            ) from exc

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except (ValueError, OSError, chromadb.errors.ChromaError) as exc:
            raise KnowledgeError(
                f"向量库{what}失败（集合 {self.name}）：{exc}。"
                "请稍后重试；如反复出现，可运行 xxgk kb build --rebuild。"
            ) from exc

    def count(self) -> int:
        return int(self._call("计数", lambda: self._store._collection.count()))

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[list[float]]:
        """The passages' vectors (the slow part of indexing: done before `write`, so that
        searches are not held up while a batch is embedded)."""
        self._embeddings.on_batch = progress
        try:
            return self._call("计算向量", lambda: self._embeddings.embed_documents(list(texts)))
        finally:
            self._embeddings.on_batch = None

    def write(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        vectors: Sequence[list[float]],
    ) -> None:
        """Store embedded passages (what langchain-chroma's add_texts does after embedding)."""
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            self._call(
                "写入",
                partial(
                    self._store._collection.upsert,
                    ids=list(ids[start:end]),
                    embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                    documents=list(texts[start:end]),
                    metadatas=list(metadatas[start:end]),
                ),
            )

    def delete_doc(self, doc_id: str) -> None:
        self._call("删除", lambda: self._store._collection.delete(where={"doc_id": doc_id}))

    def all_records(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every chunk in the collection (ids, documents, metadatas), read in pages."""
        ids: list[str] = []
        docs: list[str] = []
        metas: list[dict[str, Any]] = []
        offset, page = 0, 2000
        while True:
            got = self._call(
                "读取",
                partial(
                    self._store.get, limit=page, offset=offset, include=["documents", "metadatas"]
                ),
            )
            ids += got["ids"]
            docs += got["documents"]
            metas += [dict(m or {}) for m in got["metadatas"]]
            if len(got["ids"]) < page:
                return ids, docs, metas
            offset += page

    def query(
        self, vector: list[float], k: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """Chunk ids and cosine similarities, best first."""
        results = self._call(
            "检索",
            lambda: self._store.similarity_search_by_vector_with_relevance_scores(
                vector, k=k, filter=where
            ),
        )
        return [(str(doc.id), 1.0 - float(distance)) for doc, distance in results]

    def reset(self) -> None:
        def _reset() -> None:
            self._store.reset_collection()

        self._call("重建", _reset)
