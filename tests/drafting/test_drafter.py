"""Drafting end to end: offline composer goldens, the LLM over the stub server, revision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.config import LLMSettings
from assistant.drafting.drafter import OFFLINE, Drafter
from assistant.drafting.notes import normalize_notes
from assistant.drafting.prompts import PromptLibrary
from assistant.errors import KnowledgeError, LLMError, RefusedError
from assistant.llm.base import ChatMessage
from assistant.llm.factory import build_chat_model
from assistant.report import Agency, Cell, Report, Section, zero_report
from tests.drafting.conftest import KNOWLEDGE, FakeRetriever, assert_golden
from tests.support.openai_stub import OpenAIStub, Reply

SECTIONS = ("preamble", "overview", "problems", "other")

# SPEC Appendix A: the sample report's 一（一） figures, given by the staff as notes.
SAMPLE_NOTES = {
    "一": {
        "主动公开": "2020年，通过区政府门户网站主动公开政府信息187条，比上年增加62条，其中公告公示5条、"
        "组织机构5条、政策文件及解读11条（增加4条）、工作动态137条（增加49条）、"
        "财政预决算7条、其他22条（增加12条）。",
        "监督保障": "全年开展政务公开业务培训2次，参训60人次。",
    },
}


def sample_2020() -> Report:
    """The sample report's data: fmt2019, every table cell 0 (SPEC Appendix A)."""
    r = zero_report(2020, "威海市文登区工业和信息化局")
    return r.model_copy(
        update={
            "agency": Agency(name="威海市文登区工业和信息化局", kind="department", level="county")
        }
    )


def example_2025() -> tuple[Report, Report]:
    cells = {
        "apply.new.natural_person": 10,
        "apply.new.legal.commercial": 2,
        "apply.new.total": 12,
        "apply.carry_in.natural_person": 1,
        "apply.carry_in.total": 1,
        "apply.res.granted.natural_person": 6,
        "apply.res.granted.total": 6,
        "apply.res.partial.legal.commercial": 2,
        "apply.res.partial.total": 2,
        "apply.res.unavailable.not_held.natural_person": 3,
        "apply.res.unavailable.not_held.total": 3,
        "apply.res.other.other.natural_person": 1,
        "apply.res.other.other.total": 1,
        "apply.res.total.natural_person": 10,
        "apply.res.total.legal.commercial": 2,
        "apply.res.total.total": 12,
        "apply.carry_out.natural_person": 1,
        "apply.carry_out.total": 1,
        "active.normative_docs.made": 3,
        "active.normative_docs.repealed": 1,
        "active.normative_docs.valid": 25,
        "active.licensing.decisions": 412,
        "active.penalty.decisions": 17,
        "review.admin_review.corrected": 1,
        "review.admin_review.total": 1,
        "fees.notices_count": 0,
        "fees.notices_amount_yuan": 0,
        "fees.collected_yuan": 0,
    }
    r = zero_report(2025).with_cells({k: Cell.of(v) for k, v in cells.items()})
    agency = Agency(
        name="某某市某某区市场监督管理局",
        kind="department",
        level="county",
        address="某某区人民路8号",
        postcode="264400",
        phone="0631-8451234",
        website="某某区人民政府门户网站",
    )
    prior = zero_report(2024).with_cells(
        {"apply.new.total": Cell.of(8), "apply.carry_out.total": Cell.of(1)}
    )
    prior = prior.model_copy(
        update={
            "agency": agency,
            "sections": {
                "problems": Section(
                    id="problems",
                    text="一是政策解读形式较为单一；二是部分栏目信息更新不够及时。下一步将建立栏目更新台账。",
                )
            },
        }
    )
    return r.model_copy(update={"agency": agency}), prior


NOTES_2025 = {
    "overview": {
        "主动公开": "全年主动公开政府信息356条，其中政策解读21篇。",
        "政府信息公开平台建设": "完成区政府网站信息公开专栏栏目梳理，新增“企业开办”专题。",
        "监督保障": "全年开展培训两次，参训60人次。",
    },
    "other": "本年度办理人大代表建议3件、政协提案5件，办理结果均已公开。",
}


def _drafter(report: Report, prompts: PromptLibrary, **kw: object) -> Drafter:
    return Drafter(report, prompts=prompts, **kw)  # type: ignore[arg-type]


