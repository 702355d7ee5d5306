"""The guard on the labelled sentence set (tests/data/guard/sentences.yaml): right, wrong,
derived and non-claim sentences over the demo report's facts; both error rates ≤ 2%."""

from __future__ import annotations

from collections import Counter

from tests.support.guard_set import evaluate, load_set

MAX_RATE = 0.02


def test_the_set_is_large_and_covers_every_kind() -> None:
    _, sentences = load_set()
    kinds = Counter(s.kind for s in sentences)
    assert len(sentences) >= 150
    assert set(kinds) == {"right", "wrong", "derived", "nonclaim"}
    # each kind has sentences on both sides where it makes sense
    assert {s.ok for s in sentences if s.kind == "derived"} == {True, False}
    assert {s.ok for s in sentences if s.kind == "nonclaim"} == {True, False}


def test_false_positive_and_false_negative_rates() -> None:
    rates = evaluate()
    assert rates.fp_rate <= MAX_RATE, rates.describe()
    assert rates.fn_rate <= MAX_RATE, rates.describe()
