"""The number guard: every number in a text matches a fact, every citation a retrieved passage.

Pure and deterministic, so both drafting (over each draft) and the publish gate (over the text
to be published) judge a text the same way. It sees retrieved passages through `Passage`, the
few fields of a retrieval `Hit` it reads, so the core does not import the model side."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

from assistant.report.facts import Fact, FactLedger
from assistant.report.numerals import NumberMention, extract_numbers
from assistant.report.similarity import similarity
from assistant.report.units import convert_money, is_money

FlagKind = Literal["number", "fact_ref", "citation", "article", "similarity", "contact"]
SIMILARITY_THRESHOLD = 0.8  # SPEC XY-05: character 3-gram Jaccard against last year's section

_FACT_REF = re.compile(r"\[\[(?:fact|cell):([^\]\s]+)\]\]")
_ARTICLE = re.compile(
    r"《(?:中华人民共和国)?(?:政府信息公开)?条例》(?:的)?第([零〇一二两三四五六七八九十百]+)条"
)
_TODO = re.compile(r"【待补充[:：][^】]*】")
_CITATION = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)*)\]")


class Passage(Protocol):
    """A retrieved passage as the guard reads it (`assistant.retrieval.hits.Hit` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def article(self) -> str | None: ...


@dataclass(frozen=True)
class GuardFlag:
    """One problem in a draft, with its position in the text (end exclusive)."""

    kind: FlagKind
    message: str
    start: int
    end: int
    text: str
    severity: Literal["error", "warning"] = "error"


def guard_text(
    text: str,
    ledger: FactLedger,
    *,
    passages: Sequence[Passage] = (),
    known_articles: Collection[str] | None = None,
    prior_text: str | None = None,
    similarity_threshold: float = SIMILARITY_THRESHOLD,
) -> list[GuardFlag]:
    """Every flag for `text`. Pure: the same inputs give the same flags, in text order.

    - a number (Arabic, Chinese, %, 元/万元) that matches no fact in value and unit, and is
      not stated by a retrieved legal text (the 条例's 20个工作日);
    - a `[[fact:…]]` reference left unresolved;
    - a citation [n] with no retrieved passage n (passages are numbered from 1);
    - 《条例》第X条 naming an article that does not exist (`known_articles`) or was not retrieved;
    - a phone number or postcode not in the agency's profile;
    - similarity to last year's same section at or above the threshold.
    """
    flags: list[GuardFlag] = []
    # 【待补充：…】 is a request to a person, never published as is: its words are not claims.
    todo_spans = [(m.start(), m.end()) for m in _TODO.finditer(text)]
    # The agency's own address, postcode and phone, quoted as given, are not claims either.
    todo_spans += [
        (m.start(), m.end())
        for v in ledger.profile.values()
        if v
        for m in re.finditer(re.escape(v), text)
    ]
    for m in _FACT_REF.finditer(text):
        flags.append(
            GuardFlag(
                "fact_ref",
                f"引用了不存在的事实“{m.group(1)}”，无法替换为数字。",
                m.start(),
                m.end(),
                m.group(),
            )
        )
    statutory = _statutory_numbers(passages)
    for mention in extract_numbers(text):
        if any(a <= mention.start < b for a, b in todo_spans):
            continue
        if (
            mention.checkable
            and (mention.value, mention.unit) not in statutory
            and not matching_facts(mention, ledger)
        ):
            flags.append(
                GuardFlag(
                    "number",
                    f"数字“{mention.raw}”在数据和工作人员提供的情况中都找不到出处，请核对或删除。",
                    mention.start,
                    mention.end,
                    mention.raw,
                )
            )
        elif mention.kind == "code" and not any(mention.raw in v for v in ledger.profile.values()):
            flags.append(
                GuardFlag(
                    "contact",
                    f"号码“{mention.raw}”与机关信息中的电话、邮编不符，请核对。",
                    mention.start,
                    mention.end,
                    mention.raw,
                )
            )
    flags.extend(_citation_flags(text, len(passages)))
    flags.extend(_article_flags(text, passages, known_articles))
    if prior_text and text.strip():
        score = similarity(text, prior_text)
        if score >= similarity_threshold:
            flags.append(
                GuardFlag(
                    "similarity",
                    f"与上年同一部分的文字相似度为{score:.0%}（阈值{similarity_threshold:.0%}），"
                    f"格式要求不得年年雷同，请结合本年实际改写。",
                    0,
                    len(text),
                    text[:20],
                    severity="warning",
                )
            )
    return sorted(flags, key=lambda f: (f.start, f.kind))


def _statutory_numbers(passages: Sequence[Passage]) -> set[tuple[Decimal, str | None]]:
    """Numbers stated by the retrieved 条例, format notices and fee rules (20个工作日, 10件):
    quoting the law is not inventing a figure."""
    return {
        (m.value, m.unit)
        for h in passages
        if h.kind in ("regulation", "format", "fees")
        for m in extract_numbers(h.text)
        if m.checkable
    }


def matching_facts(mention: NumberMention, ledger: FactLedger) -> list[Fact]:
    """Facts that support a number: equal value in the same (or a convertible money) unit.
    A percentage matches when the fact rounds to the precision written; a change matches by
    its size (the text says 增加 or 减少); 60余人次 matches 60 to 69."""
    return [f for f in ledger if _supports(f, mention)]


def _supports(fact: Fact, m: NumberMention) -> bool:
    value = abs(fact.value) if fact.source == "change" else fact.value
    if m.unit in ("%", "个百分点") or fact.unit in ("%", "个百分点"):
        if m.unit != fact.unit:
            return False
        places = max(0, -m.value.as_tuple().exponent)  # type: ignore[operator]
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return rounded == m.value
    if m.unit and fact.unit and is_money(m.unit) and is_money(fact.unit):
        value = convert_money(value, fact.unit, m.unit, places=None)
    elif m.unit is not None and m.unit != fact.unit:
        return False
    if m.approx:
        step = Decimal(10) ** max(0, len(str(int(m.value))) - 1)
        return m.value <= value < m.value + step
    return value == m.value


def _citation_flags(text: str, n_passages: int) -> list[GuardFlag]:
    flags = []
    for m in _CITATION.finditer(text):
        if text[max(0, m.start() - 1) : m.start()] == "[":
            continue  # [[fact:…]] is not a citation
        for n in re.findall(r"\d+", m.group(1)):
            if not 1 <= int(n) <= n_passages:
                flags.append(
                    GuardFlag(
                        "citation",
                        f"引用标注[{n}]没有对应的参考资料（本稿检索到{n_passages}条资料），"
                        f"请删除或改为正确的编号。",
                        m.start(),
                        m.end(),
                        m.group(),
                    )
                )
    return flags


def _article_flags(
    text: str, passages: Sequence[Passage], known: Collection[str] | None
) -> list[GuardFlag]:
    retrieved = {h.article for h in passages if h.kind == "regulation" and h.article}
    flags = []
    for m in _ARTICLE.finditer(text):
        article = f"第{m.group(1)}条"
        if known is not None and article not in known:
            flags.append(
                GuardFlag(
                    "article",
                    f"《条例》中没有{article}，请核对条文。",
                    m.start(),
                    m.end(),
                    m.group(),
                )
            )
        elif article not in retrieved:
            flags.append(
                GuardFlag(
                    "article",
                    f"引用的《条例》{article}不在本稿检索到的资料中，无法核对原文；"
                    f"请核对后再引用。",
                    m.start(),
                    m.end(),
                    m.group(),
                    severity="warning",
                )
            )
    return flags


def known_articles(regulation_text: str) -> frozenset[str]:
    """The article names (第一条 … 第五十六条) of the 条例 text shipped in knowledge/."""
    return frozenset(re.findall(r"^\s*(第[零一二三四五六七八九十百]+条)", regulation_text, re.M))
