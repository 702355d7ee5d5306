"""Helpers of the retrieval tests and the benchmark: the question set, the report fixtures, a corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from assistant.config import Settings, load_settings, shipped_dir
from assistant.report import Report

HERE = Path(__file__).resolve().parent
REPORTS = HERE / "data"
QUESTIONS = HERE / "questions.yaml"


def report_fixtures() -> list[tuple[str, Report]]:
    return [
        (p.stem, Report.model_validate_json(p.read_text(encoding="utf-8")))
        for p in sorted(REPORTS.glob("*.json"))
    ]


def load_questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))


def corpus_without_samples(target: Path) -> Path:
    """The shipped knowledge folder with the sample reports left out of the manifest: the tests
    add them as Report fixtures, so they do not depend on the html/txt readers."""
    source = shipped_dir("knowledge")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("samples"))
    manifest = yaml.safe_load((target / "MANIFEST.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["kind"] != "report"]
    (target / "MANIFEST.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    return target


def kb_settings(home: Path, knowledge: Path) -> Settings:
    return load_settings(paths={"home": home, "knowledge_dir": knowledge})
