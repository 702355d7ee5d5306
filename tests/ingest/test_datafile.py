"""YAML/JSON data files: the schema, the check-JSON round trip and every input error."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.config import shipped_dir
from assistant.errors import InputError, InputErrors
from assistant.ingest import datafile, read_report
from assistant.report import Cell, Report, load_layout, zero_report
from assistant.report.cells import parse_cell
from assistant.report.dataschema import dump, yaml_text

EXAMPLE = shipped_dir("knowledge") / "examples" / "report-2025.yaml"
APPLY_COLS = (
    "natural_person",
    "legal.commercial",
    "legal.research",
    "legal.social_welfare",
    "legal.legal_service",
    "legal.other",
    "total",
)


def _write(tmp_path: Path, text: str, name: str = "年报数据.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(InputErrors) as info:
        datafile.read(path)
    return [e.message for e in info.value.errors]


def _cells(report: Report) -> dict[str, tuple[object, str, str]]:
    return {k: (c.value, c.raw, c.kind) for k, c in report.cells.items()}


# ---- the shipped example ------------------------------------------------------------------


def test_example_is_complete_and_consistent() -> None:
    r = read_report(EXAMPLE)
    assert (r.year, r.format, r.agency.kind, r.agency.level) == (
        2025,
        "2021",
        "department",
        "county",
    )
    layout = load_layout("2021")
    assert set(r.cells) == set(layout.cell_ids)
    v = r.value
    rows = [row.id for row in layout.table("apply").blocks[0].rows]
    leaves = [x for x in rows if x.startswith("res.") and x != "res.total"]
    assert len(leaves) == 21
    for c in APPLY_COLS:  # T3-01, T3-02
        assert v(f"apply.new.{c}") + v(f"apply.carry_in.{c}") == (
            v(f"apply.res.total.{c}") + v(f"apply.carry_out.{c}")
        )
        assert sum(v(f"apply.{x}.{c}") for x in leaves) == v(f"apply.res.total.{c}"), c
    for x in rows:  # T3-03
        assert sum(v(f"apply.{x}.{c}") for c in APPLY_COLS[:-1]) == v(f"apply.{x}.total"), x
    assert v("apply.new.total") > 0 and v("apply.res.total.total") > 0
    for g in ("admin_review", "litigation_direct", "litigation_after_review"):  # T4-01..03
        assert sum(v(f"review.{g}.{c}") for c in ("upheld", "corrected", "other", "pending")) == (
            v(f"review.{g}.total")
        )
    assert v("review.admin_review.corrected") == 1
    assert v("apply.res.other.fee_unpaid.total") <= v("fees.notices_count")  # T3-06
    assert v("active.admin_fees.amount_wan") == Decimal("12.6")
    assert "信息处理费" in r.text("other") and r.publication.date is not None
    notes = datafile.read_notes(EXAMPLE)
    assert set(notes) == {"overview", "problems", "other"}


# ---- the two shapes: nested and flat, English and Chinese keys -------------------------------


NESTED = """\
单位:
  名称: 示例县统计局
  类型: 部门
  层级: 县
年度: 2025
表三:
  new:
    natural_person: 3
    legal:
      commercial: 1
  carry_in.total: 0
表四:
  admin_review: {upheld: 1, total: 1}
信息处理费:
  collected_yuan: 12.50
正文:
  一: 全年主动公开信息。
备注:
  overview: 写清平台建设
"""

FLAT = """\
agency: {name: 示例县统计局, kind: department, level: county}
year: 2025
format: "2021"
cells:
  apply.new.natural_person: 3
  apply.new.legal.commercial: 1
  apply.carry_in.total: 0
  review.admin_review.upheld: 1
  review.admin_review.total: 1
  fees.collected_yuan: "12.50"
