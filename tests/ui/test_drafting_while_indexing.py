"""Drafting while the knowledge base's index is built in the background (issue 15, item 10).

The build is held between its batches by an embedder that stops before the first writing guide
until the test lets it go on: real Chroma, the shipped corpus, no sleeps. A draft, an answer and
the page's status made meanwhile cite what is already in (the 条例 and the format notices come
first) and say, in Chinese, that the index is only partly built.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.config import LLMSettings, load_settings, shipped_dir
from assistant.llm.embeddings import HashingEmbedder
from assistant.service import Assistant, build_assistant
from assistant.usecases import drafting
from assistant.usecases.workspace import workspace_context
from ui.demo import seed_demo
from ui.handlers import drafting as dh
from ui.handlers.knowledge import IndexBuild

pytestmark = pytest.mark.slow  # indexes the shipped corpus into Chroma (a few seconds)

# how long a step may take before the test calls it hung (a guard, never what decides a pass)
HUNG = 120.0
OFFLINE = LLMSettings(base_url=None)  # the offline composer: the draft depends on retrieval only
PARTIAL = "资料库正在建立（已完成 "


class HeldEmbedder(HashingEmbedder):
    """HashingEmbedder that, asked to embed a writing guide's passages, says so on `held` and
    waits for `go`: the build stops after the 条例, format notices and fees are in."""

    def __init__(self) -> None:
        super().__init__()
        self.held = threading.Event()
        self.go = threading.Event()

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if not self.go.is_set() and any("写作指引" in t for t in texts):
            self.held.set()
            assert self.go.wait(HUNG), "the test never let the build go on"
        return super().embed_passages(texts)


class WatchedBuild(IndexBuild):
    """The page's build, with an event for its end."""

    def __init__(self, assistant: Assistant) -> None:
        super().__init__(assistant)
        self.ended = threading.Event()

    def _finished(self, outcome: Any) -> None:
        super()._finished(outcome)
        self.ended.set()


@pytest.fixture
def held() -> HeldEmbedder:
    return HeldEmbedder()


@pytest.fixture
def app(held: HeldEmbedder) -> Iterator[tuple[Assistant, WatchedBuild, dict[str, int]]]:
    """A fresh workspace with the demo reports; its index being built, held after batch one."""
    assistant = build_assistant(load_settings(), embedder=held)
    state = {"id": seed_demo(assistant), "version": 0}
    state["version"] = assistant.store.load_report(state["id"]).version
    index = WatchedBuild(assistant)
    index.start()
    assert held.held.wait(HUNG), "the build never reached the writing guides"
    yield assistant, index, state
    held.go.set()  # whatever the test did, the build thread finishes


