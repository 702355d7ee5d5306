"""Blocks (paragraphs and tables in document order) → Report: sections, metadata, cells."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.errors import InputError
from assistant.ingest.blocks import PICTURE, Block, Paragraph, Table
from assistant.ingest.fees import fee_texts
from assistant.ingest.labels import norm_label
from assistant.ingest.sections import Heading, Preamble, match_heading, read_preamble
from assistant.ingest.tableindex import FORMATS, is_table_text, label_texts
from assistant.ingest.tables import TableRead, is_value, missing_notes, read_table
from assistant.report.agency_name import describe_inference, infer_kind_level
from assistant.report.cells import Cell, parse_cell
from assistant.report.layout import (
    LAST_PRE_2019_YEAR,
    FormatVersion,
    SectionId,
    format_for_year,
    load_layout,
)
from assistant.report.model import (
    HEADER_NOTE,
    IMAGE_TABLES,
    UNREAD,
    Agency,
    Publication,
    ReadNote,
    Report,
    Section,
)

_TABLE_SECTIONS: frozenset[SectionId] = frozenset({"active", "apply", "review"})
# "[image: image4.png]": where a picture was, in text copied from a page
_PICTURE_LINE = re.compile(r"^\s*\[(?:image|图片)[:：]", re.I)
_FRAGMENT = 6  # characters: a PDF of a narrow table cell gives its label in pieces this long
_DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@dataclass
class Meta:
    """What a reader knows besides the body: the page's own metadata (html) and its title."""

    title: str | None = None
    publication: Publication = field(default_factory=Publication)


@dataclass(frozen=True)
class Given:
    """What the person reading the file says it is, for a report that does not print it
    (`--year`, `--agency`). It fills what the text lacks and wins over what the reader found."""

    year: int | None = None
    agency: str | None = None


@dataclass
class _Part:
    section: SectionId
    heading: str = ""
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pictures: int = 0


def _items(blocks: list[Block]) -> list[str | Table]:
    out: list[str | Table] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.extend(b.text.split("\n"))
        else:
            out.append(b)
    return out


def _headings(items: list[str | Table], *, era: str = "") -> dict[int, Heading]:
    found = {
        i: h
        for i, x in enumerate(items)
        if isinstance(x, str)
        if (h := match_heading(x, era=era)) is not None
    }
    # "（三）…" is usually a sub-heading; only trust bracketed numbering when the report does not
    # number its sections "三、" already
    plain = {i: h for i, h in found.items() if not re.match(r"^\s*[(（]", h.text)}
    if len({h.section for h in plain.values()}) >= 3:
        found = plain
    order = ["overview", "active", "apply", "review", "problems", "other"]
    out: dict[int, Heading] = {}
    last = -1
    for i in sorted(found):
        # an old report's sections come in its own order: its printed numbers must rise
        k = found[i].number if era else order.index(found[i].section)
        if k > last:
            out[i] = found[i]
            last = k
    return out


def line_cells(line: str) -> list[str] | None:
    """A line that is a table row or cell: "规章 0 0 0" (pdf), a value, a label; else None."""
    if line.startswith("\t") and "\t" not in line[1:]:
        return [line[1:]]
    text = line.strip()
    if not text:
        return None
    tokens = text.split()
    if len(tokens) == 1 and is_value(text):
        return [text]
    k = len(tokens)
    while k > 0 and is_value(tokens[k - 1]):
        k -= 1
    if k == 0:  # a row of values: "3 10 17 1 8 15 22"
        return tokens
    if k < len(tokens):
        head = tokens[:k]
        if all(is_table_text(t) for t in head):
            return head + tokens[k:]
        if is_table_text(" ".join(head)):
            return [" ".join(head), *tokens[k:]]
        if len("".join(head)) <= _FRAGMENT and "。" not in text:
            # the last piece of a label wrapped in a narrow cell, then the row's values
            return ["".join(head), *tokens[k:]]
    if is_table_text(text):
        return [text]
    if len(tokens) > 1 and all(is_table_text(t) for t in tokens):
        return tokens
    if len(text) <= _FRAGMENT and "。" not in text:
        return [text]  # a piece of a label wrapped in a narrow cell ("1.属" "于国" "家秘" "密")
    return None