sections: {overview: 全年主动公开信息。}
notes: {一、总体情况: 写清平台建设}
"""


def test_nested_and_flat_forms_give_the_same_report(tmp_path: Path) -> None:
    a = datafile.read(_write(tmp_path, NESTED, "a.yaml"))
    b = datafile.read(_write(tmp_path, FLAT, "b.yaml"))
    assert a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})
    assert a.cells["fees.collected_yuan"].value == Decimal("12.50")
    assert a.agency.level == "county" and a.text("overview") == "全年主动公开信息。"
    assert datafile.read_notes(tmp_path / "a.yaml") == datafile.read_notes(tmp_path / "b.yaml")
    assert datafile.read_notes(tmp_path / "b.yaml") == {"overview": "写清平台建设"}


def test_blank_stays_blank_and_missing_stays_absent(tmp_path: Path) -> None:
    r = datafile.read(
        _write(
            tmp_path,
            "年度: 2025\n表三:\n  new:\n    total:\n    natural_person: '/'\n    legal.other: —\n",
        )
    )
    assert r.cells["apply.new.total"].kind == "blank" and r.value("apply.new.total") is None
    assert r.cells["apply.new.natural_person"].kind == "slash"
    assert r.cells["apply.new.legal.other"].kind == "dash"
    assert "apply.carry_in.total" not in r.cells and len(r.cells) == 3


def test_format_from_year_and_override(tmp_path: Path) -> None:
    path = _write(tmp_path, "年度: 2020\n表二:\n  rules: {new_made: 1}\n")
    r = datafile.read(path)
    assert r.format == "2019" and r.value("active19.rules.new_made") == 1
    errors = _errors(_write(tmp_path, "年度: 2025\nactive19: {rules: {new_made: 1}}\n"))
    assert "属于另一版格式" in errors[0]


def test_signed_delta_in_fmt2019(tmp_path: Path) -> None:
    r = datafile.read(
        _write(tmp_path, '年度: 2020\n表二:\n  licensing: {delta: "+2"}\n  penalty: {delta: -1}\n')
    )
    assert r.value("active19.licensing.delta") == 2 and r.value("active19.penalty.delta") == -1


# ---- round trips ----------------------------------------------------------------------------


def test_example_round_trips_through_check_json(tmp_path: Path) -> None:
    r = datafile.read(EXAMPLE)
    notes = datafile.read_notes(EXAMPLE)
    path = _write(tmp_path, json.dumps(dump(r, notes), ensure_ascii=False), "checked.json")
    back = datafile.read(path)
    assert back.model_dump(exclude={"source"}) == r.model_dump(exclude={"source"})
    assert datafile.read_notes(path) == notes


def test_check_json_findings_are_ignored_and_headings_kept(tmp_path: Path) -> None:
    r = datafile.read(EXAMPLE)
    data = dump(r)
    data["report"]["sections"]["other"] = {"heading": "六、其他事项", "text": "无。"}
    data["report"]["rule_count"] = 90
    data["findings"] = [{"rule": "T3-01", "status": "pass"}]
    back = datafile.read(_write(tmp_path, json.dumps(data, ensure_ascii=False), "c.json"))
    assert back.sections["other"].heading == "六、其他事项"
    assert any("rule_count" in n.message for n in back.notes)


def test_example_round_trips_through_yaml_text(tmp_path: Path) -> None:
    r = datafile.read(EXAMPLE)
    notes = datafile.read_notes(EXAMPLE)
    path = _write(tmp_path, yaml_text(r, notes))
    assert datafile.read(path).model_dump(exclude={"source"}) == r.model_dump(exclude={"source"})
    assert datafile.read_notes(path) == notes


_CELL_RAW = st.one_of(
    st.integers(0, 10_000).map(str),
    st.sampled_from(["", "/", "—", "十二", "1,326", "3件"]),
)
# what a clerk's YAML file may hold: text in a count is an input error there
_CLERK_RAW = st.one_of(st.integers(0, 10_000).map(str), st.sampled_from(["", "/", "—", "1,326"]))


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(["check-json", "yaml"]))
def test_random_cells_round_trip_through_both_writers(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, writer: str
) -> None:
    year = data.draw(st.sampled_from([2020, 2025]))
    layout = zero_report(year).layout
    ids = data.draw(st.lists(st.sampled_from(layout.cell_ids), unique=True, max_size=30))
    raws = _CLERK_RAW if writer == "yaml" else _CELL_RAW
    cells = {cid: parse_cell(data.draw(raws), unit=layout.cell(cid).unit) for cid in ids}
    cells |= {
        cid: parse_cell(data.draw(st.decimals(0, 10**6, places=2)))
        for cid in ids
        if layout.cell(cid).type == "dec"
    }
    report = Report(year=year, cells=cells)
    # a table with no cell at all is written as a key with only comments under it
    if writer == "yaml":
        path = tmp_path_factory.mktemp("rt") / "r.yaml"
        path.write_text(yaml_text(report), encoding="utf-8")
    else:
        path = tmp_path_factory.mktemp("rt") / "r.json"
        path.write_text(json.dumps(dump(report), ensure_ascii=False), encoding="utf-8")
    back = _cells(datafile.read(path))
    if writer == "yaml":  # the clerk's file writes a number plainly: "1,326" comes back 1326
        assert {k: (v, kind) for k, (v, _, kind) in back.items()} == {
            k: (v, kind) for k, (v, _, kind) in _cells(report).items()
        }
    else:
        assert back == _cells(report)


# ---- every error names file, key, line, table row and column ----------------------------------


def test_not_an_integer_names_row_and_column(tmp_path: Path) -> None:
    errors = _errors(
        _write(
            tmp_path, "年度: 2025\n表三:\n  res.denied.state_secret:\n    natural_person: 十二\n"
        )
    )
    assert errors == [
        "年报数据.yaml：表三.res.denied.state_secret.natural_person（第4行）："
        "表三 第5行「（三）不予公开 1.属于国家秘密」自然人列：'十二' 不是整数，应为非负整数。"
        "请填写阿拉伯数字，如 12；没有的填 0。"
    ]


def test_fraction_in_a_count_and_text_in_money(tmp_path: Path) -> None:
    errors = _errors(
        _write(
            tmp_path,
            "年度: 2025\n表二:\n  licensing: {decisions: 2.5}\n"
            "  admin_fees: {amount_wan: 约三万}\n",
        )
    )
    assert len(errors) == 2
    assert (
        "第3行" in errors[0]
        and "表二 第3行「第二十条第（五）项 行政许可」本年处理决定数量列" in errors[0]
    )
    assert "'2.5' 不是整数" in errors[0]
    assert "「第二十条第（八）项 行政事业性收费」本年收费金额（单位：万元）列" in errors[1]
    assert "'约三万' 不是数字" in errors[1] and "万元" in errors[1]


def test_fee_figure_error_names_the_fee(tmp_path: Path) -> None:
    errors = _errors(_write(tmp_path, "年度: 2025\n信息处理费: {notices_count: 一件}\n"))
    assert "信息处理费「发出收费通知的件数」" in errors[0] and "第2行" in errors[0]


def test_unknown_keys_suggest_the_closest(tmp_path: Path) -> None:
    errors = _errors(
        _write(
            tmp_path,
            "年度: 2025\n单位: {名字: 某局}\n表三:\n"
            "  new: {natral_person: 1}\ncells: {apply.new.totl: 1}\n"
            "正文: {七: 无}\n表5: {}\n",
        )
    )
    joined = "\n".join(errors)
    assert len(errors) == 5
    assert "单位.名字（第2行）" in joined and "单位信息中没有“名字”" in joined
    assert "表三.new.natral_person（第4行）" in joined and "“new.natural_person”" in joined
    assert "cells.apply.new.totl（第5行）" in joined and "“apply.new.total”" in joined
    assert "正文中没有“七”这一部分" in joined
    assert "不认识的项目“表5”。是不是想写“表" in joined
    assert "各部分可写作：前言、一 至 六" in joined


def test_all_errors_come_together(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "年度: 2025\n表三:\n  new: {natural_person: x, total: y}\n"
        "表四:\n  admin_review: {total: z}\n",
    )
    with pytest.raises(InputErrors) as info:
        datafile.read(path)
    assert len(info.value.errors) == 3 and "发现3处输入错误" in info.value.message
    assert all(e.source == str(path) for e in info.value.errors)
    assert {e.cell for e in info.value.errors} == {
        "apply.new.natural_person",
        "apply.new.total",
        "review.admin_review.total",
    }
    assert "表四「行政复议/总计」列" in info.value.errors[2].message


def test_duplicates_are_errors(tmp_path: Path) -> None:
    errors = _errors(
        _write(
            tmp_path,
            "年度: 2025\n表三:\n  new: {total: 1}\n"
            "cells: {apply.new.total: 2}\n单位: {名称: a}\n"
            "单位: {名称: b}\n",
        )
    )
    joined = "\n".join(errors)
    assert "第6行：键“单位”重复出现" in joined
    assert "表三 第1行「一、本年新收政府信息公开申请数量」总计列重复填写" in joined


def test_profile_errors(tmp_path: Path) -> None:
    errors = _errors(
        _write(
            tmp_path,
            "年度: 二〇二五\n格式: 2020\n单位: {名称: a, 类型: 局}\n"
            "发布信息: {发布日期: 1月20日}\n",
        )
    )
    joined = "\n".join(errors)
    assert "年度（第1行）" in joined and "年度“二〇二五”无法识别" in joined
    assert "格式（第2行）" in joined
    assert "单位类型“局”无法识别" in joined and "部门、人民政府" in joined
    assert "发布日期“1月20日”无法识别" in joined and "2026-01-20" in joined


def test_missing_year(tmp_path: Path) -> None:
    errors = _errors(_write(tmp_path, "单位: 某局\n"))
    assert errors == ["年报数据.yaml：缺少“年度”（year）。请在文件开头写一行，如：年度: 2025"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "bad.yaml",
            "年度: 2025\n表三:\n  new: {natural_person: 1\n",
            "第4行附近 YAML 格式有误（花括号 { } 没有配对，或少了逗号）",
        ),
        (
            "bad.yaml",
            "年度: 2025\n表三:\n\tnew: 1\n",
            "第3行附近 YAML 格式有误（这一行用了 Tab 字符，请改用空格缩进）",
        ),
        (
            "bad.yaml",
            "年度: 2025\n表三:\n  new：1\n  carry_in: {total: 1}\n",
            "第3行附近 YAML 格式有误（这一行用了全角冒号“：”，请改为英文冒号加空格“: ”）",
        ),
        (
            "bad.json",
            '{"year": 2025,\n "cells": {"apply.new.total": 1,}\n}',
            "第2行第33列 JSON 格式有误（键名要用英文双引号，或多了一个逗号）",
        ),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        datafile.read(_write(tmp_path, text, name))
    assert info.value.message.startswith(f"{name}：{message}")


def test_fullwidth_colon_only(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="全角冒号"):
        datafile.read(_write(tmp_path, "年度：2025\n"))


@pytest.mark.parametrize("text", ["", "- 1\n- 2\n", "就是一句话\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError, match="年报数据.yaml：文件内容应是“键: 值”形式"):
        datafile.read(_write(tmp_path, text))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("年度: 2025\n单位: 某局\n".encode("gbk"))
    with pytest.raises(InputError, match="gbk.yaml：文件不是 UTF-8 编码"):
        datafile.read(path)


def test_check_json_text_cells_are_kept(tmp_path: Path) -> None:
    data = {
        "report": {"agency": "某局", "year": 2025, "format": "2021"},
        "cells": {"apply.new.total": {"value": None, "raw": "十二"}},
    }
    r = datafile.read(_write(tmp_path, json.dumps(data, ensure_ascii=False), "c.json"))
    assert r.cells["apply.new.total"] == Cell(kind="text", raw="十二")


def test_compact_example_equals_the_full_one() -> None:
    compact = EXAMPLE.with_name("report-2025-compact.yaml")
    a, b = datafile.read(EXAMPLE), datafile.read(compact)
    assert a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})
    assert datafile.read_notes(compact) == datafile.read_notes(EXAMPLE)


def test_rollup_json_reads_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from assistant.ingest import read_report

    path = tmp_path / "agg.json"
    path.write_text(
        json.dumps(
            {
                "report": {"agency": "青岚县人民政府", "year": 2025, "format": "2021"},
                "cells": {"apply.new.total": {"value": 3, "raw": "3"}},
                "findings": [],
                "rollup": {"units": [{"name": "青岚县教育局"}], "missing": []},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    report = read_report(path)
    assert report.value("apply.new.total") == 3 and report.agency.name == "青岚县人民政府"


def test_json_duplicate_key_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.errors import InputError
    from assistant.ingest import read_report

    path = tmp_path / "dup.json"
    path.write_text(
        '{"report": {"agency": "某局", "year": 2025}, "cells": '
        '{"apply.new.total": 1, "apply.new.total": 2}}',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="apply.new.total”重复出现"):
        read_report(path)
    quoted = tmp_path / "colon.json"  # a quote-colon inside a value is no key: read as written
    quoted.write_text(
        '{"report": {"agency": "某局\\":", "year": 2025}, "cells": {}}', encoding="utf-8"
    )
    assert read_report(quoted).agency.name == '某局":'


_KEYS = st.text(alphabet='ab"：:\\ 表三.', min_size=1, max_size=4)
_SCALARS = (
    st.integers(-(10**20), 10**20)
    | st.booleans()
    | st.none()
    | st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9)
    | st.decimals(
        allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9, places=9
    )
    | st.text(alphabet='x"：: \\\n\t0.5e', max_size=6)
)
_TREES = st.recursive(
    _SCALARS,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(_KEYS, kids, max_size=4),
    max_leaves=12,
)


def _careful(text: str) -> object:
    return json.loads(text, parse_float=Decimal)


def _same(fast: object, careful: object) -> bool:
    """Equal data, to the type and the digits of every decimal."""
    if isinstance(careful, dict):
        return (
            isinstance(fast, dict)
            and list(fast) == list(careful)
            and all(_same(fast[k], careful[k]) for k in careful)
        )
    if isinstance(careful, list):
        return (
            isinstance(fast, list)
            and len(fast) == len(careful)
            and all(_same(a, b) for a, b in zip(fast, careful, strict=True))
        )
    if isinstance(careful, Decimal):
        return isinstance(fast, Decimal) and str(fast) == str(careful)
    return type(fast) is type(careful) and fast == careful


@pytest.mark.slow  # hypothesis: hundreds of generated documents
@settings(max_examples=400)
@given(
    tree=st.dictionaries(_KEYS, _TREES, min_size=1, max_size=5),
    ascii_=st.booleans(),
    indent=st.sampled_from([None, 2]),
    dup=st.sampled_from(["", "plain", "spaced", "escaped"]),
)
def test_fast_json_reading_is_the_careful_one_or_declines(
    tree: dict, ascii_: bool, indent: int | None, dup: str
) -> None:
    from assistant.ingest.datatree import _UNPROVEN, _proven_json

    # Decimals written as JSON numbers, digit for digit (json.dumps would refuse them)
    text = json.dumps(tree, ensure_ascii=ascii_, indent=indent, default=lambda d: f"__D{d}D__")
    text = text.replace('"__D', "").replace('D__"', "")
    key = next(iter(tree))
    if dup:  # the first key written again, with another value, at the end of the top object;
        again = json.dumps(key, ensure_ascii=ascii_) + (" : 7" if dup == "spaced" else ": 7")
        if dup == "escaped":  # one colon more once re-encoded: the duplicate's would be missed
            again += ', "zz": "\\u003a"'
        text = text.rstrip()[:-1].rstrip() + ", " + again + "}"
    fast = _proven_json(text.encode("utf-8"))
    if dup:
        assert fast is _UNPROVEN  # a duplicate key always goes to the reader that names it
    elif fast is not _UNPROVEN:
        assert _same(fast, _careful(text))
