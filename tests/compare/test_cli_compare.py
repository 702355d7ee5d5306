"""`xxgk compare` in-process: files, workspace references, --html and --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli
from assistant.config import load_settings
from assistant.report import Cell, zero_report
from assistant.store import Workspace


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command, not the model: the hashing embedder stands in for e5 here (meaning is
    tested with the real model in test_series.py and by the reading case r25)."""
    monkeypatch.setenv("XXGK_EMBEDDING_MODEL", "hashing")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_three_published_reports(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    s = data_dir / "samples"
    page = tmp_path / "out.html"
    code, out, err = _run(
        capsys,
        "compare",
        str(s / "pingtan-2023.html"),
        str(s / "pingtan-2022.html"),
        str(s / "pingtan-2021.html"),
        "--html",
        str(page),
    )
    assert code == 0, err
    assert "与2022、2021年度对比" in out and "上年（2022年）所列问题" in out
    assert "表三「一、本年新收政府信息公开申请数量」行「总计」列：74 → 81，+9.5%" in out
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "2021年" in html
    code, out, _ = _run(
        capsys, "compare", str(s / "pingtan-2023.html"), str(s / "pingtan-2022.html"), "--json"
    )
    doc = json.loads(out)
    assert doc["years"] == [2022, 2023] and "apply.new.total" in doc["changed_cells"]


def test_compare_workspace_reports(capsys: pytest.CaptureFixture[str]) -> None:
    with Workspace.open(load_settings()) as ws:
        ws.create_report(
            zero_report(2022, "某局").with_cells({"apply.new.total": Cell.of(4)}), author="张三"
        )
        ws.create_report(
            zero_report(2023, "某局").with_cells({"apply.new.total": Cell.of(6)}), author="张三"
        )
    code, out, _ = _run(capsys, "compare", "某局:2023", "某局：2022", "--json")
    row = next(r for r in json.loads(out)["numbers"] if r["cell"] == "apply.new.total")
    assert code == 0 and row["values"] == [4, 6] and row["percent"] == "50.0"


def test_compare_refuses_wrong_order_and_missing_files(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    s = data_dir / "samples"
    code, _, err = _run(
        capsys, "compare", str(s / "pingtan-2021.html"), str(s / "pingtan-2022.html")
    )
    assert code == 2 and "不早于本年报告" in err
    code, _, err = _run(capsys, "compare", "某局:2023", str(s / "pingtan-2022.html"))
    assert code == 2 and "工作区中也没有某局2023年度报告" in err
