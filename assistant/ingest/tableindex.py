"""The labels of a table spec, indexed for matching: row, column and caption candidates and every
normalised text of the table (what tells a table's cells from narrative). Built once per table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from assistant.ingest.labels import Candidate, candidate, norm_label
from assistant.report.layout import FormatVersion, TableSpec, load_layout

FORMATS: tuple[FormatVersion, ...] = ("2019", "2021")


@dataclass(frozen=True)
class TableIndex:
    rows: tuple[Candidate, ...]  # key: (block index, RowSpec)
    columns: tuple[tuple[Candidate, ...], ...]  # per block; key: ColumnSpec
    all_columns: tuple[Candidate, ...]  # key: (block index, ColumnSpec)
    plain_columns: tuple[Candidate, ...]  # key: ColumnSpec, every block
    captions: tuple[Candidate, ...]  # key: block index
    texts: frozenset[str]  # every normalised label, header and note of the table
    column_texts: frozenset[str]  # the normalised column labels and their groups


_INDEXES: dict[str, TableIndex] = {}


def table_index(spec: TableSpec) -> TableIndex:
    # keyed by id: hashing a TableSpec walks every label of it, on every call
    found = _INDEXES.get(spec.id)
    if found is None:
        found = _INDEXES[spec.id] = _build_index(spec)
    return found


def _build_index(spec: TableSpec) -> TableIndex:
    rows = tuple(
        candidate((b, r), r.label, r.variants, r.groups)
        for b, block in enumerate(spec.blocks)
        for r in block.rows
        if r.label
    )
    columns = tuple(
        tuple(candidate(c, c.label, c.variants, c.groups) for c in block.columns)
        for block in spec.blocks
    )
    all_columns = tuple(
        candidate((b, c), c.label, c.variants, c.groups)
        for b, block in enumerate(spec.blocks)
        for c in block.columns
    )
    captions = tuple(
        candidate(b, block.caption) for b, block in enumerate(spec.blocks) if block.caption
    )
    texts = {
        norm_label(t)
        for block in spec.blocks
        for t in (
            block.caption or "",
            block.label_header or "",
            *(x for r in block.rows for x in (r.label, *r.variants, *r.groups)),
            *(x for c in block.columns for x in (c.label, *c.variants, *c.groups)),
        )
    }
    texts.add(norm_label(spec.header_note or ""))
    texts.discard("")
    column_texts = frozenset(
        norm_label(x)
        for block in spec.blocks
        for c in block.columns
        for x in (c.label, *c.variants, *c.groups)
        if x
    )
    plain = tuple(
        Candidate(c.key[1], c.labels, c.groups)  # type: ignore[index]
        for c in all_columns
    )
    return TableIndex(rows, columns, all_columns, plain, captions, frozenset(texts), column_texts)


def label_texts(spec: TableSpec) -> frozenset[str]:
    """Every normalised label, header, caption and note of one table."""
    return table_index(spec).texts


@cache
def known_texts() -> frozenset[str]:
    """Every normalised label of both formats' tables: tells table cells from narrative."""
    out: set[str] = set()
    for fmt in FORMATS:
        for t in load_layout(fmt).tables:
            if t.render:
                out |= table_index(t).texts
    return frozenset(out)


def is_table_text(text: str) -> bool:
    """True when `text` is a label, header, caption or note of an official table."""
    n = norm_label(text)
    if not n:
        return False
    if n in known_texts():
        return True
    # cut-down labels, and pieces of long ones wrapped in a narrow cell (the 勾稽 note, the
    # longer row labels of table 三 in a PDF)
    return len(n) >= 4 and any(k.startswith(n) or (len(k) >= 10 and n in k) for k in known_texts())


def split_path(text: str, known: frozenset[str]) -> list[str]:
    # Markdown writes merged header paths as "法人或其他组织/商业企业"; "本年增/减" is one label
    if "/" in text and norm_label(text) not in known:
        return [p for p in text.split("/") if p.strip()]
    return [text]
