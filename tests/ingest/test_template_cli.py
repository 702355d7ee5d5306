"""`xxgk template`: the Excel workbook and the commented YAML, and reading them back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from assistant.cli import cli
from assistant.ingest import datafile, read_report
from assistant.report import load_layout


def test_xlsx_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "年报数据.xlsx"
    assert cli(["template", "--xlsx", str(path), "--year", "2025", "--agency", "某县某局"]) == 0
    out = capsys.readouterr().out
    assert "已生成2025年度（2021版格式）Excel 模板" in out and "xxgk check" in out
    wb = openpyxl.load_workbook(path)
    assert wb["单位信息"]["B4"].value == "某县某局" and wb["单位信息"]["B8"].value == 2025
    r = read_report(path)
    assert r.agency.name == "某县某局" and {c.kind for c in r.cells.values()} == {"blank"}
    # checked as downloaded: no error found, and the clerk is told that little could be judged
    assert cli(["check", str(path)]) == 0
    verdict = capsys.readouterr().out.strip().splitlines()[-1]
    assert verdict.startswith("结论：未发现错误，但有") and "无法判断，补全后请再查" in verdict


def test_yaml_template_is_all_zeros_and_commented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "年报数据.yaml"
    assert cli(["template", "--yaml", str(path), "--year", "2020", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "year": 2020,
        "format": "2019",
        "files": {"yaml": str(path)},
    }
    text = path.read_text(encoding="utf-8")
    assert "# 自然人" in text and "# 本年增/减" in text
    assert "信息处理费" not in text  # the fee statement is a fmt2021 requirement
    r = datafile.read(path)
    assert set(r.cells) == set(load_layout("2019").cell_ids)
    assert {c.value for c in r.cells.values()} == {0}


def test_default_year_is_last_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["template", "--yaml", str(tmp_path / "a.yaml")]) == 0
    r = datafile.read(tmp_path / "a.yaml")
    assert r.year == dt.date.today().year - 1 and r.value("fees.notices_count") == 0
    assert "notices_count: 0" in (tmp_path / "a.yaml").read_text(encoding="utf-8")


def test_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "年报数据.xlsx"
    path.write_bytes(b"filled in already")
    assert cli(["template", "--xlsx", str(path)]) == 2
    assert "已存在" in capsys.readouterr().err and path.read_bytes() == b"filled in already"
    assert cli(["template", "--xlsx", str(path), "--force", "--year", "2025"]) == 0
    assert read_report(path).year == 2025


@pytest.mark.parametrize(
    "args", [[], ["--xlsx", "a.xls"], ["--yaml", "a.txt"], ["--xlsx", "a.xlsx", "--year", "1999"]]
)
def test_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["template", *args]) == 2
    assert capsys.readouterr().err
