"""The publish gate: a 征求意见稿 goes out with any findings; a 正式稿 only when nothing blocks it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from assistant.checks import SEVERITY_LABELS, CheckResult, Finding, run_checks
from assistant.errors import ExportError, PublishGateError
from assistant.report import NARRATIVE_SECTIONS, SECTION_IDS, Report, SectionId, section_spec
from assistant.report.derived import apply_table_id
from assistant.report.layout import load_sections, preamble_name
from assistant.report.markers import TODO_PATTERN

ExportKind = Literal["征求意见稿", "正式稿"]  # the same values as the workspace's export records
DRAFT: ExportKind = "征求意见稿"
FINAL: ExportKind = "正式稿"
BlockerKind = Literal["finding", "headline", "untraced", "placeholder", "missing"]
BLOCKER_LABELS: dict[str, str] = {
    "finding": "校验错误",
    "headline": "总数与表格矛盾",
    "untraced": "数字无出处",
    "placeholder": "待补充",
    "missing": "缺正文",
}
# Unfinished text is not a judgement call: a 【待补充】 or a missing section is filled in,
# never let through with a reason.
NEVER_OVERRIDDEN: frozenset[str] = frozenset({"placeholder", "missing"})
DecisionKind = Literal["confirm", "dismiss"]
DECISION_LABELS = {"confirm": "确认需修改", "dismiss": "忽略"}

# The sections whose numbers must trace to facts: all of them, the opening paragraphs too (a
# headline total can stand there). What openings hold besides — addresses, phone and document
# numbers, the period, "共六个部分" — the guard knows to be no claim.
GUARDED_SECTIONS: tuple[SectionId, ...] = SECTION_IDS
# how a blocker names its section: by number, the opening paragraphs by their name (引言)
_SECTION_NAMES: dict[str, str] = {
    "preamble": preamble_name(),
    **{s.id: s.number for s in load_sections()},
}


@dataclass(frozen=True)
class UntracedNumber:
    """A number in the text that the drafting guard could not trace to any fact."""

    section: SectionId
    text: str  # the number as written: "81件"
    sentence: str = ""  # the sentence around it, so a person can find it
    start: int | None = None
    end: int | None = None

    @property
    def fingerprint(self) -> str:
        # stable across re-runs as long as the sentence is unchanged, like a Finding's
        key = "|".join(["untraced", self.section, self.text, self.sentence])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def describe(self) -> str:
        where = section_name(self.section)
        quote = f"：“{self.sentence}”" if self.sentence else ""
        return f"{where}中的数字“{self.text}”找不到出处{quote}"


@dataclass(frozen=True)
class FindingDecision:
    """A reviewer's decision on a finding, as the workspace keeps it."""

    decision: DecisionKind
    reason: str = ""
    author: str = ""


@dataclass(frozen=True)
class Blocker:
    """One thing that stops a 正式稿: an error-level finding or an untraced number."""

    fingerprint: str
    kind: BlockerKind
    message: str

    @property
    def label(self) -> str:
        return BLOCKER_LABELS[self.kind]

    @property
    def overridable(self) -> bool:
        return self.kind not in NEVER_OVERRIDDEN

    def describe(self) -> str:
        return f"[{self.label}] {self.message}（编号 {self.fingerprint}）"


@dataclass(frozen=True)
class Override:
    """A blocker let through on purpose, with the written reason that goes into the record."""

    blocker: Blocker
    reason: str

    def record(self) -> str:
        """The line stored with the export record (workspace `exports.overrides`)."""
        return f"{self.blocker.fingerprint}：{self.reason}（{self.blocker.message}）"


@dataclass(frozen=True)
class GateInput:
    """Everything the gate judges: the report, its check result, the guard's untraced numbers,
    the overrides given for this export and the reviewer's earlier decisions."""

    report: Report
    checks: CheckResult
    untraced: tuple[UntracedNumber, ...] = ()
    overrides: Mapping[str, str] = field(default_factory=dict)  # fingerprint → reason
    decisions: Mapping[str, FindingDecision] = field(default_factory=dict)


