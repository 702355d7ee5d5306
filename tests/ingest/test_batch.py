"""Batch review of a folder: one row per report, unreadable files with the reason, CSV and HTML."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from assistant.usecases.batch import run_batch, write_csv, write_html


@pytest.fixture
def folder(tmp_path: Path, data_dir: Path) -> list[Path]:
    out = tmp_path / "reports"
    out.mkdir()
    shutil.copy(data_dir / "samples" / "wendeng-gxj-2020.txt", out)
    shutil.copy(data_dir / "samples" / "pingtan-2023.html", out)
    shutil.copy(data_dir / "reports" / "known-2025.docx", out)
    (out / "坏文件<b>.docx").write_bytes(b"not a zip")
    (out / "memo.txt").write_text("会议纪要", encoding="utf-8")
    return sorted(out.iterdir())


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_file_gets_a_row_and_bad_files_a_reason(folder: list[Path], jobs: int) -> None:
    result = run_batch(folder, jobs=jobs, progress=False)
    assert [i.path for i in result.items] == folder
    rows = {Path(str(r["文件"])).name: r for r in result.rows}
    assert rows["wendeng-gxj-2020.txt"]["机关"] == "威海市文登区工业和信息化局"
    assert rows["wendeng-gxj-2020.txt"]["年度"] == 2020
    assert rows["pingtan-2023.html"]["格式"] == "2021年格式"
    assert rows["known-2025.docx"]["机关"] == "示例市示例区数据资源局"
    assert {i.path.name for i in result.unreadable} == {"坏文件<b>.docx", "memo.txt"}
    assert "Word" in str(rows["坏文件<b>.docx"]["无法读取的原因"])
    assert "报告年度" in str(rows["memo.txt"]["无法读取的原因"])
    for item in result.items:
        if item.ok:
            assert isinstance(item.errors, int) and item.result is not None


def test_top_findings_come_from_the_checks(folder: list[Path]) -> None:
    result = run_batch(folder, progress=False)
    item = next(i for i in result.items if i.path.name == "known-2025.docx")
    failures = item.result.failures() if item.result else []
    top = item.top_findings()
    assert len(top) == min(3, len(failures))
    assert all(f.failed for f in top)
    severities = [f.severity for f in top]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_csv_opens_in_excel_and_html_is_escaped(folder: list[Path], tmp_path: Path) -> None:
    result = run_batch(folder, progress=False)
    csv_path, html_path = tmp_path / "out.csv", tmp_path / "out.html"
    write_csv(result, csv_path)
    write_html(result, html_path)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(folder) and rows[0]["文件"].endswith(".docx")
    page = html_path.read_text(encoding="utf-8")
    assert "坏文件&lt;b&gt;.docx" in page and "坏文件<b>" not in page
    assert "<link" not in page and "<script" not in page
    assert "无法读取2份" in page


def test_progress_bar_goes_to_stderr(
    folder: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run_batch(folder[:1], progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "校验报告" in captured.err


def test_reading_trouble_has_its_own_column(tmp_path: Path, data_dir: Path) -> None:
    # table 三 cut to its header: the reader says so, and the row tells it apart from the errors
    text = (data_dir / "samples" / "wendeng-gxj-2020.txt").read_text(encoding="utf-8")
    head, tail = text.split("三、收到和处理政府信息公开申请情况", 1)
    cut = head + "三、收到和处理政府信息公开申请情况\n" + tail[tail.index("四、被申请") :]
    (tmp_path / "cut.txt").write_text(cut, encoding="utf-8")
    shutil.copy(data_dir / "samples" / "wendeng-gxj-2020.txt", tmp_path / "whole.txt")
    result = run_batch(sorted(tmp_path.glob("*.txt")), progress=False)
    rows = {Path(str(r["文件"])).name: r for r in result.rows}
    assert rows["cut.txt"]["读取不全"] == "表三未找到"
    assert rows["whole.txt"]["读取不全"] == ""
    cut_item = next(i for i in result.items if i.path.name == "cut.txt")
    assert cut_item.result is not None
    assert "FMT-05" not in {f.rule for f in cut_item.result.errors}
    write_html(result, tmp_path / "out.html")
    assert "<th>读取不全</th>" in (tmp_path / "out.html").read_text(encoding="utf-8")
