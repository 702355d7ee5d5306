"""The knowledge base: corpus, chunks, embeddings, Chroma and keyword index, hybrid search."""

from __future__ import annotations
