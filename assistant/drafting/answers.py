"""Answering a question about the report: from the knowledge base, this report's data and last
year's report, with numbered sources. Offline the answer is the sources themselves, cited."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.checks.subjects import fact_subjects, subjects_in
from assistant.report.facts import Fact, FactLedger
from assistant.report.layout import section_spec
from assistant.report.model import Report
from assistant.report.problems import split_problems
from assistant.retrieval.coverage import partial_note
from assistant.retrieval.hits import Hit, Retriever

SourceKind = Literal["knowledge", "data", "prior"]
KB_PASSAGES = 4
MAX_FACTS = 8
EXCERPT = 160
_NAMES_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_ABOUT_PRIOR = re.compile(r"去年|上年|上一年|往年|上次|前一年")
_ABOUT_PROBLEMS = re.compile(r"问题|不足|短板|整改|差距")
_ABOUT_DATA = re.compile(r"多少|几件|几次|几条|数量|数据|件数|比例|占比|增加|减少|变化")
_SECTION_WORDS = {
    "overview": ("总体情况", "主动公开", "依申请", "平台", "监督"),
    "problems": ("问题", "不足", "改进", "整改"),
    "other": ("其他", "信息处理费", "建议", "提案"),
}


@dataclass(frozen=True)
class Source:
    """One numbered source of an answer: a passage, this report's figures, last year's report."""

    n: int
    kind: SourceKind
    label: str  # how it is cited: 《中华人民共和国政府信息公开条例》第四十九条
    text: str  # what it says (an excerpt)

    def citation(self) -> str:
        return self.label

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    sources: list[Source]
    engine: str
    warnings: list[str] = field(default_factory=list)

    @property
    def passages(self) -> list[Source]:  # what a page lists under “参考资料”
        return self.sources


def gather_sources(
    question: str,
    *,
    report: Report,
    ledger: FactLedger,
    prior: Report | None,
    retriever: Retriever | None,
) -> tuple[list[Source], list[str]]:
    """The sources for a question, numbered from 1, and warnings (a knowledge base that failed,
    or one still being built). Format notices are the report's own format's, as in the drafts'
    prompts, unless the question names a year ("2019年的格式…"): the 2019 notice restates the
    2021 one's deadlines and would take two of the few places."""
    from assistant.errors import KnowledgeError

    out: list[tuple[SourceKind, str, str]] = []
    warnings: list[str] = []
    if prior is not None and _ABOUT_PRIOR.search(question):
        out.extend(_prior_sources(question, prior))
    facts = relevant_facts(question, ledger)
    if facts:
        label = f"{report.agency.name or '本机关'}{report.year}年度报告数据"
        out.append(("data", label, "\n".join(f"{f.label}：{f.render()}" for f in facts)))
    if retriever is not None:
        try:
            # twice the places: the other format's notices are left out below
            hits: Sequence[Hit] = retriever.search(question, k=2 * KB_PASSAGES)
        except KnowledgeError as exc:
            warnings.append(f"检索资料库失败，本次回答未引用资料库：{exc.message}")
            hits = ()
        note = partial_note(hits)  # searched while the index was still being built
        if note:
            warnings.append(note)
        if not _NAMES_YEAR.search(question):
            hits = [
                h
                for h in hits
                if h.kind != "format" or h.extra.get("format") in (None, report.format)
            ]
        hits = hits[:KB_PASSAGES]
        out.extend(("knowledge", h.citation(), _excerpt(h.text)) for h in hits)
    return [Source(n, kind, label, text) for n, (kind, label, text) in enumerate(out, 1)], warnings


def _prior_sources(question: str, prior: Report) -> list[tuple[SourceKind, str, str]]:
    where = f"{prior.agency.name or '本机关'}{prior.year}年度报告"
    if _ABOUT_PROBLEMS.search(question):
        problems = split_problems(prior.text("problems"))
        body = (
            "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1))
            or _excerpt(prior.text("problems"))
            or "（该报告第五部分没有内容）"
        )
        return [("prior", f"{where}“存在的主要问题及改进情况”所列问题", body)]
    best = max(
        _SECTION_WORDS,
        key=lambda s: sum(w in question for w in _SECTION_WORDS[s]),
    )
    text = prior.text(best)  # type: ignore[arg-type]
    if not text:
        return []
    return [("prior", f"{where}“{section_spec(best).heading}”", _excerpt(text, 300))]  # type: ignore[arg-type]


def relevant_facts(question: str, ledger: FactLedger) -> list[Fact]:
    """This report's figures the question names (its subjects), level facts first."""
    asked = subjects_in(question)
    if not asked.rows and not _ABOUT_DATA.search(question):
        return []
    found = []
    for f in ledger:
        if f.source not in ("cell", "derived", "change", "staff note"):
            continue
        s = subjects_in(f.label) if f.source == "staff note" else fact_subjects(f.id)
        if asked.rows and not (s.rows & asked.rows):
            continue
        if s.columns - {"made", "repealed", "valid"}:
            continue  # per-applicant columns: the totals answer a clerk's question
        if f.source == "change" and not f.value:
            continue
        found.append(f)
    return found[:MAX_FACTS] if asked.rows else []


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_sources(sources: Sequence[Source]) -> str:
    """Numbered and delimited for the prompt, like drafting's passages."""
    from assistant.drafting.prompts import PASSAGE_CLOSE, PASSAGE_OPEN

    return (
        "\n".join(
            f"{PASSAGE_OPEN.format(n=s.n)}\n来源：{s.label}\n{s.text}\n{PASSAGE_CLOSE.format(n=s.n)}"
            for s in sources
        )
        or "（无）"
    )


def offline_answer(question: str, sources: Sequence[Source]) -> str:
    """Without a model the answer is what was found, each cited: nothing is made up."""
    if not sources:
        return (
            "资料库、本报告数据和上年报告中都没有找到与这个问题相关的内容。"
            "请换一种问法（如写出条例、表格或部分的名称），或连接大模型后再问。"
        )
    lines = ["（离线回答：以下是检索到的相关内容，未经大模型归纳，请据此判断。）"]
    for s in sources:
        lines.append(f"[{s.n}] {s.label}：{s.text}")
    return "\n".join(lines)


def sources_from_json(items: Sequence[dict[str, Any]] | None) -> list[Source]:
    return [Source(**i) for i in items or ()]
