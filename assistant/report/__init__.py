"""The Report model of both official formats: layouts, cells, derived values, format mapping."""

from __future__ import annotations

from assistant.report.cells import Cell, CellKind, Number, format_number, normalize_text, parse_cell
from assistant.report.derived import derive
from assistant.report.layout import (
    NARRATIVE_SECTIONS,
    SECTION_IDS,
    CellSpec,
    FormatLayout,
    FormatVersion,
    SectionId,
    TableSpec,
    format_for_year,
    load_layout,
    load_sections,
    section_spec,
)
from assistant.report.mapping import Mapped, to_fmt2021
from assistant.report.model import (
    AGENCY_KIND_LABELS,
    LEVEL_LABELS,
    Agency,
    Publication,
    ReadNote,
    Report,
    Section,
    zero_report,
)

__all__ = [
    "AGENCY_KIND_LABELS",
    "LEVEL_LABELS",
    "NARRATIVE_SECTIONS",
    "SECTION_IDS",
    "Agency",
    "Cell",
    "CellKind",
    "CellSpec",
    "FormatLayout",
    "FormatVersion",
    "Mapped",
    "Number",
    "Publication",
    "ReadNote",
    "Report",
    "Section",
    "SectionId",
    "TableSpec",
    "derive",
    "format_for_year",
    "format_number",
    "load_layout",
    "load_sections",
    "normalize_text",
    "parse_cell",
    "section_spec",
    "to_fmt2021",
    "zero_report",
]
