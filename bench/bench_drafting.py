"""Drafting overhead per section: everything but the model, against a zero-latency stub server.

Retrieval runs on a real knowledge base (Chroma + keywords over the shipped corpus) with the
hashing embedder, so the query-embedding time of the shipped model is not included (it is
measured by `bench retrieval`). The model answers instantly through a real HTTP round trip
(tests/support/openai_stub.py), so the figure is: retrieval + prompt rendering + LangChain/openai
client + substitution + guard + section checks. Target: ≤ 300 ms per section.

It also runs the guard over its labelled sentence set (tests/data/guard/sentences.yaml) and
prints the false-positive and false-negative rates (target ≤ 2% each).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import LLMSettings, load_settings, shipped_dir
from assistant.drafting.drafter import Drafter
from assistant.drafting.notes import normalize_notes
from assistant.drafting.prompts import PromptLibrary
from assistant.ingest import read_report
from assistant.llm.embeddings import HashingEmbedder
from assistant.llm.factory import build_chat_model
from assistant.retrieval import KnowledgeBase
from tests.support.guard_set import evaluate as evaluate_guard_set
from tests.support.openai_stub import OpenAIStub, Reply

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("preamble", "overview", "problems", "other")
RUNS = 20
TARGET_MS = 300.0
REPLY = (
    "（一）主动公开\n本年度新收政府信息公开申请[[fact:apply.new.total]]，办结[[fact:apply.res.total.total]]，"
    "依照《条例》第三十三条规定的期限答复[1]。" * 8
)
NOTES = {
    "一": {
        "主动公开": "全年主动公开政府信息356条，其中政策解读21篇。",
        "监督保障": "全年开展培训两次，参训60人次。",
    }
}


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def run() -> dict[str, object]:
    report = read_report(shipped_dir("knowledge") / "examples" / "report-2025.yaml")
    prompts = PromptLibrary(shipped_dir("prompts"))
    with tempfile.TemporaryDirectory() as home, OpenAIStub(default=Reply.text(REPLY)) as stub:
        settings = load_settings(paths={"home": Path(home)})
        t0 = time.perf_counter()
        kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
        kb.ensure_built()
        build_s = time.perf_counter() - t0
        chat = build_chat_model(LLMSettings(base_url=stub.base_url, model="bench", max_retries=0))
        llm = Drafter(
            report, prompts=prompts, notes=normalize_notes(NOTES), retriever=kb, chat=chat
        )
        offline = Drafter(report, prompts=prompts, notes=normalize_notes(NOTES), retriever=kb)
        for d in (llm, offline):  # warm-up: imports, first Chroma query, rule registry
            d.draft("overview")
        figures: dict[str, object] = {"kb_build_s_hashing": round(build_s, 2), "runs": RUNS}
        worst = 0.0
        for name, drafter in (("llm_stub", llm), ("offline", offline)):
            for section in SECTIONS:
                samples = []
                for _ in range(RUNS):
                    t = time.perf_counter()
                    drafter.draft(section)
                    samples.append(time.perf_counter() - t)
                stats = _ms(samples)
                figures[f"{name}.{section}"] = stats
                worst = max(worst, stats["median_ms"])
                print(
                    f"{name:9s} {section:9s} median {stats['median_ms']:7.1f} ms   "
                    f"p95 {stats['p95_ms']:7.1f} ms"
                )
        plan = llm.plan("overview")
        parts = {}
        t = time.perf_counter()
        for _ in range(RUNS):
            passages, _w = llm.retrieve(plan)
        parts["retrieve_ms"] = round((time.perf_counter() - t) / RUNS * 1000, 1)
        t = time.perf_counter()
        for _ in range(RUNS):
            prompts.messages(plan.prompt, **llm._variables(plan, passages))
        parts["render_ms"] = round((time.perf_counter() - t) / RUNS * 1000, 1)
        t = time.perf_counter()
        for _ in range(RUNS):
            llm._finish(plan, REPLY, passages, "bench", warnings=[])
        parts["substitute_guard_checks_ms"] = round((time.perf_counter() - t) / RUNS * 1000, 1)
        figures["overview_parts"] = parts
        print(f"overview parts: {parts}")
    figures["worst_median_ms"] = worst
    figures["target_ms"] = TARGET_MS
    rates = evaluate_guard_set()
    figures["guard_set"] = {
        "sentences": len(rates.outcomes),
        "false_positive_rate": round(rates.fp_rate, 4),
        "false_negative_rate": round(rates.fn_rate, 4),
    }
    print(rates.describe())
    print(
        f"worst median {worst:.1f} ms per section (target ≤ {TARGET_MS:.0f} ms): "
        f"{'met' if worst <= TARGET_MS else 'NOT met'}"
    )
    return figures
