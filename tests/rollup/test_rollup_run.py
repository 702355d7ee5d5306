"""Roll-up runs: RU-01…08, each passing and failing, and `xxgk rollup` end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from assistant.checks.rollup import RollupRun, check_rollup, run_rollup
from assistant.cli import cli
from assistant.report import Agency, Report, parse_cell, zero_report
from assistant.report.dataschema import dump
from assistant.report.rollup import RosterUnit

COUNTY = Agency(name="某县人民政府", kind="government", level="county")
NAMES = ("县教育局", "县民政局", "某某镇人民政府")


def unit(
    name: str,
    year: int = 2025,
    published: dt.date | None = None,
    fmt: str | None = None,
    **cells: str,
) -> Report:
    r = zero_report(year, name, format=fmt).with_cells(  # type: ignore[arg-type]
        {k.replace("__", "."): parse_cell(v) for k, v in cells.items()}
    )
    return r.model_copy(
        update={"publication": r.publication.model_copy(update={"date": published})}
    )


def roster(*extra: RosterUnit) -> list[RosterUnit]:
    kinds = {"县教育局": "department", "县民政局": "department", "某某镇人民政府": "township"}
    return [RosterUnit(n, kind=kinds[n], level="county") for n in NAMES] + list(extra)  # type: ignore[arg-type]


def run(
    files: list[tuple[str, Report | str]], units: list[RosterUnit] | None = None, **kw: object
) -> RollupRun:
    return run_rollup(units or roster(), files, year=2025, agency=COUNTY, **kw)  # type: ignore[arg-type]


def clean() -> list[tuple[str, Report | str]]:
    return [(f"{n}.json", unit(n, published=dt.date(2026, 1, 20))) for n in NAMES]


def status(r: RollupRun, rule: str, published: Report | None = None) -> set[str]:
    return {f.status for f in check_rollup(r, published=published).by_rule(rule)}


def test_a_clean_roll_up_passes_every_ru_rule() -> None:
    r = run(clean())
    result = check_rollup(r)
    ru = [f for f in result.findings if f.rule.startswith("RU")]
    assert {f.rule for f in ru} == {f"RU-0{i}" for i in range(1, 9)} - {"RU-07"}
    assert all(f.status == "pass" for f in ru), [f.message for f in ru if f.status != "pass"]
    assert r.complete and not result.errors


def test_ru01_lists_units_failing_their_table_rules() -> None:
    files = clean()
    files[1] = ("县民政局.json", unit("县民政局", apply__new__total="5"))
    r = run(files)
    failed = check_rollup(r).by_rule("RU-01")[0]
    assert failed.status == "fail" and "县民政局" in failed.message and "T3-01" in failed.message
    assert not r.complete and [u.name for u in r.failing] == ["县民政局"]


def test_ru02_aggregate_identities() -> None:
    files = clean()
    files[0] = ("县教育局.json", unit("县教育局", apply__new__total="2"))
    assert status(run(files), "RU-02") == {"fail"}
    files[0] = ("县教育局.json", unit("县教育局", apply__new__total="/"))
    f = check_rollup(run(files)).by_rule("RU-02")[0]
    assert f.status == "not_assessable" and "县教育局" in f.message


def test_ru03_published_aggregate_against_the_units() -> None:
    files = clean()
    files[0] = (
        "县教育局.json",
        unit(
            "县教育局",
            apply__new__total="2",
            apply__new__natural_person="2",
            apply__res__granted__total="2",
            apply__res__granted__natural_person="2",
            apply__res__total__total="2",
            apply__res__total__natural_person="2",
        ),
    )
    r = run(files)
    good = r.aggregate.report
    assert status(r, "RU-03", published=good) == {"pass"}
    edited = good.with_cells({"apply.new.total": parse_cell("3")})
    f = check_rollup(r, published=edited).by_rule("RU-03")[0]
    assert f.status == "fail" and "为3，各单位之和为2" in f.message


def test_ru04_missing_late_and_unreadable_units() -> None:
    files = clean()[:2] + [("坏.json", "文件损坏")]
    files[0] = ("县教育局.json", unit("县教育局", published=dt.date(2026, 2, 3)))
    r = run(files)
    f = check_rollup(r).by_rule("RU-04")[0]
    assert f.status == "fail"
    assert (
        "未报送1个：某某镇人民政府" in f.message and "迟3天" in f.message and "坏.json" in f.message
    )


def test_ru04_roster_deadline_wins() -> None:
    units = [RosterUnit(n, kind="department", deadline=dt.date(2026, 1, 10)) for n in NAMES]
    assert [u.name for u in run(clean(), units).late] == list(NAMES)


def test_ru05_units_in_the_wrong_format() -> None:
    files = clean()
    files[2] = ("某某镇人民政府.json", unit("某某镇人民政府", fmt="2019"))
    r = run(files)
    f = check_rollup(r).by_rule("RU-05")[0]
    assert f.status == "fail" and "某某镇人民政府（2019年格式）" in f.message
    # converted by SPEC b.6 and summed; the cells fmt2019 cannot give are null, with the unit named
    assert "某某镇人民政府" in r.aggregate.units
    assert r.aggregate.responsible("active.rules.valid") == ("某某镇人民政府",)
    assert r.aggregate.report.value("apply.new.total") == 0


def test_ru05_fmt2021_units_cannot_go_into_a_fmt2019_year() -> None:
    units = [RosterUnit("甲局", kind="department"), RosterUnit("乙局", kind="department")]
    r = run_rollup(
        units,
        [("a", unit("甲局", 2020)), ("b", unit("乙局", 2020, fmt="2021"))],
        year=2020,
        agency=COUNTY,
    )
    assert r.aggregate.units == ("甲局",)
    assert "未计入汇总" in check_rollup(r).by_rule("RU-05")[0].message


def test_ru04_report_of_another_year_is_left_out() -> None:
    files = clean()
    files[0] = ("县教育局.json", unit("县教育局", 2024))
    r = run(files)
    assert "县教育局" not in r.aggregate.units
    assert "报告年度不符" in check_rollup(r).by_rule("RU-04")[0].message


def test_ru06_duplicates_and_vertical_units() -> None:
    files = clean() + [("县教育局-2.json", unit("县教育局")), ("税务.json", unit("县税务局"))]
    r = run(files, roster(RosterUnit("县税务局", vertical=True)))
    f = check_rollup(r).by_rule("RU-06")[0]
    assert f.status == "fail" and "县教育局-2.json" in f.message and "县税务局" in f.message
    assert r.aggregate.units == NAMES


def test_ru07_carry_chain_against_last_years_aggregate() -> None:
    files = clean()
    files[0] = (
        "县教育局.json",
        unit(
            "县教育局",
            apply__carry_in__total="2",
            apply__carry_in__natural_person="2",
            apply__res__granted__total="2",
            apply__res__granted__natural_person="2",
            apply__res__total__total="2",
            apply__res__total__natural_person="2",
        ),
    )
    prior_ok = zero_report(2024).with_cells(
        {
            "apply.carry_out.total": parse_cell("2"),
            "apply.carry_out.natural_person": parse_cell("2"),
        }
    )
    assert status(run(files, prior=prior_ok, prior_units=NAMES), "RU-07") == {"pass"}
    prior_bad = prior_ok.with_cells({"apply.carry_out.total": parse_cell("5")})
    assert status(run(files, prior=prior_bad, prior_units=NAMES), "RU-07") == {"fail"}
    changed = run(files, prior=prior_bad, prior_units=NAMES[:2])
    f = check_rollup(changed).by_rule("RU-07")[0]
    assert f.status == "not_assessable" and "某某镇人民政府" in f.message


def test_ru08_follow_up_list() -> None:
    files = clean()
    files[1] = (
        "县民政局.json",
        unit("县民政局", review__admin_review__corrected="1", review__admin_review__total="1"),
    )
    f = check_rollup(run(files)).by_rule("RU-08")[0]
    assert (
        f.status == "fail"
        and f.severity == "info"
        and "县民政局（复议诉讼结果纠正1件）" in f.message
    )


# ---- the command -------------------------------------------------------------------------


def _folder(tmp_path: Path, reports: list[Report]) -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    for i, r in enumerate(reports):
        (folder / f"{i}.json").write_text(json.dumps(dump(r), ensure_ascii=False), encoding="utf-8")
    return folder


def _roster_yaml(tmp_path: Path, names: tuple[str, ...] = NAMES) -> Path:
    lines = ["汇总单位: {名称: 某县人民政府, 层级: 县级}", "年度: 2025", "单位:"]
    lines += [f"  - {{名称: '{n}', 类型: 部门, 层级: 县级, 垂直管理: 否}}" for n in names]
    path = tmp_path / "roster.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_command_writes_data_file_and_escaped_status_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = (*NAMES[:2], "<script>x</script>局")
    folder = _folder(
        tmp_path,
        [
            unit(
                n,
                apply__new__total="1",
                apply__new__natural_person="1",
                apply__carry_out__total="1",
                apply__carry_out__natural_person="1",
            )
            for n in names[:2]
        ],
    )
    out, page = tmp_path / "agg.json", tmp_path / "status.html"
    code = cli(
        [
            "rollup",
            str(_roster_yaml(tmp_path, names)),
            str(folder),
            "--out",
            str(out),
            "--html",
            str(page),
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (
        doc["report"]["agency"] == "某县人民政府" and doc["cells"]["apply.new.total"]["value"] == 2
    )
    assert doc["rollup"]["missing"] == ["<script>x</script>局"] and not doc["rollup"]["complete"]
    html = page.read_text(encoding="utf-8")
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html and "未报送" in html
    assert cli(["check", str(out), "--json"]) in (0, 1)  # the data file reads back
    again = json.loads(capsys.readouterr().out)
    assert again["cells"]["apply.new.total"]["value"] == 2


def test_command_exit_1_when_a_unit_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, [unit(NAMES[0], apply__new__total="4"), unit(NAMES[1])])
    assert cli(["rollup", str(_roster_yaml(tmp_path)), str(folder)]) == 1
    out = capsys.readouterr().out
    assert "RU-01" in out and "汇总结果为草稿" in out


def test_command_reads_an_xlsx_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "类型", "层级", "垂直管理", "报送期限"])
    for n in NAMES:
        sheet.append([n, "部门", "县级", "否", "2026-01-31"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    folder = _folder(tmp_path, [unit(n) for n in NAMES])
    assert cli(["rollup", str(path), str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rollup"]["included"] == list(NAMES)


def test_command_unusable_roster_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "roster.yaml"
    bad.write_text("单位:\n  - {类型: 部门}\n", encoding="utf-8")
    folder = _folder(tmp_path, [unit(NAMES[0])])
    assert cli(["rollup", str(bad), str(folder)]) == 2
    assert "没有填单位名称" in capsys.readouterr().err


def test_last_years_output_serves_as_prior(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = _folder(
        tmp_path,
        [
            unit(
                n,
                2024,
                apply__carry_out__total="1",
                apply__carry_out__natural_person="1",
                apply__new__total="1",
                apply__new__natural_person="1",
            )
            for n in NAMES
        ],
    )
    prior = tmp_path / "agg2024.json"
    roster = _roster_yaml(tmp_path)
    assert cli(["rollup", str(roster), str(last), "--year", "2024", "--out", str(prior)]) == 0
    this = tmp_path / "this"
    this.mkdir()
    for i, n in enumerate(NAMES):
        r = unit(
            n,
            apply__carry_in__total="1",
            apply__carry_in__natural_person="1",
            apply__res__granted__total="1",
            apply__res__granted__natural_person="1",
            apply__res__total__total="1",
            apply__res__total__natural_person="1",
        )
        (this / f"{i}.json").write_text(json.dumps(dump(r), ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert cli(["rollup", str(roster), str(this), "--prior", str(prior), "--json"]) == 0
    ru07 = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "RU-07"]
    assert [f["status"] for f in ru07] == ["pass"]
