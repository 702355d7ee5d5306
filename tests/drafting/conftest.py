"""Fixtures of the drafting tests: a fake retriever, golden files, the prompt library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import shipped_dir
from assistant.drafting.prompts import PromptLibrary
from assistant.retrieval.hits import Hit

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """Compare with tests/drafting/golden/NAME; `UPDATE_GOLDEN=1 pytest …` rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


class FakeRetriever:
    """An in-memory Retriever: returns the hits whose text shares a word with the query."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.queries: list[dict[str, object]] = []

    def search(
        self,
        query: str,
        *,
        k: int = 8,
        kind: str | None = None,
        agency: str | None = None,
        year: int | None = None,
        section: str | None = None,
        format: str | None = None,
    ) -> list[Hit]:
        self.queries.append(
            {"query": query, "kind": kind, "agency": agency, "year": year, "section": section}
        )
        out = [
            h
            for h in self.hits
            if (kind is None or h.kind == kind)
            and (agency is None or h.agency == agency)
            and (year is None or h.year == year)
            and (section is None or h.section == section)
            and any(w in h.text or w in (h.article or "") for w in query.split())
        ]
        return out[:k]


def _article(n: str, text: str) -> Hit:
    return Hit(
        f"tiaoli-2019:{n}",
        "tiaoli-2019",
        "regulation",
        "中华人民共和国政府信息公开条例",
        f"{n} {text}",
        article=n,
    )


KNOWLEDGE = [
    _article("第五十条", "政府信息公开工作年度报告应当包括下列内容：……"),
    _article("第三十三条", "行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。"),
    _article(
        "第四十二条",
        "行政机关依申请提供政府信息，不收取费用。但是，申请人申请公开政府信息的数量、"
        "频次明显超过合理范围的，行政机关可以收取信息处理费。",
    ),
    _article(
        "第四十八条", "政府信息公开工作主管部门应当对行政机关的政府信息公开工作人员定期进行培训。"
    ),
    Hit(
        "format-2021:1",
        "format-2021",
        "format",
        "中华人民共和国政府信息公开工作年度报告格式",
        "总体情况 对本机关贯彻落实条例情况进行综述，重在聚焦主题、简明客观，篇幅原则上不超过一千字。",
        section="一、报告内容（一）",
    ),
    Hit(
        "format-2021:6",
        "format-2021",
        "format",
        "中华人民共和国政府信息公开工作年度报告格式",
        "其他需要报告的事项 各行政机关依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，"
        "在此处专门报告。",
        section="一、报告内容（六）",
    ),
    Hit(
        "fees:1",
        "fees-2020",
        "fees",
        "政府信息公开信息处理费管理办法",
        "第一条 为了规范政府信息公开信息处理费的收取，……",
        article="第一条",
    ),
]


@pytest.fixture
def retriever() -> FakeRetriever:
    return FakeRetriever(list(KNOWLEDGE))


@pytest.fixture
def prompts() -> PromptLibrary:
    return PromptLibrary(shipped_dir("prompts"))
