"""Every reader gets the known 2025 report back from the form real sites publish it in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from report_forms import AGENCY, TITLE, flat_text, known_report

from assistant.errors import InputError, NeedsOCRError
from assistant.ingest import read_report
from assistant.report.layout import SECTION_IDS

FORMS = ["known-2025-word.html", "known-2025.docx", "known-2025.pdf", "known-2025-flat.txt"]


def _values(report: object) -> dict[str, object]:
    return {k: c.value for k, c in report.cells.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", FORMS)
def test_each_form_reads_back_the_known_figures(data_dir: Path, name: str) -> None:
    known = known_report()
    r = read_report(data_dir / "reports" / name)
    assert _values(r) == _values(known)
    assert (r.agency.name, r.year, r.format, r.title) == (AGENCY, 2025, "2021", TITLE)
    assert set(r.sections) == set(SECTION_IDS)
    for s in ("overview", "problems", "other"):
        assert r.text(s) == known.text(s), s
    assert [n for n in r.notes if n.level != "info"] == []
    assert r.agency.phone == "0631-1234567"


def test_libreoffice_pdf_with_labels_wrapped_in_narrow_cells(data_dir: Path) -> None:
    # LibreOffice's PDF of the .docx: labels come out in 2-character pieces, values in rows
    r = read_report(data_dir / "reports" / "known-2025-libreoffice.pdf")
    assert _values(r) == _values(known_report())
    assert (r.agency.name, r.year, r.format) == (AGENCY, 2025, "2021")
    assert set(r.sections) == set(SECTION_IDS) and [n for n in r.notes if n.level != "info"] == []
    assert r.text("apply") == ""  # the wrapped 勾稽 note is table text, not narrative


def test_word_html_keeps_publication_metadata_and_drops_chrome(data_dir: Path) -> None:
    r = read_report(data_dir / "reports" / "known-2025-word.html")
    assert r.publication.index_no == "11371000MB2853-01-2026-0003"
    assert r.publication.publisher == "示例区数据资源局"
    assert str(r.publication.date) == "2026-01-20"
    assert "首页" not in r.narrative and "网站标识码" not in r.narrative
    # full-width digits in cells are read as numbers; raw keeps what the page said
    wide = [c for c in r.cells.values() if any("０" <= ch <= "９" for ch in c.raw)]
    assert wide and all(c.kind == "number" for c in wide)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_in_any_chinese_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(flat_text(known_report()).encode(encoding))
    r = read_report(path)
    assert r.agency.name == AGENCY and _values(r) == _values(known_report())


def test_flattened_text_without_tabs_or_row_breaks(tmp_path: Path) -> None:
    path = tmp_path / "copied.txt"
    path.write_text(flat_text(known_report(), tabs=False), encoding="utf-8")
    assert _values(read_report(path)) == _values(known_report())


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 200, 300, fill=1)  # a "scan": marks, no text
    c.showPage()
    c.save()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(NeedsOCRError, match="需要OCR"):
        read_report(path)


@pytest.mark.parametrize("name", ["broken.docx", "broken.pdf"])
def test_broken_files_are_input_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not what the suffix says")
    with pytest.raises(InputError) as info:
        read_report(path)
    assert name in info.value.message


def test_text_without_a_year_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("会议纪要\n\n今天开会。", encoding="utf-8")
    with pytest.raises(InputError, match="报告年度"):
        read_report(path)


def test_docx_text_box_is_read_once() -> None:
    from lxml import etree

    from assistant.ingest.docx import _text

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = "<w:txbxContent><w:p><w:r><w:t>示例局</w:t></w:r></w:p></w:txbxContent>"
    xml = (
        f'<w:p xmlns:w="{w}" xmlns:mc="{mc}"><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps">{box}</mc:Choice><mc:Fallback>{box}</mc:Fallback>'
        f"</mc:AlternateContent></w:r><w:r><w:t>2025年报告</w:t></w:r></w:p>"
    )
    assert _text(etree.fromstring(xml)) == "示例局2025年报告"


def test_columns_printed_out_of_order_are_read_by_header_and_fmt05_says_so(tmp_path: Path) -> None:
    from lxml import html as lhtml

    from assistant.checks import run_checks
    from assistant.export.document import html_page
    from assistant.report.model import COLUMN_ORDER

    known = known_report()
    page = lhtml.fromstring(html_page(known))
    table = page.xpath('//table[@data-table="apply"]')[0]
    for row in table.iter("tr"):  # 自然人 and 总计 change places, headers and figures alike
        cells = list(row)
        first = [
            c
            for c in cells
            if (c.get("data-cell") or "").endswith(".natural_person")
            or c.text_content() == "自然人"
        ]
        last = [
            c
            for c in cells
            if (c.get("data-cell") or "").endswith(".total") or c.text_content() == "总计"
        ]
        if first and last:
            first[0].text, last[0].text = last[0].text, first[0].text
    path = tmp_path / "reordered.html"
    path.write_bytes(lhtml.tostring(page, encoding="utf-8"))

    r = read_report(path)
    assert _values(r) == _values(known)  # every figure under its own header
    noted = [n for n in r.notes if n.location == COLUMN_ORDER]
    assert len(noted) == 1 and noted[0].cell and noted[0].cell.startswith("apply.")
    assert "原表依次为「总计」" in noted[0].message
    fmt05 = [f for f in run_checks(r).by_rule("FMT-05") if f.failed]
    assert fmt05 and "请按格式调整列的顺序" in fmt05[0].message
    assert not [f for f in run_checks(known_report()).by_rule("FMT-05") if f.failed]
