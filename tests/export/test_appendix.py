"""The reviewer appendix: numbers traced to facts, findings with their decisions."""

from __future__ import annotations

from collections.abc import Sequence

import html5lib

from assistant.checks import run_checks
from assistant.checks.guard import matching_facts
from assistant.export import document
from assistant.export.appendix import build_appendix
from assistant.export.gate import (
    DRAFT,
    FINAL,
    FindingDecision,
    UntracedNumber,
    evaluate_gate,
    gate_input,
)
from assistant.report import Report
from assistant.report.facts import Fact, FactLedger
from assistant.report.numerals import NumberMention
from tests.export.conftest import with_second_error


def _no_facts(_: NumberMention, __: FactLedger) -> Sequence[Fact]:
    return []


def test_numbers_map_to_their_cells(shared_sample: Report) -> None:
    result = evaluate_gate(gate_input(shared_sample), DRAFT)
    appendix = build_appendix(result, matching_facts)
    by_text = {}
    for t in appendix.numbers:
        by_text.setdefault(t.text, t)
    assert by_text["81件"].fact is not None and by_text["81件"].fact.origin.startswith("apply.")
    assert by_text["31件"].fact.id in (  # type: ignore[union-attr]
        "apply.res.unavailable.not_held.total",
        "apply.res.unavailable.total",
    )
    assert by_text["31件"].alternatives > 0  # the reviewer is told of the other candidates
    assert by_text["13561条"].fact is None
    assert by_text["13561条"].source_text() == "未找到出处"
    assert all(t.section != "preamble" for t in appendix.numbers)  # address, phone: not facts
    assert "7号楼" not in "".join(t.sentence for t in appendix.numbers)


def test_untraced_number_shows_its_override_reason(shared_sample: Report) -> None:
    text = shared_sample.text("overview")
    start = text.index("13561条")
    flag = UntracedNumber(
        "overview", "13561条", "2023年全区共主动公开政府信息13561条", start, start + len("13561条")
    )
    errors = {f.fingerprint: "已核对" for f in run_checks(shared_sample).errors}
    result = evaluate_gate(
        gate_input(
            shared_sample,
            untraced=[flag],
            overrides={**errors, flag.fingerprint: "门户网站后台统计"},
        ),
        FINAL,
    )
    appendix = build_appendix(result, matching_facts)
    trace = next(t for t in appendix.numbers if t.text == "13561条")
    assert trace.source_text() == "未找到出处（放行理由：门户网站后台统计）"
    assert any("门户网站后台统计" in line for line in appendix.overrides)


def test_findings_list_every_failure_with_its_status(shared_sample: Report) -> None:
    shared_sample = with_second_error(shared_sample)
    checks = run_checks(shared_sample)
    first_error = checks.errors[0]
    warning = checks.warnings[0]
    decisions = {warning.fingerprint: FindingDecision("confirm", "下一版修改")}
    result = evaluate_gate(
        gate_input(
            shared_sample,
            checks=checks,
            decisions=decisions,
            overrides={first_error.fingerprint: "数据以台账为准"},
        ),
        DRAFT,
    )
    appendix = build_appendix(result, _no_facts)
    rows = {r.fingerprint: r for r in appendix.findings}
    assert len(rows) == len(checks.failures())
    assert rows[first_error.fingerprint].status == "放行：数据以台账为准"
    assert rows[warning.fingerprint].status == "确认需修改：下一版修改"
    other_error = checks.errors[1]
    assert rows[other_error.fingerprint].status.startswith("未处理")
    assert all(t.fact is None for t in appendix.numbers)  # the tracer decides, not the appendix


def test_appendix_in_every_document_format(shared_sample: Report) -> None:
    result = evaluate_gate(gate_input(shared_sample), DRAFT)
    appendix = build_appendix(result, matching_facts)
    for text in (
        document.html_page(shared_sample, appendix=appendix),
        document.markdown(shared_sample, appendix=appendix),
        document.plain_text(shared_sample, appendix=appendix),
    ):
        assert "附件：审核附录" in text and "apply.new.total" in text and "NAR-01" in text
    html5lib.HTMLParser(strict=True).parse(document.html_page(shared_sample, appendix=appendix))
    doc = document.json_document(shared_sample, result.input.checks, appendix=appendix)
    assert doc["appendix"]["numbers"][0]["数字"]
