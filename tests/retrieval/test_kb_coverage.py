"""The order and batches of a build, and what a search on a partly built index says."""

from __future__ import annotations

from assistant.retrieval.coverage import (
    BATCH_CHUNKS,
    Coverage,
    Hits,
    batches,
    in_build_order,
    partial_note,
)


def test_the_tiaoli_and_notices_come_first_and_each_kind_is_its_own_batch() -> None:
    docs = [
        ("pingtan-2021", "report", 10),
        ("guide-other", "template", 3),
        ("fees-2020", "fees", 9),
        ("tiaoli-2019", "regulation", 57),
        ("format-2021", "format", 18),
        ("format-2019", "format", 24),
        ("office-rules", "local", 5),
    ]
    ordered = in_build_order(docs, lambda d: d[1])
    assert [d[0] for d in ordered] == [
        "tiaoli-2019",
        "format-2021",
        "format-2019",
        "fees-2020",
        "guide-other",
        "office-rules",
        "pingtan-2021",
    ]
    runs = list(batches(ordered, lambda d: d[1], lambda d: d[2]))
    assert [[d[0] for d in run] for run in runs] == [
        ["tiaoli-2019"],
        ["format-2021", "format-2019"],
        ["fees-2020"],
        ["guide-other"],
        ["office-rules"],
        ["pingtan-2021"],
    ]


def test_a_batch_closes_once_it_holds_enough_chunks_and_batches_grow_with_the_index() -> None:
    reports = [(f"r{i}", "report", BATCH_CHUNKS // 2) for i in range(5)]
    runs = list(batches(reports, lambda d: d[1], lambda d: d[2]))
    assert [len(run) for run in runs] == [2, 2, 1]
    many = [(f"r{i}", "report", 10) for i in range(2000)]  # 20,000 chunks
    sizes = [len(run) * 10 for run in batches(many, lambda d: d[1], lambda d: d[2])]
    assert sizes[0] == BATCH_CHUNKS + 6 and len(sizes) < 40  # saved a few dozen times
    assert all(b >= a for a, b in zip(sizes, sizes[1:-1], strict=False))
    assert sum(sizes) == 20_000


def test_what_a_partial_search_says() -> None:
    docs = {
        "tiaoli-2019": {"kind": "regulation"},
        "format-2021": {"kind": "format"},
        "format-2019": {"kind": "format"},
    }
    note = Coverage.of(docs, 3, 13).note()
    assert note == (
        "资料库正在建立（已完成 3/13 份），本次只参考了已建好的部分：条例 1 份、格式通知 2 份。"
    )
    stopped = Coverage.of(docs, 3, 13, running=False).note()
    assert stopped.startswith("资料库没有建完（已完成 3/13 份）")
    assert "尚无" in Coverage(0, 0).note() and "正在读取资料" in Coverage(0, 0).note()
    assert partial_note(Hits([], Coverage(0, 13))) and partial_note(Hits([])) is None
    assert partial_note([]) is None  # another retriever's plain list
