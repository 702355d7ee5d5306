"""`xxgk report …`, `xxgk backup`, `xxgk restore` in-process, on the default SQLite workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import cli
from assistant.config import load_settings
from assistant.store import Workspace

DATA = "单位:\n  名称: 某局\n  电话: 0631-1\n年度: {year}\n表三:\n  new:\n    natural_person: {n}\n    total: {n}\n  carry_out:\n    natural_person: 2\n    total: 2\n"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _data(tmp_path: Path, year: int, n: int) -> str:
    path = tmp_path / f"data-{year}-{n}.yaml"
    path.write_text(DATA.format(year=year, n=n), encoding="utf-8")
    return str(path)


def test_new_import_show_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert _run(capsys, "report", "new", "某局", "2022")[0] == 0
    code, out, _ = _run(capsys, "report", "import-data", _data(tmp_path, 2022, 3))
    assert code == 0 and "5处修改" in out and "第2版" in out  # 4 cells + the phone number
    code, out, _ = _run(capsys, "report", "import-data", _data(tmp_path, 2022, 3))
    assert code == 0 and "没有修改" in out
    code, out, _ = _run(capsys, "report", "show", "--json")
    doc = json.loads(out)
    assert doc["version"] == 2 and doc["report"]["agency"]["phone"] == "0631-1"
    code, out, _ = _run(capsys, "report", "list")
    assert "某局\t2022年度\t第2版" in out


def test_new_carries_forward_from_last_year_in_the_workspace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _run(capsys, "report", "import-data", _data(tmp_path, 2022, 3), "-a", "某局")
    code, out, _ = _run(capsys, "report", "new", "某局", "2023", "--json")
    assert code == 0 and "apply.carry_in.total" in json.loads(out)["carried"]
    with Workspace.open(load_settings()) as ws:
        st = ws.find_report("某局", 2023)
        assert st is not None and st.report.value("apply.carry_in.natural_person") == 2
        assert st.report.agency.phone == "0631-1"
    # two reports now: commands that need one say which options to give
    code, _, err = _run(capsys, "report", "show")
    assert code == 2 and "-a 机关名称 -y 年度" in err
    assert _run(capsys, "report", "show", "-y", "2023")[0] == 0


def test_history_and_restore(capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "report", "new", "某局", "2022")
    with Workspace.open(load_settings()) as ws:
        rid = ws.report_id("某局", 2022)
        ws.add_draft(rid, "problems", "一是问题甲。", author_kind="composer", author="")
        ws.add_draft(
            rid,
            "problems",
            "一是问题乙。",
            author_kind="llm",
            author="张三",
            model="qwen",
            flags=[{"number": "7"}],
            incomplete=True,
        )
    code, out, _ = _run(capsys, "report", "history", "五")
    assert code == 0 and "第2版" in out and "大模型（qwen）" in out and "未完成" in out
    code, out, _ = _run(capsys, "report", "restore", "五", "1", "--author", "李四")
    assert code == 0 and "保存为第3版" in out
    code, out, _ = _run(capsys, "report", "history", "problems", "--json")
    versions = json.loads(out)
    assert [(v["number"], v["parent"], v["text"]) for v in versions][-1] == (3, 2, "一是问题甲。")
    assert versions[-1]["author"] == "李四"
    code, _, err = _run(capsys, "report", "restore", "五", "9")
    assert code == 2 and "没有第9版" in err
    code, _, err = _run(capsys, "report", "history", "七")
    assert code == 2 and "没有“七”这一部分" in err


def test_backup_and_restore_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _run(capsys, "report", "new", "某局", "2022")
    backup_file = tmp_path / "ws.json.gz"
    code, out, _ = _run(capsys, "backup", str(backup_file))
    assert code == 0 and backup_file.is_file() and "报告1份" in out
    _run(capsys, "report", "new", "某局", "2023")
    code, _, err = _run(capsys, "restore", str(backup_file))
    assert code == 2 and "--yes" in err  # never replaced without being asked
    code, out, _ = _run(capsys, "restore", str(backup_file), "--yes")
    assert code == 0 and "恢复前的工作区已另存为" in out
    with Workspace.open(load_settings()) as ws:
        assert [s.year for s in ws.reports()] == [2022]
    safety = list((Path(load_settings().paths.home) / "backups").glob("before-restore-*"))
    assert len(safety) == 1
    # a damaged backup is refused before anything happens: exit 2, no second safety copy
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(backup_file.read_bytes()[:-30])
    code, _, err = _run(capsys, "restore", str(damaged), "--yes")
    assert code == 2 and "无法解析" in err and "Traceback" not in err
    assert len(list(safety[0].parent.glob("before-restore-*"))) == 1


def test_unknown_report_is_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "report", "show", "-a", "没有的局")
    assert code == 2 and "xxgk report new" in err


@pytest.mark.postgres
def test_database_url_switches_the_commands_to_postgresql(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_database: str,
    tmp_path: Path,
) -> None:
    url = pg_database
    # the plain spelling an administrator writes works too (psycopg is the driver)
    monkeypatch.setenv("XXGK_DATABASE_URL", url.replace("postgresql+psycopg://", "postgresql://"))
    assert _run(capsys, "report", "new", "某局", "2022")[0] == 0
    code, out, _ = _run(capsys, "report", "import-data", _data(tmp_path, 2022, 3))
    assert code == 0 and "第2版" in out
    assert not (Path(load_settings().paths.home) / "xxgk.sqlite3").exists()
    with Workspace(url) as ws:
        st = ws.find_report("某局", 2022)
        assert st is not None and st.version == 2 and st.report.value("apply.new.total") == 3
    code, out, _ = _run(capsys, "backup", str(tmp_path / "pg.json"))
    assert code == 0 and "报告1份" in out


def test_new_carries_forward_from_a_prior_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    prior = _data(tmp_path, 2022, 3)
    code, _, err = _run(capsys, "report", "new", "某局", "2024", "--prior", prior)
    assert code == 2 and "不是2023年度的" in err
    code, out, _ = _run(capsys, "report", "new", "某局", "2023", "--prior", prior)
    assert code == 0 and "结转" in out and "apply.carry_in.natural_person" in out
    with Workspace.open(load_settings()) as ws:
        st = ws.find_report("某局", 2023)
        assert st is not None and st.report.value("apply.carry_in.total") == 2
        assert ws.find_report("某局", 2022) is None  # the prior file is read, not stored


def test_import_data_keeps_the_staff_notes_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "with-notes.yaml"
    path.write_text(
        DATA.format(year=2022, n=3) + "备注:\n  一: 全年开展培训2次，参训60人次。\n  六: 无。\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "report", "import-data", str(path))
    assert code == 0 and "备注2条已加入" in out
    code, out, _ = _run(capsys, "report", "import-data", str(path))
    assert code == 0 and "没有修改" in out  # the same notes are not added twice
    with Workspace.open(load_settings()) as ws:
        (stored,) = ws.reports()
        notes = {(n.section, n.text) for n in ws.notes(stored.id)}
    assert notes == {("overview", "全年开展培训2次，参训60人次。"), ("other", "无。")}
