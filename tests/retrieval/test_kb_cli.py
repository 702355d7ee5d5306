"""`xxgk kb …` in-process, with the hashing embedder (XXGK_EMBEDDING_MODEL=hashing)."""

from __future__ import annotations

import json

import pytest

from assistant.cli import cli


@pytest.fixture(autouse=True)
def _hashing_and_small_corpus(monkeypatch, corpus_dir) -> None:
    monkeypatch.setenv("XXGK_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("XXGK_PATHS__KNOWLEDGE_DIR", str(corpus_dir))


def test_search_prints_article_30_first_with_its_citation(capsys) -> None:
    assert cli(["kb", "search", "申请人逾期不补正怎么处理", "-k", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[1] 《中华人民共和国政府信息公开条例》第三十条  （tiaoli-2019#第三十条）"
    assert "视为放弃申请" in out[1]


def test_search_json_has_the_hits_with_citations_and_honours_filters(capsys) -> None:
    assert cli(["kb", "search", "收费标准", "--kind", "fees", "-k", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "收费标准" and len(data["hits"]) == 2
    assert all(
        h["kind"] == "fees" and h["citation"].startswith("《政府信息公开信息处理费管理办法")
        for h in data["hits"]
    )


def test_build_list_add_remove(tmp_path, capsys) -> None:
    assert cli(["kb", "build", "--json"]) == 0
    built = json.loads(capsys.readouterr().out)
    assert "tiaoli-2019" in built["added"] and built["chunks"] > 100
    assert cli(["kb", "build"]) == 0
    assert "新增0篇" in capsys.readouterr().out
    assert cli(["kb", "build", "--rebuild", "--json"]) == 0
    rebuilt = json.loads(capsys.readouterr().out)
    assert set(rebuilt["added"]) == set(built["added"]) and rebuilt["chunks"] == built["chunks"]

    plan = tmp_path / "2024年政务公开工作要点.md"
    plan.write_text(
        "# 2024年政务公开工作要点\n\n一、做好政策解读，全年解读不少于20件。\n\n"
        "二、年度报告须在1月31日前公开。\n",
        encoding="utf-8",
    )
    assert cli(["kb", "add", str(plan), "--json"]) == 0
    [added] = json.loads(capsys.readouterr().out)["added"]
    assert added["kind"] == "local" and added["title"] == "2024年政务公开工作要点"

    assert cli(["kb", "list", "--json"]) == 0
    docs = {d["doc_id"]: d for d in json.loads(capsys.readouterr().out)["documents"]}
    assert docs["fees-2020"]["partial"] is True and added["doc_id"] in docs
    assert cli(["kb", "list"]) == 0
    assert "（不完整）" in capsys.readouterr().out

    assert cli(["kb", "search", "政策解读不少于多少件", "--kind", "local", "-k", "1"]) == 0
    assert added["doc_id"] in capsys.readouterr().out
    assert cli(["kb", "remove", added["doc_id"]]) == 0
    assert "已删除" in capsys.readouterr().out


def test_mistakes_give_chinese_messages_and_exit_codes(tmp_path, capsys) -> None:
    assert cli(["kb", "remove", "nope"]) == 1
    assert "没有编号为“nope”的文档" in capsys.readouterr().err
    assert cli(["kb", "add", str(tmp_path / "missing.txt")]) == 2
    assert "找不到文件" in capsys.readouterr().err
    assert cli(["kb", "search", "补正", "--agency", "没有这个机关"]) == 0
    assert "没有找到相关内容" in capsys.readouterr().out
    assert cli(["kb", "search"]) == 2
