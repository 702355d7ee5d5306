"""Word .docx reports (python-docx): paragraphs and tables in document order, merged cells
(gridSpan, vMerge) expanded into a grid."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from assistant.errors import InputError
from assistant.ingest.assemble import Given, Meta, assemble
from assistant.ingest.blocks import PICTURE, Block, Paragraph, Table, TableCell
from assistant.report.layout import FormatVersion
from assistant.report.model import Report

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _BR, _TAB, _CR = qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")
_VAL = qn("w:val")
_DRAWING, _PICT = qn("w:drawing"), qn("w:pict")


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _has_fallback(p: etree._Element) -> bool:
    return next(p.iter(_FALLBACK), None) is not None


def _text(p: etree._Element) -> str:
    """A paragraph's text with its line breaks; field codes and deleted text are left out."""
    out: list[str] = []
    boxed = _has_fallback(p)
    for el in p.iter(_T, _BR, _TAB, _CR):
        if boxed and any(a.tag == _FALLBACK for a in el.iterancestors(_FALLBACK)):
            continue  # a text box is stored twice (drawing and VML fallback): read it once
        if el.tag == _T:
            out.append(el.text or "")
        elif el.tag == _TAB:
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _int(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_VAL, default)), 1)
    except ValueError:
        return default


def _table(tbl: etree._Element) -> Table:
    cells: list[dict[str, object]] = []
    open_cells: dict[int, dict[str, object]] = {}  # grid column → cell being merged down
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        trpr = tr.find(qn("w:trPr"))
        col = _int(trpr.find(qn("w:gridBefore")) if trpr is not None else None, 0)
        for tc in tr.iterchildren(_TC):
            tcpr = tc.find(qn("w:tcPr"))
            span = _int(tcpr.find(qn("w:gridSpan")) if tcpr is not None else None, 1)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            text = "\n".join(_text(p) for p in tc.iter(_P))
            if vmerge is not None and vmerge.get(_VAL) != "restart" and col in open_cells:
                open_cells[col]["rowspan"] = int(open_cells[col]["rowspan"]) + 1  # type: ignore[call-overload]
            else:
                cell: dict[str, object] = {
                    "row": r,
                    "col": col,
                    "text": text,
                    "rowspan": 1,
                    "colspan": span,
                }
                cells.append(cell)
                if vmerge is not None:
                    open_cells[col] = cell
                else:
                    open_cells.pop(col, None)
            col += span
    return Table([TableCell(**c) for c in cells])  # type: ignore[arg-type]


def _blocks(body: etree._Element) -> list[Block]:
    out: list[Block] = []
    for child in body.iterchildren():
        if child.tag == _P:
            out.append(Paragraph(_text(child)))
            if next(child.iter(_DRAWING, _PICT), None) is not None:
                out.append(Paragraph(PICTURE))
        elif child.tag == _TBL:
            out.append(_table(child))
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                out.extend(_blocks(content))
    return out


# What python-docx raises for a file that is not a readable .docx: damaged, encrypted, a renamed
# .doc, or a zip it cannot follow.
UNREADABLE: tuple[type[BaseException], ...] = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    etree.LxmlError,
    OSError,
    zlib.error,
    EOFError,
    struct.error,
    NotImplementedError,
    RuntimeError,
)


def read(path: Path, *, format: FormatVersion | None = None, given: Given | None = None) -> Report:
    try:
        document = docx.Document(str(path))
        blocks = _blocks(document.element.body)
        title = document.core_properties.title or None
    except UNREADABLE as exc:  # a damaged or encrypted zip raises any of these
        raise InputError(
            f"{path.name}：无法作为 Word 文档（.docx）打开。如是 .doc 或 WPS 格式，"
            f"请另存为 .docx 后再试。",
            source=path,
        ) from exc
    report, _ = assemble(
        blocks, source=str(path), kind="docx", meta=Meta(title=title), format=format, given=given
    )
    return report
