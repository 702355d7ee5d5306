"""The Report: agency, year, format, the six sections' text, the cells, publication metadata."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.report.cells import Cell, Number
from assistant.report.layout import (
    FormatLayout,
    FormatVersion,
    SectionId,
    format_for_year,
    load_layout,
)

AgencyKind = Literal["department", "government", "township", "vertical", "general_office"]
Level = Literal["province", "city", "county", "township"]

AGENCY_KIND_LABELS: dict[str, str] = {
    "department": "部门",
    "government": "人民政府",
    "township": "乡镇街道",
    "vertical": "垂直管理",
    "general_office": "办公厅",
}
LEVEL_LABELS: dict[str, str] = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡级",
}
_KIND_ALIASES = {v: k for k, v in AGENCY_KIND_LABELS.items()} | {
    "政府部门": "department",
    "人民政府部门": "department",
    "政府": "government",
    "乡镇": "township",
    "街道": "township",
    "乡镇人民政府": "township",
    "街道办事处": "township",
    "垂直管理部门": "vertical",
    "办公室": "general_office",
    "办公厅（室）": "general_office",
}
_LEVEL_ALIASES = {v: k for k, v in LEVEL_LABELS.items()} | {
    "省": "province",
    "市": "city",
    "县": "county",
    "乡": "township",
    "区": "county",
    "地市级": "city",
    "县区级": "county",
    "乡镇": "township",
    "乡镇级": "township",
}


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    kind: AgencyKind | None = None
    level: Level | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    website: str | None = None
    parent: str | None = None  # the 政府信息公开工作主管部门 it reports to

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_alias(cls, v: object) -> object:
        return _KIND_ALIASES.get(v, v) if isinstance(v, str) else v

    @field_validator("level", mode="before")
    @classmethod
    def _level_alias(cls, v: object) -> object:
        return _LEVEL_ALIASES.get(v, v) if isinstance(v, str) else v


class Publication(BaseModel):
    """Where and when the report was published, when known (PUB rules)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None  # 发布机构
    index_no: str | None = None  # 索引号
    title: str | None = None


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: SectionId
    heading: str = ""  # as the source printed it (empty for the preamble)
    text: str = ""  # the narrative, tables excluded


class ReadNote(BaseModel):
    """Something a reader or data loader wants the user to know: what it could not read.
    Four `location`s are facts the checks judge: IMAGE_TABLES (FMT-07), HEADER_NOTE (FMT-12,
    the message quoting the printed note in “”), COLUMN_ORDER (FMT-04/05/06, `cell` naming a
    cell of the table whose columns were printed out of order) and UNREAD (`cell` naming the
    first cell of a table the reader could not read whole: the rules that need it cannot judge,
    which is the reader's trouble, not the report's)."""

    level: Literal["info", "warning", "error"] = "warning"
    message: str
    cell: str | None = None
    location: str | None = None


IMAGE_TABLES = "tables_as_images"  # a table section held only pictures: the table was an image
HEADER_NOTE = "header_note"  # the identity note printed over table 三, as printed
COLUMN_ORDER = "column_order"  # a table's columns printed in another order (read by their headers)
UNREAD = "unread"  # a table, or some of its cells, the reader could not find or place
OCR_SUMMARY = "ocr_summary"  # how many pages and cells were read by OCR (scanned reports)
OCR_CHECK = "ocr_check"  # an OCR'd value left unread or doubted: a person must look at the page
OCR_SOURCE = (
    "OCR"  # Cell.source of an OCR'd value starts so: "OCR 第6页(641,443)-(676,472) 置信度1.00"
)


class Report(BaseModel):
    """One agency's report for one year, in one of the two official formats."""

    model_config = ConfigDict(extra="forbid")

    agency: Agency = Field(default_factory=Agency)
    year: int
    format: FormatVersion = None  # type: ignore[assignment]  # filled from the year
    title: str | None = None
    sections: dict[SectionId, Section] = Field(default_factory=dict)
    cells: dict[str, Cell] = Field(default_factory=dict)
    publication: Publication = Field(default_factory=Publication)
    source: str | None = None  # the file it was read from
    notes: list[ReadNote] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _default_format(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("format") and isinstance(data.get("year"), int):
            data = {**data, "format": format_for_year(data["year"])}
        return data

    @property
    def layout(self) -> FormatLayout:
        return load_layout(self.format)

    def cell(self, cell_id: str) -> Cell | None:
        return self.cells.get(cell_id)

    def value(self, cell_id: str) -> Number | None:
        """The number in a cell, or None when the cell is missing, blank, "/" or text."""
        c = self.cells.get(cell_id)
        return c.value if c is not None and c.is_number else None

    def text(self, section: SectionId) -> str:
        s = self.sections.get(section)
        return s.text if s else ""

    def with_cells(self, cells: dict[str, Cell]) -> Report:
        return self.model_copy(update={"cells": {**self.cells, **cells}})

    @property
    def narrative(self) -> str:
        """All narrative text, tables excluded, in section order."""
        from assistant.report.layout import SECTION_IDS

        return "\n".join(self.text(s) for s in SECTION_IDS if self.text(s))


def zero_report(year: int, agency: str = "", format: FormatVersion | None = None) -> Report:
    """A report whose every table cell is 0: the starting point of a new year's data."""
    fmt = format or format_for_year(year)
    layout = load_layout(fmt)
    cells = {
        c.id: Cell(value=Decimal(0) if c.type == "dec" else 0, raw="0", kind="number")
        for t in layout.tables
        if not t.optional
        for c in t.cells
    }
    return Report(agency=Agency(name=agency), year=year, format=fmt, cells=cells)
