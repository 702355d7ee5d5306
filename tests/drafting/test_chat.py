"""The conversation about a section, over the scripted OpenAI-compatible server: each message is
routed, the earlier turns go to the model as real bounded messages, and the workspace keeps
answers as chat turns and instructions as versions."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.config import load_settings
from assistant.drafting.conversation import HISTORY_MESSAGES, Turn, history_messages, route
from assistant.service import Assistant, build_assistant
from assistant.usecases.drafting import chat_turn, open_drafter
from assistant.usecases.workspace import workspace_context
from tests.drafting.conftest import KNOWLEDGE, FakeRetriever
from tests.support.openai_stub import OpenAIStub, Reply
from ui.demo import seed_demo

SECTION = "problems"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("去年我们写了哪些问题？", "question"),
        ("条例第几条规定了年报时间？", "question"),
        ("年报什么时候公布", "question"),
        ("第二段更具体一些，加上培训人次", "instruction"),
        ("能否把第二段写得更具体？", "instruction"),
        ("删去第三条", "instruction"),
        ("再精简一些", "instruction"),
        ("本年度新收申请多少件", "question"),
    ],
)
def test_route(message: str, expected: str) -> None:
    assert route(message) == expected


def test_history_is_bounded_and_names_versions_instead_of_resending_them() -> None:
    turns = [Turn("user", "question", f"问题{i}") for i in range(3)]
    turns += [Turn("assistant", "answer", "回答" * 500)]
    turns += [Turn("user", "instruction", "改短"), Turn("assistant", "version", "全文……", 7)]
    turns += [Turn("user", "instruction", "再短"), Turn("assistant", "failure", "生成失败")]
    messages = history_messages(turns)
    assert len(messages) <= HISTORY_MESSAGES and messages[0].role == "user"
    roles = [m.role for m in messages]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False))  # alternating
    assert "第7版" in messages[-2].content and "全文" not in messages[-2].content
    assert max(len(m.content) for m in messages) <= 400


@pytest.fixture
def llm_assistant(openai_stub: OpenAIStub) -> Assistant:
    assistant = build_assistant(load_settings())
    assistant.configure_llm(base_url=openai_stub.base_url, model="stub-model", api_key=None)
    return assistant


class _Retriever(FakeRetriever):
    """Drafting's queries by their words; a clerk's question about a report's contents finds
    第五十条 (the real knowledge base's ranking is tested in tests/retrieval)."""

    def search(self, query: str, **kw: Any) -> list[Any]:  # type: ignore[override]
        if "内容" in query and " " not in query:
            return [h for h in self.hits if h.article == "第五十条"]
        return super().search(query, **kw)


def _drafter(assistant: Assistant, report_id: int) -> Any:
    ctx = workspace_context(
        assistant.store,
        assistant.store.load_report(report_id),
        with_prior=True,
        options=assistant.check_options,
    )
    drafter, _ = open_drafter(assistant, ctx, retrieve=False)
    drafter.retriever = _Retriever(list(KNOWLEDGE))
    return drafter


def _sent(stub: OpenAIStub) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in stub.requests[-1].json["messages"]]


