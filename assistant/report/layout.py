"""Table layouts of both official formats, loaded from knowledge/formats/*.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.config import shipped_dir

# "2008": a report of the 2007 条例's time (years up to 2018), before any national table format
FormatVersion = Literal["2008", "2019", "2021"]
LAST_PRE_2019_YEAR = 2018
ValueType = Literal["int", "sint", "dec"]
SectionId = Literal["preamble", "overview", "active", "apply", "review", "problems", "other"]

SECTION_IDS: tuple[SectionId, ...] = (
    "preamble",
    "overview",
    "active",
    "apply",
    "review",
    "problems",
    "other",
)
NARRATIVE_SECTIONS: tuple[SectionId, ...] = ("overview", "problems", "other")


@dataclass(frozen=True)
class ColumnSpec:
    id: str
    label: str
    type: ValueType = "int"
    unit: str | None = None
    colspan: int = 1
    groups: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowSpec:
    id: str
    label: str
    groups: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockSpec:
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    caption: str | None = None
    label_header: str | None = None


@dataclass(frozen=True)
class CellSpec:
    """One data cell: where it sits and what it holds."""

    id: str
    table: TableSpec
    block: BlockSpec
    row: RowSpec
    column: ColumnSpec

    @property
    def type(self) -> ValueType:
        return self.column.type

    @property
    def unit(self) -> str | None:
        return self.column.unit

    @cached_property  # labels are fixed by the format; checks and readers ask again and again
    def row_label(self) -> str:
        """The row as a person reads it: the innermost group plus the label."""
        parts = [*self.row.groups[1:], self.row.label] if self.row.groups else [self.row.label]
        if self.block.caption:
            parts = [self.block.caption, *parts]
        return " ".join(p for p in parts if p)

    @cached_property
    def column_label(self) -> str:
        groups = [g for g in self.column.groups if g != "申请人情况"]
        return "/".join([*groups, self.column.label])

    def describe(self) -> str:
        """Chinese location, e.g. 表三「（三）不予公开 1.属于国家秘密」行「自然人」列."""
        return self._described

    @cached_property
    def _described(self) -> str:
        where = f"表{self.table.number}"
        if self.row.label:
            where += f"「{self.row_label}」行"
        return where + f"「{self.column_label}」列"


@dataclass(frozen=True)
class TableSpec:
    id: str
    section: SectionId
    number: str
    title: str
    blocks: tuple[BlockSpec, ...]
    header_note: str | None = None
    render: bool = True
    optional: bool = False
    cells: tuple[CellSpec, ...] = field(default=(), compare=False, repr=False)

    @property
    def cell_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.cells)


# eq=False: a layout is loaded once per format and shared, so identity is its equality, and
# hashing it (as a cache key) must not walk its 200 cells on every call
@dataclass(frozen=True, eq=False)
class FormatLayout:
    format: FormatVersion
    notice: str
    tables: tuple[TableSpec, ...]
    _by_id: dict[str, CellSpec] = field(default_factory=dict, compare=False, repr=False)

    def table(self, table_id: str) -> TableSpec:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def table_for_section(self, section: SectionId) -> TableSpec | None:
        for t in self.tables:
            if t.section == section and t.render:
                return t
        return None

    @property
    def cell_ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def cell(self, cell_id: str) -> CellSpec:
        return self._by_id[cell_id]

    def has_cell(self, cell_id: str) -> bool:
        return cell_id in self._by_id


@dataclass(frozen=True)
class SectionSpec:
    id: SectionId
    number: str
    heading: str
    info_variants: tuple[str, ...] = ()
    warning_variants: tuple[str, ...] = ()
    subsections: tuple[str, ...] = ()
    subsection_variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def full_heading(self) -> str:
        return f"{self.number}、{self.heading}"


def cell_id(table: str, row: str, column: str) -> str:
    return ".".join(p for p in (table, row, column) if p)


def _column(d: dict) -> ColumnSpec:
    return ColumnSpec(
        id=d["id"],
        label=d["label"],
        type=d.get("type", "int"),
        unit=d.get("unit"),
        colspan=int(d.get("colspan", 1)),
        groups=tuple(d.get("groups", ())),
        variants=tuple(d.get("variants", ())),
    )


def _row(d: dict) -> RowSpec:
    return RowSpec(
        id=d["id"],
        label=d["label"],
        groups=tuple(d.get("groups", ())),
        variants=tuple(d.get("variants", ())),
    )


def _table(d: dict) -> TableSpec:
    blocks = tuple(
        BlockSpec(
            columns=tuple(_column(c) for c in b["columns"]),
            rows=tuple(_row(r) for r in b["rows"]),
            caption=b.get("caption"),
            label_header=b.get("label_header"),
        )
        for b in d["blocks"]
    )
    table = TableSpec(
        id=d["id"],
        section=d["section"],
        number=d["number"],
        title=d["title"],
        blocks=blocks,
        header_note=d.get("header_note"),
        render=d.get("render", True),
        optional=d.get("optional", False),
    )
    cells = tuple(
        CellSpec(id=cell_id(table.id, r.id, c.id), table=table, block=b, row=r, column=c)
        for b in blocks
        for r in b.rows
        for c in b.columns
    )
    object.__setattr__(table, "cells", cells)
    return table


def formats_dir(knowledge_dir: Path | None = None) -> Path:
    return (knowledge_dir or shipped_dir("knowledge")) / "formats"


@cache
def load_layout(version: FormatVersion, knowledge_dir: Path | None = None) -> FormatLayout:
    """The layout of one format version; cached, so call it freely."""
    path = formats_dir(knowledge_dir) / f"fmt{version}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = tuple(_table(t) for t in data["tables"])
    by_id = {c.id: c for t in tables for c in t.cells}
    if len(by_id) != sum(len(t.cells) for t in tables):
        raise ValueError(f"{path}: duplicate cell ids")
    return FormatLayout(format=version, notice=data["notice"], tables=tables, _by_id=by_id)


@cache
def load_sections(knowledge_dir: Path | None = None) -> tuple[SectionSpec, ...]:
    data = yaml.safe_load(
        (formats_dir(knowledge_dir) / "sections.yaml").read_text(encoding="utf-8")
    )
    return tuple(
        SectionSpec(
            id=s["id"],
            number=s["number"],
            heading=s["heading"],
            info_variants=tuple(s.get("info_variants", ())),
            warning_variants=tuple(s.get("warning_variants", ())),
            subsections=tuple(s.get("subsections", ())),
            subsection_variants={k: tuple(v) for k, v in s.get("subsection_variants", {}).items()},
        )
        for s in data["sections"]
    )


@dataclass(frozen=True)
class FormatInfo:
    name: str  # 2021年格式
    notice: str = ""  # 国办公开办函〔2021〕30号 (none for 2008)
    title: str = ""  # 《中华人民共和国政府信息公开工作年度报告格式》

    @property
    def named(self) -> str:
        """The name with its notice: 2021年格式（国办公开办函〔2021〕30号）."""
        return f"{self.name}（{self.notice}）" if self.notice else self.name


@cache
def format_info(fmt: str, knowledge_dir: Path | None = None) -> FormatInfo:
    """What a person calls format `fmt` (2019 or 2021), from sections.yaml."""
    data = yaml.safe_load(
        (formats_dir(knowledge_dir) / "sections.yaml").read_text(encoding="utf-8")
    )
    return FormatInfo(**data["formats"][fmt])


def _sections_data(knowledge_dir: Path | None = None) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (formats_dir(knowledge_dir) / "sections.yaml").read_text(encoding="utf-8")
    )
    return data


@cache
def preamble_name() -> str:
    """What the opening paragraphs before 一 are called: 引言."""
    return str(_sections_data()["preamble"]["name"])


@cache
def section_names() -> dict[str, SectionId]:
    """Every accepted way to name a section → its id: the id, the number (五, or 5), the heading
    with or without its number, the format's own wording, and the aliases of sections.yaml."""
    data = _sections_data()
    names: dict[str, SectionId] = {s: s for s in SECTION_IDS}
    for name in (data["preamble"]["name"], *data["preamble"].get("aliases", ())):
        names[name] = "preamble"
    for i, spec in enumerate(load_sections(), start=1):
        raw = next(s for s in data["sections"] if s["id"] == spec.id)
        for name in (
            spec.number,
            str(i),
            spec.heading,
            spec.full_heading,
            *spec.info_variants,
            *raw.get("aliases", ()),
        ):
            names.setdefault(name, spec.id)
    return names


def section_spec(section: SectionId) -> SectionSpec:
    for s in load_sections():
        if s.id == section:
            return s
    raise KeyError(section)


def format_for_year(year: int) -> FormatVersion:
    """SPEC 0.2: report years 2019–2020 use the trial format, 2021 on the 2021 format."""
    return "2021" if year >= 2021 else "2019"
