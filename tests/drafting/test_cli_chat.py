"""`xxgk chat` and `xxgk ask` in-process: routed turns, kept in the workspace, --json parity."""

from __future__ import annotations

import io
import json

import pytest

from assistant.cli import cli
from assistant.config import load_settings
from assistant.service import build_assistant
from tests.support.openai_stub import OpenAIStub, Reply
from ui.demo import DEMO_AGENCY, seed_demo


@pytest.fixture
def demo_id() -> int:
    return seed_demo(build_assistant(load_settings()))


def test_ask_answers_from_last_years_report_with_sources(
    demo_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(
        ["ask", "去年我们写了哪些问题？", "-a", DEMO_AGENCY, "-y", "2025"]
        + ["--offline", "--no-retrieve", "--json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["stored"] is True and doc["engine"] == "离线起草"
    assert doc["sources"][0]["kind"] == "prior"
    assert "政策解读形式较为单一" in doc["sources"][0]["text"] and "[1]" in doc["answer"]
    chat = build_assistant(load_settings()).store.chat(demo_id, "problems")
    assert [e.kind for e in chat[-2:]] == ["question", "answer"]


def test_ask_over_the_model_streams_and_lists_sources(
    demo_id: int,
    openai_stub: OpenAIStub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XXGK_LLM__BASE_URL", openai_stub.base_url)
    openai_stub.push(Reply.text("上年报告列了三个问题[1]。"))
    code = cli(["ask", "去年我们写了哪些问题？", "-a", DEMO_AGENCY, "-y", "2025", "--no-retrieve"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("上年报告列了三个问题[1]。")
    assert "参考资料：\n  [1] 威海市文登区工业和信息化局2024年度报告" in out


def test_chat_routes_each_line_and_keeps_the_transcript(
    demo_id: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "去年我们写了哪些问题？\n第二段更具体一些，加上培训人次\n起草本节\n退出\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code = cli(
        ["chat", "-a", DEMO_AGENCY, "-y", "2025", "--section", "五", "--offline", "--no-retrieve"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "政策解读形式较为单一" in captured.out  # the answer, from last year's report
    assert "不能按文字意见改写" in captured.out  # the instruction, refused offline
    assert "写出第" in captured.err  # 起草本节: a new version
    kinds = [e.kind for e in build_assistant(load_settings()).store.chat(demo_id, "problems")]
    assert kinds[-6:] == ["question", "answer", "instruction", "refusal", "instruction", "version"]


def test_revise_continues_the_workspace_conversation(
    demo_id: int, openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second `xxgk revise` of a report the workspace holds builds on the first: it sees the
    earlier request as a message and revises the version the first wrote."""
    from assistant.config import shipped_dir

    data = str(shipped_dir("knowledge") / "demo" / "wendeng-gxj-2025.yaml")
    monkeypatch.setenv("XXGK_LLM__BASE_URL", openai_stub.base_url)
    openai_stub.push(Reply.text("一是政策解读形式单一。二是业务培训偏少。"))
    assert cli(["revise", data, "--section", "五", "--no-retrieve", "-i", "改进情况写具体"]) == 0
    openai_stub.push(Reply.text("一是政策解读形式单一。"))
    assert cli(["revise", data, "--section", "五", "--no-retrieve", "-i", "再精简一些"]) == 0
    messages = openai_stub.requests[-1].json["messages"]
    assert messages[1] == {"role": "user", "content": "改进情况写具体"}
    assert "已按上述意见写出第" in messages[2]["content"]
    assert "二是业务培训偏少。" in messages[-1]["content"]  # the first revision is the current
    store = build_assistant(load_settings()).store
    assert [e.kind for e in store.chat(demo_id, "problems")[-4:]] == [
        "instruction",
        "version",
        "instruction",
        "version",
    ]
