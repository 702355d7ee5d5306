"""What a user, a note or a model put in the text cannot get past the gate or out of the folder:
a headline figure against the tables blocks a 正式稿, default names stay in the working folder,
Markdown keeps no script links (issue 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from assistant.cli import cli
from assistant.export.document import markdown
from assistant.export.filenames import safe_stem
from assistant.ingest import read_report
from assistant.report import Agency, Section

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "examples" / "report-2025.yaml"
HEADLINE = "本年度共收到政府信息公开申请9999件。"


def _example(tmp_path: Path, *, other_extra: str = "", note: str | None = None) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    sections = data.setdefault("正文", {})
    sections["六"] = (sections.get("六") or "") + other_extra
    if note is not None:
        data.setdefault("备注", {})["六"] = note
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _final(path: Path, tmp_path: Path, *extra: str) -> int:
    return cli(["export", str(path), "-f", "md", "--final", "-o", str(tmp_path / "o.md"), *extra])


def test_a_headline_figure_against_the_tables_blocks_a_final(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = read_report(EXAMPLE)
    assert (data.value("apply.new.total"), data.value("apply.carry_in.total")) == (25, 3)
    path = _example(tmp_path, other_extra=HEADLINE, note=HEADLINE)
    assert _final(path, tmp_path) == 1
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "总数与表格矛盾" in x)
    assert "9999件" in line and "本年新收申请25件、上年结转3件" in line
    fingerprint = line.rsplit("编号 ", 1)[1].rstrip("）")
    overrides = [
        f"--override={x.rsplit('编号 ', 1)[1].rstrip('）')}=已核对"
        for x in err.splitlines()
        if "编号 " in x and x.startswith("- ")
    ]
    assert _final(path, tmp_path, *overrides) == 0
    out = capsys.readouterr().out
    assert f"放行：{fingerprint}：已核对" in out and "9999" in out  # the override names it


def test_the_figure_the_tables_give_passes(tmp_path: Path) -> None:
    fine = _example(tmp_path, other_extra="本年度共收到政府信息公开申请25件。")
    from assistant.checks.options import CheckOptions
    from assistant.usecases.publishing import judge
    from assistant.usecases.workspace import file_context

    ctx = file_context(fine, options=CheckOptions())
    kinds = {b.kind for b in judge(ctx, final=True).remaining}
    assert "headline" not in kinds


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../../out/x", "_.._.._out_x"),
        ("某局\x00<b>", "某局_b_"),
        ("..", "年度报告"),
        ("C:\\Windows\\x", "C_Windows_x"),
    ],
)
def test_safe_stem(name: str, expected: str) -> None:
    assert safe_stem(name) == expected


def test_the_default_export_name_stays_in_the_working_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name in ("../../../out/x", "某局\x00"):
        assert cli(["report", "new", name, "2025"]) == 0
        assert cli(["export", "-f", "txt", "-a", name, "-y", "2025"]) == 0
    capsys.readouterr()
    written = sorted(os.listdir(work))
    assert written == [
        "_.._.._out_x2025年度报告-征求意见稿.txt",
        "某局_2025年度报告-征求意见稿.txt",
    ]
    assert not (tmp_path / "out").exists()


def test_markdown_export_drops_script_links(tmp_path: Path) -> None:
    report = read_report(EXAMPLE)
    text = "详见[这里](javascript:alert(document.cookie))和[官网](https://www.gov.cn)。"
    sections = dict(report.sections)
    sections["other"] = Section(id="other", text=text)
    report = report.model_copy(
        update={"sections": sections, "agency": Agency(name="[局](JavaScript:alert(1))")}
    )
    md = markdown(report)
    assert "javascript" not in md.lower()
    assert "详见这里和[官网](https://www.gov.cn)。" in md


OPENING = (
    "本报告依据《中华人民共和国政府信息公开条例》（国务院令第711号）和《国务院办公厅政府信息与政务"
    "公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30 号）"
    "编制，包括总体情况、主动公开政府信息情况等六个部分。所列数据的统计期限为 2025\n年 1 月 1 日至 12 月 31 日。"
    "如有疑问，请联系某县统计局办公室（地址：某县人民路88号行政中心7号楼14层，邮编：264400）。"
)


def _opening_untraced(tmp_path: Path, opening: str) -> list[str]:
    from assistant.checks.options import CheckOptions
    from assistant.usecases.publishing import judge
    from assistant.usecases.workspace import file_context

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.setdefault("正文", {})["preamble"] = opening
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = judge(file_context(path, options=CheckOptions()), final=True)
    # the example's other sections have untraced figures of their own (186条…)
    return [b.message for b in result.remaining if b.kind == "untraced" and "引言" in b.message]


def test_a_number_in_the_opening_paragraphs_is_held_to_the_facts(tmp_path: Path) -> None:
    # what openings hold besides statistics (documents, parts, the period spaced by a PDF, an
    # address) is no claim; a figure no table gives is one, wherever it stands
    assert _opening_untraced(tmp_path, OPENING) == []
    flagged = _opening_untraced(tmp_path, OPENING + "全年主动公开政府信息9876条。")
    assert len(flagged) == 1 and "9876条" in flagged[0]


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_a_report_from_before_2019_exports(tmp_path: Path, fmt: str) -> None:
    # a pre-2019 report has no table 三 of the format: nothing is derived from it (this raised)
    old = Path(__file__).resolve().parents[1] / "data" / "pre2019-report.txt"
    assert read_report(old).format == "2008"
    out = tmp_path / f"old.{fmt}"
    assert cli(["export", str(old), "-f", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 0