def _flattened(lines: list[str], location: str) -> tuple[list[str], list[Table]]:
    """Split a table section's lines into narrative and the tables written one cell per line
    (blank label cells as empty lines; rows separated by empty lines when copied from a page)."""
    narrative: list[str] = []
    tabbed = any(x.startswith("\t") for x in lines)
    runs: list[list[str | list[str]]] = [[]]
    for line in lines:
        cells = line_cells(line)
        if cells is not None:
            runs[-1].append(cells)
        elif not line.strip():
            if runs[-1]:
                runs[-1].append("")  # a separator, if the run goes on
        else:
            narrative.append(line)
            if runs[-1]:
                runs.append([])
    tables: list[Table] = []
    for run in runs:
        while run and run[-1] == "":
            run.pop()
        if not run:
            continue
        # copied pages mark cells with a leading tab and end rows with an empty line; without
        # tabs an empty line may be a page break, so rows are found from labels and values
        separated = "" in run and tabbed
        rows: list[list[str]] = [[]]
        if separated:
            for x in run:
                if x == "":
                    if rows[-1]:
                        rows.append([])
                else:
                    rows[-1].extend(x)
        else:
            # no row separators: a row is labels then values; a label after a value starts the next
            for x in run:
                if x == "":
                    continue
                for cell in x:
                    if rows[-1] and not is_value(cell) and is_value(rows[-1][-1]):
                        rows.append([])
                    rows[-1].append(cell)
        tables.append(Table.from_rows([r for r in rows if r], positional=False, location=location))
    return narrative, tables


def _detect_format(reads: list[dict[FormatVersion, TableRead]]) -> FormatVersion | None:
    """SPEC FMT-03: the table version from the tables' labels, whatever the year says."""
    votes = {f: 0 for f in FORMATS}
    for by_format in reads:
        scores = {f: r.score for f, r in by_format.items()}
        if scores["2019"] != scores["2021"]:
            winner = max(scores, key=lambda f: scores[f])
            votes[winner] += abs(scores["2019"] - scores["2021"])
    if votes["2019"] == votes["2021"]:
        return None
    return max(votes, key=lambda f: votes[f])


def _best_reads(table: Table, where: str) -> dict[FormatVersion, TableRead]:
    out: dict[FormatVersion, TableRead] = {}
    texts = {norm_label(c.text) for c in table.cells}
    for fmt in FORMATS:
        specs = [t for t in load_layout(fmt).tables if t.render]
        # read only as the tables whose labels the source shares most (reading is the cost)
        hits = {t.id: len(texts & label_texts(t)) for t in specs}
        top = max(hits.values())
        best: TableRead | None = None
        for spec in specs:
            if top and hits[spec.id] * 2 < top:
                continue
            r = read_table(table, spec, where)
            if best is None or r.score > best.score:
                best = r
        assert best is not None
        out[fmt] = best
    return out


def _strip_signature(part: _Part, agency: str | None) -> dt.date | None:
    """The agency name and date printed under the last section are not part of its text."""
    date = None
    while part.lines:
        last = part.lines[-1].strip()
        if not last:
            part.lines.pop()
        elif m := _DATE_LINE.match(last):
            try:
                date = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return date
            part.lines.pop()
        elif agency and norm_label(last) == norm_label(agency):
            part.lines.pop()
        else:
            break
    return date


def _split(
    items: list[str | Table], heads: dict[int, Heading]
) -> tuple[list[str], list[Table], list[_Part]]:
    """The preamble's lines, the tables before any heading, and the sections' parts."""
    preamble_lines: list[str] = []
    leading: list[Table] = []
    parts: list[_Part] = []
    above = ""  # the last line of text, for the caption of a table right under it
    for i, x in enumerate(items):
        if isinstance(x, Table):
            x.caption = x.caption or above
        above = x.strip() if isinstance(x, str) and x.strip() else ("" if x != "" else above)
        if i in heads:
            parts.append(_Part(heads[i].section, heads[i].text))
        elif not parts:
            if isinstance(x, str):
                if x != PICTURE:
                    preamble_lines.append(x)
            else:  # a table before any heading (headings lost, or numbered by Word) still counts
                leading.append(x)
        elif isinstance(x, Table):
            parts[-1].tables.append(x)
        elif x == PICTURE or _PICTURE_LINE.match(x):
            parts[-1].pictures += 1
            if x != PICTURE:
                parts[-1].lines.append(x)
        else:
            parts[-1].lines.append(x)
    return preamble_lines, leading, parts


