"""The reviewer appendix: each number in the text with the fact behind it, and each finding with
the decision taken on it (overrides included, with their written reasons)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.checks import SEVERITY_LABELS
from assistant.checks.guard import checked_numbers
from assistant.export.gate import GUARDED_SECTIONS, GateResult, finding_status, section_name
from assistant.report import SectionId
from assistant.report.facts import SOURCE_LABELS, Fact, FactLedger, build_ledger
from assistant.report.numerals import NumberMention

# Which facts support a number is the drafting guard's judgement (`matching_facts`); the export
# layer may not import drafting, so the caller hands it in.
Tracer = Callable[[NumberMention, FactLedger], Sequence[Fact]]

_SOURCE_RANK = {"cell": 0, "derived": 1, "ratio": 2, "prior": 3, "change": 4, "staff note": 5}
_CLAUSE_END = re.compile(r"[。；;！？!?\n]")


@dataclass(frozen=True)
class NumberTrace:
    section: SectionId
    text: str  # as written: 81件
    sentence: str
    fact: Fact | None  # the most likely source; None when nothing supports it
    alternatives: int  # how many other facts have the same value
    reason: str | None = None  # the override reason, for an untraced number let through

    def source_text(self) -> str:
        if self.fact is None:
            return f"未找到出处（放行理由：{self.reason}）" if self.reason else "未找到出处"
        f = self.fact
        more = f"；另有{self.alternatives}项数据数值相同" if self.alternatives else ""
        return f"{f.label} = {f.render()}（{SOURCE_LABELS[f.source]}：{f.origin}{more}）"


@dataclass(frozen=True)
class FindingRow:
    rule: str
    severity: str  # 错误 / 警告 / 提示
    message: str
    fingerprint: str
    status: str  # 放行：理由 / 忽略：理由 / 未处理 …


@dataclass(frozen=True)
class ReviewerAppendix:
    kind: str  # 征求意见稿 / 正式稿
    numbers: tuple[NumberTrace, ...]
    findings: tuple[FindingRow, ...]
    overrides: tuple[str, ...]  # the lines stored with the export record
    # what the text's [n] cite, per section: (section, n, the passage's citation). The exported
    # text never prints the markers; the reviewer sees them here, with the sentences above.
    citations: tuple[tuple[SectionId, int, str], ...] = ()

    TITLE = "附件：审核附录"
    NUMBERS_TITLE = "一、正文数字及其出处"
    FINDINGS_TITLE = "二、校验发现及处理情况"
    NUMBER_HEADERS = ("序号", "位置", "数字", "所在语句", "出处")
    FINDING_HEADERS = ("序号", "规则", "级别", "内容", "编号", "处理情况")
    CITATIONS_TITLE = "三、正文引用的资料"
    CITATION_HEADERS = ("位置", "标注", "资料")

    def number_rows(self) -> list[tuple[str, ...]]:
        return [
            (str(i), section_name(t.section), t.text, t.sentence, t.source_text())
            for i, t in enumerate(self.numbers, 1)
        ]

    def citation_rows(self) -> list[tuple[str, ...]]:
        return [(section_name(sec), f"[{n}]", label) for sec, n, label in self.citations]

    def finding_rows(self) -> list[tuple[str, ...]]:
        return [
            (str(i), f.rule, f.severity, f.message, f.fingerprint, f.status)
            for i, f in enumerate(self.findings, 1)
        ]


def sentence_around(text: str, start: int, end: int) -> str:
    """The clause holding text[start:end], up to the nearest 。；！？ or line end."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return text[left : right.start() if right else len(text)].strip()


def _overlap(fact: Fact, sentence: str) -> int:
    grams = {sentence[i : i + 2] for i in range(len(sentence) - 1)}
    return sum(1 for i in range(len(fact.label) - 1) if fact.label[i : i + 2] in grams)


def _best(facts: Sequence[Fact], sentence: str) -> Fact | None:
    if not facts:
        return None
    # the words around the number first (无法提供31件 → the 无法提供 rows), then a 总计 over a
    # single applicant column, then a table cell over a computed value
    return min(
        facts,
        key=lambda f: (
            -_overlap(f, sentence),
            not f.id.endswith(".total"),
            _SOURCE_RANK.get(f.source, 9),
        ),
    )


def trace_numbers(
    result: GateResult, tracer: Tracer, ledger: FactLedger | None = None
) -> tuple[NumberTrace, ...]:
    """Every checkable number of the text, in reading order, with its fact."""
    report = result.input.report
    ledger = ledger if ledger is not None else build_ledger(report)
    untraced = {(u.section, u.text, u.start): u.fingerprint for u in result.input.untraced}
    out: list[NumberTrace] = []
    for section in GUARDED_SECTIONS:
        text = report.text(section)
        for m in checked_numbers(text, ledger):
            facts = list(tracer(m, ledger))
            sentence = sentence_around(text, m.start, m.end)
            fp = untraced.get((section, m.raw, m.start))
            reason = result.reason_for(fp) if fp else None
            best = _best(facts, sentence)
            out.append(NumberTrace(section, m.raw, sentence, best, max(0, len(facts) - 1), reason))
    return tuple(out)


def build_appendix(
    result: GateResult,
    tracer: Tracer,
    ledger: FactLedger | None = None,
    *,
    citations: Sequence[tuple[SectionId, int, str]] = (),
) -> ReviewerAppendix:
    findings = tuple(
        FindingRow(
            f.rule, SEVERITY_LABELS[f.severity], f.message, f.fingerprint, finding_status(f, result)
        )
        for f in result.input.checks.findings
        if f.failed
    )
    return ReviewerAppendix(
        result.kind,
        trace_numbers(result, tracer, ledger),
        findings,
        tuple(result.override_records()),
        tuple(citations),
    )
