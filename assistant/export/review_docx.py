"""The review package (`xxgk review`): the report as a Word file with every finding as a Word
comment on its sentence or table cell, and each mechanical fix (a total that does not add up, a
wrong carry-over) as a tracked change the drafter can accept in Word or WPS.

Reviewers of official documents work in Word: comments (审阅 → 批注) and revisions (修订) are
what they read and answer, one by one. A parser reads the reviewed file back as the accepted
text: deleted runs are `w:delText`, which readers skip, and comments live in their own part.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from assistant.checks import SEVERITY_LABELS, STATUS_LABELS, Finding, registered_rules
from assistant.export.docx import Anchors, compose_docx
from assistant.export.gate import DRAFT
from assistant.export.outline import printable
from assistant.report import Report, format_number

AUTHOR = "xxgk 审核"
INITIALS = "审"
# Rules whose failure names the one right value of its first cell: the total is the sum of
# its parts (表三 列/行总计, 表四 总计), this year's opening figure is last year's closing one
# (XY-01), 现行有效 is last year's + 制发 − 废止 (XY-02). The fix is proposed, never imposed:
# when a part is the wrong cell, the drafter rejects the revision and corrects that part.
MECHANICAL = frozenset({"T3-02", "T3-03", "T4-01", "T4-02", "T4-03", "XY-01", "XY-02"})


@dataclass(frozen=True)
class Placed:
    """One finding as a comment: what it is anchored on, and whether a revision goes with it."""

    finding: Finding
    comment_id: int
    anchor: str  # "cell:<id>", "sentence:<section>", "section:<section>" or "title"
    anchored_text: str  # the text the comment covers
    fix: tuple[str, str] | None = None  # (found, expected) as shown in the tracked change


def _number(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None


def _split_run(run: Run, at: int) -> Run:
    """Cut a plain-text run in two at character `at`; the second half (same properties) is
    returned, placed right after the first."""
    text = run.text
    tail = copy.deepcopy(run._r)
    run._r.addnext(tail)
    run.text = text[:at]
    second = Run(tail, run._parent)
    second.text = text[at:]
    return second


def _isolate(paragraph: DocxParagraph, start: int, end: int) -> list[Run]:
    """The runs that hold exactly paragraph.text[start:end], splitting runs where needed."""
    pos = 0
    for run in list(paragraph.runs):
        length = len(run.text)
        if pos < start < pos + length:
            _split_run(run, start - pos)
        pos += length
    pos, out = 0, []
    for run in list(paragraph.runs):
        length = len(run.text)
        if pos < end < pos + length:
            _split_run(run, end - pos)
            length = end - pos
        if start <= pos and pos + length <= end and length:
            out.append(run)
        pos += length
    return out


def _rule_titles() -> dict[str, str]:
    return {r.id: r.title for r in registered_rules()}


def _comment_text(f: Finding, fix: tuple[str, str] | None, titles: dict[str, str]) -> list[str]:
    head = (
        f"【{f.rule} {titles.get(f.rule, '')}｜{SEVERITY_LABELS[f.severity]}"
        f"{'' if f.status == 'fail' else '｜' + STATUS_LABELS[f.status]}】{f.message}"
    )
    if fix is not None:
        advice = (
            f"建议修改：{fix[0]} → {fix[1]}（已用修订标出，在“审阅”中接受即可；"
            f"如果填错的是其他单元格，请拒绝此修订并改正那一格）。"
        )
    elif f.status == "not_assessable":
        advice = "建议：补填所缺的数字（没有的填0）后重新校验。"
    elif f.expected is not None and f.found is not None:
        advice = f"建议：核对后改为{f.expected}（现为{f.found}），或在正文中说明原因。"
    else:
        advice = f"建议：按“{titles.get(f.rule, f.rule)}”的要求核对并修改。"
    return [head, advice]


class _Revisions:
    """Tracked changes (w:del + w:ins) by one author at one time, with unique ids."""

    def __init__(self, author: str, when: datetime) -> None:
        self.author = author
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 9001  # clear of the comment ids python-docx hands out from 0

    def _mark(self, tag: str) -> etree._Element:
        el = etree.Element(qn(tag))
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        self.next_id += 1
        return el

    def replace(self, runs: Sequence[Run], new_text: str) -> None:
        """Mark `runs` deleted and `new_text` inserted after them, as one revision pair."""
        first = runs[0]._r
        deleted = self._mark("w:del")
        first.addprevious(deleted)
        for run in runs:
            for t in run._r.iter(qn("w:t")):
                t.tag = qn("w:delText")
            deleted.append(run._r)
        inserted = self._mark("w:ins")
        new_r = copy.deepcopy(first)
        for child in list(new_r):
            if child.tag != qn("w:rPr"):
                new_r.remove(child)
        t = etree.SubElement(new_r, qn("w:t"))
        t.text = new_text
        inserted.append(new_r)
        deleted.addnext(inserted)


def _fixes(findings: Iterable[Finding], anchors: Anchors) -> dict[str, tuple[str, str]]:
    """cell id → (shown now, the value it must have), only where every mechanical finding on
    that cell asks for the same value."""
    wanted: dict[str, set[str]] = {}
    for f in findings:
        if f.rule not in MECHANICAL or f.status != "fail" or not f.cells:
            continue
        cid = f.cells[0]
        expected, found = _number(f.expected), _number(f.found)
        if cid in anchors.cells and expected is not None and found != expected:
            wanted.setdefault(cid, set()).add(format_number(expected))
    out = {}
    for cid, values in wanted.items():
        if len(values) == 1:
            out[cid] = (anchors.cells[cid].text, next(iter(values)))
    return out


def _sentence_anchor(
    f: Finding, anchors: Anchors
) -> tuple[DocxParagraph, int, int] | tuple[None, int, int]:
    quote = printable(f.quote or "").strip()
    if not quote or f.section is None:
        return None, 0, 0
    for section, p in anchors.paragraphs:
        if section == f.section:
            at = p.text.find(quote)
            if at >= 0:
                return p, at, at + len(quote)
    return None, 0, 0


def build_review_docx(
    report: Report,
    findings: Sequence[Finding],
    *,
    author: str = AUTHOR,
    when: datetime | None = None,
) -> tuple[DocxDocument, list[Placed]]:
    """The report (as a 征求意见稿) with each finding that did not pass as a comment on its
    place, and the mechanical fixes as tracked changes. Passed findings are left out."""
    when = when or datetime.now(UTC)
    doc, anchors = compose_docx(report, kind=DRAFT)
    todo = [f for f in findings if f.status != "pass"]
    fixes = _fixes(todo, anchors)
    titles = _rule_titles()
    revisions = _Revisions(author, when)
    placed: list[Placed] = []
    pending: dict[str, tuple[list[Run], str]] = {}
    for f in todo:
        runs: list[Run] = []
        anchor, fix = "title", None
        cell_id = next((c for c in f.cells if c in anchors.cells), None)
        p, start, end = _sentence_anchor(f, anchors)
        if p is not None:  # a sentence quoted: the words are what the drafter changes
            runs, anchor = _isolate(p, start, end), f"sentence:{f.section}"
        elif cell_id is not None:
            runs = [r for r in anchors.cells[cell_id].paragraphs[0].runs if r.text]
            anchor = f"cell:{cell_id}"
            if f.rule in MECHANICAL and cell_id == f.cells[0] and cell_id in fixes:
                fix = fixes[cell_id]
        elif f.section is not None and f.section in anchors.headings:
            runs, anchor = list(anchors.headings[f.section].runs), f"section:{f.section}"
        if not runs:
            runs, anchor = list(anchors.title.runs), "title"
        text = "".join(r.text for r in runs)
        lines = _comment_text(f, fix, titles)
        comment = doc.add_comment(runs, text=lines[0], author=author, initials=INITIALS)
        for line in lines[1:]:
            comment.add_paragraph(line)
        if fix is not None and cell_id is not None:
            pending.setdefault(cell_id, (runs, fix[1]))
        placed.append(Placed(f, comment.comment_id, anchor, text, fix))
    # revisions last: every comment on a cell covers its runs before they move into w:del
    for runs, value in pending.values():
        revisions.replace(runs, value)
    doc.core_properties.subject = "审核意见"
    return doc, placed


def review_docx_bytes(report: Report, findings: Sequence[Finding], **kw: object) -> bytes:
    doc, _ = build_review_docx(report, findings, **kw)  # type: ignore[arg-type]
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
