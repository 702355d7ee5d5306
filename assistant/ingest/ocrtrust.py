"""Trusting OCR'd values: each value is taken only when the engine was sure and its cell was
placed with certainty; then the tables' own sums (the 勾稽 identities) check what was taken, and
a single cell that breaks identities which otherwise hold is named as the likely misreading."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from assistant.ingest.assemble import Given, assemble
from assistant.ingest.blocks import Block
from assistant.ingest.entry import check_value, where
from assistant.ingest.scancells import ScanRead, Seen
from assistant.report.cells import Cell, Number, format_number
from assistant.report.layout import FormatVersion, RowSpec, load_layout
from assistant.report.model import (
    OCR_CHECK,
    OCR_SOURCE,
    OCR_SUMMARY,
    UNREAD,
    ReadNote,
    Report,
    Section,
)

# below this recognition confidence a value is left unread: a digit the engine was unsure of is
# a guess, and a wrong figure is worse than a blank with a note
MIN_SCORE = 0.9


@dataclass(frozen=True)
class Identity:
    """sum(coefficient × cell) == 0 for a report whose table is right."""

    table: str
    name: str  # for messages: 表三「自然人」列（一+二=三+四）
    terms: tuple[tuple[str, int], ...]


@cache
def identities(format: FormatVersion) -> tuple[Identity, ...]:
    """The identities printed with (表三) or implied by (总计 columns, 表四) the official tables."""
    layout = load_layout(format)
    out: list[Identity] = []
    for table in layout.tables:
        if not table.render:
            continue
        cols = [c for b in table.blocks for c in b.columns]
        rows = [r for b in table.blocks for r in b.rows]
        row_ids = {r.id for r in rows}
        if {"new", "carry_in", "res.total", "carry_out"} <= row_ids:
            leaves = [r.id for r in rows if r.id.startswith("res.") and r.id != "res.total"]
            parts = [c for c in cols if c.id != "total"]
            for col in cols:

                def cid(row: str, c: str = col.id, t: str = table.id) -> str:
                    return f"{t}.{row}.{c}"

                out.append(
                    Identity(
                        table.id,
                        f"表{table.number}「{col.label}」列（一+二=三+四）",
                        ((cid("new"), 1), (cid("carry_in"), 1), (cid("res.total"), -1))
                        + ((cid("carry_out"), -1),),
                    )
                )
                out.append(
                    Identity(
                        table.id,
                        f"表{table.number}「{col.label}」列（总计=各项办理结果之和）",
                        ((cid("res.total"), 1), *((cid(r), -1) for r in leaves)),
                    )
                )
            if any(c.id == "total" for c in cols):
                for r in rows:
                    out.append(
                        Identity(
                            table.id,
                            f"表{table.number}「{r.label}」行（总计=各列之和）",
                            (
                                (f"{table.id}.{r.id}.total", 1),
                                *((f"{table.id}.{r.id}.{c.id}", -1) for c in parts),
                            ),
                        )
                    )
        for col in cols:
            head, _, leaf = col.id.rpartition(".")
            if leaf == "total" and head:
                members = [c for c in cols if c.id.startswith(head + ".") and c is not col]
                out.append(
                    Identity(
                        table.id,
                        f"表{table.number}「{'/'.join(col.groups)}」总计",
                        (
                            (_cell_id(table.id, rows, col.id), 1),
                            *((_cell_id(table.id, rows, c.id), -1) for c in members),
                        ),
                    )
                )
    return tuple(out)


def _cell_id(table: str, rows: list[RowSpec], col: str) -> str:
    row = rows[0].id if rows else ""
    return f"{table}.{row}.{col}" if row else f"{table}.{col}"


def finish(
    blocks: list[Block],
    scan: ScanRead,
    *,
    source: str,
    kind: str,
    format: FormatVersion | None,
    given: Given | None = None,
) -> Report:
    """Assemble the OCR'd blocks into a Report and decide, value by value, what is trusted."""
    # the kind names the file; the values the OCR read get their own source in resolve()
    report, _ = assemble(blocks, source=source, kind=kind, format=format, given=given)
    return resolve(report, scan)


def resolve(report: Report, scan: ScanRead) -> Report:
    layout = report.layout
    cells: dict[str, Cell] = {}
    notes: list[ReadNote] = []
    ocr: dict[str, Seen] = {}
    for cid, cell in report.cells.items():
        seen = scan.seen.get(cell.raw.strip())
        if seen is None:
            cells[cid] = cell
            continue
        spec = layout.cell(cid)
        read, why = check_value(seen.text, spec, source=f"{OCR_SOURCE} {seen.where()}")
        if not why and seen.doubt:
            why = seen.doubt
        if not why and seen.score < MIN_SCORE:
            why = f"识别把握不足（置信度{seen.score:.2f}）"
        if not why and read.kind not in ("number", "dash", "slash"):
            why = "不是数字"
        if why:
            notes.append(_check_note(report, cid, seen, f"识别为“{seen.text}”，{why}，未采用"))
            continue
        cells[cid] = read.model_copy(
            update={"source": f"{OCR_SOURCE} {seen.where()} 置信度{seen.score:.2f}"}
        )
        ocr[cid] = seen
    cells, identity_notes = _by_identities(report, cells, ocr)
    notes = [_with_implied(report, cells, n) for n in notes] + identity_notes
    kept = [n.model_copy(update={"message": scan.restore(n.message)}) for n in report.notes]
    notes += _unread_tables(report, cells, notes)
    n_checks = sum(1 for n in notes if n.location == OCR_CHECK)
    taken = sum(1 for c in cells.values() if (c.source or "").startswith(OCR_SOURCE))
    summary = ReadNote(
        level="info" if not n_checks else "warning",
        location=OCR_SUMMARY,
        message=f"共{scan.pages}页经文字识别（OCR）读取：{taken}个单元格的数字来自识别，"
        f"{n_checks}处需要人工核对原件（见下列提示）。识别的数字请与原件核对后再作结论。",
    )
    sections = {
        sid: Section(id=s.id, heading=scan.restore(s.heading), text=scan.restore(s.text))
        for sid, s in report.sections.items()
    }
    return report.model_copy(
        update={"cells": cells, "notes": [summary, *kept, *notes], "sections": sections}
    )


