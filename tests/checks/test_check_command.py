"""`xxgk check`: human and JSON output, exit codes, the JSON read back, folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli
from assistant.ingest import read_report
from assistant.report import Agency, parse_cell
from assistant.report.dataschema import dump

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "examples" / "report-2025.yaml"


def write(
    tmp_path: Path,
    name: str,
    cells: dict[str, str] | None = None,
    year: int = 2025,
    agency: str = "某县教育局",
) -> Path:
    """The shipped complete example (clean on every rule), with some cells changed."""
    report = read_report(EXAMPLE).with_cells({k: parse_cell(v) for k, v in (cells or {}).items()})
    report = report.model_copy(
        update={"year": year, "agency": Agency(name=agency, kind="department", level="county")}
    )
    path = tmp_path / name
    path.write_text(json.dumps(dump(report), ensure_ascii=False), encoding="utf-8")
    return path


BROKEN = {"apply.res.total.total": "26", "apply.res.total.natural_person": "17"}


def test_clean_file_exits_0_with_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(["check", str(write(tmp_path, "a.json"))])
    out = capsys.readouterr().out
    assert code == 0
    assert "某县教育局 2025年度" in out and "结论：未发现错误" in out


def test_error_exits_1_and_groups_by_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(["check", str(write(tmp_path, "a.json", BROKEN))])
    out = capsys.readouterr().out
    assert code == 1
    assert "错误（" in out
    assert "表三「总计」列：一+二=25+3=28，三(七)+四=26+1=27，不相等" in out
    assert out.index("错误（") < out.index("结论：有错误")


def test_warning_only_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cells = {"apply.new.natural_person": "/"}
    code = cli(["check", str(write(tmp_path, "a.json", cells))])
    out = capsys.readouterr().out
    assert code == 0 and "警告（" in out and "无法判断（" in out


def test_json_document_keys_and_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write(tmp_path, "a.json", BROKEN)
    assert cli(["check", str(src), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert list(doc) == ["report", "cells", "findings"]
    assert doc["report"]["agency"] == "某县教育局" and doc["report"]["year"] == 2025
    assert doc["report"]["format"] == "2021"
    assert doc["cells"]["apply.res.total.total"]["value"] == 26
    failed = [f for f in doc["findings"] if f["rule"] == "T3-01" and f["status"] == "fail"]
    assert {"rule", "severity", "status", "message", "cells", "fingerprint"} <= set(failed[0])
    assert any("apply.res.total.total" in f["cells"] for f in failed)
    again = tmp_path / "again.json"
    again.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert cli(["check", str(again), "--json"]) == 1  # the JSON it writes is read back
    second = json.loads(capsys.readouterr().out)
    assert [f["fingerprint"] for f in second["findings"]] == [
        f["fingerprint"] for f in doc["findings"]
    ]


def test_prior_enables_cross_year_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    this = write(tmp_path, "y.json", {"apply.carry_in.total": "3"})
    last = write(tmp_path, "p.json", {"apply.carry_out.total": "4"}, year=2024)
    cli(["check", str(this), "--json"])
    assert not any(f["rule"] == "XY-01" for f in json.loads(capsys.readouterr().out)["findings"])
    cli(["check", str(this), "--prior", str(last), "--json"])
    xy = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "XY-01"]
    assert any(f["status"] == "fail" and "为4" in f["message"] for f in xy)


def test_format_option_overrides_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("年度: 2021\n单位: 某局\n", encoding="utf-8")
    cli(["check", str(path), "--format", "2019", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["report"]["format"] == "2019"
    assert any(f["rule"] == "FMT-03" and f["status"] == "fail" for f in doc["findings"])


def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["check", str(tmp_path / "missing.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert cli(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "找不到文件" in err and "Traceback" not in err


def test_sample_report_tables_check_clean(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(["check", str(data_dir / "samples" / "wendeng-gxj-2020.txt"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    table_rules = (
        "FMT-03",
        "FMT-04",
        "FMT-05",
        "FMT-06",
        "FMT-08",
        "FMT-09",
        "T3-01",
        "T3-02",
        "T3-03",
        "T4-01",
        "T4-02",
        "T4-03",
        "T2-05",
        "T2-06",
    )
    found = [f for f in doc["findings"] if f["rule"] in table_rules]
    assert found and all(f["status"] == "pass" for f in found), [
        f["message"] for f in found if f["status"] != "pass"
    ]
    assert code in (0, 1)


def test_folder_is_checked_file_by_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    write(folder, "a.json", agency="甲局")
    write(folder, "b.json", BROKEN, agency="乙局")
    (folder / "c.json").write_text("{broken", encoding="utf-8")
    table, page = tmp_path / "out.csv", tmp_path / "out.html"
    code = cli(["check", str(folder), "--jobs", "1", "--csv", str(table), "--html", str(page)])
    out = capsys.readouterr().out
    assert code == 1  # 乙局 has error-level failures
    assert "甲局" in out and "乙局" in out and "无法读取" in out and "共3份" in out
    assert table.read_text(encoding="utf-8-sig").count("\n") == 4
    assert "年度报告批量校验" in page.read_text(encoding="utf-8")
    assert cli(["check", str(folder), "--jobs", "1", "--json"]) == 1
    docs = json.loads(capsys.readouterr().out)["files"]
    assert [d.get("error") is not None for d in docs] == [False, False, True]


def test_a_folder_mostly_unreadable_is_not_a_success(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    write(folder, "a.json", agency="甲局")
    for name in ("b.docx", "c.pdf", "d.yaml"):
        (folder / name).write_bytes(b"\x00garbage")
    assert cli(["check", str(folder), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "4份中有3份无法读取" in err
    (folder / "b.docx").unlink()
    (folder / "c.pdf").unlink()
    write(folder, "e.json", agency="丙局")
    assert cli(["check", str(folder), "--jobs", "1"]) == 0  # one in three: said, not fatal
    assert "3份中有1份无法读取" in capsys.readouterr().err


def test_folder_without_reports_is_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert cli(["check", str(tmp_path / "empty")]) == 2
    assert "没有可校验的报告文件" in capsys.readouterr().err


def test_an_office_sets_its_own_deadline(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the example was published 2026-01-20: on time by SPEC's 1月31日, late by a 1月15日 rule
    path = write(tmp_path, "r.json")
    assert cli(["check", str(path), "--json"]) == 0
    assert _pub01(capsys.readouterr().out)["status"] == "pass"
    monkeypatch.setenv("XXGK_CHECKS__DEADLINES__DEPARTMENT", "1-15")
    cli(["check", str(path), "--json"])
    late = _pub01(capsys.readouterr().out)
    assert late["status"] == "fail" and "2026年1月15日" in late["message"]


def test_a_deadline_setting_that_cannot_be_used_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XXGK_CHECKS__DEADLINES__STREET", "02-15")
    assert cli(["check", str(write(tmp_path, "r.json"))]) == 1
    err = capsys.readouterr().err
    assert "没有“street”这一类截止日期" in err and "rollup_county" in err and "Traceback" not in err


def test_every_deadline_kind_can_be_set() -> None:
    from assistant.checks.rules_publication import DEFAULT_DEADLINES
    from assistant.config import DEADLINE_KINDS

    assert set(DEADLINE_KINDS) == set(DEFAULT_DEADLINES)


def _pub01(out: str) -> dict:
    return next(f for f in json.loads(out)["findings"] if f["rule"] == "PUB-01")
