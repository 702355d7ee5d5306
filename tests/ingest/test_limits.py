"""Every limit of assistant/limits.py: a hostile file is refused before it is read, with a Chinese
message naming the file and the limit, and exit 2 on the command line (issue 16)."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.cli import cli
from assistant.config import LimitSettings
from assistant.errors import InputError, LimitError
from assistant.export.xlsx import write_workbook
from assistant.ingest import read_report
from assistant.ingest.roster import read_roster
from assistant.limits import check_json_text
from assistant.report import zero_report
from tests.support import hostile

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"


def _refused(path: Path, limit: str, limits: LimitSettings | None = None) -> LimitError:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitError) as caught:
        read_report(path, **({"limits": limits} if limits else {}))
    assert caught.value.limit == limit
    assert caught.value.message.startswith(path.name + "：")
    # refused before reading: the peak memory of the test process has not grown by 100 MB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000
    return caught.value


def test_billion_laughs_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(hostile.billion_laughs(), encoding="utf-8")
    assert path.stat().st_size < 600
    assert "锚点" in _refused(path, "yaml_nodes").message


def test_a_few_aliases_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "单位: &u {名称: 某县统计局}\n年度: 2025\n备注:\n  overview: 培训2次\n", encoding="utf-8"
    )
    assert read_report(path).agency.name == "某县统计局"


@pytest.mark.parametrize("kind", ["exponent", "digits", "negexp"])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_huge_numbers_are_refused(tmp_path: Path, kind: str, suffix: str) -> None:
    path = tmp_path / f"n{suffix}"
    make = hostile.huge_number_json if suffix == ".json" else hostile.huge_number_yaml
    path.write_bytes(make(kind))
    assert "指数超过 99）的数字" in _refused(path, "number_chars").message


@pytest.mark.parametrize(
    "name, data",
    [
        ("deep.json", hostile.deep_json(100_000)),
        ("deep.yaml", hostile.deep_yaml_flow(100_000)),
        ("block.yaml", hostile.deep_yaml_block(2_000)),
    ],
)
def test_deep_nesting_is_refused(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert "嵌套超过 64 层" in _refused(path, "json_depth").message


def test_a_large_data_file_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    message = _refused(path, "data_mb", LimitSettings(data_mb=1)).message
    assert "超过数据文件（YAML/JSON）的上限 1 MB" in message


def test_docx_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    data = (REPORTS / "known-2025.docx").read_bytes()
    path.write_bytes(hostile.zip_bomb(data, "word/document.xml", 40))
    assert path.stat().st_size < 1_000_000
    assert "超过上限 30 MB" in _refused(path, "unzipped_markup_mb").message


def test_xlsx_bomb_and_many_members_are_refused(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "book.xlsx", zero_report(2025, "某县统计局"))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(hostile.zip_bomb(book.read_bytes(), "xl/worksheets/sheet2.xml", 40))
    _refused(path, "unzipped_markup_mb")
    path.write_bytes(hostile.many_members(book.read_bytes(), 60))
    _refused(path, "zip_members", LimitSettings(zip_members=50))
    assert read_report(book).agency.name == "某县统计局"  # the workbook itself is fine


def test_a_roster_is_read_within_the_same_limits(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text(hostile.billion_laughs() + "单位: [*a9]\n", encoding="utf-8")
    with pytest.raises(LimitError):
        read_roster(path)
    path.write_text("单位:\n  - {名称: 某县统计局, 类型: 部门}\n", encoding="utf-8")
    assert read_roster(path).units[0].name == "某县统计局"


def test_the_command_line_exits_2_naming_file_and_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(hostile.billion_laughs(), encoding="utf-8")
    assert cli(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "laughs.yaml" in err and "50000 项" in err and "Traceback" not in err
    monkeypatch.setenv("XXGK_LIMITS__YAML_NODES", "3")  # the limit is a setting
    small = tmp_path / "small.yaml"
    small.write_text("年度: 2025\n表三: {new: {total: 1, natural_person: 1}}\n", encoding="utf-8")
    assert cli(["check", str(small)]) == 2
    assert "超过 3 项" in capsys.readouterr().err


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_an_owner_password_only_pdf_is_read_and_a_user_password_is_refused(
    tmp_path: Path, algorithm: str
) -> None:
    from pypdf import PdfReader, PdfWriter

    for user in ("", "open-me"):
        writer = PdfWriter(clone_from=PdfReader(REPORTS / "known-2025.pdf"))
        writer.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
        path = tmp_path / f"{algorithm}-{bool(user)}.pdf"
        writer.write(path)
        if not user:
            assert read_report(path).year == 2025
        else:
            with pytest.raises(InputError, match="打开密码"):
                read_report(path)


def _nesting(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_nesting, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_nesting, value), default=0)
    return 0


# strings full of brackets, quotes and backslashes: the depth test must not count what a string holds
_TRICKY = st.text(alphabet='[]{}"\\ ,:a中', max_size=6)
_VALUES = st.recursive(
    st.none() | st.integers(-5, 5) | _TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TRICKY, inner, max_size=3),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(value=_VALUES, limit=st.integers(1, 6), ascii_only=st.booleans())
def test_the_depth_test_agrees_with_the_parsed_depth(
    value: object, limit: int, ascii_only: bool
) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    try:
        check_json_text(data, "x.json", LimitSettings(json_depth=limit))
        refused = False
    except LimitError:
        refused = True
    assert refused == (_nesting(value) > limit)


@pytest.mark.parametrize(
    "data, depth",
    [
        # each string's bracket pairs with a real one: counted naively, these nest one level deep
        (b'[ "]" [ "]" [ "]" [ "]" [] "[" ] "[" ] "[" ] "[" ]', 5),
        (b'[["[[[[[[", {"a": "{{{{{{{{"}]]', 3),  # openers inside strings
        (b"[[[[[]]]]] " * 3, 5),
        (b"[1,[2,[3,[4,[5,[6]]]]]]", 6),
    ],
)
def test_brackets_inside_strings_do_not_change_the_depth(data: bytes, depth: int) -> None:
    check_json_text(data, "x.json", LimitSettings(json_depth=depth))
    with pytest.raises(LimitError):
        check_json_text(data, "x.json", LimitSettings(json_depth=depth - 1))
