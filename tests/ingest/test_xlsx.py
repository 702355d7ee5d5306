"""The data-entry workbook: its layout, reading it back, and every error naming sheet!cell."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.config import shipped_dir
from assistant.errors import InputError, InputErrors
from assistant.export.xlsx import write_workbook
from assistant.ingest import datafile, read_report
from assistant.ingest import xlsx as xlsx_reader
from assistant.report import Report, load_layout, parse_cell
from assistant.report.grid import table_grid
from assistant.report.workbook import GRID_TOP, MAP_SHEET

EXAMPLE = shipped_dir("knowledge") / "examples" / "report-2025.yaml"


def _key(report: Report) -> dict[str, tuple[object, str, str]]:
    """What must survive a round trip: kind and value, and the text of a non-number."""
    return {
        k: (c.value, c.kind, "" if c.is_number else c.raw.strip()) for k, c in report.cells.items()
    }


@pytest.fixture(scope="module")
def _filled_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("book") / "example.xlsx"
    return write_workbook(path, datafile.read(EXAMPLE)).read_bytes()


@pytest.fixture
def filled(tmp_path: Path, _filled_bytes: bytes) -> Path:
    """The shipped example as a filled-in workbook (a fresh copy per test)."""
    path = tmp_path / "年报数据.xlsx"
    path.write_bytes(_filled_bytes)
    return path


def _edit(path: Path, **cells: object) -> Path:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        sheet, addr = ref.split("__")
        wb[sheet][addr] = value
    wb.save(path)
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(InputErrors) as info:
        xlsx_reader.read(path)
    return [e.message for e in info.value.errors]


# ---- the template -------------------------------------------------------------------------------


def test_template_layout_2021(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "t.xlsx", year=2025)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["单位信息", "表二", "表三", "表四", MAP_SHEET]
    assert wb[MAP_SHEET].sheet_state == "veryHidden"
    layout = load_layout("2021")
    for table, name in zip(
        [t for t in layout.tables if t.render], ["表二", "表三", "表四"], strict=True
    ):
        ws = wb[name]
        assert ws["A1"].value == table.title
        grid = table_grid(table)
        merged = {str(r) for r in ws.merged_cells.ranges}
        for c in grid.cells:
            top = ws.cell(GRID_TOP + c.row, 1 + c.col)
            if c.rowspan > 1 or c.colspan > 1:
                end = ws.cell(GRID_TOP + c.row + c.rowspan - 1, c.col + c.colspan)
                assert f"{top.coordinate}:{end.coordinate}" in merged
            if c.kind == "data":
                assert top.value is None and top.protection.locked is False
            else:
                assert top.value == (c.text or None) and top.protection.locked is True
        assert ws.protection.sheet is True
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    apply = wb["表三"]
    assert apply.freeze_panes == "D6"  # below the 3 header rows, right of the 3 label columns
    kinds = {(dv.type, dv.operator, dv.formula1) for dv in apply.data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual", "0") in kinds
    dv = next(dv for dv in apply.data_validations.dataValidation if dv.type == "whole")
    assert "D6" in dv.sqref and "J30" in dv.sqref and "整数" in dv.error
    active = wb["表二"]
    money = next(dv for dv in active.data_validations.dataValidation if dv.type == "decimal")
    assert money.operator == "greaterThanOrEqual" and "金额" in money.error
    profile = wb["单位信息"]
    assert profile["B8"].value == 2025 and profile["A8"].value == "统计年度"
    lists = [dv for dv in profile.data_validations.dataValidation if dv.type == "list"]
    assert any("部门" in dv.formula1 for dv in lists) and any("县级" in dv.formula1 for dv in lists)
    assert apply.column_dimensions["C"].width > apply.column_dimensions["D"].width


def test_template_2019_has_signed_delta(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "t.xlsx", year=2020))
    dvs = wb["表二"].data_validations.dataValidation
    signed = next(dv for dv in dvs if dv.operator == "between")
    assert signed.formula1.startswith("-")
    r = xlsx_reader.read(tmp_path / "t.xlsx")
    assert r.format == "2019" and r.year == 2020


def test_empty_template_reads_as_blank_not_zero(tmp_path: Path) -> None:
    r = read_report(write_workbook(tmp_path / "t.xlsx", year=2025))
    assert len(r.cells) == len(load_layout("2021").cell_ids)
    assert {c.kind for c in r.cells.values()} == {"blank"}
    assert r.value("apply.new.total") is None


# ---- round trips ----------------------------------------------------------------------------


def test_example_round_trip(filled: Path) -> None:
    original = datafile.read(EXAMPLE)
    back = read_report(filled)
    assert _key(back) == _key(original)
    assert back.agency.model_dump() == original.agency.model_dump(
        include={"name", "kind", "level", "parent"}
    ) | {"address": None, "postcode": None, "phone": None, "website": None}
    assert back.cells["apply.new.natural_person"].source == "表三!D6"
    assert back.cells["fees.notices_amount_yuan"].value == Decimal(150)


def test_marks_and_signed_figures_round_trip(tmp_path: Path) -> None:
    raws = {
        "active19.licensing.delta": "-3",
        "active19.penalty.delta": "+2",
        "active19.rules.new_made": "/",
        "active19.procurement.amount": "12.75",
        "apply19.new.total": "—",
        "apply19.carry_in.total": "",
        "review19.admin_review.total": "0",
    }
    layout = load_layout("2019")
    report = Report(
        year=2020, cells={k: parse_cell(v, unit=layout.cell(k).unit) for k, v in raws.items()}
    )
    back = read_report(write_workbook(tmp_path / "r.xlsx", report))
    expected = _key(report) | {k: (None, "blank", "") for k in layout.cell_ids if k not in raws}
    assert _key(back) == expected


_RAW = st.one_of(st.integers(0, 99_999).map(str), st.sampled_from(["", "/", "—"]))


@pytest.mark.slow
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_random_reports_round_trip(tmp_path: Path, data: st.DataObject) -> None:
    year = data.draw(st.sampled_from([2020, 2025]))
    layout = load_layout("2021" if year >= 2021 else "2019")
    cells = {}
    for cid in layout.cell_ids:
        spec = layout.cell(cid)
        if spec.type == "dec":
            raw = str(data.draw(st.decimals(0, 10**5, places=2)))
        elif spec.type == "sint":
            raw = str(data.draw(st.integers(-50, 50)))
        else:
            raw = data.draw(_RAW)
        cells[cid] = parse_cell(raw, unit=spec.unit)
    report = Report(year=year, cells=cells)
    back = read_report(write_workbook(tmp_path / f"r{year}.xlsx", report))
    assert _key(back) == _key(report)


# ---- errors name file, sheet!cell, table row and column -------------------------------------------


def test_bad_values_name_the_cell(filled: Path) -> None:
    _edit(filled, 表三__D10="十二", 表三__E10=2.5, 表二__B16="约三万")
    errors = _errors(filled)
    assert errors[0] == (
        "年报数据.xlsx：表二!B16：表二 第6行「第二十条第（八）项 行政事业性收费」"
        "本年收费金额（单位：万元）列：'约三万' 不是数字，应为不小于 0 的金额数字。"
        "请填写阿拉伯数字金额（单位：万元），如 3.25；没有的填 0。"
    )
    assert errors[1].startswith(
        "年报数据.xlsx：表三!D10：表三 第5行「（三）不予公开 1.属于国家秘密」"
        "自然人列：'十二' 不是整数"
    )
    assert "表三!E10" in errors[2] and "法人或其他组织/商业企业列：'2.5' 不是整数" in errors[2]


def test_profile_errors(filled: Path) -> None:
    _edit(filled, 单位信息__B5="局", 单位信息__B8=None)
    errors = _errors(filled)
    assert "年报数据.xlsx：单位信息!B5：“局”无法识别。请从下拉列表中选择：部门" in errors[0]
    assert (
        errors[1]
        == "年报数据.xlsx：单位信息!B8：“统计年度”没有填写。请填写报告所统计的年度，如 2025。"
    )


def test_renamed_and_deleted_sheets(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    wb["表四"].title = "Sheet4"
    del wb["表二"]
    wb.save(filled)
    errors = _errors(filled)
    assert "找不到工作表“表二”（可能被改名或删除）" in errors[0] and "xxgk template" in errors[0]
    assert (
        "找不到工作表“表四”" in errors[1]
        and "“Sheet4”看起来就是它，请把它改名为“表四”" in errors[1]
    )


def test_inserted_row_is_explained_not_misread(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    wb["表三"].insert_rows(9)
    wb.save(filled)
    errors = _errors(filled)
    assert len(errors) == 1
    assert "工作表“表三”的表头或行标签与官方格式不一致" in errors[0]
    assert "表三!B9 应为「（二）部分公开" in errors[0] and "插入、删除或移动了行列" in errors[0]


def test_without_the_cell_map_the_layout_is_used(filled: Path) -> None:
    wb = openpyxl.load_workbook(filled)
    del wb[MAP_SHEET]
    wb.save(filled)
    r = xlsx_reader.read(filled)
    assert _key(r) == _key(datafile.read(EXAMPLE))
    assert any("对照表" in n.message for n in r.notes)


def test_formula_without_a_cached_value(filled: Path) -> None:
    _edit(filled, 表三__J6="=SUM(D6:I6)")
    errors = _errors(filled)
    assert errors == [
        "年报数据.xlsx：表三!J6：公式“=SUM(D6:I6)”没有计算结果（文件不是在 Excel/WPS "
        "中保存的）。请在 Excel/WPS 中打开并保存一次，或直接填写数字。"
    ]


def test_format_mismatch_and_foreign_workbooks(filled: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="2021版格式的模板，与指定的 2019 版格式不符"):
        xlsx_reader.read(filled, format="2019")
    other = tmp_path / "别的表.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(InputError, match="别的表.xlsx：这不是 xxgk 的年报数据模板"):
        xlsx_reader.read(other)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="坏.xlsx：无法打开这个 Excel 文件"):
        xlsx_reader.read(broken)


def _office_convert(source: Path, to: str, out: Path, profile: Path) -> Path:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "libreoffice is needed (scripts/system-deps: libreoffice-calc-nogui)"
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{to.split(':')[0]}"


@pytest.mark.slow
def test_a_workbook_saved_again_by_another_spreadsheet_program_reads_the_same(
    filled: Path, tmp_path: Path
) -> None:
    # a clerk opens the template in WPS or Excel and saves it: LibreOffice Calc stands in here
    # (its own shared strings, styles and sheet order; the hidden cell map must survive)
    _edit(filled, 表三__D10="9")  # typed in the spreadsheet program, as text
    resaved = _office_convert(
        filled, "xlsx:Calc MS Excel 2007 XML", tmp_path / "resaved", tmp_path / "lo"
    )
    ours, theirs = read_report(filled), read_report(resaved)
    assert {k: c.value for k, c in theirs.cells.items()} == {
        k: c.value for k, c in ours.cells.items()
    }
    assert (theirs.agency, theirs.year, theirs.format) == (ours.agency, ours.year, ours.format)


@pytest.mark.slow
def test_libreoffice_converts_the_workbook(filled: Path, tmp_path: Path) -> None:
    pdf = _office_convert(filled, "pdf", tmp_path / "pdf", tmp_path / "lo")
    assert pdf.exists() and pdf.stat().st_size > 10_000
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "收到和处理政府信息公开申请情况" in text and "青岚县自然资源局" in text