@dataclass(frozen=True)
class GateResult:
    kind: ExportKind
    blockers: tuple[Blocker, ...]
    overridden: tuple[Override, ...]
    remaining: tuple[Blocker, ...]
    input: GateInput

    @property
    def passed(self) -> bool:
        return self.kind == DRAFT or not self.remaining

    def override_records(self) -> list[str]:
        return [o.record() for o in self.overridden]

    def reason_for(self, fingerprint: str) -> str | None:
        for o in self.overridden:
            if o.blocker.fingerprint == fingerprint:
                return o.reason
        return None


def section_name(section: str) -> str:
    number = _SECTION_NAMES.get(section, section)
    return number if section == "preamble" else f"第{number}部分"  # 引言, 第三部分


def gate_input(
    report: Report,
    *,
    checks: CheckResult | None = None,
    untraced: Iterable[UntracedNumber] = (),
    overrides: Mapping[str, str] | None = None,
    decisions: Mapping[str, FindingDecision] | None = None,
) -> GateInput:
    """Build the gate's input, running the checks when no result is given."""
    return GateInput(
        report=report,
        checks=checks if checks is not None else run_checks(report),
        untraced=tuple(untraced),
        overrides=dict(overrides or {}),
        decisions=dict(decisions or {}),
    )


def finding_blocker(finding: Finding) -> Blocker:
    return Blocker(finding.fingerprint, "finding", f"{finding.rule} {finding.message}")


def blockers(inp: GateInput) -> tuple[Blocker, ...]:
    """What would stop a 正式稿, in check order then text order, each once."""
    found: dict[str, Blocker] = {}
    for f in inp.checks.errors:
        found.setdefault(f.fingerprint, finding_blocker(f))
    for b in headline_contradictions(inp.report, inp.checks):
        found.setdefault(b.fingerprint, b)
    for u in inp.untraced:
        found.setdefault(u.fingerprint, Blocker(u.fingerprint, "untraced", u.describe()))
    for b in [*missing_sections(inp.report), *placeholders(inp.report)]:
        found.setdefault(b.fingerprint, b)
    return tuple(found.values())


def headline_contradictions(report: Report, checks: CheckResult) -> list[Blocker]:
    """A headline figure (“共收到申请N件”) that is neither this year's new applications nor new
    plus carried over contradicts the tables, whatever put it in the text (a model, a note, a
    hand edit). NAR-05 only warns, since its usual failure is an unclear scope (the two counts
    added up without saying so); a figure that matches neither blocks a 正式稿."""
    table = apply_table_id(report)
    new = report.value(f"{table}.new.total")
    carry = report.value(f"{table}.carry_in.total")
    if not isinstance(new, (int, Decimal)) or not isinstance(carry, (int, Decimal)):
        return []
    out = []
    for f in checks.findings:
        if f.rule != "NAR-05" or not f.failed or f.found is None:
            continue
        said = Decimal(f.found)
        if said in (new, new + carry):
            continue
        out.append(
            Blocker(
                f.fingerprint,
                "headline",
                f"{section_name(f.section or 'overview')}写“{f.quote}”，但表格中本年新收申请"
                f"{new}件、上年结转{carry}件，两者都对不上。请以表格为准修改正文",
            )
        )
    return out


def missing_sections(report: Report) -> list[Blocker]:
    """一、五、六 are what the 条例 asks a report to say in words: a 正式稿 never goes out
    without them, even though the checks cannot judge an empty section (tables-only input)."""
    out = []
    for section in NARRATIVE_SECTIONS:
        if not report.text(section).strip():
            fp = hashlib.sha1(f"missing|{section}".encode()).hexdigest()[:16]
            out.append(
                Blocker(
                    fp,
                    "missing",
                    f"“{section_spec(section).full_heading}”还没有正文，请起草或填写后再导出",
                )
            )
    return out


