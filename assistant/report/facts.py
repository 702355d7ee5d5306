"""The fact ledger: every number a draft may state, with a stable id, unit, label and source."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from assistant.report.cells import format_number
from assistant.report.derived import derive
from assistant.report.layout import CellSpec
from assistant.report.model import Report
from assistant.report.numerals import extract_numbers

FactSource = Literal["cell", "derived", "prior", "change", "ratio", "staff note"]
SOURCE_LABELS: dict[str, str] = {
    "cell": "表格数据",
    "derived": "由表格计算",
    "prior": "上年报告",
    "change": "与上年相比",
    "ratio": "由表格计算的比例",
    "staff note": "工作人员提供",
}
_PERCENT_PLACES = 1
# Cells whose year-on-year change a narrative is likely to state (SPEC e.1, XY-04).
_KEY_TOTALS = (
    "apply.new.total",
    "apply.carry_in.total",
    "apply.res.total.total",
    "apply.carry_out.total",
    "apply.received.total",
    "review.admin_review.total",
    "review.litigation_direct.total",
    "review.litigation_after_review.total",
    "review.litigation.total",
)
_RESULT_GROUPS = {
    "res.granted": "予以公开",
    "res.partial": "部分公开",
    "res.denied": "不予公开",
    "res.unavailable": "无法提供",
    "res.not_processed": "不予处理",
    "res.other": "其他处理",
    "res.other.other": "其他处理中的“其他”",
}
_DERIVED_LABELS = {
    "received": "收到申请（新收加上年结转）",
    "res.leaf_sum": "各办理结果之和",
    "res.denied": "（三）不予公开小计",
    "res.unavailable": "（四）无法提供小计",
    "res.not_processed": "（五）不予处理小计",
    "res.other": "（六）其他处理小计",
}
_CLAUSE = re.compile(r"[^，,；;。！？\n]+")


@dataclass(frozen=True)
class Fact:
    """One number a draft may use. `origin` says where it came from: a cell id, a formula, or
    the staff note's own words."""

    id: str
    value: Decimal
    unit: str | None
    label: str
    source: FactSource
    origin: str = ""
    section: str | None = None  # staff notes: the section they were given for

    def render(self) -> str:
        """The number as a draft writes it: 187条, 33.3%, 1.5万元."""
        if self.unit in ("%", "个百分点"):
            return f"{_quantize(self.value, _PERCENT_PLACES)}{self.unit}"
        return (
            f"{format_number(abs(self.value) if self.source == 'change' else self.value)}"
            f"{self.unit or ''}"
        )

    def describe(self) -> str:
        """One line for a prompt or a report: id, label, value and source."""
        return f"[[fact:{self.id}]] {self.label} = {self.render()}（{SOURCE_LABELS[self.source]}）"


def _quantize(value: Decimal, places: int) -> str:
    return format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


@dataclass
class FactLedger:
    """Facts by id, in insertion order. Code substitutes `[[fact:ID]]` with `render()`."""

    facts: dict[str, Fact] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)  # phone, postcode …: not numbers

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.facts

    def get(self, fact_id: str) -> Fact | None:
        return self.facts.get(fact_id)

    def add(self, fact: Fact) -> None:
        self.facts[fact.id] = fact

    def extend(self, facts: Iterable[Fact]) -> None:
        for f in facts:
            self.add(f)

    def value(self, fact_id: str) -> Decimal | None:
        f = self.facts.get(fact_id)
        return f.value if f else None

    def by_source(self, *sources: FactSource) -> list[Fact]:
        return [f for f in self.facts.values() if f.source in sources]

    def notes_for(self, section: str) -> list[Fact]:
        return [f for f in self.facts.values() if f.source == "staff note" and f.section == section]

    def copy(self) -> FactLedger:
        return FactLedger(dict(self.facts), dict(self.profile))


def cell_unit(spec: CellSpec) -> str:
    """The unit a narrative uses for a cell (SPEC e.7, NAR-04): 件 for applications, cases and
    documents; the column's own unit for money; 项 for fmt2019 item counts."""
    if spec.unit:
        return spec.unit
    if spec.column.id in ("prev_items", "delta", "items"):
        return "项"
    return "件"


def build_ledger(
    report: Report,
    *,
    prior: Report | None = None,
    notes: Mapping[str, str | Mapping[str, str]] | None = None,
) -> FactLedger:
    """Every fact of `report`: its cells, derived values, and — given last year's report —
    prior values, changes and growth ratios; plus the numbers in staff notes."""
    ledger = FactLedger()
    layout = report.layout
    for cid, cell in report.cells.items():
        value = cell.value
        if not cell.is_number or value is None or not layout.has_cell(cid):
            continue
        spec = layout.cell(cid)
        ledger.add(
            Fact(
                cid,
                Decimal(value),
                cell_unit(spec),
                spec.describe(),
                "cell",
                cid,
            )
        )
    _add_derived(ledger, report)
    _add_ratios(ledger)
    if prior is not None:
        _add_prior(ledger, report, prior)
    for key, text in _flatten_notes(notes or {}):
        ledger.extend(note_facts(key, text))
    agency = report.agency
    ledger.profile = {
        k: v
        for k, v in (
            ("phone", agency.phone),
            ("postcode", agency.postcode),
            ("address", agency.address),
        )
        if v
    }
    return ledger


