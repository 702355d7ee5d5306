"""The publish gate: drafts pass with findings; finals need every blocker fixed or overridden."""

from __future__ import annotations

import pytest

from assistant.checks import run_checks
from assistant.errors import ExportError, PublishGateError
from assistant.export.gate import (
    DRAFT,
    FINAL,
    FindingDecision,
    UntracedNumber,
    enforce_gate,
    evaluate_gate,
    finding_status,
    gate_input,
)
from assistant.report import Report
from tests.export.conftest import with_second_error


def _error_fingerprints(report: Report) -> list[str]:
    return [f.fingerprint for f in run_checks(report).errors]


def test_sample_has_error_findings_that_block_a_final(sample: Report) -> None:
    errors = _error_fingerprints(sample)
    assert errors, "the sample's narrative contradicts its tables (NAR-01)"
    with pytest.raises(PublishGateError) as exc:
        enforce_gate(gate_input(sample), FINAL)
    message = exc.value.message
    assert "不能导出正式稿" in message and "--override" in message
    assert all(fp in message for fp in errors)


def test_draft_passes_with_findings_and_keeps_them(sample: Report) -> None:
    result = enforce_gate(gate_input(sample), DRAFT)
    assert result.passed and result.remaining and not result.overridden


def test_each_blocker_needs_its_own_reason(sample: Report) -> None:
    sample = with_second_error(sample)
    errors = _error_fingerprints(sample)
    assert len(errors) >= 2
    some = {fp: "已与业务科室核对" for fp in errors[:-1]}
    with pytest.raises(PublishGateError) as exc:
        enforce_gate(gate_input(sample, overrides=some), FINAL)
    assert errors[-1] in exc.value.message and errors[0] not in exc.value.message
    everything = {fp: f"理由{i}" for i, fp in enumerate(errors)}
    result = enforce_gate(gate_input(sample, overrides=everything), FINAL)
    assert result.passed and not result.remaining
    records = result.override_records()
    assert len(records) == len(errors)
    assert all(r.startswith(fp) for r, fp in zip(records, errors, strict=True))
    assert "理由0" in records[0]


def test_blank_reason_and_unknown_fingerprint_are_refused(sample: Report) -> None:
    fp = _error_fingerprints(sample)[0]
    with pytest.raises(ExportError, match="必须写明理由"):
        evaluate_gate(gate_input(sample, overrides={fp: "  "}), FINAL)
    with pytest.raises(ExportError, match="不对应"):
        evaluate_gate(gate_input(sample, overrides={"0000000000000000": "x"}), FINAL)


def test_untraced_numbers_block_until_overridden(sample: Report) -> None:
    clean = {fp: "已核对" for fp in _error_fingerprints(sample)}
    flag = UntracedNumber("overview", "13561条", "2023年全区共主动公开政府信息13561条")
    with pytest.raises(PublishGateError, match="13561条"):
        enforce_gate(gate_input(sample, overrides=clean, untraced=[flag]), FINAL)
    ok = enforce_gate(
        gate_input(sample, overrides={**clean, flag.fingerprint: "门户网站统计"}, untraced=[flag]),
        FINAL,
    )
    assert ok.passed and ok.reason_for(flag.fingerprint) == "门户网站统计"


def test_a_recorded_dismissal_counts_as_an_override(sample: Report) -> None:
    decisions = {
        fp: FindingDecision("dismiss", "审核人已确认", "张三") for fp in _error_fingerprints(sample)
    }
    result = enforce_gate(gate_input(sample, decisions=decisions), FINAL)
    assert result.passed
    finding = run_checks(sample).errors[0]
    assert finding_status(finding, result).startswith("忽略：审核人已确认")


def test_fingerprint_of_an_untraced_number_is_stable() -> None:
    a = UntracedNumber("overview", "81件", "共计81件")
    assert a.fingerprint == UntracedNumber("overview", "81件", "共计81件", 3, 6).fingerprint
    assert a.fingerprint != UntracedNumber("overview", "81件", "共计81件。").fingerprint


def test_placeholders_left_by_the_composer_block_a_final(sample: Report) -> None:
    from assistant.report import Section

    text = "本年度共收到申请【待补充：申请数量】件。"
    report = sample.model_copy(
        update={"sections": {**sample.sections, "other": Section(id="other", text=text)}}
    )
    clean = {fp: "已核对" for fp in _error_fingerprints(report)}
    with pytest.raises(PublishGateError, match="待补充") as exc:
        enforce_gate(gate_input(report, overrides=clean), FINAL)
    assert "第六部分" in exc.value.message
    assert enforce_gate(gate_input(report, overrides=clean), DRAFT).passed


def test_a_final_needs_the_narrative_sections() -> None:
    from assistant.export.gate import evaluate_gate, gate_input
    from assistant.report import zero_report

    bare = zero_report(2025, "青岚县自然资源局")  # tables only, as read from the workbook
    result = evaluate_gate(gate_input(bare), "final")
    missing = [b for b in result.blockers if b.kind == "missing"]
    assert len(missing) == 3 and not result.passed
    assert "总体情况" in missing[0].message


def test_every_blocker_kind_is_named_in_chinese() -> None:
    import typing

    from assistant.export.gate import BLOCKER_LABELS, BlockerKind

    assert set(typing.get_args(BlockerKind)) == set(BLOCKER_LABELS)
    assert all(not label.isascii() for label in BLOCKER_LABELS.values())
