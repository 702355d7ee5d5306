"""A scripted model server with every fault of issue 16: output flood, slow drip, bad JSON,
broken stream, failure on the second section. What was received or finished is kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli
from assistant.config import LimitSettings, LLMSettings
from assistant.errors import LLMError
from assistant.llm.base import ChatMessage
from assistant.llm.factory import StreamCutError, build_chat_model
from tests.support.openai_stub import OpenAIStub, Reply

MESSAGES = [ChatMessage("user", "请起草总体情况。")]
BEGUN = "（一）主动公开。本年度主动公开政府信息"


def _chat(stub: OpenAIStub, **limits: float) -> object:
    settings = LLMSettings(base_url=stub.base_url, model="stub", timeout=5.0, max_retries=0)
    return build_chat_model(settings, limits=LimitSettings(**limits))


def _received(chat: object) -> tuple[list[str], StreamCutError]:
    got: list[str] = []
    with pytest.raises(StreamCutError) as info:
        for piece in chat.stream(MESSAGES):  # type: ignore[attr-defined]
            got.append(piece)
    return got, info.value


def test_an_output_flood_is_stopped_at_the_cap(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.flood("政务公开工作"))
    got, cut = _received(_chat(openai_stub, model_output_chars=20_000))
    assert len("".join(got)) == 20_000 == len(cut.partial)
    assert "超过上限 20000 字" in cut.message and "未完成" in cut.message


def test_a_slow_drip_is_stopped_at_the_deadline(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.text(BEGUN * 20, chunk_chars=2, chunk_delay=0.05))
    got, cut = _received(_chat(openai_stub, section_seconds=0.5))
    assert 0 < len(cut.partial) < len(BEGUN * 20) and cut.partial == "".join(got)
    assert "超过 0.5 秒仍未写完" in cut.message


@pytest.mark.parametrize("fault", [Reply.bad_json, Reply.broken])
def test_a_malformed_chunk_keeps_the_text_received(openai_stub: OpenAIStub, fault: object) -> None:
    openai_stub.push(fault(BEGUN, chunk_chars=4))  # type: ignore[operator]
    got, cut = _received(_chat(openai_stub))
    assert cut.partial == "".join(got) == BEGUN
    assert "中途中断" in cut.message


@pytest.mark.parametrize("fault", [Reply.bad_json, Reply.broken])
def test_a_malformed_answer_before_any_text_is_a_chinese_error(
    openai_stub: OpenAIStub, fault: object
) -> None:
    openai_stub.push(fault(""), fault(""))  # type: ignore[operator]
    chat = _chat(openai_stub)
    with pytest.raises(LLMError) as info:
        list(chat.stream(MESSAGES))  # type: ignore[attr-defined]
    assert not isinstance(info.value, StreamCutError) and info.value.offline_possible
    with pytest.raises(LLMError):
        chat.complete(MESSAGES)  # type: ignore[attr-defined]


def test_a_bad_json_body_is_a_chinese_error(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.bad_json())
    with pytest.raises(LLMError, match="不是 OpenAI 兼容接口的格式"):
        _chat(openai_stub).complete(MESSAGES)  # type: ignore[attr-defined]


# ---- the command line writes what it has ----------------------------------------------------


@pytest.fixture
def sample(data_dir: Path) -> Path:
    return data_dir / "samples" / "wendeng-gxj-2020.txt"


def _draft(
    sample: Path, stub: OpenAIStub, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> int:
    monkeypatch.setenv("XXGK_LLM__BASE_URL", stub.base_url)
    monkeypatch.setenv("XXGK_LLM__MAX_RETRIES", "0")
    args = ["draft", str(sample), "--no-retrieve", "--section", "一,五,六", "--out", str(out)]
    return cli([*args, *extra])


def test_a_failure_on_the_second_section_keeps_the_first(
    sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.push(Reply.text("本年度主动公开工作扎实推进。"), Reply.error(500))
    out = tmp_path / "f.md"
    assert _draft(sample, openai_stub, out, monkeypatch) == 1
    text = out.read_text(encoding="utf-8")
    assert "## 一、总体情况" in text and "本年度主动公开工作扎实推进。" in text
    assert "以下部分未起草：五、存在的主要问题及改进情况、六、其他需要报告的事项" in text
    err = capsys.readouterr().err
    assert "HTTP 500" in err and "Traceback" not in err


@pytest.mark.parametrize("fault", ["flood", "bad_json", "broken"])
def test_every_stream_fault_writes_the_text_received_marked_incomplete(
    sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    openai_stub: OpenAIStub,
    fault: str,
) -> None:
    monkeypatch.setenv("XXGK_LIMITS__MODEL_OUTPUT_CHARS", "5000")
    reply = Reply.flood(BEGUN) if fault == "flood" else getattr(Reply, fault)(BEGUN)
    openai_stub.push(Reply.text("本年度主动公开工作扎实推进。"), reply, Reply.text("无。"))
    out = tmp_path / "f.md"
    assert _draft(sample, openai_stub, out, monkeypatch, "--json") == 1
    doc = json.loads(capsys.readouterr().out)
    status = [d["status"] for d in doc["drafts"]]
    assert status == ["complete", "incomplete", "complete"]
    assert doc["drafts"][1]["raw"].startswith(BEGUN)
    assert len(doc["drafts"][1]["raw"]) <= 5000
    assert "**未完成**" in out.read_text(encoding="utf-8")


def test_draft_all_keeps_the_finished_sections(openai_stub: OpenAIStub, tmp_path: Path) -> None:
    from assistant.config import shipped_dir
    from assistant.drafting.drafter import Drafter, DraftingStopped
    from assistant.drafting.prompts import PromptLibrary
    from assistant.ingest import read_report

    report = read_report(shipped_dir("knowledge") / "examples" / "report-2025.yaml")
    chat = _chat(openai_stub)
    drafter = Drafter(report, prompts=PromptLibrary(shipped_dir("prompts")), chat=chat)  # type: ignore[arg-type]
    openai_stub.push(Reply.text("本年度主动公开工作扎实推进。"), Reply.error(500))
    begun: list[str] = []
    with pytest.raises(DraftingStopped) as info:
        drafter.draft_all(["overview", "problems", "other"], on_section=begun.append)
    assert [d.section for d in info.value.drafts] == ["overview"]
    assert info.value.remaining == ("problems", "other") and begun == ["overview", "problems"]
    assert "HTTP 500" in info.value.message
