"""`xxgk export` in-process: drafts, the gate on finals, overrides, formats, the workspace."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest

from assistant.cli import cli
from assistant.config import load_settings
from assistant.ingest import read_report
from assistant.report import Report
from assistant.store import Workspace

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "export" / "pingtan-2023.yaml"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _open_blockers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> list[dict[str, str]]:
    code, out, _ = _run(
        capsys, "export", str(SAMPLE), "-f", "txt", "--json", "--out", str(tmp_path / "probe.txt")
    )
    assert code == 0
    return json.loads(out)["open"]


def test_draft_docx_goes_out_with_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(capsys, "export", str(SAMPLE), "--format", "docx")
    assert code == 0 and "已导出征求意见稿" in out and "未处理" in out
    path = tmp_path / "pingtan-2023-征求意见稿.docx"  # cwd is tmp_path
    assert docx.Document(str(path)).sections[0].header.paragraphs[0].text == "征求意见稿"


def test_final_is_refused_while_errors_and_untraced_numbers_remain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "final.docx"
    code, _, err = _run(
        capsys, "export", str(SAMPLE), "-f", "docx", "--final", "--out", str(out_file)
    )
    assert code == 1 and "不能导出正式稿" in err and "NAR-01" in err
    assert "13561条" in err  # an untraced number from the drafting guard
    assert "Traceback" not in err and not out_file.exists()


def test_final_with_every_blocker_overridden_carries_the_reasons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blockers = _open_blockers(capsys, tmp_path)
    kinds = {b["kind"] for b in blockers}
    assert kinds == {"finding", "untraced"}
    args = [a for b in blockers for a in ("--override", f"{b['fingerprint']}=已核对原始台账")]
    out_file = tmp_path / "final.docx"
    code, out, err = _run(
        capsys, "export", str(SAMPLE), "-f", "docx", "--final", "--out", str(out_file), *args
    )
    assert code == 0, err
    assert "已导出正式稿" in out and out.count("放行：") == len(blockers)
    published = docx.Document(str(out_file))
    assert "附件：审核附录" not in [p.text for p in published.paragraphs]  # stays clean
    assert len(published.tables) == 3
    package = tmp_path / "final-审核包.docx"
    assert f"审核包：{package}" in out
    doc = docx.Document(str(package))
    texts = [p.text for p in doc.paragraphs]
    assert "附件：审核附录" in texts
    appendix_tables = doc.tables[3:]
    assert len(appendix_tables) == 2
    numbers = appendix_tables[0]
    rows = [[c.text for c in r.cells] for r in numbers.rows[1:]]
    assert any(r[2] == "81件" and "apply.new.total" in r[4] for r in rows)
    assert any(r[2] == "13561条" and "放行理由：已核对原始台账" in r[4] for r in rows)
    assert not any("征求意见稿" in p.text for p in doc.sections[0].header.paragraphs)


def test_reviewer_package_on_request_for_a_draft(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = _run(
        capsys,
        "export",
        str(SAMPLE),
        "-f",
        "xlsx",
        "--reviewer",
        "--json",
        "--out",
        str(tmp_path / "data.xlsx"),
    )
    assert code == 0
    package = Path(json.loads(out)["reviewer_package"])
    assert package.name == "data-审核包.docx"
    assert "附件：审核附录" in [p.text for p in docx.Document(str(package)).paragraphs]
    code, out, _ = _run(
        capsys, "export", str(SAMPLE), "-f", "md", "--json", "--out", str(tmp_path / "plain.md")
    )
    assert json.loads(out)["reviewer_package"] is None
    assert not (tmp_path / "plain-审核包.md").exists()


def test_bad_override_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "export", str(SAMPLE), "-f", "md", "--override", "no-reason")
    assert code == 2 and "编号=理由" in err
    code, _, err = _run(capsys, "export", str(SAMPLE), "-f", "md", "--override", "ffff=理由")
    assert code == 1 and "不对应" in err


@pytest.mark.parametrize("fmt", ["html", "md", "txt", "json", "xlsx"])
def test_every_format_writes_a_file_our_readers_accept(
    fmt: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, shared_sample: Report
) -> None:
    path = tmp_path / f"out.{fmt}"
    code, _, err = _run(capsys, "export", str(SAMPLE), "-f", fmt, "--out", str(path))
    assert code == 0, err
    if fmt == "xlsx":
        assert openpyxl.load_workbook(path).sheetnames
    back = read_report(path)
    # the workbook also has the (empty) 信息处理费 entry cells of section 六
    assert {k: c.display() for k, c in back.cells.items() if c.kind != "blank"} == {
        k: c.display() for k, c in shared_sample.cells.items()
    }


def test_html_fragment_is_a_div(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cms.html"
    code, _, _ = _run(capsys, "export", str(SAMPLE), "-f", "html", "--fragment", "--out", str(path))
    text = path.read_text(encoding="utf-8")
    assert code == 0 and text.startswith('<div class="xxgk-report">') and "<html" not in text
    code, _, _ = _run(capsys, "export", str(SAMPLE), "-f", "md", "--fragment")
    assert code == 2


def test_workspace_report_export_is_recorded_with_its_overrides(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shared_sample: Report
) -> None:
    with Workspace.open(load_settings()) as ws:
        stored = ws.create_report(shared_sample, author="张三")
        ws.add_draft(
            stored.id,
            "other",
            "2023年，本机关未收取信息处理费。",
            author_kind="person",
            author="张三",
        )
    # a version nobody accepted is pointed out, and the accepted text is what gets published
    pending = tmp_path / "pending.txt"
    code, _, err = _run(capsys, "export", "-f", "txt", "--out", str(pending))
    assert code == 0 and "尚未采用的第1版" in err and "xxgk report restore 六 1" in err
    assert "本机关未收取信息处理费" not in pending.read_text(encoding="utf-8")
    code, out, err = _run(capsys, "report", "restore", "六", "1", "--author", "张三")
    assert code == 0 and "采用" in out, err
    blockers = _open_blockers(capsys, tmp_path)
    args = [a for b in blockers for a in ("--override", f"{b['fingerprint']}=经审核保留")]
    out_file = tmp_path / "ws.txt"
    code, _, err = _run(
        capsys, "export", "-f", "txt", "--final", "--out", str(out_file), "--author", "李四", *args
    )
    assert code == 0, err
    assert "本机关未收取信息处理费" in out_file.read_text(encoding="utf-8")  # the accepted text
    with Workspace.open(load_settings()) as ws:
        records = ws.exports(stored.id)
    assert [r.kind for r in records] == ["征求意见稿", "正式稿"]
    rec = records[1]
    assert (rec.kind, rec.format, rec.author) == ("正式稿", "txt", "李四")
    assert len(rec.overrides) == len(blockers) and all("经审核保留" in o for o in rec.overrides)


def test_export_never_overwrites_its_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "report.md"
    code, _, _ = _run(capsys, "export", str(SAMPLE), "-f", "md", "--out", str(source))
    assert code == 0
    before = source.read_text(encoding="utf-8")
    code, _, err = _run(capsys, "export", str(source), "-f", "md", "--out", str(source))
    assert code == 2 and "与源文件相同" in err
    assert source.read_text(encoding="utf-8") == before


def test_prior_year_report_feeds_the_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    code, out, err = _run(
        capsys,
        "export",
        str(samples / "pingtan-2023.html"),
        "-f",
        "json",
        "--prior",
        str(samples / "pingtan-2022.html"),
        "--out",
        str(tmp_path / "with-prior.json"),
    )
    assert code == 0, err
    doc = json.loads((tmp_path / "with-prior.json").read_text(encoding="utf-8"))
    assert any(f["rule"].startswith("XY-") for f in doc["findings"])  # cross-year rules ran
    code, _, _ = _run(
        capsys,
        "export",
        str(samples / "pingtan-2023.html"),
        "-f",
        "json",
        "--out",
        str(tmp_path / "alone.json"),
    )
    alone = json.loads((tmp_path / "alone.json").read_text(encoding="utf-8"))
    assert not any(f["rule"].startswith("XY-") for f in alone["findings"])