def _with_implied(report: Report, cells: dict[str, Cell], note: ReadNote) -> ReadNote:
    """A cell left unread whose value the identities fix (every other cell of them read, and
    all of them agreeing): the note says so, for the person checking the page. Not taken."""
    cid = note.cell
    if cid is None or cid in cells:
        return note
    values = {k: c.value for k, c in cells.items() if c.value is not None and c.kind == "number"}
    implied: set[Number] = set()
    for i in identities(report.format):
        own = [k for c, k in i.terms if c == cid]
        if not own or any(c not in values for c, _ in i.terms if c != cid):
            continue
        rest = sum((k * values[c] for c, k in i.terms if c != cid), start=0)
        implied.add(-rest * own[0])  # k is ±1
    if len(implied) != 1:
        return note
    value = implied.pop()
    if value < 0:
        return note
    message = note.message.replace(
        "，请核对原件", f"，按勾稽关系应为{format_number(value)}，请核对原件", 1
    )
    return note.model_copy(update={"message": message})


def _unread_tables(report: Report, cells: dict[str, Cell], notes: list[ReadNote]) -> list[ReadNote]:
    """The checks' own mark (UNREAD) on each table with cells the OCR read but did not take, so
    that their rules say 'cannot judge' instead of 'the table lacks a cell'."""
    out: list[ReadNote] = []
    left = [n.cell for n in notes if n.location == OCR_CHECK and n.cell and n.cell not in cells]
    for table in report.layout.tables:
        mine = [c for c in left if c.split(".", 1)[0] == table.id]
        if mine:
            out.append(
                ReadNote(
                    cell=mine[0],
                    location=UNREAD,
                    message=f"表{table.number}有{len(mine)}个单元格识别后未采用（见上方提示），"
                    f"依赖这些格的校验无法判断；核对原件后可手工补录。",
                )
            )
    return out


def _check_note(report: Report, cid: str, seen: Seen, what: str) -> ReadNote:
    spec = report.layout.cell(cid)
    return ReadNote(
        level="warning",
        cell=cid,
        location=OCR_CHECK,
        message=f"第{seen.page}页 {where(spec)}：{what}，请核对原件"
        f"（位置{seen.where()}，置信度{seen.score:.2f}）。",
    )


def _by_identities(
    report: Report, cells: dict[str, Cell], ocr: dict[str, Seen]
) -> tuple[dict[str, Cell], list[ReadNote]]:
    """Check the taken values against the identities; name the one cell that explains every
    broken identity (and breaks none that holds), else say which identities do not hold."""
    values: dict[str, Number] = {
        cid: c.value for cid, c in cells.items() if c.value is not None and c.kind == "number"
    }
    known = [i for i in identities(report.format) if all(c in values for c, _ in i.terms)]
    broken = {i: _residual(i, values) for i in known if _residual(i, values) != 0}
    if not broken:
        return cells, []
    notes: list[ReadNote] = []
    suspects = list(_suspects(known, broken, values, ocr))
    if len(suspects) == 1:
        cid, should = suspects[0]
        seen = ocr[cid]
        cells = {k: v for k, v in cells.items() if k != cid}
        notes.append(
            _check_note(
                report,
                cid,
                seen,
                f"识别为{seen.text}，按勾稽关系应为{format_number(should)}，未采用",
            )
        )
        return cells, notes
    involved = sorted({c for i in broken for c, _ in i.terms if c in ocr})
    if involved:
        names = "、".join(i.name for i in list(broken)[:4]) + ("等" if len(broken) > 4 else "")
        notes.append(
            ReadNote(
                level="warning",
                location=OCR_CHECK,
                cell=involved[0],
                message=f"识别出的数字不满足{names}的勾稽关系，无法确定是哪一格识别有误还是原表如此，"
                f"请对照原件核对这些格。",
            )
        )
    return cells, notes


def _residual(identity: Identity, values: dict[str, Number]) -> Number:
    return sum((k * values[c] for c, k in identity.terms), start=0)


def _suspects(
    known: list[Identity],
    broken: dict[Identity, Number],
    values: dict[str, Number],
    ocr: dict[str, Seen],
) -> Iterator[tuple[str, int]]:
    """Cells whose one corrected value would make every identity hold."""
    cands = {c for i in broken for c, _ in i.terms if c in ocr}
    for cid in sorted(cands):
        mine = [i for i in known if any(c == cid for c, _ in i.terms)]
        if len(mine) < 2 or any(i not in broken for i in mine):
            continue
        if any(not any(c == cid for c, _ in i.terms) for i in broken):
            continue
        shifts: set[Number] = set()
        for i in mine:
            k = next(k for c, k in i.terms if c == cid)
            shifts.add(-broken[i] * k)  # k is ±1
        if len(shifts) != 1:
            continue
        should = values[cid] + shifts.pop()
        if should < 0 or should != int(should):
            continue
        yield cid, int(should)
