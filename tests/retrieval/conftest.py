"""Knowledge bases for the retrieval tests: the shipped corpus with the sample reports as fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_support import corpus_without_samples, kb_settings, load_questions, report_fixtures

from assistant.llm.embeddings import HashingEmbedder


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_without_samples(tmp_path_factory.mktemp("corpus") / "knowledge")


@pytest.fixture(scope="session")
def shared_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    """One built knowledge base (HashingEmbedder) for the read-only tests of a session."""
    from assistant.retrieval import KnowledgeBase

    home = tmp_path_factory.mktemp("kb-home")
    kb = KnowledgeBase.open(kb_settings(home, corpus_dir), embedder=HashingEmbedder())
    kb.ensure_built()
    for doc_id, report in report_fixtures():
        kb.add_report(report, doc_id=doc_id)
    return kb


@pytest.fixture
def fresh_kb(tmp_path: Path, corpus_dir: Path):
    """A knowledge base of its own, for tests that change it."""
    from assistant.retrieval import KnowledgeBase

    return KnowledgeBase.open(
        kb_settings(tmp_path / "home", corpus_dir), embedder=HashingEmbedder()
    )


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return load_questions()
