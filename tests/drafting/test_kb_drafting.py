"""Drafting against the real KnowledgeBase (Chroma + keywords over the shipped corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import LLMSettings, load_settings, shipped_dir
from assistant.drafting.drafter import Drafter
from assistant.drafting.prompts import PromptLibrary
from assistant.ingest import read_report
from assistant.llm.embeddings import HashingEmbedder
from assistant.llm.factory import build_chat_model
from assistant.retrieval import KnowledgeBase
from tests.support.openai_stub import OpenAIStub, Reply

pytestmark = pytest.mark.slow  # builds an index of the whole shipped corpus (~5 s)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    home = tmp_path_factory.mktemp("kb-home")
    kb = KnowledgeBase.open(load_settings(paths={"home": Path(home)}), embedder=HashingEmbedder())
    kb.ensure_built()
    return kb


def test_offline_and_llm_drafts_cite_real_passages(
    kb: KnowledgeBase, openai_stub: OpenAIStub
) -> None:
    report = read_report(shipped_dir("knowledge") / "examples" / "report-2025.yaml")
    prompts = PromptLibrary(shipped_dir("prompts"))
    offline = Drafter(report, prompts=prompts, retriever=kb).draft_all(
        ["preamble", "overview", "problems", "other"]
    )
    assert all(d.passages for d in offline)
    assert [f for d in offline for f in d.flags] == []
    other = offline[-1]
    assert any(h.kind == "fees" for h in other.passages) and "信息处理费管理办法》[" in other.text

    chat = build_chat_model(LLMSettings(base_url=openai_stub.base_url, max_retries=0))
    d = Drafter(report, prompts=prompts, retriever=kb, chat=chat)
    plan = d.plan("overview")
    passages, _ = d.retrieve(plan)
    n33 = next(i for i, h in enumerate(passages, 1) if h.article == "第三十三条")
    openai_stub.push(
        Reply.text(f"依照《条例》第三十三条规定的期限答复[{n33}]，另有[{len(passages) + 1}]。")
    )
    draft = d.draft("overview")
    assert [(f.kind, f.text) for f in draft.flags] == [("citation", f"[{len(passages) + 1}]")]