def _render(drafts: list) -> str:  # type: ignore[type-arg]
    return "\n\n".join(f"## {d.heading or '引言'}\n{d.text}" for d in drafts)


def test_offline_sample_report_golden(prompts: PromptLibrary, retriever: FakeRetriever) -> None:
    d = _drafter(sample_2020(), prompts, notes=normalize_notes(SAMPLE_NOTES), retriever=retriever)
    drafts = d.draft_all(SECTIONS)
    assert all(x.engine == OFFLINE and x.status == "complete" for x in drafts)
    assert [f for x in drafts for f in x.flags] == []
    overview = drafts[1].text
    assert "187条" in overview and "比上年增加62条" in overview and "60人次" in overview
    assert "国办公开办函〔2019〕60号" in drafts[0].text
    assert d.ledger.get("note.overview.主动公开.1").value == Decimal(187)  # type: ignore[union-attr]
    assert_golden("offline_sample_2020.md", _render(drafts))


def test_offline_2025_with_notes_golden(prompts: PromptLibrary, retriever: FakeRetriever) -> None:
    report, prior = example_2025()
    d = _drafter(
        report, prompts, prior=prior, notes=normalize_notes(NOTES_2025), retriever=retriever
    )
    drafts = d.draft_all(SECTIONS)
    assert [f for x in drafts for f in x.flags] == []
    text = _render(drafts)
    for expected in (
        "新收政府信息公开申请12件",
        "比上年增加4件",
        "行政许可决定412件",
        "收费通知0件",
        "实际收取信息处理费0元",
        "0631-8451234",
        "政策解读形式较为单一",
        "行政复议中结果被纠正1件",
        "参训60人次",
        "国办公开办函〔2021〕30号",
    ):
        assert expected in text
    assert "[[fact:" not in text
    assert not [f for x in drafts for f in x.findings if f.severity == "error"]
    assert_golden("offline_2025.md", text)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "apply.new.total",
                "apply.carry_in.total",
                "apply.res.total.total",
                "apply.carry_out.total",
                "apply.res.other.other.total",
                "apply.new.legal.commercial",
                "review.admin_review.corrected",
                "review.litigation_direct.corrected",
                "review.litigation_direct.total",
                "active.normative_docs.made",
                "active.penalty.decisions",
                "fees.notices_count",
                "fees.notices_amount_yuan",
                "fees.collected_yuan",
                "review.admin_review.pending",
                "active.rules.made",
            ]
        ),
        st.integers(0, 5000),
        max_size=10,
    ),
    st.sampled_from(["department", "government"]),
    st.booleans(),
)
def test_offline_drafts_never_have_guard_flags(
    cells: dict[str, int], kind: str, blank: bool
) -> None:
    from assistant.config import shipped_dir

    r = zero_report(2025, "某某县人民政府").with_cells({k: Cell.of(v) for k, v in cells.items()})
    if blank:
        r = r.with_cells({"apply.res.granted.total": Cell(kind="blank", raw="")})
    r = r.model_copy(update={"agency": Agency(name="某某县人民政府", kind=kind)})  # type: ignore[arg-type]
    d = Drafter(
        r, prompts=PromptLibrary(shipped_dir("prompts")), retriever=FakeRetriever(list(KNOWLEDGE))
    )
    for draft in d.draft_all([*SECTIONS, "active", "apply", "review"]):
        assert draft.flags == [], draft.text


# -- the LLM over the stub server ----------------------------------------------------------------
GOOD = (
    "（一）主动公开\n本年度新收政府信息公开申请[[fact:apply.new.total]]，比上年增加"
    "[[fact:change.apply.new.total]]，依照《条例》第三十三条规定的期限答复[2]。"
)


def _llm_drafter(stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever) -> Drafter:
    report, prior = example_2025()
    chat = build_chat_model(
        LLMSettings(base_url=stub.base_url, model="qwen-stub", timeout=2, max_retries=0)
    )
    return _drafter(
        report,
        prompts,
        prior=prior,
        notes=normalize_notes(NOTES_2025),
        retriever=retriever,
        chat=chat,
    )


