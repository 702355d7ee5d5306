"""Fuzzing every reader: whatever the input, the result is a Report or one of our errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import AssistantError
from assistant.ingest import read_report
from assistant.report.layout import load_layout

_REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_LABELS = sorted(
    {
        x
        for fmt in ("2019", "2021")
        for t in load_layout(fmt).tables
        for b in t.blocks
        for x in (
            b.caption or "",
            *(r.label for r in b.rows),
            *(c.label for c in b.columns),
            *(g for r in b.rows for g in r.groups),
        )
    }
    - {""}
)
_TOKENS = st.one_of(
    st.sampled_from(_LABELS),
    st.sampled_from(
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
            "示例局2025年政府信息公开工作年度报告",
            "",
            "\t",
            "|",
            "+---+",
            "0",
            "/",
            "—",
            "-3",
            "1.5万元",
            "２０",
            "\x00",
        ]
    ),
    st.integers(-10, 10**6).map(str),
    st.text(max_size=12),
)


def _read(tmp: str, name: str, data: bytes) -> None:
    path = Path(tmp) / name
    path.write_bytes(data)
    try:
        report = read_report(path)
    except AssistantError as exc:
        assert exc.message  # a Chinese message for the user, never empty
        return
    assert report.year >= 1900


@_SETTINGS
@given(
    lines=st.lists(_TOKENS, max_size=80),
    sep=st.sampled_from(["\n", "\t", " ", " | ", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]),
)
def test_text_reader(lines: list[str], sep: str, encoding: str) -> None:
    text = sep.join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        _read(tmp, "r.txt", text.encode(encoding, errors="replace"))
        _read(tmp, "r.md", text.encode("utf-8", errors="replace"))


@_SETTINGS
@given(data=st.binary(max_size=2000))
def test_text_reader_on_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _read(tmp, "r.txt", data)


_HTML = st.one_of(
    _TOKENS,
    st.sampled_from(
        [
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th>",
            "<td rowspan='3'>",
            "<td colspan='2'>",
            "<td rowspan='0'>",
            "<td colspan='99999'>",
            "<td rowspan='x'>",
            "<p>",
            "</p>",
            "<br>",
            "<div class='nav'>",
            "</div>",
            "<script>",
            "</script>",
            "<!--",
            "-->",
            "<meta charset='gbk'>",
            "<meta name='PubDate' content='2025-13-45'>",
            "<title>",
            "</title>",
            "&nbsp;",
            "&#0;",
            "<![CDATA[",
            "]]>",
        ]
    ),
)


@_SETTINGS
@given(parts=st.lists(_HTML, max_size=120))
def test_html_reader(parts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _read(tmp, "r.html", "".join(parts).encode("utf-8", errors="replace"))


_EDITS = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=8)


def _mutated(name: str, edits: list[tuple[int, int]], keep: float) -> bytes:
    """A damaged copy of a fixture: cut short to `keep` of its length, a few bytes changed.
    (Drawn as parameters, not bytes, so a failing example prints short.)"""
    original = (_REPORTS / name).read_bytes()
    data = bytearray(original[: max(int(len(original) * keep), 1)])
    for pos, value in edits:
        data[pos % len(data)] = value
    return bytes(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=_EDITS, keep=st.floats(0.5, 1.0), junk=st.none() | st.binary(max_size=300))
def test_docx_reader(edits: list[tuple[int, int]], keep: float, junk: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _read(tmp, "r.docx", junk if junk is not None else _mutated("known-2025.docx", edits, keep))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=_EDITS, keep=st.floats(0.5, 1.0), junk=st.none() | st.binary(max_size=300))
def test_pdf_reader(edits: list[tuple[int, int]], keep: float, junk: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _read(tmp, "r.pdf", junk if junk is not None else _mutated("known-2025.pdf", edits, keep))
