"""The number guard: every number in a text matches a fact, every citation a retrieved passage.

Pure and deterministic, so both drafting (over each draft) and the publish gate (over the text
to be published) judge a text the same way. It sees retrieved passages through `Passage`, the
few fields of a retrieval `Hit` it reads, so the core does not import the model side."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from assistant.checks.support import (
    context_of,
    derived_support,
    direction_conflicts,
    effective_unit,
    extra_mentions,
    in_address,
    is_claim,
    numbers_with_units,
    statute_numbers,
    supporting_facts,
    value_matches,
)
from assistant.report.facts import Fact, FactLedger
from assistant.report.markers import TODO_PATTERN
from assistant.report.numerals import NumberMention, extract_numbers
from assistant.report.similarity import SAME_AS_LAST_YEAR, similarity

FlagKind = Literal[
    "number", "direction", "fact_ref", "citation", "article", "similarity", "contact"
]
# each kind as the command line and the web app name it to a person
FLAG_LABELS: dict[FlagKind, str] = {
    "number": "数字无出处",
    "direction": "增减方向不符",
    "fact_ref": "事实引用无效",
    "citation": "引用编号无效",
    "article": "条例条文引用",
    "similarity": "与上年雷同",
    "contact": "联系方式不符",
}
SIMILARITY_THRESHOLD = SAME_AS_LAST_YEAR

# Any reference syntax a model may leave: [[fact:x]], [[ fact: x ]], [[x]], [fact:x], 【【…】】, {{…}}.
LEFTOVER_REFERENCE = re.compile(
    r"\[\[[^\[\]\n]{1,80}\]\]|\[(?:fact|cell)\s*[:：][^\]\n]{1,80}\]|【【[^】\n]{0,80}】】|\{\{[^}\n]{0,80}\}\}"
)
_ARTICLE = re.compile(
    r"《(?:中华人民共和国)?(?:政府信息公开)?条例》(?:的)?第([零〇一二两三四五六七八九十百]+)条"
)
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

    - a number (Arabic, Chinese, %, 元/万元, or before a unit no table uses: 3轮) that no fact
      supports where it stands: same value and unit, the same subject (培训 ↔ 培训), the same
      direction (比上年减少 only for a fall), or a sum/share/万 rounding that follows from the
      facts; numbers stated by the 条例 and non-claims (12345热线, 7×24小时) are not flagged;
    - 比上年增加/减少/持平 without a number, against the sign of the change;
    - a reference left in the text (`[[fact:…]]`, `[[x]]`, `[fact:x]`, `【【…】】`, `{{…}}`);
    - a citation [n] with no retrieved passage n (passages are numbered from 1);
    - 《条例》第X条 naming an article that does not exist (`known_articles`) or was not retrieved;
    - a phone number or postcode not in the agency's profile;
    - similarity to last year's same section at or above the threshold.
    """
    flags: list[GuardFlag] = []
    flags.extend(reference_flags(text))
    statutory = _statutory_numbers(passages) | statute_numbers()
    address = ledger.profile.get("address", "")
    for mention in _claims(text, ledger):
        if in_address(text, mention):
            if address and mention.raw not in address:
                flags.append(
                    GuardFlag(
                        "contact",
                        f"地址中的“{mention.raw}”与机关信息中的地址不符，请核对。",
                        mention.start,
                        mention.end,
                        mention.raw,
                    )
                )
        elif mention.checkable:
            flag = _number_flag(text, mention, ledger, statutory)
            if flag is not None:
                flags.append(flag)
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
    for start, end, words, change in direction_conflicts(text, ledger):
        flags.append(
            GuardFlag(
                "direction",
                f"“{words}”与数据不符：{change.label}{change.render()}"
                f"（{'增加' if change.value > 0 else '减少' if change.value < 0 else '持平'}）。",
                start,
                end,
                words,
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


def _claims(text: str, ledger: FactLedger) -> list[NumberMention]:
    """The numbers of `text` that say something, in text order."""
    # 【待补充：…】 is a request to a person, never published as is: its words are not claims.
    quoted = [(m.start(), m.end()) for m in TODO_PATTERN.finditer(text)]
    # The agency's own address, postcode and phone, quoted as given, are not claims either.
    quoted += [
        (m.start(), m.end())
        for v in ledger.profile.values()
        if v
        for m in re.finditer(re.escape(v), text)
    ]
    mentions = extract_numbers(text)
    return [
        m
        for m in sorted([*mentions, *extra_mentions(text, mentions)], key=lambda m: m.start)
        if not any(a <= m.start < b for a, b in quoted) and is_claim(text, m)
    ]


def checked_numbers(text: str, ledger: FactLedger) -> list[NumberMention]:
    """The numbers the guard holds to the facts (quantities and shares that are claims): what
    a reviewer's table of sources lists."""
    return [m for m in _claims(text, ledger) if m.checkable and not in_address(text, m)]


def _number_flag(
    text: str,
    mention: NumberMention,
    ledger: FactLedger,
    statutory: Collection[tuple[Decimal, str]],
) -> GuardFlag | None:
    unit = effective_unit(text, mention)
    if unit is not None and (mention.value, unit) in statutory:
        return None
    if supporting_facts(mention, ledger, text) or derived_support(mention, ledger, text):
        return None
    ctx = context_of(text, mention)
    opposite = [
        f
        for f in ledger.by_source("change")
        if ctx.direction
        and value_matches(f, mention, unit)
        and (f.value > 0) != (ctx.direction > 0)
    ]
    if opposite:
        f = opposite[0]
        message = (
            f"“{mention.raw}”的增减方向与数据不符：{f.label}{f.render()}，"
            f"文中写的是{'增加' if ctx.direction > 0 else '减少'}。"  # type: ignore[operator]
        )
    elif supporting_facts(mention, ledger):
        message = (
            f"数字“{mention.raw}”与数据中同值的数字说的不是同一件事（所在语句的主语或增减"
            f"与之不符），请核对或删除。"
        )
    else:
        message = f"数字“{mention.raw}”在数据和工作人员提供的情况中都找不到出处，请核对或删除。"
    return GuardFlag("number", message, mention.start, mention.end, mention.raw)


def _statutory_numbers(passages: Sequence[Passage]) -> set[tuple[Decimal, str]]:
    """Numbers stated by the retrieved 条例, format notices and fee rules (20个工作日, 10件):
    quoting the law is not inventing a figure."""
    return {
        pair
        for h in passages
        if h.kind in ("regulation", "format", "fees")
        for pair in numbers_with_units(h.text)
    }


def matching_facts(
    mention: NumberMention, ledger: FactLedger, text: str | None = None
) -> list[Fact]:
    """Facts that support a number: equal value in the same (or a convertible money) unit.
    A percentage matches when the fact rounds to the precision written; a change matches by
    its size; 60余人次 matches 60 to 69. Given the text it stands in, the sentence must also
    name the fact's subject and direction (see `checks.support`)."""
    return supporting_facts(mention, ledger, text)


def reference_flags(text: str) -> list[GuardFlag]:
    """Reference syntax left in the text: never published; blocks the 正式稿."""
    return [
        GuardFlag(
            "fact_ref",
            f"文中留有未替换的引用标记“{m.group()}”，无法替换为数字，请改为实际内容或删除。",
            m.start(),
            m.end(),
            m.group(),
        )
        for m in LEFTOVER_REFERENCE.finditer(text)
    ]


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