def _drive(run: Iterator[Any]) -> Any:
    """The last item of a run (its result), in a thread: a run that waits for the whole build
    (the behaviour this replaces) fails here instead of hanging the suite."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.extend(run), daemon=True)
    worker.start()
    worker.join(HUNG)
    assert not worker.is_alive(), "drafting waited for the whole index to be built"
    return out[-1]


def _stored(assistant: Assistant, chunk_id: str) -> str:
    got = assistant.knowledge.vectors._store._collection.get(ids=[chunk_id])
    assert got["ids"] == [chunk_id], f"{chunk_id} is cited but not in Chroma"
    return str(got["documents"][0])


def test_a_draft_during_the_build_cites_the_tiaoli_and_says_the_index_is_partial(app) -> None:
    assistant, index, state = app
    result = _drive(
        dh.run_draft(assistant, state, "preamble", author="张三", retrieve=True, llm=OFFLINE)
    )
    assert (
        PARTIAL in result.message
        and "本次只参考了已建好的部分：条例 1 份、格式通知" in result.message
    )
    assert "写作指引" not in result.message.split("本次只参考了已建好的部分")[1]
    kinds = {p.kind for p in result.passages}
    assert "regulation" in kinds and kinds <= {"regulation", "format", "fees"}
    for p in result.passages:  # real passages, each in Chroma as the keyword side has it
        assert p.text in _stored(assistant, p.chunk_id)
    cited = [p for p in result.passages if p.kind == "regulation"]
    assert any(f"[{result.passages.index(p) + 1}]" in result.version.text for p in cited), (
        result.version.text
    )
    status = index.status()  # the page says how far the build is and what a draft uses meanwhile
    assert (
        status.startswith("⏳ 正在建立资料库索引（已完成 4/13 份文件") and "已建好的部分" in status
    )
    # the transcript keeps the message too
    said = assistant.store.chat(state["id"], "preamble")[-1].content
    assert PARTIAL in said

    # a question in the chat: answered from the 条例 passages in, with the same note
    answer = _drive(
        dh.run_draft(
            assistant,
            state,
            "other",
            "条例对收取信息处理费有什么规定？",
            author="张三",
            retrieve=True,
            llm=OFFLINE,
        )
    )
    assert answer.kind == "answer" and PARTIAL in answer.message
    assert any("政府信息公开" in s.label for s in answer.sources if s.kind == "knowledge")


def test_the_build_finishing_during_a_draft_breaks_nothing(app, held: HeldEmbedder) -> None:
    assistant, index, state = app
    kb = assistant.knowledge
    searches: list[Any] = []
    search = kb.search

    def search_then_finish_the_build(*args: Any, **kwargs: Any) -> Any:
        found = search(*args, **kwargs)
        searches.append(found)
        if len(searches) == 1:  # after the draft's first search, the build runs to its end
            held.go.set()
            assert index.ended.wait(HUNG), "the build did not finish"
        return found

    kb.search = search_then_finish_the_build  # type: ignore[method-assign]
    try:
        ctx = workspace_context(
            assistant.store,
            assistant.store.load_report(state["id"]),
            with_prior=True,
            options=assistant.check_options,
        )
        drafter, warned = drafting.open_drafter(assistant, ctx, retrieve=True, llm=OFFLINE)
        result: list[Any] = []
        worker = threading.Thread(target=lambda: result.append(drafter.draft("problems")))
        worker.start()
        worker.join(HUNG)
        assert not worker.is_alive() and result, "the draft did not finish"
    finally:
        del kb.search
    draft = result[0]
    assert searches[0].partial is not None and searches[-1].partial is None
    assert any(w.startswith(PARTIAL) for w in draft.warnings) and not warned
    for p in draft.passages:  # every passage cited is a real one, in Chroma and the mirror
        assert kb.get(p.chunk_id) is not None and _stored(assistant, p.chunk_id)
    assert index.ready and index.status().startswith("资料库已就绪")
    # once built, a draft cites the guides and says nothing of a partial index
    later = drafter.draft("problems")
    assert not [w for w in later.warnings if "资料库" in w]
    assert any(p.kind == "template" for p in later.passages)
    assert kb.coverage is None


def test_keyword_side_and_chroma_agree_between_batches(app) -> None:
    assistant, _, _ = app
    kb = assistant.knowledge
    ids = set(kb.vectors.all_records()[0])
    assert set(kb._state.chunks) == ids and ids  # the build is held: nothing changes them
    kinds = {c.meta["kind"] for c in kb._state.chunks.values()}
    assert kinds == {"regulation", "format", "fees"}
    found = kb.search("年度报告应当在每年什么时候公布", k=5)
    assert found and found.partial is not None and found.partial.running
    assert {h.chunk_id for h in found} <= ids


def test_xxgk_draft_in_another_process_cites_what_the_app_has_built(app) -> None:
    """The app builds (held after the 条例 and notices); a clerk runs `xxgk draft` on the same
    workspace: it neither waits nor builds beside the app, and cites the 条例."""
    assistant, _, _ = app
    xxgk = Path(sys.executable).with_name("xxgk")
    data = shipped_dir("knowledge") / "examples" / "report-2025.yaml"
    run = subprocess.run(
        [str(xxgk), "draft", str(data), "--offline", "--section", "引言", "--json"],
        env={**os.environ, "XXGK_EMBEDDING_MODEL": "hashing"},  # the app's collection
        capture_output=True,
        text=True,
        timeout=HUNG,
    )
    assert run.returncode == 0, run.stderr
    (draft,) = json.loads(run.stdout)["drafts"]
    assert [w for w in draft["warnings"] if w.startswith(PARTIAL)] == [
        "资料库正在建立（已完成 4/13 份），本次只参考了已建好的部分：条例 1 份、格式通知 2 份、"
        "收费办法 1 份。"
    ]
    cited = [p for p in draft["passages"] if p["kind"] == "regulation"]
    assert cited and any(p["text"] in _stored(assistant, p["chunk_id"]) for p in cited)
    n = draft["passages"].index(cited[0]) + 1
    assert f"[{n}]" in draft["text"]
    # the other process wrote nothing of the index: the app's build goes on from where it was
    kb = assistant.knowledge
    assert {c.meta["kind"] for c in kb._state.chunks.values()} == {"regulation", "format", "fees"}


def test_an_app_started_while_another_process_builds_follows_that_build(
    app, held: HeldEmbedder
) -> None:
    """A second knowledge base on the same workspace (as a second app process would open it):
    its own background build waits for the first one's, and its searches meanwhile cite what
    the first has committed; then it takes over the finished index without building again."""
    from assistant.retrieval import KnowledgeBase

    assistant, index, _ = app
    second = KnowledgeBase.open(assistant.settings, embedder=HashingEmbedder())
    ended = threading.Event()
    outcome: list[Any] = []
    second.build_in_background(done=lambda o: (outcome.append(o), ended.set()))
    found = second.search("年度报告应当在每年什么时候公布", k=5)
    assert found.partial is not None and found.partial.done == 4 and found.partial.total == 13
    assert found and {h.kind for h in found} <= {"regulation", "format", "fees"}
    assert not ended.is_set()  # it waits for the first build, it does not build beside it
    held.go.set()
    assert index.ended.wait(HUNG) and ended.wait(HUNG)
    assert not isinstance(outcome[0], Exception) and not outcome[0].added  # nothing built twice
    again = second.search("写作指引 引言 应写明", k=5)
    assert again.partial is None and any(h.kind == "template" for h in again)


@pytest.mark.browser
@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")  # gradio's queue statistics
def test_the_clerk_drafting_at_once_in_chromium(app, held: HeldEmbedder) -> None:
    """The page while the build is held: the status says how far it is; 起草本节 writes a draft
    citing the 条例 and says the index is partly built; once the build is let go, the status
    says it is ready (the page's timer)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.ui.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, _free_port
    from ui.app import build_app, launch_options

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps installs it)")
    assistant, index, state = app
    assistant.configure_llm(base_url="", model=None, api_key=None)  # the offline composer
    blocks = build_app(assistant, open_report=state["id"], index=index)
    blocks.queue()
    opts = launch_options(assistant.settings, assistant) | {
        "server_port": _free_port(),
        "quiet": True,
    }
    _, url, _ = blocks.launch(prevent_thread_lock=True, **opts)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(url)
            page.get_by_role("tab", name="起草与修改").click()
            wait = 30_000  # a guard against a hung page, never what decides the test
            expect(page.locator("#index-msg")).to_contain_text("已完成 4/13 份文件", timeout=wait)
            page.locator("#section-pick label", has_text="引言").first.click()
            page.locator("#draft-btn").click()
            # the transcript keeps what the run said (the message under the draft may be
            # replaced by the section's note when the section was picked just before)
            expect(page.locator("#chat")).to_contain_text(
                "资料库正在建立（已完成 4/13 份），本次只参考了已建好的部分：条例 1 份",
                timeout=wait,
            )
            expect(page.locator("#sources")).to_contain_text(
                "《中华人民共和国政府信息公开条例》第五十条", timeout=wait
            )
            expect(page.locator("#draft-view")).to_contain_text("第五十条[1]", timeout=wait)
            held.go.set()
            expect(page.locator("#index-msg")).to_contain_text("资料库已就绪", timeout=wait)
            browser.close()
    finally:
        blocks.close()


def test_kb_search_and_kb_build_in_another_process_while_the_app_builds(
    app, held: HeldEmbedder
) -> None:
    """`xxgk kb search` searches what is in and says so; `xxgk kb build` says it waits for the
    app's build, then finds nothing left to do."""
    xxgk = str(Path(sys.executable).with_name("xxgk"))
    env = {**os.environ, "XXGK_EMBEDDING_MODEL": "hashing"}
    found = subprocess.run(
        [xxgk, "kb", "search", "申请人逾期不补正怎么处理", "-k", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=HUNG,
    )
    assert found.returncode == 0 and "tiaoli-2019#第三十条" in found.stdout, found.stderr
    assert PARTIAL + "4/13 份）" in found.stderr
    build = subprocess.Popen(
        [xxgk, "kb", "build"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert build.stderr is not None
        assert "正在建立资料库索引，等它建完后继续" in build.stderr.readline()
        held.go.set()
        out, _ = build.communicate(timeout=HUNG)
    finally:
        build.kill()
    assert build.returncode == 0 and "新增0篇，更新0篇" in out, out
