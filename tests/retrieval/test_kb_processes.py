"""Two processes on one index: one builds (it holds the lock file), the other follows its commits
and never takes in a state read between the builder's two files (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_support import kb_settings

from assistant.llm.embeddings import HashingEmbedder

pytestmark = pytest.mark.slow  # two knowledge bases over the shipped corpus (a few seconds)


def test_a_follower_keeps_its_state_when_it_reads_between_the_builders_two_files(
    tmp_path: Path, corpus_dir: Path
) -> None:
    from assistant.retrieval import KnowledgeBase

    settings = kb_settings(tmp_path / "home", corpus_dir)
    builder = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    builder.ensure_built()
    follower = KnowledgeBase.open(settings, embedder=HashingEmbedder())  # as another process
    builder._files.acquire()  # the builder is at work …
    try:
        builder._files.publish(5, 9)
        assert follower.ensure_built(wait=False).chunks > 0  # … so the follower does not build
        first = follower.search("申请人逾期不补正怎么处理", k=1)
        assert first[0].chunk_id == "tiaoli-2019#第三十条"
        assert first.partial is not None and (first.partial.done, first.partial.total) == (5, 9)
        # the builder has written chunks.json of its next commit, not yet state.json
        chunks = builder._state_path.with_name("chunks.json")
        chunks.write_bytes(chunks.read_bytes() + b" ")
        builder._state_path.touch()
        again = follower.search("申请人逾期不补正怎么处理", k=1)
        assert again and again[0].chunk_id == "tiaoli-2019#第三十条"  # the last good state
        assert not follower._state.damaged
    finally:
        builder._files.release()
    # the build over, the follower builds what is left itself (nothing) and says nothing more
    done = follower.search("申请人逾期不补正怎么处理", k=1)
    assert done.partial is None and done[0].chunk_id == "tiaoli-2019#第三十条"


def test_a_background_build_that_stops_before_its_first_batch_is_said_to_have_stopped(
    tmp_path: Path, corpus_dir: Path
) -> None:
    import shutil
    import threading

    from assistant.retrieval import KnowledgeBase

    broken = tmp_path / "knowledge"
    shutil.copytree(corpus_dir, broken)
    (broken / "MANIFEST.yaml").write_text(
        "documents: [{id: x, kind: regulation, title: t, path: gone.md}]"
    )
    kb = KnowledgeBase.open(kb_settings(tmp_path / "home", broken), embedder=HashingEmbedder())
    ended = threading.Event()
    outcome: list[object] = []
    kb.build_in_background(done=lambda o: (outcome.append(o), ended.set()))
    assert ended.wait(120)
    assert isinstance(outcome[0], Exception)
    found = kb.search("申请人逾期不补正怎么处理")  # no build of its own: what is in, and says so
    assert not found and found.partial is not None
    assert found.partial.note() == "资料库没有建成，本次只参考了已建好的部分：尚无。"
