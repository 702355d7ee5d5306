"""The knowledge base: corpus, chunks, embeddings, Chroma and keyword index, hybrid search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.retrieval.hits import DocKind, Hit, Retriever

if TYPE_CHECKING:
    from assistant.retrieval.indexing import BuildReport
    from assistant.retrieval.knowledge_base import DocumentInfo, KnowledgeBase

__all__ = ["BuildReport", "DocKind", "DocumentInfo", "Hit", "KnowledgeBase", "Retriever"]


def __getattr__(name: str) -> Any:
    # chromadb takes a second to import; `from assistant.retrieval.hits import Hit` must not pay it
    if name in ("BuildReport", "DocumentInfo", "KnowledgeBase"):
        from assistant.retrieval import indexing, knowledge_base

        return getattr(indexing if name == "BuildReport" else knowledge_base, name)
    raise AttributeError(name)
