"""The printed order of a report — title, headings, paragraphs, tables, signature — that every
document renderer (docx, html, md, txt) walks, so they cannot disagree about structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.report import SECTION_IDS, Report, SectionId, section_spec
from assistant.report.citations import strip_citations
from assistant.report.grid import Grid, table_grid

# C0 controls other than tab and newline are illegal in XML and HTML, and python-docx refuses
# them; Word's manual line break (\x0b) and page break (\x0c) pasted as text are line ends
_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_SENTENCE_END = ("。", "；", ";", "！", "？", "：", ":")
_HEADING_MAX = 40  # longer lines that open with （一） are run-in paragraphs, not headings


@dataclass(frozen=True)
class Heading:
    level: Literal[1, 2]
    text: str
    section: SectionId


@dataclass(frozen=True)
class Paragraph:
    text: str
    section: SectionId


@dataclass(frozen=True)
class TableBlock:
    grid: Grid
    section: SectionId


Block = Heading | Paragraph | TableBlock


@dataclass(frozen=True)
class Outline:
    title: str
    blocks: tuple[Block, ...]
    signature: tuple[str, ...]  # agency name, date: right-aligned at the end


def printable(text: str) -> str:
    return _CONTROL.sub("", _BREAKS.sub("\n", text))


def default_title(report: Report) -> str:
    return f"{report.agency.name}{report.year}年政府信息公开工作年度报告"


def section_heading(report: Report, section: SectionId) -> str:
    """The heading as the report printed it, numbered like the format (一、…)."""
    spec = section_spec(section)
    stored = report.sections.get(section)
    heading = printable(stored.heading.strip() if stored else "") or spec.full_heading
    if not heading.startswith(spec.number):
        heading = f"{spec.number}、{heading}"
    return heading


def is_level2_heading(line: str) -> bool:
    """（一）主动公开 on its own line is a heading; （一）… with a full sentence is a paragraph."""
    return (
        bool(_LEVEL2.match(line)) and len(line) <= _HEADING_MAX and not line.endswith(_SENTENCE_END)
    )


def _paragraphs(report: Report, section: SectionId) -> list[Block]:
    out: list[Block] = []
    # [n] markers are a draft's provenance (its sources), never printed in a report
    for raw in strip_citations(printable(report.text(section))).splitlines():
        line = raw.strip()
        if not line:
            continue
        if section != "preamble" and is_level2_heading(line):
            out.append(Heading(2, line, section))
        else:
            out.append(Paragraph(line, section))
    return out


def format_date(report: Report) -> str | None:
    d = report.publication.date
    return f"{d.year}年{d.month}月{d.day}日" if d else None


def build_outline(report: Report) -> Outline:
    """The report in print order. Every section is printed (an empty one keeps its heading);
    the tables of 二、三、四 follow their headings, then any words of that section."""
    blocks: list[Block] = list(_paragraphs(report, "preamble"))
    for section in SECTION_IDS[1:]:
        blocks.append(Heading(1, section_heading(report, section), section))
        table = report.layout.table_for_section(section)
        if table is not None:
            blocks.append(TableBlock(table_grid(table, report), section))
        blocks.extend(_paragraphs(report, section))
    signature = tuple(printable(s) for s in (report.agency.name, format_date(report)) if s)
    return Outline(
        title=printable(report.title or default_title(report)),
        blocks=tuple(blocks),
        signature=signature,
    )
