"""The guard's labelled sentence set (tests/data/guard/sentences.yaml): load it, run the guard
on every sentence, and count false positives and false negatives. Used by the test and by
`bench drafting`, which prints the rates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.checks.guard import GuardFlag, guard_text, known_articles
from assistant.config import shipped_dir
from assistant.report.facts import FactLedger, build_ledger
from ui.demo import load_demo_report

SET_PATH = Path(__file__).resolve().parents[1] / "data" / "guard" / "sentences.yaml"
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Labelled:
    text: str
    ok: bool
    kind: str


@dataclass(frozen=True)
class Outcome:
    sentence: Labelled
    flags: tuple[GuardFlag, ...]

    @property
    def false_positive(self) -> bool:
        return self.sentence.ok and bool(self.flags)

    @property
    def false_negative(self) -> bool:
        return not self.sentence.ok and not self.flags


@dataclass(frozen=True)
class Rates:
    outcomes: tuple[Outcome, ...]

    @property
    def positives(self) -> int:  # sentences that must be flagged
        return sum(1 for o in self.outcomes if not o.sentence.ok)

    @property
    def negatives(self) -> int:
        return sum(1 for o in self.outcomes if o.sentence.ok)

    @property
    def false_positives(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.false_positive]

    @property
    def false_negatives(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.false_negative]

    @property
    def fp_rate(self) -> float:
        return len(self.false_positives) / max(1, self.negatives)

    @property
    def fn_rate(self) -> float:
        return len(self.false_negatives) / max(1, self.positives)

    def describe(self) -> str:
        lines = [
            f"guard labelled set: {len(self.outcomes)} sentences; false positives "
            f"{len(self.false_positives)}/{self.negatives} = {self.fp_rate:.1%}; false negatives "
            f"{len(self.false_negatives)}/{self.positives} = {self.fn_rate:.1%}"
        ]
        for o in self.false_positives:
            lines.append(f"  FP [{o.sentence.kind}] {o.sentence.text} ← {o.flags[0].message}")
        for o in self.false_negatives:
            lines.append(f"  FN [{o.sentence.kind}] {o.sentence.text}")
        return "\n".join(lines)


def load_set() -> tuple[FactLedger, list[Labelled]]:
    data = yaml.safe_load(SET_PATH.read_text(encoding="utf-8"))
    report, notes = load_demo_report(REPO / data["report"])
    prior, _ = load_demo_report(REPO / data["prior"])
    overview = {"_": notes.pop("overview", "")}
    overview.update(data.get("notes") or {})
    ledger = build_ledger(report, prior=prior, notes={**notes, "overview": overview})
    sentences = [Labelled(s["text"], bool(s["ok"]), s["kind"]) for s in data["sentences"]]
    return ledger, sentences


def evaluate() -> Rates:
    ledger, sentences = load_set()
    articles = known_articles(
        (shipped_dir("knowledge") / "official" / "tiaoli-2019.md").read_text(encoding="utf-8")
    )
    outcomes = []
    for s in sentences:
        flags = [
            f
            for f in guard_text(s.text, ledger, known_articles=articles)
            # an article that exists but was not retrieved is a warning to check, not an error
            if f.severity == "error"
        ]
        outcomes.append(Outcome(s, tuple(flags)))
    return Rates(tuple(outcomes))
