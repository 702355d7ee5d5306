"""What a prompt shows the model: facts with ids, numbered passages, notes; and substitution."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.drafting.notes import GENERAL, Notes
from assistant.drafting.prompts import PASSAGE_CLOSE, PASSAGE_OPEN
from assistant.report.facts import Fact, FactLedger
from assistant.report.layout import SectionId
from assistant.report.numerals import UNITS
from assistant.retrieval.hits import Hit

_UNIT_AFTER = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_REF = re.compile(rf"\[\[(?:fact|cell):([^\]\s]+)\]\](?P<after>{_UNIT_AFTER})?")
_GROUP_TOTALS = (
    "apply.new.total",
    "apply.carry_in.total",
    "apply.received.total",
    "apply.res.granted.total",
    "apply.res.partial.total",
    "apply.res.denied.total",
    "apply.res.unavailable.total",
    "apply.res.not_processed.total",
    "apply.res.other.total",
    "apply.res.total.total",
    "apply.carry_out.total",
    "review.admin_review.total",
    "review.litigation.total",
    "review.litigation_direct.total",
    "review.litigation_after_review.total",
)
_SECTION_TABLES = {
    "active": ("active.", "active19."),
    "apply": ("apply.",),
    "review": ("review.",),
    "other": ("fees.",),
}


def substitute(text: str, ledger: FactLedger) -> str:
    """Replace each `[[fact:ID]]` by the fact's rendered value; unknown ids stay for the guard."""

    def one(m: re.Match[str]) -> str:
        fact = ledger.get(m.group(1))
        after = m.group("after") or ""
        if fact is None:
            return m.group()
        # Models often write the unit after the reference although told not to: 12件件 → 12件.
        return fact.render() + ("" if after and after == fact.unit else after)

    return _REF.sub(one, text)


def section_facts(ledger: FactLedger, section: SectionId) -> list[Fact]:
    """The facts a section's prompt lists: its key totals, non-zero cells, changes, ratios and
    the staff's numbers. The guard still accepts any fact of the ledger."""
    wanted: list[Fact] = []

    def add(fact: Fact | None) -> None:
        if fact is not None and fact not in wanted:
            wanted.append(fact)

    if section == "overview":
        for fid in _GROUP_TOTALS:
            add(ledger.get(fid))
            add(ledger.get(f"change.{fid}"))
        for f in ledger.by_source("cell"):
            if f.id.startswith(("active.", "active19.")) and f.value:
                add(f)
                add(ledger.get(f"change.{f.id}"))
        for f in ledger.by_source("ratio"):
            if f.value:
                add(f)
    elif section == "problems":
        for f in ledger:
            if f.id.startswith("ratio.apply.res.other") or (
                f.id.startswith("review.") and ".corrected" in f.id and f.value
            ):
                add(f)
        add(ledger.get("apply.carry_out.total"))
    elif section in _SECTION_TABLES:
        for f in ledger.by_source("cell", "derived"):
            # a table note explains; the totals suffice (the table prints every cell)
            group_total = f.id.endswith("total") and (bool(f.value) or f.id.count(".") <= 3)
            if f.id.startswith(_SECTION_TABLES[section]) and (
                group_total or section == "other" or (section == "active" and bool(f.value))
            ):
                add(f)
        if section == "other":
            add(ledger.get("apply.res.other.fee_unpaid.total"))
    for f in ledger.notes_for(section):
        add(f)
    return wanted


def format_facts(facts: Sequence[Fact]) -> str:
    return "\n".join(f"- {f.describe()}" for f in facts) or "（无）"


def format_passages(hits: Sequence[Hit], *, agency: str | None = None) -> str:
    """Numbered from 1, each delimited; the agency's own earlier report marked 请勿照抄."""
    blocks = []
    for n, h in enumerate(hits, start=1):
        label = h.citation()
        if h.kind == "report" and agency and h.agency == agency:
            label = f"本机关上年报告（请勿照抄）：{label}"
        elif h.kind == "report":
            label = f"其他机关报告范例（仅供参考）：{label}"
        blocks.append(
            f"{PASSAGE_OPEN.format(n=n)}\n来源：{label}\n{h.text.strip()}\n"
            f"{PASSAGE_CLOSE.format(n=n)}"
        )
    return "\n".join(blocks) or "（无）"


def format_notes(notes: Notes, section: SectionId, *, remarks: Notes | None = None) -> str:
    lines = []
    for sub, text in notes.get(section, {}).items():
        lines.append(f"【{sub}】{text}" if sub != GENERAL else text)
    for sub, text in (remarks or {}).get(section, {}).items():
        lines.append(f"【工作备注，不得照抄】{f'【{sub}】' if sub != GENERAL else ''}{text}")
    return "\n".join(lines) or "（无）"


def format_rules(rules: Sequence[str]) -> str:
    return "\n".join(f"- {r}" for r in rules)