def placeholders(report: Report) -> list[Blocker]:
    """【待补充：…】 markers the offline composer leaves for a person: never in a 正式稿."""
    out = []
    for section in SECTION_IDS:
        for m in TODO_PATTERN.finditer(report.text(section)):
            key = "|".join(["placeholder", section, m.group()])
            fp = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
            out.append(
                Blocker(
                    fp,
                    "placeholder",
                    f"{section_name(section)}还有待补充的内容“{m.group()}”，请填写后再导出",
                )
            )
    return out


def _reasons(inp: GateInput) -> dict[str, str]:
    """Overrides given now win over dismissals recorded earlier in the workspace."""
    reasons = {
        fp: d.reason.strip()
        for fp, d in inp.decisions.items()
        if d.decision == "dismiss" and d.reason.strip()
    }
    for fp, reason in inp.overrides.items():
        if not reason.strip():
            raise ExportError(f"放行编号 {fp} 的问题时必须写明理由：--override {fp}=理由。")
        reasons[fp] = reason.strip()
    return reasons


def evaluate_gate(inp: GateInput, kind: ExportKind) -> GateResult:
    """Judge an export without refusing it; see `enforce_gate` for the refusal."""
    found = blockers(inp)
    known = {b.fingerprint for b in found} | {f.fingerprint for f in inp.checks.findings}
    unknown = [fp for fp in inp.overrides if fp not in known]
    if unknown:
        raise ExportError(
            f"放行的编号 {'、'.join(unknown)} 不对应本报告的任何校验问题或无出处数字。"
            f"请按拒绝导出正式稿时列出的编号填写。"
        )
    unfinished = [b for b in found if b.fingerprint in inp.overrides and not b.overridable]
    if unfinished:
        raise ExportError(
            f"编号 {'、'.join(b.fingerprint for b in unfinished)} 是未完成的正文"
            f"（{unfinished[0].message}），不能放行。"
        )
    reasons = _reasons(inp)
    let_through = {fp for fp in reasons if fp in known} - {
        b.fingerprint for b in found if not b.overridable
    }
    overridden = tuple(
        Override(b, reasons[b.fingerprint]) for b in found if b.fingerprint in let_through
    )
    remaining = tuple(b for b in found if b.fingerprint not in let_through)
    return GateResult(kind, found, overridden, remaining, inp)


def enforce_gate(inp: GateInput, kind: ExportKind) -> GateResult:
    """The gate's verdict; raises PublishGateError for a 正式稿 while anything blocks it."""
    result = evaluate_gate(inp, kind)
    if kind == FINAL and result.remaining:
        lines = "\n".join(f"- {b.describe()}" for b in result.remaining)
        raise PublishGateError(
            f"不能导出正式稿：还有{len(result.remaining)}个问题未处理：\n{lines}\n"
            "请修改报告后重新导出；如确认无需修改，请逐条用 --override 编号=理由 写明理由"
            "（理由将记入导出记录和审核附录）；也可以先导出征求意见稿（不加 --final）。"
        )
    return result


def finding_status(finding: Finding, result: GateResult) -> str:
    """How a finding stands for the reviewer appendix: overridden, decided, or open."""
    reason = result.reason_for(finding.fingerprint)
    decision = result.input.decisions.get(finding.fingerprint)
    if finding.fingerprint in result.input.overrides and reason:
        return f"放行：{reason}"
    if decision is not None:
        text = DECISION_LABELS[decision.decision]
        return f"{text}：{decision.reason}" if decision.reason else text
    if finding.severity == "error":
        return "未处理" if result.kind == FINAL else "未处理（征求意见稿允许）"
    return f"未处理（{SEVERITY_LABELS[finding.severity]}，不阻止正式稿）"