def assemble(
    blocks: list[Block],
    *,
    source: str,
    kind: str,
    meta: Meta | None = None,
    format: FormatVersion | None = None,
    given: Given | None = None,
) -> tuple[Report, Preamble]:
    """Build the Report from what a reader extracted. Raises InputError when the text is not
    an annual report at all (no year can be found, and none was given)."""
    meta = meta or Meta()
    given = given or Given()
    items = _items(blocks)
    heads = _headings(items)
    preamble_lines, leading, parts = _split(items, heads)
    info = read_preamble(preamble_lines, title_hint=meta.title)
    year = given.year if given.year is not None else info.year
    old = format is None and year is not None and year <= LAST_PRE_2019_YEAR
    if old:  # a report of the 2007 条例's time: its own sections (概述, 收费及减免…)
        heads = _headings(items, era="2008")
        preamble_lines, leading, parts = _split(items, heads)
        info = read_preamble(preamble_lines, title_hint=meta.title)
    notes: list[ReadNote] = _given_notes(info, given)
    if given.year is not None:
        info.year = given.year
    if given.agency:
        info.agency = given.agency
    if info.year is None:
        raise InputError(
            f"{source}：找不到报告年度（标题中的“××××年政府信息公开工作年度报告”、统计期限或正文）。"
            f"请确认这是一份政府信息公开工作年度报告；如原文确实没有写明年度，"
            f"可用 --year 指定（如 --year 2023），机关名称缺失时可用 --agency 指定。",
            source=source,
        )
    tables: list[tuple[Table, str]] = []
    n_table = 0
    for t in leading:
        n_table += 1
        tables.append((t, f"第{n_table}个表格"))
    for part in parts:
        for t in part.tables:
            n_table += 1
            tables.append((t, f"第{n_table}个表格"))
        if part.section in _TABLE_SECTIONS and not old:
            part.lines, flat = _flattened(part.lines, f"{part.heading}下的表格")
            tables.extend((t, f"{part.heading}下的表格") for t in flat)
    signed = _strip_signature(parts[-1], info.agency) if parts else None
    if old:
        # no national table existed: the report's own 统计表 is its own, not one of ours
        tables = []
        notes.append(
            ReadNote(
                level="info",
                message=f"这是{info.year}年度的报告，属于2019年以前（2008年起施行的条例）的格式，"
                f"当时没有全国统一的统计表格：按各部分读取正文，表格类和格式类校验不适用。",
            )
        )
    reads = [_best_reads(t, "") for t, _ in tables]
    fmt: FormatVersion = (
        "2008" if old else format or _detect_format(reads) or format_for_year(info.year)
    )
    layout = load_layout(fmt)
    raw: dict[str, str] = {}
    found_specs: dict[str, dict[str, str]] = {}
    for (table, where), by_format in zip(tables, reads, strict=True):
        read = by_format[fmt]
        if read.rows_matched == 0:
            continue
        if read.notes:  # re-read with the location in the messages
            read = read_table(table, read.spec, f"{where}：")
        notes.extend(read.notes)
        spec_cells = found_specs.setdefault(read.spec.id, {})
        for cid, text in read.cells.items():
            spec_cells.setdefault(cid, text)
            raw.setdefault(cid, text)
    for spec in layout.tables:
        if not spec.render:
            continue
        if spec.id in found_specs:
            notes.extend(missing_notes(spec, found_specs[spec.id]))
        else:
            pictured = any(p.section == spec.section and p.pictures for p in parts)
            notes.append(
                ReadNote(
                    message=(
                        f"未找到表{spec.number}（{spec.title}）：这一部分只有图片，表格可能是以图片发布的，"
                        f"表格规则无法判断（FMT-07）。请索取文字版，或用OCR识别后再读取。"
                    ),
                    location=IMAGE_TABLES,
                )
                if pictured
                else ReadNote(
                    message=(
                        f"未找到表{spec.number}（{spec.title}）：原文可能没有这张表，或表格的写法未能识别，"
                        f"依赖这张表的校验无法判断。请确认原文是否有这张表（或表格是否为图片），"
                        f"或另存为网页、Word后再读取。"
                    ),
                    cell=spec.cells[0].id,
                    location=UNREAD,
                )
            )
    notes.extend(_header_notes(tables, reads, fmt))
    other = next((p for p in parts if p.section == "other"), None)
    if fmt == "2021" and other is not None:
        fees = fee_texts(_join(other.lines))
        raw |= fees
        if fees:
            said = "、".join(f"{layout.cell(c).column.label}“{t}”" for c, t in fees.items())
            notes.append(
                ReadNote(
                    level="info",
                    message=(f"第六部分的信息处理费数字取自正文：{said}，用于信息处理费各项核对。"),
                )
            )
    cells: dict[str, Cell] = {
        cid: parse_cell(text, unit=layout.cell(cid).unit, source=kind) for cid, text in raw.items()
    }
    found = {p.section for p in parts}
    missing = [
        h
        for h, s in (
            ("一", "overview"),
            ("二", "active"),
            ("三", "apply"),
            ("四", "review"),
            ("五", "problems"),
            ("六", "other"),
        )
        if s not in found
    ]
    if missing:
        notes.append(
            ReadNote(
                message=f"未找到第{'、'.join(missing)}部分的标题，"
                f"请确认标题是否按“一、总体情况”等格式书写。",
                location=UNREAD,
            )
        )
    sections: dict[SectionId, Section] = {
        "preamble": Section(id="preamble", text=_join(preamble_lines[info.body_start :]))
    }
    for part in parts:
        if part.section not in sections:
            sections[part.section] = Section(
                id=part.section, heading=part.heading, text=_join(part.lines)
            )
        elif old:  # 收费及减免 and 其他事项 both go to 六 in an old report
            kept = sections[part.section]
            kept.text = _join([kept.text, part.heading, *part.lines])
    publication = meta.publication.model_copy()
    if publication.title is None:
        publication.title = info.title
    if publication.date is None and signed is not None:
        publication.date = signed
    agency = Agency(
        name=info.agency or publication.publisher or "",
        address=info.address,
        postcode=info.postcode,
        phone=info.phone,
        website=info.website,
    )
    # a published report has no profile; its name usually says what the deadline rules need
    agency_kind, level = infer_kind_level(agency.name)
    if agency_kind or level:
        agency.kind, agency.level = agency_kind, level
        notes.append(
            ReadNote(
                level="info",
                message=(
                    f"根据机关名称推断为{describe_inference(agency_kind, level)}（用于判断发布期限、能否制定规章）；"
                    f"如不对，请在单位信息中改正。"
                ),
            )
        )
    report = Report(
        agency=agency,
        year=info.year,
        format=fmt,
        title=info.title,
        sections=sections,
        cells=cells,
        publication=publication,
        source=source,
        notes=notes,
    )
    return report, info