def test_llm_good_draft_streams_and_passes_the_guard(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    openai_stub.push(Reply.text(GOOD, chunk_chars=6))
    d = _llm_drafter(openai_stub, prompts, retriever)
    tokens: list[str] = []
    draft = d.draft("overview", on_token=tokens.append)
    assert len(tokens) > 3 and "".join(tokens) == GOOD
    assert draft.engine == "qwen-stub" and draft.status == "complete"
    assert "新收政府信息公开申请12件，比上年增加4件" in draft.text
    assert [p.article for p in draft.passages][:2] == [None, "第三十三条"]
    assert draft.flags == []
    prompt = openai_stub.requests[0].json["messages"][1]["content"]
    assert "[[fact:apply.new.total]]" in prompt and "<<<资料[2] 开始>>>" in prompt
    assert "全年开展培训两次，参训60人次" in prompt


def test_llm_invented_number_and_uncited_passage_are_flagged(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    openai_stub.push(
        Reply.text(
            "本年度主动公开政府信息[[fact:note.overview.主动公开.1]]，"
            "办理群众来电1200余次，答复满意率98.5%[9]。依据《条例》第六十条办理。"
        )
    )
    draft = _llm_drafter(openai_stub, prompts, retriever).draft("overview")
    assert "356条" in draft.text
    kinds = [(f.kind, f.text) for f in draft.flags]
    assert ("number", "1200余次") in kinds and ("number", "98.5%") in kinds
    assert ("citation", "[9]") in kinds and ("article", "《条例》第六十条") in kinds
    assert draft.text[draft.flags[0].start : draft.flags[0].end] == draft.flags[0].text


def test_llm_server_error_is_a_chinese_llm_error(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    openai_stub.push(Reply.error(500))
    with pytest.raises(LLMError, match="HTTP 500"):
        _llm_drafter(openai_stub, prompts, retriever).draft("problems")


def test_llm_cut_stream_keeps_an_incomplete_draft(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    openai_stub.push(Reply.cut("（一）存在的主要问题\n一是答复文书不够规范", chunk_chars=5))
    draft = _llm_drafter(openai_stub, prompts, retriever).draft("problems")
    assert draft.status == "incomplete" and not draft.clean
    assert draft.text == "（一）存在的主要问题\n一是答复文书不够规范"
    assert draft.error is not None and "中途中断" in draft.error


def test_revise_locks_facts_and_adopts_staff_numbers(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    d = _llm_drafter(openai_stub, prompts, retriever)
    openai_stub.push(Reply.text("（五）监督保障\n全年开展培训两次，参训85人次，组织考核3次。"))
    first = d.draft("overview", offline=True)
    draft = d.revise(
        "overview",
        "第五段更具体一些，参训人次改为85人次",
        [ChatMessage("user", "先写简短些"), ChatMessage("assistant", "好的")],
        current=first,
    )
    assert [(f.kind, f.text) for f in draft.flags] == [("number", "3次")]
    messages = openai_stub.requests[-1].json["messages"]
    # the conversation so far as real messages, then the request with the current text
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert [m["content"] for m in messages[1:3]] == ["先写简短些", "好的"]
    user = messages[3]["content"]
    assert "参训人次改为85人次" in user and "先写简短些" not in user
    assert "[[fact:note.overview.修改意见" in user and "[[fact:apply.new.total]]" in user


def test_offline_revise_refuses_instead_of_pasting_the_instruction(
    prompts: PromptLibrary,
) -> None:
    report, _ = example_2025()
    d = _drafter(report, prompts)
    with pytest.raises(RefusedError, match="不能按文字意见改写"):
        d.revise("other", "补充：本年度组织政府开放日活动2场。")
    assert "开放日" not in " ".join(n for subs in d.notes.values() for n in subs.values())
    # what the composer can do, it does: draw the section again from data and notes
    again = d.revise("other", "重新起草")
    assert again.engine == OFFLINE and again.text == d.draft("other").text


def test_retriever_queries_and_failure(prompts: PromptLibrary) -> None:
    report, _ = example_2025()
    fake = FakeRetriever(list(KNOWLEDGE))
    _drafter(report, prompts, retriever=fake).draft("overview")
    assert {"kind": "report", "agency": "某某市某某区市场监督管理局", "year": 2024}.items() <= next(
        q for q in fake.queries if q["kind"] == "report"
    ).items()

    class Broken(FakeRetriever):
        def search(self, query: str, **kw: object) -> list:  # type: ignore[override,type-arg]
            raise KnowledgeError("索引未建立")

    draft = _drafter(report, prompts, retriever=Broken([])).draft("other")
    assert draft.passages == [] and "索引未建立" in draft.warnings[0] and draft.flags == []


def test_table_notes(prompts: PromptLibrary) -> None:
    report, _ = example_2025()
    report = report.with_cells(
        {"apply.res.other.other.total": Cell.of(5), "review.litigation_direct.pending": Cell.of(1)}
    )
    d = _drafter(report, prompts)
    active, apply, review = d.draft_all(["active", "apply", "review"])
    assert active.text == "本机关不具有规章制定权，规章相关数据均为0。"
    assert apply.text.startswith("“其他处理”5件，【待补充：")
    assert "行政复议结果纠正1件" in review.text and "尚未审结1件" in review.text
    assert [f for x in (active, apply, review) for f in x.flags] == []


def test_stub_streams_slowly_when_asked(openai_stub: OpenAIStub) -> None:
    import time

    openai_stub.push(Reply.text("甲乙丙丁", chunk_chars=1, chunk_delay=0.05))
    chat = build_chat_model(LLMSettings(base_url=openai_stub.base_url, max_retries=0))
    t = time.perf_counter()
    assert "".join(chat.stream([ChatMessage("user", "x")])) == "甲乙丙丁"
    assert time.perf_counter() - t >= 0.2


def test_llm_repeated_heading_is_dropped(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    openai_stub.push(
        Reply.text(
            "六、其他需要报告的事项\n本年度未收取信息处理费，发出收费通知"
            "[[fact:fees.notices_count]]件。"
        )
    )
    draft = _llm_drafter(openai_stub, prompts, retriever).draft("other")
    assert draft.text == "本年度未收取信息处理费，发出收费通知0件。" and draft.flags == []


def test_a_prompt_longer_than_the_models_context_is_warned_about(
    openai_stub: OpenAIStub, prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    d = _llm_drafter(openai_stub, prompts, retriever)
    openai_stub.push(Reply.text("本年度新收申请[[fact:apply.new.total]]。"))
    assert not any("上下文" in w for w in d.draft("other").warnings)  # the default is ample
    d.context_tokens = 300
    openai_stub.push(Reply.text("本年度新收申请[[fact:apply.new.total]]。"))
    (warning,) = [w for w in d.draft("overview").warnings if "上下文" in w]
    assert "XXGK_LLM__CONTEXT_TOKENS" in warning and "300" in warning


# -- drafting logic with the in-process scripted model (no HTTP) --------------------------------


def test_a_scripted_model_drafts_with_facts_substituted_and_the_guard_applied(
    prompts: PromptLibrary, retriever: FakeRetriever
) -> None:
    from tests.support.scripted_chat import ScriptedChatModel

    report, prior = example_2025()
    model = ScriptedChatModel(
        ["本年度新收政府信息公开申请[[fact:apply.new.total]]，另有来电1200余次。"]
    )
    d = _drafter(report, prompts, prior=prior, retriever=retriever, chat=model)
    tokens: list[str] = []
    draft = d.draft("overview", on_token=tokens.append)
    assert draft.engine == "scripted-model" and len(tokens) > 1
    assert "新收政府信息公开申请12件" in draft.text  # the fact, not the reference
    assert [(f.kind, f.text) for f in draft.flags] == [("number", "1200余次")]
    assert len(model.calls) == 1 and "[[fact:apply.new.total]]" in model.prompt()


def test_a_revision_asks_the_model_with_the_current_text_and_the_instruction(
    prompts: PromptLibrary,
) -> None:
    from tests.support.scripted_chat import ScriptedChatModel

    report, prior = example_2025()
    model = ScriptedChatModel(["全年开展培训[[fact:note.overview.修改意见.1]]。"])
    d = _drafter(report, prompts, prior=prior, chat=model)
    draft = d.revise("overview", "加上培训2次", current="全年开展培训。")
    assert "全年开展培训2次" in draft.text and draft.flags == []
    asked = model.prompt()
    assert "全年开展培训。" in asked and "加上培训2次" in asked
