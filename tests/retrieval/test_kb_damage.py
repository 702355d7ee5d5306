"""A damaged knowledge-base state: every part's damage is found, `kb build --rebuild` recovers
from scratch and says what it found, and drafting goes on without references (issue 16)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.cli import cli

GARBAGE = b"\x00\xffnot what it should be{{{"


@pytest.fixture(autouse=True)
def _hashing_and_small_corpus(monkeypatch: pytest.MonkeyPatch, corpus_dir: Path) -> None:
    monkeypatch.setenv("XXGK_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("XXGK_PATHS__KNOWLEDGE_DIR", str(corpus_dir))


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Path:
    """A built knowledge base in its own home; returns the folder of its local files."""
    monkeypatch.setenv("XXGK_PATHS__HOME", str(tmp_path / "home"))
    assert cli(["kb", "search", "申请人逾期不补正怎么处理", "-k", "1"]) == 0  # builds, saves bm25
    capsys.readouterr()
    (folder,) = (tmp_path / "home" / "kb").iterdir()
    assert {"state.json", "chunks.json", "bm25.npz"} <= {p.name for p in folder.iterdir()}
    return folder


def _search_ok(capsys: pytest.CaptureFixture) -> None:
    assert cli(["kb", "search", "申请人逾期不补正怎么处理", "-k", "1"]) == 0
    out, err = capsys.readouterr()
    assert "tiaoli-2019#第三十条" in out and "Traceback" not in err


@pytest.mark.parametrize("part", ["state.json", "chunks.json", "bm25.npz"])
def test_a_damaged_part_is_found_and_repaired_by_a_build(
    built: Path, part: str, capsys: pytest.CaptureFixture
) -> None:
    (built / part).write_bytes(GARBAGE)
    assert cli(["kb", "build", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert any(part in line for line in report["repaired"]), report["repaired"]
    _search_ok(capsys)


@pytest.mark.parametrize("part", ["state.json", "chunks.json", "bm25.npz"])
def test_search_on_a_damaged_part_still_answers(
    built: Path, part: str, capsys: pytest.CaptureFixture
) -> None:
    (built / part).write_bytes(GARBAGE)
    _search_ok(capsys)


def test_rebuild_recovers_from_everything_damaged_at_once(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for part in ("state.json", "chunks.json", "bm25.npz"):
        (built / part).write_bytes(GARBAGE)
    db = tmp_path / "home" / "chroma" / "chroma.sqlite3"
    db.write_bytes(os.urandom(50_000))
    assert cli(["kb", "search", "答复期限"]) == 1  # the store cannot be opened: said so
    err = capsys.readouterr().err
    assert "已损坏" in err and "xxgk kb build --rebuild" in err and "权限" not in err
    assert cli(["kb", "build", "--rebuild"]) == 0
    err = capsys.readouterr().err
    assert "向量库文件已损坏，已移到" in err
    assert "state.json 已损坏" in err and "bm25.npz 已损坏" in err
    assert list((tmp_path / "home").glob("chroma.damaged-*/chroma.sqlite3"))
    _search_ok(capsys)


def test_drafting_goes_on_without_references(
    built: Path, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "home" / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(50_000))
    (built / "state.json").write_bytes(GARBAGE)
    sample = data_dir / "samples" / "wendeng-gxj-2020.txt"
    out = tmp_path / "d.md"
    assert cli(["draft", str(sample), "--offline", "--section", "六", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "知识库不可用，草稿不引用参考资料" in text and "已损坏" in text
