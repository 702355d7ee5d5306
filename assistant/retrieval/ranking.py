"""Ranking: metadata filters, reciprocal rank fusion, and the preferences a question states."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from assistant.report.layout import format_for_year
from assistant.retrieval.state import SearchArrays

_RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.); flattens the head of each list
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|年度)")
_PART = re.compile(r"第([一二三四五六])部分")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条")
_PREFER, _DEMOTE = 1.6, 0.6
# "根据《中华人民共和国政府信息公开条例》第四十九条的规定", "依条例第三十条": a passage that rests
# on a regulation's article names it; the name is the title in 《》 or the bare abbreviation 条例
_CITED = re.compile(r"(?:《([^《》]{2,40})》|(条例))第([一二三四五六七八九十百零]+)条")
_FOLLOW = 0.5  # share of a citing passage's score that the article it cites gains (up to it)
_CITING = 10  # how many of the best passages are read for the articles they cite
# a report's opening cites 第五十条 as boilerplate, and a regulation's own cross-references
# ("依照本条例第十九条") say nothing about what the other article rules
_NOT_CITING = ("regulation", "report")


def fuse(rankings: list[list[str]]) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1/(60 + rank) to the ids it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (_RRF_K + rank + 1)
    return scores


def follow_citations(
    ranked: list[tuple[float, str]],
    arrays: SearchArrays,
    allowed: np.ndarray | None,
) -> list[tuple[float, str]]:
    """Passages that explain a rule (a format notice, a guide, the fee rules) name the article
    that rules it: the article rises by half the score of the best passage citing it, up to that
    passage's score and no further, and at a tie goes first (the rule, then its restatement), so
    that "年报什么时候公布" reaches 第四十九条 and not only the notices that restate it.
    `ranked` is best first; articles outside the search's filters (`allowed`) are not added."""
    regulations = arrays.regulations
    if not regulations:
        return ranked
    best: dict[str, float] = {}  # article → score of the best passage citing it
    for score, cid in ranked[:_CITING]:
        pos = arrays.position[cid]
        meta = arrays.metas[pos]
        if meta.get("kind") in _NOT_CITING:
            continue
        text = arrays.texts[pos][int(meta.get("context_len", 0)) :]
        for cited in cited_articles(text, regulations):
            at = arrays.position.get(cited)
            if at is None or (allowed is not None and not allowed[at]):
                continue
            best[cited] = max(best.get(cited, 0.0), score)
    if not best:
        return ranked
    scores = {cid: s for s, cid in ranked}
    for cid, ref in best.items():
        own = scores.get(cid, 0.0)
        scores[cid] = max(own, min(own + _FOLLOW * ref, ref))
    order = sorted(scores, key=lambda cid: (scores[cid], cid in best), reverse=True)
    return [(scores[cid], cid) for cid in order]


def cited_articles(text: str, regulations: dict[str, str]) -> list[str]:
    """The chunk ids of the articles a passage cites. The bare 条例 (or 《条例》, as a notice
    abbreviates it) names the one regulation whose title ends in 条例; none when there are
    several (it would be a guess)."""
    bare = [doc for title, doc in regulations.items() if title.endswith("条例")]
    out: dict[str, None] = {}
    for m in _CITED.finditer(text):
        name = m.group(1) or m.group(2)
        doc = regulations.get(name) or (bare[0] if name == "条例" and len(bare) == 1 else None)
        if doc:
            out[f"{doc}#第{m.group(3)}条"] = None
    return list(out)


def resolve_agency(value: str | None, known: list[str]) -> list[str]:
    """An agency filter matches every known agency whose name contains it (平潭 → 平潭综合实验区)."""
    if not value:
        return []
    return [a for a in known if value == a] or [a for a in known if value in a]


def resolve_section(value: str | None, known: list[str]) -> list[str]:
    """A section filter "一" also matches its subsections "一.（二）" and continuations "五/2"."""
    if not value:
        return []
    return [
        s
        for s in known
        if s == value or s.startswith((f"{value}.", f"{value}/")) or (value in s and "、" in value)
    ]


def keyword_mask(
    arrays: SearchArrays,
    kind: str | None,
    agencies: list[str],
    year: int | None,
    sections: list[str],
    format: str | None,
) -> np.ndarray | None:
    mask = None
    conds = []
    if kind:
        conds.append(arrays.kind == kind)
    if agencies:
        conds.append(np.isin(arrays.agency, agencies))
    if year:
        conds.append(arrays.year == int(year))
    if sections:
        conds.append(np.isin(arrays.section, sections))
    if format:
        conds.append(arrays.format == str(format))
    for cond in conds:
        mask = cond if mask is None else mask & cond
    return mask


def chroma_where(
    kind: str | None, agencies: list[str], year: int | None, sections: list[str], format: str | None
) -> dict[str, Any] | None:
    conds: list[dict[str, Any]] = []
    if kind:
        conds.append({"kind": kind})
    if agencies:
        conds.append({"agency": {"$in": agencies}})
    if year:
        conds.append({"year": int(year)})
    if sections:
        conds.append({"section": {"$in": sections}})
    if format:
        conds.append({"format": str(format)})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}


def preferences(
    query: str, year: int | None, agency: str | None, agencies: list[str]
) -> tuple[dict[str, Any], str]:
    """Soft preferences read from the question (a year, an agency it names) and the question
    without them: "平潭2023年依申请公开情况" ranks on 依申请公开情况 and prefers 平潭's 2023 report,
    instead of ranking every chunk of every 平潭 report that repeats the name and the year."""
    prefer: dict[str, Any] = {}
    topic = query
    years = {int(y) for y in _YEAR.findall(query)}
    if year is None and len(years) == 1:
        prefer["year"] = years.pop()
        topic = _YEAR.sub(" ", topic)
    if agency is None:
        named = [a for a in agencies if a in query or _core_name(a) in query]
        if named:
            prefer["agencies"] = named
            for name in sorted({*named, *map(_core_name, named)}, key=len, reverse=True):
                topic = topic.replace(name, " ")
    articles = set(_ARTICLE.findall(query))
    if articles:
        prefer["articles"] = articles
    parts = set(_PART.findall(query))
    if len(parts) == 1:
        prefer["section"] = parts.pop()
    topic = topic.strip()
    return prefer, (topic if len(topic) >= 2 else query)


def _core_name(agency: str) -> str:
    """The distinctive head of an agency name: 平潭综合实验区 → 平潭, 威海市文登区… → 文登."""
    name = re.sub(r"^.{1,3}?[省市](?=.)", "", agency)
    head = re.split(r"[区县市镇乡局委办厅]|综合|人民政府", name, maxsplit=1)[0]
    return head if len(head) >= 2 else agency


def factor(meta: dict[str, Any], prefer: dict[str, Any]) -> float:
    weight = 1.0
    want = prefer.get("year")
    if want is not None:
        if meta.get("kind") == "report" and meta.get("year") is not None:
            weight *= _PREFER if int(meta["year"]) == want else _DEMOTE
        elif meta.get("kind") == "format" and meta.get("format"):
            weight *= _PREFER if meta["format"] == format_for_year(want) else _DEMOTE
    named = prefer.get("agencies")
    if named and meta.get("kind") == "report":
        weight *= _PREFER if meta.get("agency") in named else _DEMOTE
    if meta.get("article") and meta["article"] in prefer.get("articles", ()):
        weight *= _PREFER
    part = prefer.get("section")
    if part and str(meta.get("section", "")).startswith(part):
        weight *= _PREFER
    return weight
