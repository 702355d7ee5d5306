"""What the data says section 五 should look at, and last year's problems it must report on.

Signals are written for the model with `[[fact:ID]]` references, so a figure it repeats is
still substituted from the ledger: corrected review and litigation cases, high 无法提供 or
其他处理 shares, large year-on-year changes, cells left blank. Table-filling errors are not
problems of the agency's disclosure work: they are the drafter's warnings, to be fixed in data."""

from __future__ import annotations

from decimal import Decimal

from assistant.checks import run_checks
from assistant.report.facts import FactLedger
from assistant.report.model import Report
from assistant.report.problems import split_problems

_REVIEW_GROUPS = (
    ("admin_review", "行政复议"),
    ("litigation_direct", "未经复议直接提起的行政诉讼"),
    ("litigation_after_review", "复议后提起的行政诉讼"),
)
_SHARE_LIMITS = (  # result group, name, share above which it is a signal (SPEC T3-07 [H])
    ("unavailable", "无法提供", Decimal(30)),
    ("other", "其他处理", Decimal(20)),
)
_MIN_RESULTS = 5  # below this many results a share says little
_LARGE_CHANGE = Decimal(50)  # % change of a key total worth a sentence
_MIN_PRIOR = 5
_TABLE_RULES = {
    "T3-01": "表三新收、结转与办结数据的勾稽关系不一致",
    "T3-02": "表三各项办理结果之和与总计不一致",
    "T3-03": "表三各类申请人之和与总计不一致",
    "T4-01": "表四行政复议各项结果之和与总计不一致",
    "T4-02": "表四行政诉讼各项结果之和与总计不一致",
    "T4-03": "表四复议后起诉各项结果之和与总计不一致",
}
_BLANKS = "FMT-08"


def problem_signals(report: Report, ledger: FactLedger) -> list[str]:
    """One line per signal, for the prompt of 五 (numbers as fact references)."""
    out: list[str] = []
    for group, name in _REVIEW_GROUPS:
        fid = f"review.{group}.corrected"
        if ledger.value(fid):
            out.append(f"{name}中结果被纠正[[fact:{fid}]]：须分析原因并写出整改措施。")
    results = ledger.value("apply.res.total.total") or 0
    for group, name, limit in _SHARE_LIMITS:
        share = ledger.get(f"ratio.apply.res.{group}.total")
        if share is not None and share.value > limit and results >= _MIN_RESULTS:
            out.append(
                f"“{name}”[[fact:apply.res.{group}.total]]，占办结总数的"
                f"[[fact:{share.id}]]，比例较高：须说明原因。"
            )
    for f in ledger.by_source("ratio"):
        if not f.id.startswith("growth.") or f.value < _LARGE_CHANGE:
            continue
        base = f.id[len("growth.") :]
        prior = ledger.value(f"prior.{base}")
        if prior is not None and prior >= _MIN_PRIOR:
            out.append(f"{f.label}为[[fact:{f.id}]]，变化较大：可分析原因。")
    if report.cells and run_checks(report, only=(_BLANKS,)).failures():
        out.append("表格中有数据未填写（空白、“—”或“/”）：定稿前须补齐，正文不得猜测。")
    return out


def table_warnings(report: Report) -> list[str]:
    """Table errors to fix in the data before the text is final (not problems for 五)."""
    if not report.cells:
        return []
    failed = dict.fromkeys(f.rule for f in run_checks(report, only=tuple(_TABLE_RULES)).failures())
    return [f"{_TABLE_RULES[r]}：请先改正表格数据，再定稿正文。" for r in failed]


def prior_problems(prior: Report | None) -> list[str]:
    """Last year's listed problems, as the one splitter reads them."""
    if prior is None:
        return []
    return split_problems(prior.text("problems"))


def format_prior_problems(prior: Report | None) -> str:
    problems = prior_problems(prior)
    if prior is None:
        return "（未提供上年度报告：整改情况写“【待补充：上年度所列问题及其整改措施和成效】”）"
    if not problems:
        return "（上年度报告第五部分没有列出具体问题）"
    return "\n".join(f"{i}. {p}" for i, p in enumerate(problems, start=1))
