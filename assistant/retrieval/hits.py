"""What a search returns: a passage with everything needed to cite it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

DocKind = Literal["regulation", "format", "fees", "report", "template", "local"]


@dataclass(frozen=True)
class Hit:
    chunk_id: str  # stable across rebuilds: the id a draft cites as [n]
    doc_id: str
    kind: DocKind
    title: str  # document title, e.g. 中华人民共和国政府信息公开条例
    text: str
    score: float = 0.0
    article: str | None = None  # 第三十条 (regulations)
    section: str | None = None  # 一.（二） / 五 (reports), 一、报告内容（三） (format notices)
    year: int | None = None
    agency: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def citation(self) -> str:
        """Chinese citation, e.g. 《中华人民共和国政府信息公开条例》第三十条."""
        parts = [f"《{self.title}》"]
        if self.article:
            parts.append(self.article)
        if self.section:
            parts.append(self.section)
        # a report's title usually names its agency and year already; say them only when not
        if (
            self.year
            and self.kind == "report"
            and not (str(self.year) in self.title and (self.agency or "") in self.title)
        ):
            parts.insert(0, f"{self.agency or ''}{self.year}年度")
        return "".join(parts)


class Retriever(Protocol):
    """The search drafting relies on; the knowledge base implements it, tests may fake it."""

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
    ) -> list[Hit]: ...
