"""Hybrid search over one committed state of the index: keyword and vector lists fused by rank."""

from __future__ import annotations

from typing import Literal

import numpy as np

from assistant.llm.base import Embedder
from assistant.retrieval.chunks import hit_from
from assistant.retrieval.hits import Hit
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
from assistant.retrieval.state import SearchArrays
from assistant.retrieval.vectors import VectorStore

SearchMode = Literal["hybrid", "keyword", "vector"]

_CANDIDATES = 50


def find(
    arrays: SearchArrays,
    vectors: VectorStore,
    embedder: Embedder,
    segmenter: Segmenter,
    query: str,
    *,
    k: int,
    kind: str | None,
    agency: str | None,
    year: int | None,
    section: str | None,
    format: str | None,
    mode: SearchMode,
) -> list[Hit]:
    """The k best passages of `arrays` for a question. Vector hits outside `arrays` (written to
    Chroma by a batch not yet committed) are left out: every hit is a passage of that state."""
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
        ranked = _keyword(arrays, segmenter, topic, mask, n)
        lists.append([cid for cid, _ in ranked])
        scores = dict(ranked)
    if mode in ("hybrid", "vector"):
        where = chroma_where(kind, agencies, year, sections, format)
        ranked = [
            (cid, s)
            for cid, s in vectors.query(embedder.embed_query(topic), n, where)
            if cid in arrays.position
        ]
        lists.append([cid for cid, _ in ranked])
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
        at = arrays.position[cid]
        hit = hit_from(cid, arrays.texts[at], arrays.metas[at], float(s))
        if hit.text in seen:  # the same passage twice (a report added again): cite it once
            continue
        seen.add(hit.text)
        hits.append(hit)
        if len(hits) == k:
            break
    return hits


def _keyword(
    arrays: SearchArrays, segmenter: Segmenter, query: str, mask: np.ndarray | None, n: int
) -> list[tuple[str, float]]:
    scores = arrays.bm25.scores(segmenter.tokens(query))
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    top = min(n, int(np.count_nonzero(scores)))
    if top == 0:
        return []
    idx = np.argpartition(-scores, top - 1)[:top]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return [(arrays.ids[i], float(scores[i])) for i in idx]
