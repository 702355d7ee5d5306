"""Incremental indexing, the user's library, filters, citations, and a shared Chroma store."""

from __future__ import annotations

from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings
from kb_support import kb_settings, report_fixtures

from assistant.errors import KnowledgeError
from assistant.llm.embeddings import HashingEmbedder
from assistant.retrieval import KnowledgeBase


class CountingEmbedder(HashingEmbedder):
    """Counts the passages it embeds, to prove what a rebuild skips."""

    def __init__(self) -> None:
        super().__init__()
        self.passages = 0

    def embed_passages(self, texts):
        self.passages += len(texts)
        return super().embed_passages(texts)

    def embed_query(self, text):
        self.queries = getattr(self, "queries", 0) + 1
        return super().embed_query(text)


def _open(home: Path, knowledge: Path, embedder=None, client=None) -> KnowledgeBase:
    return KnowledgeBase.open(
        kb_settings(home, knowledge), embedder=embedder or HashingEmbedder(), chroma_client=client
    )


def test_rebuild_skips_unchanged_reindexes_changed_and_drops_deleted(tmp_path, corpus_dir) -> None:
    import shutil

    import yaml

    knowledge = tmp_path / "knowledge"
    shutil.copytree(corpus_dir, knowledge)
    counting = CountingEmbedder()
    kb = _open(tmp_path / "home", knowledge, counting)
    first = kb.ensure_built()
    assert "tiaoli-2019" in first.added and first.chunks == counting.passages > 100
    ids_before = {h.chunk_id for h in kb.search("答复期限", k=20)} - {
        "guide-preamble#引言应写明的要素"
    }

    counting.passages = 0
    reopened = _open(tmp_path / "home", knowledge, counting)
    again = reopened.ensure_built()
    assert (again.added, again.updated, again.removed, counting.passages) == ((), (), (), 0)
    assert reopened._state._chunks is None  # an unchanged check never reads the chunk texts
    assert again.chunks == first.chunks

    guide = knowledge / "templates" / "other.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\n## 补充 {六}\n\n新增的写法说明。\n", encoding="utf-8"
    )
    manifest = yaml.safe_load((knowledge / "MANIFEST.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["id"] != "guide-preamble"]
    (knowledge / "MANIFEST.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    kb = _open(tmp_path / "home", knowledge, counting)
    changed = kb.ensure_built()
    assert changed.updated == ("guide-other",) and changed.removed == ("guide-preamble",)
    assert counting.passages == len([c for c in kb._state.chunks if c.startswith("guide-other#")])
    assert kb.get("guide-other#补充").text == "新增的写法说明。"
    assert not [d for d in kb.list_documents() if d.doc_id == "guide-preamble"]
    assert kb.vectors.count() == len(kb._state.chunks)
    # the chunks of unchanged documents keep their ids
    assert {c for c in ids_before if not c.startswith("guide-")} <= set(kb._state.chunks)


def test_search_builds_the_shipped_corpus_on_first_use(fresh_kb) -> None:
    hit = fresh_kb.search("申请人逾期不补正怎么处理", k=1)[0]
    assert hit.chunk_id == "tiaoli-2019#第三十条"


def test_local_rules_are_added_searched_and_removed(tmp_path, fresh_kb) -> None:
    rule = tmp_path / "省级办法.txt"
    rule.write_text(
        "某省政府信息公开办法\n第一条 为了规范本省政府信息公开工作，制定本办法。\n"
        "第二条 本省行政机关应当在每年1月20日前向本级主管部门报送年度报告。\n"
        "第三条 本办法自2024年1月1日起施行。\n",
        encoding="gb18030",
    )
    [info] = fresh_kb.add_files([rule])
    assert (info.kind, info.chunks, info.title) == ("local", 3, "某省政府信息公开办法")
    hit = fresh_kb.search("本省年度报告报送时间", k=3, kind="local")[0]
    assert (
        hit.chunk_id == f"{info.doc_id}#第二条"
        and hit.citation() == "《某省政府信息公开办法》第二条"
    )
    assert any(d.doc_id == info.doc_id for d in fresh_kb.list_documents())

    fresh_kb.remove(info.doc_id)
    assert fresh_kb.search("本省年度报告报送时间", k=3, kind="local") == []
    assert not fresh_kb.ensure_built().added  # the library copy is gone too: it does not return
    with pytest.raises(KnowledgeError, match="没有编号"):
        fresh_kb.remove(info.doc_id)
    with pytest.raises(KnowledgeError, match="随软件提供"):
        fresh_kb.remove("tiaoli-2019")


def test_an_unreadable_file_is_a_chinese_input_error(tmp_path, fresh_kb) -> None:
    from assistant.errors import InputError

    empty = tmp_path / "空.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="没有可读取的文字"):
        fresh_kb.add_files([empty])
    with pytest.raises(InputError, match="找不到文件"):
        fresh_kb.add_files([tmp_path / "none.txt"])


def test_reports_are_indexed_by_section_with_filters_and_citations(shared_kb) -> None:
    hits = shared_kb.search("存在的问题", k=8, kind="report", agency="平潭", year=2022)
    assert hits and all((h.year, h.agency) == (2022, "平潭综合实验区") for h in hits)
    assert hits[0].chunk_id == "pingtan-2022#五"
    assert hits[0].citation() == "《平潭综合实验区2022年政府信息公开工作年度报告》五"
    overview = shared_kb.search("平台建设", k=20, kind="report", section="一")
    assert overview and all(h.section.startswith("一") for h in overview)
    assert {h.section for h in overview} > {"一"}  # "一" takes in its subsections
    assert all(
        h.extra.get("format") == "2019" for h in shared_kb.search("年度报告", k=10, format="2019")
    )
    assert shared_kb.search("依申请公开", agency="不存在的机关") == []


def test_add_report_replaces_the_same_agency_and_year(fresh_kb) -> None:
    [(doc_id, report)] = [r for r in report_fixtures() if r[0] == "pingtan-2023"]
    first = fresh_kb.add_report(report)
    changed = report.model_copy(
        update={
            "sections": {
                "problems": report.sections["problems"].model_copy(
                    update={"text": "一是栏目更新不及时。"}
                )
            }
        }
    )
    second = fresh_kb.add_report(changed)
    assert first.doc_id == second.doc_id == "平潭综合实验区-2023" and second.chunks == 1
    assert fresh_kb.get("平潭综合实验区-2023#五").text == "一是栏目更新不及时。"
    assert fresh_kb.get("平潭综合实验区-2023#一") is None
    fresh_kb.add_report(changed, doc_id="again")  # the same text under another id
    hits = fresh_kb.search("栏目更新不及时", k=5, kind="report")
    assert [h.text for h in hits].count("一是栏目更新不及时。") == 1


def test_the_local_mirror_is_rebuilt_from_chroma_without_embedding(tmp_path, corpus_dir) -> None:
    import shutil

    counting = CountingEmbedder()
    _open(tmp_path / "home", corpus_dir, counting).ensure_built()
    shutil.rmtree(tmp_path / "home" / "kb")  # lost (or another machine on a shared server)
    counting.passages = 0
    kb = _open(tmp_path / "home", corpus_dir, counting)
    assert not kb.ensure_built().added and counting.passages == 0
    assert kb.search("申请人逾期不补正怎么处理", k=1)[0].chunk_id == "tiaoli-2019#第三十条"


def test_a_document_left_incomplete_in_chroma_is_indexed_again(tmp_path, corpus_dir) -> None:
    kb = _open(tmp_path / "home", corpus_dir)
    kb.ensure_built()
    kb.vectors._store._collection.delete(ids=["tiaoli-2019#第三十条"])  # a write cut short
    again = _open(tmp_path / "home", corpus_dir).ensure_built()
    assert again.updated == ("tiaoli-2019",) and not again.added
    assert _open(tmp_path / "home", corpus_dir).get("tiaoli-2019#第三十条") is not None


def test_a_shared_store_keeps_what_other_machines_added(tmp_path, corpus_dir) -> None:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "shared"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    office_a = _open(tmp_path / "a", corpus_dir, client=client)
    office_a.ensure_built()
    [(doc_id, report)] = [r for r in report_fixtures() if r[0] == "wendeng-gxj-2020"]
    office_a.add_report(report, doc_id=doc_id)

    office_b = _open(tmp_path / "b", corpus_dir, client=client)
    result = office_b.ensure_built()
    assert not result.added and not result.removed
    hit = office_b.search("文登工信局存在的问题", k=1)[0]
    assert hit.chunk_id == "wendeng-gxj-2020#五"
    assert {d.doc_id: d.origin for d in office_b.list_documents()}[doc_id] == "library"


def test_chroma_never_gets_a_default_embedding_function(fresh_kb) -> None:
    fresh_kb.ensure_built()
    collection = fresh_kb.vectors._store._collection
    assert collection._embedding_function is None
    assert collection.metadata["embedder"] == "hashing-bigram-512"
    assert fresh_kb.vectors.name == "xxgk-hashing-bigram-512"


@pytest.mark.slow
def test_jieba_is_quiet_and_caches_inside_the_workspace(tmp_path) -> None:
    import subprocess
    import sys

    # a fresh process: the tokenizer is shared process-wide, so only the first one sets the cache
    code = (
        "from pathlib import Path; from assistant.retrieval.keyword import Segmenter; "
        f"t = Segmenter(Path({str(tmp_path / 'cache')!r})).tokens('信息处理费怎么收？逾期不补正呢'); "
        "assert {'信息处理费', '补正'} <= set(t) and '怎么' not in t, t"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert (tmp_path / "cache" / "xxgk-jieba.cache").exists()


def test_a_question_asked_again_is_not_embedded_again(tmp_path, corpus_dir) -> None:
    # a section's plan asks the same queries on every draft and revision of it
    embedder = CountingEmbedder()
    kb = _open(tmp_path / "home", corpus_dir, embedder)
    first = kb.search("申请人逾期不补正怎么处理", k=3)
    asked = embedder.queries
    again = kb.search("申请人逾期不补正怎么处理", k=3)
    assert embedder.queries == asked  # the vector was kept
    assert [h.chunk_id for h in again] == [h.chunk_id for h in first]
    kb.search("依申请公开的答复期限", k=3)
    assert embedder.queries == asked + 1  # another question is embedded
