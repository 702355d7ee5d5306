"""What a build brings into the index and in which order, and how much of it a search saw.

The index is built in batches, each written to Chroma and the keyword mirror together and then
made searchable, so that drafting during a build cites what is already in: the 条例 and the
format notices first (every section cites them), then the writing guides, then past reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from assistant.retrieval.hits import DocKind, Hit

# Kinds in the order a build indexes them; the names a clerk reads for each.
KIND_ORDER: tuple[DocKind, ...] = ("regulation", "format", "fees", "template", "local", "report")
KIND_NAMES: dict[str, str] = {
    "regulation": "条例",
    "format": "格式通知",
    "fees": "收费办法",
    "template": "写作指引",
    "local": "本单位资料",
    "report": "往年报告",
}
# the least a batch holds before it closes (it also closes at a change of kind; see `batches`):
# small enough that the first passages are searchable soon (the 条例, 57 chunks, in about 3 s on
# a quiet CPU), large enough that saving the mirror stays a small part of a build
BATCH_CHUNKS = 64

T = TypeVar("T")


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def in_build_order(items: Sequence[T], kind: Callable[[T], str]) -> list[T]:
    """`items` by the priority of their kind, in their own order within a kind."""
    return sorted(items, key=lambda item: _rank(kind(item)))


def batches(
    items: Sequence[T], kind: Callable[[T], str], size: Callable[[T], int], *, already: int = 0
) -> Iterator[list[T]]:
    """Consecutive runs of `items` (in build order): a run ends where the kind changes or once
    it holds BATCH_CHUNKS chunks, or a quarter of the chunks in the index by then (`already`
    before the first), whichever is more: each commit saves every chunk's text, so batches grow
    with the index and a large build saves its mirror a few dozen times, not once per batch."""
    run: list[T] = []
    chunks, rank, indexed = 0, None, already
    for item in items:
        if run and (_rank(kind(item)) != rank or chunks >= max(BATCH_CHUNKS, indexed // 4)):
            yield run
            run, chunks = [], 0
        run.append(item)
        chunks += size(item)
        indexed += size(item)
        rank = _rank(kind(item))
    if run:
        yield run


@dataclass(frozen=True)
class Coverage:
    """How much of the index a search could draw on while a build had not finished."""

    done: int  # documents searchable
    total: int  # documents once the build is done
    kinds: tuple[tuple[str, int], ...] = field(default=())  # searchable documents by kind
    running: bool = True  # False: the build stopped early (an error); the rest is missing

    @classmethod
    def of(cls, docs: dict[str, dict], done: int, total: int, *, running: bool = True) -> Coverage:
        """`done` of `total` documents in; `docs` are the searchable ones (by their kinds)."""
        counts = Counter(str(d.get("kind")) for d in docs.values())
        order = [*KIND_ORDER, *sorted(set(counts) - set(KIND_ORDER))]
        return cls(done, total, tuple((k, counts[k]) for k in order if counts[k]), running)

    def ready_part(self) -> str:
        """“条例 1 份、格式通知 2 份”, or that nothing is searchable yet."""
        if not self.kinds:
            return "尚无（第一批资料还在处理）" if self.running else "尚无"
        return "、".join(f"{KIND_NAMES.get(k, k)} {n} 份" for k, n in self.kinds)

    def note(self) -> str:
        """What a draft or an answer says when it searched this much of the index."""
        progress = f"（已完成 {self.done}/{self.total} 份）" if self.total else ""
        if self.running:
            state = f"资料库正在建立{progress or '（正在读取资料）'}"
        else:
            state = f"资料库没有建完{progress}" if progress else "资料库没有建成"
        return f"{state}，本次只参考了已建好的部分：{self.ready_part()}。"


class Hits(list[Hit]):
    """A search's passages; `partial` is set when the index was still being built (or its
    build stopped early), so that what cites them can say it drew on part of the index."""

    partial: Coverage | None = None

    def __init__(self, hits: list[Hit], partial: Coverage | None = None) -> None:
        super().__init__(hits)
        self.partial = partial


def partial_note(found: Sequence[Hit]) -> str | None:
    """The note for passages found on a partly built index; None for a complete one (or a
    retriever that is not the knowledge base)."""
    partial = found.partial if isinstance(found, Hits) else None
    return partial.note() if partial is not None else None