def test_a_conversation_of_four_turns(llm_assistant: Assistant, openai_stub: OpenAIStub) -> None:
    ws = llm_assistant.store
    rid = seed_demo(llm_assistant)
    before = len(ws.drafts(rid, SECTION))  # the demo opens on an offline draft of 五
    drafter = _drafter(llm_assistant, rid)

    # 1. a question: answered with sources, stored as a chat turn, no version
    openai_stub.push(Reply.text("依据《条例》第五十条[1]，年度报告应当包括存在的主要问题。"))
    first = chat_turn(ws, rid, drafter, SECTION, "条例哪一条规定了年报的内容？", author="张三")
    assert first.kind == "answer" and first.version is None
    sent = _sent(openai_stub)
    assert [r for r, _ in sent] == ["system", "user"]
    assert "咨询助手" in sent[0][1] and "条例哪一条规定了年报的内容？" in sent[1][1]
    assert "第五十条" in sent[1][1]  # the passage was given as source [n]
    assert len(ws.drafts(rid, SECTION)) == before

    # 2. an instruction: a new version; the question and its answer go before it as messages
    openai_stub.push(
        Reply.text(
            "（一）存在的主要问题\n一是政策解读仍以文字为主。\n（二）改进情况\n一是组织培训。"
        )
    )
    second = chat_turn(ws, rid, drafter, SECTION, "改进情况写得更具体一些", author="张三")
    assert second.kind == "version" and second.version is not None
    assert second.version.number == before + 1
    assert second.version.sources == []  # it cites nothing: no [n] in its text
    sent = _sent(openai_stub)
    assert sent[1:3] == [
        ("user", "条例哪一条规定了年报的内容？"),
        ("assistant", "依据《条例》第五十条[1]，年度报告应当包括存在的主要问题。"),
    ]
    assert sent[3][0] == "user" and "改进情况写得更具体一些" in sent[3][1]
    assert len(sent) == 4

    # 3. a follow-up that depends on the first instruction: it revises that version, which
    # the history names by number and the request carries once
    openai_stub.push(Reply.text("（一）存在的主要问题\n一是政策解读仍以文字为主[1]。"))
    third = chat_turn(ws, rid, drafter, SECTION, "再精简一些", author="张三")
    assert third.version is not None and third.version.number == before + 2
    # its [1] is kept beside the text: which passage it cites (the exports never print it)
    assert third.version.sources == [{"n": 1, "label": third.sources[0].citation()}]
    assert ws.draft(rid, SECTION).sources == third.version.sources
    sent = _sent(openai_stub)
    assert sent[3:5] == [
        ("user", "改进情况写得更具体一些"),
        ("assistant", f"（已按上述意见写出第{before + 1}版。）"),
    ]
    assert "一是组织培训。" in sent[5][1]  # the current text is version before+1
    assert sum("一是组织培训" in c for _, c in sent) == 1  # sent once, not in the history too

    # 4. a question about last year's problems: answered from last year's report
    openai_stub.push(Reply.text("上年报告列了三个问题[1]。"))
    fourth = chat_turn(ws, rid, drafter, SECTION, "去年我们写了哪些问题？", author="张三")
    assert fourth.kind == "answer"
    prior_source = fourth.sources[0]
    assert prior_source.kind == "prior" and "政策解读形式较为单一" in prior_source.text
    sent = _sent(openai_stub)
    assert "政策解读形式较为单一" in sent[-1][1]
    assert [r for r, _ in sent[1:-1]] == ["user", "assistant"] * 3  # bounded, alternating

    # what the workspace keeps: every turn with its kind; answers with sources; two versions
    chat = ws.chat(rid, SECTION)[-8:]
    assert [(e.role, e.kind) for e in chat] == [
        ("user", "question"),
        ("assistant", "answer"),
        ("user", "instruction"),
        ("assistant", "version"),
        ("user", "instruction"),
        ("assistant", "version"),
        ("user", "question"),
        ("assistant", "answer"),
    ]
    assert chat[1].sources and chat[1].sources[0]["n"] == 1
    assert [e.draft_number for e in chat if e.kind == "version"] == [before + 1, before + 2]
    assert len(ws.drafts(rid, SECTION)) == before + 2

    # a later session continues the same conversation
    openai_stub.push(Reply.text("（一）存在的主要问题\n一是政策解读仍以文字为主。"))
    chat_turn(ws, rid, _drafter(llm_assistant, rid), SECTION, "语气再正式一些", author="李四")
    assert ("user", "去年我们写了哪些问题？") in _sent(openai_stub)


def test_offline_questions_are_answered_by_retrieval_and_instructions_refused(
    tmp_path: Any,
) -> None:
    assistant = build_assistant(load_settings())
    assistant.configure_llm(base_url=None, model=None, api_key=None)
    ws = assistant.store
    rid = seed_demo(assistant)
    before = ws.draft(rid, SECTION)
    drafter = _drafter(assistant, rid)

    answer = chat_turn(ws, rid, drafter, SECTION, "去年我们写了哪些问题？", author="张三")
    assert answer.kind == "answer" and "[1]" in answer.text
    assert "政策解读形式较为单一" in answer.text  # the passages themselves, cited

    refused = chat_turn(ws, rid, drafter, SECTION, "第二段更具体一些，加上培训人次", author="张三")
    assert refused.kind == "refusal" and "不能按文字意见改写" in refused.text
    assert ws.draft(rid, SECTION) == before  # nothing written, nothing pasted
    assert [e.kind for e in ws.chat(rid, SECTION)[-2:]] == ["instruction", "refusal"]


def test_answers_cite_the_format_notice_of_the_reports_own_format() -> None:
    """Both notices restate 第四十九条's deadline; a 2021-format report's answer cites the 2021
    notice only (four places are few), unless the question names a year."""
    from assistant.drafting.answers import gather_sources
    from assistant.report import Report
    from assistant.report.facts import FactLedger
    from assistant.retrieval.hits import Hit

    def notice(fmt: str) -> Hit:
        return Hit(
            f"format-{fmt}:2",
            f"format-{fmt}",
            "format",
            f"{fmt}年年度报告格式",
            "根据《中华人民共和国政府信息公开条例》第四十九条的规定，每年1月31日前向社会公布年报",
            section="二、报告方式及时间（一）",
            extra={"format": fmt},
        )

    article = Hit(
        "tiaoli-2019:第四十九条",
        "tiaoli-2019",
        "regulation",
        "中华人民共和国政府信息公开条例",
        "第四十九条 县级以上人民政府部门应当在每年1月31日前……向社会公布年报",
        article="第四十九条",
    )
    retriever = FakeRetriever([article, notice("2019"), notice("2021")])
    report = Report(year=2025)
    assert report.format == "2021"

    def cited(question: str) -> list[str]:
        sources, _ = gather_sources(
            question, report=report, ledger=FactLedger([]), prior=None, retriever=retriever
        )
        return [s.label for s in sources]

    assert cited("年报 公布") == [
        "《中华人民共和国政府信息公开条例》第四十九条",
        "《2021年年度报告格式》二、报告方式及时间（一）",
    ]
    assert len(cited("2019年 年报 公布")) == 3