def _given_notes(info: Preamble, given: Given) -> list[ReadNote]:
    """Say where a given year or agency differs from what the report prints."""
    out = []
    if given.year is not None and info.year is not None and given.year != info.year:
        out.append(
            ReadNote(
                level="info",
                message=f"报告中读到的年度是{info.year}年，已按指定的{given.year}年处理。",
            )
        )
    if given.agency and info.agency and given.agency != info.agency:
        out.append(
            ReadNote(
                level="info",
                message=f"报告中读到的机关名称是“{info.agency}”，已按指定的“{given.agency}”处理。",
            )
        )
    return out


def _header_notes(
    tables: list[tuple[Table, str]], reads: list[dict[FormatVersion, TableRead]], fmt: FormatVersion
) -> list[ReadNote]:
    """The identity note printed over table 三 (FMT-12 compares it with the format's), once."""
    for (table, _), by_format in zip(tables, reads, strict=True):
        read = by_format[fmt]
        if read.rows_matched == 0 or read.spec.section != "apply":
            continue
        for cell in table.cells:
            text = cell.text.strip()
            if "勾稽" in text and len(text) <= 80:
                return [
                    ReadNote(
                        level="info", message=f"表三表头印有说明“{text}”。", location=HEADER_NOTE
                    )
                ]
    return []


def _join(lines: list[str]) -> str:
    return "\n".join(s for s in (x.strip() for x in lines) if s)