def _table_name(report: Report, table_id: str) -> str:
    try:
        return f"表{report.layout.table(table_id).number}"
    except KeyError:
        return ""


def _add_derived(ledger: FactLedger, report: Report) -> None:
    table = "apply" if report.format == "2021" else "apply19"
    where = _table_name(report, table)
    for did, value in derive(report).items():
        if value is None or did in ledger:
            continue
        rest = did[len(table) + 1 :]
        label = next(
            (
                f"{where}{name}"
                for key, name in _DERIVED_LABELS.items()
                if rest.startswith(key + ".")
            ),
            f"{where}{rest}",
        )
        col = rest.rsplit(".", 1)[-1]
        if rest.endswith("legal.subtotal"):
            row = rest[: -len(".legal.subtotal")]
            spec_id = f"{table}.{row}.total"
            row_label = (
                report.layout.cell(spec_id).row_label if report.layout.has_cell(spec_id) else row
            )
            label = f"{where}「{row_label}」行法人或其他组织小计"
        elif col == "total":
            label += "（总计）"
        ledger.add(Fact(did, Decimal(value), "件", label, "derived", did))
    review = "review" if report.format == "2021" else "review19"
    parts = [
        ledger.value(f"{review}.litigation_direct.total"),
        ledger.value(f"{review}.litigation_after_review.total"),
    ]
    known = [p for p in parts if p is not None]
    if len(known) == len(parts):
        ledger.add(
            Fact(
                f"{review}.litigation.total",
                sum(known, Decimal(0)),
                "件",
                "行政诉讼合计（未经复议直接起诉加复议后起诉）",
                "derived",
                f"{review}.litigation_direct.total + {review}.litigation_after_review.total",
            )
        )
    if report.format == "2019":
        # fmt2019 ids carry a 19 suffix; give the narrative keys both spellings
        for f in list(ledger):
            for old, new in (("apply19.", "apply."), ("review19.", "review.")):
                if f.id.startswith(old) and new + f.id[len(old) :] not in ledger:
                    ledger.add(
                        Fact(new + f.id[len(old) :], f.value, f.unit, f.label, f.source, f.id)
                    )


def _add_ratios(ledger: FactLedger) -> None:
    total = ledger.value("apply.res.total.total")
    if not total:
        return
    for group, name in _RESULT_GROUPS.items():
        part = ledger.value(f"apply.{group}.total")
        if part is None:
            continue
        share = part * 100 / total
        ledger.add(
            Fact(
                f"ratio.apply.{group}.total",
                share,
                "%",
                f"{name}占办理结果总数的比例",
                "ratio",
                f"apply.{group}.total / apply.res.total.total",
            )
        )


def _add_prior(ledger: FactLedger, report: Report, prior: Report) -> None:
    prior_ledger = build_ledger(prior)
    current = [f for f in ledger.by_source("cell", "derived")]
    for f in current:
        pf = prior_ledger.get(f.id)
        if pf is None or pf.unit != f.unit:
            continue
        ledger.add(
            Fact(
                f"prior.{f.id}",
                pf.value,
                f.unit,
                f"上年{f.label}",
                "prior",
                f"{prior.year}年报告 {pf.origin}",
            )
        )
        delta = f.value - pf.value
        word = "增加" if delta > 0 else "减少" if delta < 0 else "持平"
        ledger.add(
            Fact(
                f"change.{f.id}",
                delta,
                f.unit,
                f"{f.label}比上年{word}",
                "change",
                f"{f.id} − 上年 {pf.origin}",
            )
        )
        if f.id in _KEY_TOTALS and pf.value:
            ledger.add(
                Fact(
                    f"growth.{f.id}",
                    abs(delta) * 100 / pf.value,
                    "%",
                    f"{f.label}比上年{word}的幅度",
                    "ratio",
                    f"|{f.id} − 上年| / 上年",
                )
            )


def _flatten_notes(notes: Mapping[str, str | Mapping[str, str]]) -> Iterator[tuple[str, str]]:
    for section, value in notes.items():
        if isinstance(value, str):
            yield section, value
        else:
            for sub, text in value.items():
                yield f"{section}.{sub}", text


def note_facts(key: str, text: str, *, start: int = 1) -> list[Fact]:
    """The numbers in a staff note as facts (source "staff note"), labelled by their clause.
    `key` is the section ("overview", or "overview.监督保障" for a subsection)."""
    facts: list[Fact] = []
    clauses = [(m.start(), m.end(), m.group().strip()) for m in _CLAUSE.finditer(text)]
    for i, m in enumerate((m for m in extract_numbers(text) if m.checkable), start=start):
        clause = next((c for s, e, c in clauses if s <= m.start < e), m.raw)
        facts.append(
            Fact(
                f"note.{key}.{i}",
                m.value,
                m.unit,
                clause,
                "staff note",
                text,
                section=key.split(".", 1)[0],
            )
        )
    return facts
