"""What is trusted of an OCR read, without running the engine: values behind placeholders, the
table identities naming a misread cell, ruled grids found on drawn pages, and the Chinese message
when the OCR extra is not installed."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from report_forms import known_report, pdf_bytes

pytest.importorskip(
    "cv2", reason="the OCR extra: pip install -e '.[ocr]' (scripts/test installs it)"
)

from assistant.errors import NeedsOCRError
from assistant.ingest import ocrengine, read_report, ruling
from assistant.ingest.ocrtrust import identities, resolve
from assistant.ingest.scancells import ScanRead, Seen, is_valueish
from assistant.report.cells import Cell
from assistant.report.model import OCR_CHECK, OCR_SUMMARY, Report


def _as_read(truth: Report, changes: dict[str, tuple[str, float]]) -> tuple[Report, ScanRead]:
    """The report as the OCR pages would hand it over: every figure a placeholder for what was
    seen (page 2), with some seen differently."""
    scan = ScanRead(pages=1)
    cells: dict[str, Cell] = {}
    for cid, cell in truth.cells.items():
        text, score = changes.get(cid, (cell.raw, 0.99))
        key = scan.placeholder(Seen(text, score, 2, (10, 20, 30, 40)))
        cells[cid] = Cell(raw=key, value=int(key), kind="number")
    return truth.model_copy(update={"cells": cells}), scan


def test_identities_hold_on_a_consistent_report() -> None:
    truth = _consistent()
    values = {k: c.value for k, c in truth.cells.items()}
    ids = identities("2021")
    assert len(ids) == 7 * 2 + 25 + 3  # 表三 columns ×2, its 25 rows, 表四's three totals
    for i in ids:
        assert sum(k * values[c] for c, k in i.terms) == 0, i.name  # type: ignore[operator]


def _consistent() -> Report:
    """The pingtan 2022 sample: its tables satisfy every identity."""
    data = Path(__file__).resolve().parents[1] / "data" / "samples"
    return read_report(data / "pingtan-2022.html")


def test_one_misread_cell_is_named_with_the_value_the_identities_need() -> None:
    truth = _consistent()
    cid = "apply.new.natural_person"
    assert truth.value(cid) == 71
    report, scan = _as_read(truth, {cid: ("78", 0.99)})
    got = resolve(report, scan)
    assert cid not in got.cells  # not taken: a wrong figure is worse than a blank with a note
    note = next(n for n in got.notes if n.cell == cid)
    assert note.location == OCR_CHECK
    assert note.message.startswith("第2页 表三 第1行")
    assert "自然人列：识别为78，按勾稽关系应为71" in note.message and "请核对原件" in note.message
    others = {k: c.value for k, c in got.cells.items()}
    assert others == {k: c.value for k, c in truth.cells.items() if k != cid}
    assert (got.cells["apply.new.total"].source or "").startswith("OCR 第2页(10,20)-(30,40)")
    summary = next(n for n in got.notes if n.location == OCR_SUMMARY)
    assert "1处需要人工核对" in summary.message


def test_unsure_or_unplaceable_values_are_left_unread_with_what_was_seen() -> None:
    truth = _consistent()
    report, scan = _as_read(
        truth,
        {"apply.res.granted.total": ("21", 0.62), "review.admin_review.total": ("O", 0.97)},
    )
    got = resolve(report, scan)
    assert "apply.res.granted.total" not in got.cells
    assert "review.admin_review.total" not in got.cells
    low = next(n for n in got.notes if n.cell == "apply.res.granted.total")
    assert "识别为“21”" in low.message and "置信度0.62" in low.message
    # the row's other figures are read: the identities say what the cell should hold
    assert "按勾稽关系应为21" in low.message
    odd = next(n for n in got.notes if n.cell == "review.admin_review.total")
    assert "识别为“O”" in odd.message and "不是" in odd.message


def test_two_misreads_are_not_pinned_on_anyone_but_reported() -> None:
    truth = _consistent()
    report, scan = _as_read(
        truth, {"apply.new.natural_person": ("78", 0.99), "apply.carry_in.total": ("7", 0.99)}
    )
    got = resolve(report, scan)
    notes = [n for n in got.notes if n.location == OCR_CHECK]
    assert len(notes) == 1 and "勾稽关系" in notes[0].message and "请对照原件" in notes[0].message


def test_placeholders_are_put_back_in_the_text_and_notes() -> None:
    scan = ScanRead()
    key = scan.placeholder(Seen("2", 0.99, 1, (0, 0, 1, 1)))
    assert scan.restore(f"第 {key} 页") == "第 2 页"
    assert is_valueish("12") and is_valueish("O") and is_valueish("—")
    assert not is_valueish("一、总体情况") and not is_valueish("2025年")


def _drawn_table() -> np.ndarray:
    """A ruled table: a header cell across 3 columns, a label cell 2 rows high, 3×3 figures."""
    import cv2

    img = np.full((600, 900), 255, np.uint8)
    xs, ys = [100, 300, 500, 650, 800], [100, 160, 220, 280, 340]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    img[ys[0] + 3 : ys[1] - 2, xs[1] + 2 : xs[-1] - 2] = 255  # header merged over 3 columns
    img[ys[2] - 2 : ys[2] + 3, xs[0] + 3 : xs[1] - 2] = 255  # label merged over rows 2-3
    return img


def test_ruled_grid_with_merged_cells() -> None:
    grids = ruling.find_grids(_drawn_table())
    assert len(grids) == 1
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grids[0].cells}
    assert spans[(0, 1)] == (1, 3)
    assert spans[(1, 0)] == (2, 1) and spans[(3, 0)] == (1, 1)
    assert spans[(2, 2)] == (1, 1)
    assert len(grids[0].cells) == 2 + 2 + 3 * 3  # row 0: 2; labels: 2 (one merged); figures


def test_a_tilted_page_is_straightened_by_its_rules() -> None:
    import cv2

    img = _drawn_table()
    m = cv2.getRotationMatrix2D((450, 300), 1.2, 1.0)
    tilted = cv2.warpAffine(img, m, (900, 600), borderValue=255)
    assert ruling.skew_angle(tilted) == pytest.approx(-1.2, abs=0.15)
    straight = ruling.straighten(tilted)
    assert len(ruling.find_grids(straight)[0].cells) == len(ruling.find_grids(img)[0].cells)


def _image_page_pdf(path: Path) -> Path:
    from PIL import Image

    Image.fromarray(_drawn_table()).save(path, format="PDF", resolution=100.0)
    return path


def _without_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> object:
        raise NeedsOCRError(ocrengine.missing_message("这份文件"))

    monkeypatch.setattr(ocrengine, "_engine", missing)


def test_a_scan_without_the_ocr_extra_says_how_to_add_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_engine(monkeypatch)
    for path in (_image_page_pdf(tmp_path / "扫描件.pdf"), tmp_path / "照片.png"):
        if path.suffix == ".png":
            import cv2

            cv2.imwrite(str(path), _drawn_table())
        with pytest.raises(NeedsOCRError) as info:
            read_report(path)
        assert path.name in info.value.message
        assert "pip install -e '.[ocr]'" in info.value.message


def test_a_mixed_pdf_without_the_extra_reads_its_text_pages_and_names_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader, PdfWriter

    _without_engine(monkeypatch)
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes(known_report()))).pages:
        writer.add_page(page)
    writer.add_page(PdfReader(_image_page_pdf(tmp_path / "scan.pdf")).pages[0])
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as f:
        writer.write(f)
    n = len(writer.pages)
    r = read_report(mixed)
    assert r.year == 2025 and r.cells  # the text pages are read as before
    note = next(x for x in r.notes if x.location == OCR_CHECK)
    assert f"第{n}页是图片" in note.message and "pip install -e '.[ocr]'" in note.message
