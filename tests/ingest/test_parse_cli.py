"""`xxgk parse`: in-process, human text and JSON with the same keys as `xxgk check --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli


def test_parse_shows_metadata_sections_and_every_cell(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["parse", str(data_dir / "samples" / "wendeng-gxj-2020.txt")]) == 0
    out = capsys.readouterr().out
    assert "机关：威海市文登区工业和信息化局" in out and "年度：2020" in out
    assert "2019年试行格式" in out and "统计期限：2020-01-01 至 2020-12-31" in out
    assert "四、被申请行政复议、提起行政诉讼情况　0字" in out
    assert "表格单元格：读到198个，应有198个" in out
    assert "active19.normative_docs.new_made = 1　原文“1”" in out


def test_parse_json_uses_the_check_keys(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["parse", str(data_dir / "samples" / "pingtan-2022.html"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"report", "cells", "sections", "preamble", "notes"} <= set(doc)
    assert doc["report"]["agency"] == "平潭综合实验区" and doc["report"]["year"] == 2022
    assert doc["report"]["format"] == "2021"
    assert doc["cells"]["apply.new.total"]["value"] == 74
    assert doc["cells"]["active.admin_fees.amount_wan"]["raw"] == "9116.36"
    assert doc["sections"]["review"]["heading"] == "四、政府信息公开行政法复议、行政诉讼情况"
    assert doc["preamble"]["period"] == ["2022-01-01", "2022-12-31"]
    assert [n for n in doc["notes"] if n["level"] != "info"] == []


def test_parse_reports_what_it_could_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "partial.txt"
    path.write_text(
        "示例局2025年政府信息公开工作年度报告\n一、总体情况\n全年公开信息10条。\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 2 3\n",
        encoding="utf-8",
    )
    assert cli(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "读取提示" in out and "未找到表二" in out and "读到3个值，应有7个" in out
    assert "未读到表格，按报告年度推定" in out  # no cell read: the format is the year's
    assert "未找到第二、四、五、六部分的标题" in out


def test_parse_unusable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"not a zip")
    assert cli(["parse", str(path)]) == 2
    assert "x.docx" in capsys.readouterr().err


def test_year_and_agency_can_be_given_when_the_report_does_not_print_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "无年度.txt"
    path.write_text(
        "政府信息公开工作年度报告\n一、总体情况\n全年主动公开政府信息10条。\n", encoding="utf-8"
    )
    assert cli(["parse", str(path)]) == 2
    assert "--year" in capsys.readouterr().err  # the refusal says what to do
    assert cli(["parse", str(path), "--json", "--year", "2023", "--agency", "示例县水务局"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["report"]["year"], doc["report"]["agency"]) == (2023, "示例县水务局")
    assert cli(["check", str(path), "--json", "--year", "2023"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["report"]["year"] == 2023
    # given over what the report prints: said in a read note
    printed = tmp_path / "有年度.txt"
    printed.write_text(
        "示例县水务局2022年政府信息公开工作年度报告\n一、总体情况\n无。\n", encoding="utf-8"
    )
    assert cli(["parse", str(printed), "--json", "--year", "2023"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["report"]["year"] == 2023
    assert any("2022年" in n["message"] and "2023年" in n["message"] for n in doc["notes"])
