"""The chat factory over a real HTTP server: streaming, errors in Chinese, and who does the talking."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI

from assistant.config import LLMSettings
from assistant.errors import LLMError
from assistant.llm.base import ChatMessage, ChatModel
from assistant.llm.factory import StreamCutError, build_chat_model
from tests.support.openai_stub import OpenAIStub, Reply

MESSAGES = [ChatMessage("system", "你是起草助手。"), ChatMessage("user", "请起草总体情况。")]


def _settings(stub: OpenAIStub, **kw: object) -> LLMSettings:
    base = {"base_url": stub.base_url, "model": "qwen-test", "timeout": 2.0, "max_retries": 0}
    return LLMSettings(**{**base, **kw})  # type: ignore[arg-type]


def test_complete_sends_openai_request(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.text("本年度新收申请[[fact:apply.new.total]]。"))
    chat = build_chat_model(_settings(openai_stub, api_key="sk-test"))
    assert isinstance(chat, ChatModel) and chat.name == "qwen-test"
    assert chat.complete(MESSAGES) == "本年度新收申请[[fact:apply.new.total]]。"
    (req,) = openai_stub.requests
    assert req.path == "/v1/chat/completions"
    assert req.json["model"] == "qwen-test"
    assert req.json["messages"] == [
        {"role": "system", "content": "你是起草助手。"},
        {"role": "user", "content": "请起草总体情况。"},
    ]
    assert req.headers["authorization"] == "Bearer sk-test"


def test_stream_yields_tokens_in_order(openai_stub: OpenAIStub) -> None:
    text = "（一）主动公开。本年度主动公开政府信息，做到应公开尽公开。" * 3
    openai_stub.push(Reply.text(text, chunk_chars=5))
    tokens = list(build_chat_model(_settings(openai_stub)).stream(MESSAGES))
    assert len(tokens) > 5 and "".join(tokens) == text
    assert openai_stub.requests[0].json["stream"] is True


def test_langchain_and_openai_client_do_the_talking(
    openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original_invoke = ChatOpenAI.invoke
    original_create = openai.resources.chat.completions.Completions.create

    def spy_invoke(self: ChatOpenAI, *a: object, **k: object) -> object:
        calls.append("langchain")
        return original_invoke(self, *a, **k)  # type: ignore[arg-type]

    def spy_create(self: object, *a: object, **k: object) -> object:
        calls.append("openai")
        return original_create(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(ChatOpenAI, "invoke", spy_invoke)
    monkeypatch.setattr(openai.resources.chat.completions.Completions, "create", spy_create)
    openai_stub.push(Reply.text("好"))
    assert build_chat_model(_settings(openai_stub)).complete(MESSAGES) == "好"
    assert calls == ["langchain", "openai"]
    assert openai_stub.requests[0].headers["user-agent"].startswith("OpenAI/Python")


def test_no_hand_written_http_client_in_the_product() -> None:
    root = Path(__file__).resolve().parents[2] / "assistant"
    banned = {"http.client", "urllib.request", "requests", "aiohttp", "urllib3"}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not banned & set(names), f"{path}: imports {names}"
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "httpx"
            ):
                assert node.attr[0].isupper(), f"{path}: calls httpx.{node.attr} directly"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "httpx"
            ):
                raise AssertionError(f"{path}: constructs httpx.{node.func.attr}(…) itself")


def test_injected_clients_are_used(openai_stub: OpenAIStub) -> None:
    seen: list[str] = []
    with httpx.Client(event_hooks={"request": [lambda r: seen.append(str(r.url))]}) as http:
        openai_stub.push(Reply.text("甲"), Reply.text("乙"))
        chat = build_chat_model(_settings(openai_stub), http_client=http)
        assert chat.complete(MESSAGES) == "甲"
        client = openai.OpenAI(
            base_url=openai_stub.base_url, api_key="k", http_client=http, max_retries=0
        )
        chat2 = build_chat_model(LLMSettings(base_url=None), openai_client=client)
        assert chat2.complete(MESSAGES) == "乙"
    assert seen == [f"{openai_stub.base_url}/chat/completions"] * 2


# a broken service suggests the offline composer; a key, model or request to fix does not
@pytest.mark.parametrize(
    ("reply", "words", "offline"),
    [
        (
            Reply.error(500, "CUDA out of memory"),
            ["HTTP 500", "CUDA out of memory", "稍后再试"],
            True,
        ),
        (Reply.error(503, "overloaded"), ["HTTP 503"], True),
        (Reply.error(429, "rate limited"), ["HTTP 429", "频繁"], False),
        (Reply.error(401, "bad key"), ["HTTP 401", "XXGK_LLM_API_KEY"], False),
        (Reply.error(404, "model not found"), ["HTTP 404", "qwen-test"], False),
        (Reply.error(400, "context too long"), ["HTTP 400", "context too long"], False),
    ],
)
@pytest.mark.parametrize("streaming", [False, True])
def test_http_errors_become_chinese_llm_errors(
    openai_stub: OpenAIStub, reply: Reply, words: list[str], offline: bool, streaming: bool
) -> None:
    openai_stub.push(reply)
    chat = build_chat_model(_settings(openai_stub))
    with pytest.raises(LLMError) as info:
        list(chat.stream(MESSAGES)) if streaming else chat.complete(MESSAGES)
    assert not isinstance(info.value, StreamCutError)
    for w in words:
        assert w in info.value.message
    assert openai_stub.base_url in info.value.message
    assert info.value.offline_possible is offline


def test_retries_then_succeeds(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.error(500), Reply.text("第二次成功"))
    chat = build_chat_model(_settings(openai_stub, max_retries=1))
    assert chat.complete(MESSAGES) == "第二次成功"
    assert len(openai_stub.requests) == 2


def test_timeout(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.timeout(3))
    chat = build_chat_model(_settings(openai_stub, timeout=0.3))
    with pytest.raises(LLMError, match="0.3 秒内没有响应"):
        chat.complete(MESSAGES)


def test_connection_refused() -> None:
    chat = build_chat_model(LLMSettings(base_url="http://127.0.0.1:9/v1", max_retries=0))
    with pytest.raises(LLMError, match="无法连接") as info:
        chat.complete(MESSAGES)
    assert info.value.offline_possible  # each front end says how (--offline, 大模型设置)


def test_stream_cut_midway_keeps_partial(openai_stub: OpenAIStub) -> None:
    openai_stub.push(Reply.cut("（一）主动公开。本年度主动公开", chunk_chars=4))
    chat = build_chat_model(_settings(openai_stub))
    got: list[str] = []
    with pytest.raises(StreamCutError) as info:
        for t in chat.stream(MESSAGES):
            got.append(t)
    assert info.value.partial == "".join(got) == "（一）主动公开。本年度主动公开"
    assert "中途中断" in info.value.message and "未完成" in info.value.message


def test_no_base_url_is_a_config_problem() -> None:
    with pytest.raises(LLMError, match="XXGK_LLM_BASE_URL"):
        build_chat_model(LLMSettings(base_url=None))
