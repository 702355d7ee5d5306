"""Knowledge bases for the retrieval tests: the shipped corpus with the sample reports as fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings, load_settings, shipped_dir
from assistant.llm.embeddings import HashingEmbedder
from assistant.report import Report

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "data"
QUESTIONS = HERE / "questions.yaml"


def report_fixtures() -> list[tuple[str, Report]]:
    return [(p.stem, Report.model_validate_json(p.read_text(encoding="utf-8")))
            for p in sorted(REPORTS.glob("*.json"))]


def load_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))


def corpus_without_samples(target: Path) -> Path:
    """The shipped knowledge folder with the sample reports left out of the manifest: the tests
    add them as Report fixtures, so they do not depend on the html/txt readers."""
    source = shipped_dir("knowledge")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("samples"))
    manifest = yaml.safe_load((target / "MANIFEST.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["kind"] != "report"]
    (target / "MANIFEST.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True),
                                          encoding="utf-8")
    return target


def kb_settings(home: Path, knowledge: Path) -> Settings:
    return load_settings(paths={"home": home, "knowledge_dir": knowledge})


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

    return KnowledgeBase.open(kb_settings(tmp_path / "home", corpus_dir),
                              embedder=HashingEmbedder())


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return load_questions()
