"""Golden prompts rendered from real data: the demo agency's 2025 report with its 2024 report as
the prior year and its staff notes, so a requirement said twice, a fact missing or last year's
problems left out show in review (tests/drafting/golden/demo_*.txt)."""

from __future__ import annotations

import pytest

from assistant.config import shipped_dir
from assistant.drafting.drafter import Drafter
from assistant.drafting.notes import normalize_notes
from assistant.drafting.prompts import PromptLibrary
from tests.drafting.conftest import KNOWLEDGE, FakeRetriever, assert_golden
from ui.demo import load_demo_report

DEMO = shipped_dir("knowledge") / "demo"


@pytest.fixture(scope="module")
def drafter() -> Drafter:
    report, notes = load_demo_report(DEMO / "wendeng-gxj-2025.yaml")
    prior, _ = load_demo_report(DEMO / "wendeng-gxj-2024.yaml")
    return Drafter(
        report,
        prompts=PromptLibrary(shipped_dir("prompts")),
        prior=prior,
        notes=normalize_notes(notes),
        retriever=FakeRetriever(list(KNOWLEDGE)),
    )


def _render(messages: list) -> str:  # type: ignore[type-arg]
    return "\n".join(f"## {m.role}\n{m.content}" for m in messages)


@pytest.mark.parametrize("section", ["preamble", "overview", "problems", "other", "apply"])
def test_section_prompt_from_the_demo(drafter: Drafter, section: str) -> None:
    plan = drafter.plan(section)  # type: ignore[arg-type]
    passages, _ = drafter.retrieve(plan)
    messages = drafter.prompts.messages(plan.prompt, **drafter._variables(plan, passages))
    assert_golden(f"demo_{section}.txt", _render(messages))


def test_problems_prompt_carries_last_years_problems(drafter: Drafter) -> None:
    plan = drafter.plan("problems")
    user = drafter.prompts.messages(plan.prompt, **drafter._variables(plan, []))[-1].content
    for problem in ("政策解读形式较为单一", "依申请公开答复文书格式不够规范", "业务培训次数偏少"):
        assert problem in user
    assert "【待补充：整改措施及成效】" in user
    # the 六 rules no longer say both “没有的写0” and “清单中没有的数字一概不写”
    other = drafter.prompts.messages("draft_other", **drafter._variables(drafter.plan("other"), []))
    assert "没有的写0" not in "".join(m.content for m in other)


def test_revise_and_answer_prompts_from_the_demo(drafter: Drafter) -> None:
    from assistant.drafting.answers import format_sources, gather_sources

    plan = drafter.plan("problems")
    current = drafter.draft("problems", offline=True).raw
    revise = drafter.prompts.messages(
        "revise",
        agency=drafter.report.agency.name,
        year=drafter.report.year,
        section_heading=plan.heading,
        current_text=current,
        instruction="改进情况写得更具体一些",
        facts="（见事实清单）",
        passages="（无）",
        rules="\n".join(f"- {r}" for r in plan.rules),
    )
    assert_golden("demo_revise.txt", _render(revise))
    question = "去年我们写了哪些问题？"
    sources, _ = gather_sources(
        question,
        report=drafter.report,
        ledger=drafter.ledger,
        prior=drafter.prior,
        retriever=drafter.retriever,
    )
    answer = drafter.prompts.messages(
        "answer",
        agency=drafter.report.agency.name,
        year=drafter.report.year,
        question=question,
        sources=format_sources(sources),
    )
    assert_golden("demo_answer.txt", _render(answer))
