"""Every route a report travels, read back: the same cells, or a cell left unread, never a value
in the wrong place.

The fixtures are made here, once per session, from the shipped samples (`knowledge/samples`) and
the exported example (`tests/data/export/pingtan-2023.yaml` through `xxgk export -f html`): the page
as saved (the reference), Markdown with a one-row header (what `xxgk export -f md` writes, and what
pasting into a Markdown editor gives) squeezed onto one line too, Markdown rows in the page's own
reading order with and without the outer bars (a three-row header as printed), and, in the slower
tiers, Chromium's select-all-copy (Playwright `inner_text` of the body) with its whitespace
collapsed onto one line, Chromium's print-to-PDF read from its text layer, and LibreOffice's
conversion to .docx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from assistant.export.document import html_page, markdown
from assistant.ingest import read_report
from assistant.ingest.blocks import Paragraph, Table
from assistant.ingest.html import html_blocks
from assistant.report.model import Report

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "knowledge" / "samples"
EXAMPLE = REPO / "tests" / "data" / "export" / "pingtan-2023.yaml"
CHROMIUM = "/usr/bin/chromium"


def _sources() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".html", ".txt")) + [EXAMPLE]


@cache
def _page(source: Path) -> tuple[str, Report]:
    """The page a person opens (the saved page itself, or the export of a text or data file)
    and the report it holds, read from the page as saved: the reference every route must match."""
    if source.suffix == ".html":
        text = source.read_text(encoding="utf-8")
        return text, read_report(source)
    report = read_report(source)
    return html_page(report), report


def _values(report: Report) -> dict[str, object]:
    return {cid: c.value for cid, c in report.cells.items()}


def _reading_order_md(page: str, *, bars: bool) -> str:
    """The page as Markdown rows in reading order: a merged header cell is printed once, so a
    three-row header gives rows of 2, 3 and 5 cells (what pasting a table into many editors and
    chat boxes gives)."""
    blocks, meta = html_blocks(page)
    lines: list[str] = [meta.title] if meta.title else []  # the page's heading, copied with it
    for b in blocks:
        if isinstance(b, Paragraph):
            lines.extend(b.text.split("\n"))
            continue
        assert isinstance(b, Table)
        for row in b.rows():
            cells = [c.text.replace("\n", "").replace("|", "\\|") for c in row]
            lines.append(("| " + " | ".join(cells) + " |") if bars else " | ".join(cells))
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    """What a crawler stores: every run of whitespace one space."""
    return " ".join(text.split())


Route = Callable[[str, Report], tuple[str, bytes | str]]  # → (suffix, content)

FAST_ROUTES: dict[str, Route] = {
    "saved-html": lambda page, _: (".html", page),
    "md-1row": lambda _, report: (".md", markdown(report)),
    "md-1row-one-line": lambda _, report: (".txt", _one_line(markdown(report))),
    "md-3row-bars": lambda page, _: (".md", _reading_order_md(page, bars=True)),
    "md-3row-bare": lambda page, _: (".txt", _reading_order_md(page, bars=False)),
}


def _compare(expected: Report, got: Report) -> tuple[list[str], list[str]]:
    want, have = _values(expected), _values(got)
    wrong = [
        f"{cid}={have[cid]!r} (want {want[cid]!r})"
        for cid in want
        if cid in have and have[cid] is not None and not _same(have[cid], want[cid])
    ]
    unread = [cid for cid in want if have.get(cid) is None and want[cid] is not None]
    return wrong, unread


def _same(a: object, b: object) -> bool:
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return str(a) == str(b)


def _read_route(tmp: Path, name: str, suffix: str, content: bytes | str) -> Report:
    path = tmp / f"{name}{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return read_report(path)


def _check(
    source: Path, route: str, got: Report, *, may_lose: frozenset[str] = frozenset()
) -> None:
    _, expected = _page(source)
    wrong, unread = _compare(expected, got)
    assert not wrong, f"{source.name} via {route}: values in the wrong place: {wrong[:5]}"
    lost = [c for c in unread if not any(c.startswith(p) for p in may_lose)]
    assert not lost, f"{source.name} via {route}: {len(lost)} cells unread, e.g. {lost[:5]}"
    if unread:  # what a route loses is said, never silently dropped
        noted = {n.cell for n in got.notes if n.cell} | {
            m for n in got.notes for m in re.findall(r"表[一二三四]", n.message)
        }
        assert noted, f"{source.name} via {route}: cells unread without a read note"
    assert (got.year, got.format, got.agency.name) == (
        expected.year,
        expected.format,
        expected.agency.name,
    )


@pytest.mark.parametrize("route", list(FAST_ROUTES))
@pytest.mark.parametrize("source", _sources(), ids=lambda p: p.name)
def test_fast_routes_read_the_same_cells(source: Path, route: str, tmp_path: Path) -> None:
    page, report = _page(source)
    suffix, content = FAST_ROUTES[route](page, report)
    got = _read_route(tmp_path, route, suffix, content)
    _check(source, route, got)
    assert got.agency.name == report.agency.name


# ---- Chromium: select-all-copy, the same squeezed onto one line, print to PDF ----------------


@pytest.fixture(scope="session")
def chromium_routes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each page opened once in Chromium: its copied text and its printed PDF, for every source."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-deps installs it)")
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("chromium-routes")
    out: dict[tuple[str, str], Path] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for source in _sources():
                html, _ = _page(source)
                page.set_content(html, wait_until="load")
                copied = page.inner_text("body")
                stem = source.stem
                (out_copy := folder / f"{stem}-copied.txt").write_text(copied, encoding="utf-8")
                out_line = folder / f"{stem}-copied-one-line.txt"
                out_line.write_text(_one_line(copied), encoding="utf-8")
                out_pdf = folder / f"{stem}-printed.pdf"
                page.pdf(path=str(out_pdf), format="A4")
                out[(source.name, "copied")] = out_copy
                out[(source.name, "copied-one-line")] = out_line
                out[(source.name, "printed-pdf")] = out_pdf
        finally:
            browser.close()
    return out


# what a route truly loses, by source: (source, route) → cell-id prefixes that may stay unread
CHROMIUM_LOSSES: dict[tuple[str, str], frozenset[str]] = {}


_ROUTES = ["copied", "copied-one-line", "printed-pdf"]


@pytest.mark.browser
@pytest.mark.parametrize("route", _ROUTES)
@pytest.mark.parametrize("source", _sources(), ids=lambda p: p.name)
def test_chromium_routes_read_the_same_cells(
    source: Path, route: str, chromium_routes: dict[tuple[str, str], Path]
) -> None:
    got = read_report(chromium_routes[(source.name, route)])
    _check(source, route, got, may_lose=CHROMIUM_LOSSES.get((source.name, route), frozenset()))


# ---- LibreOffice: the saved page converted to .docx -------------------------------------------


@pytest.fixture(scope="session")
def libreoffice_docx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (scripts/system-deps installs it)")
    folder = tmp_path_factory.mktemp("libreoffice-routes")
    pages = []
    for source in _sources():
        html, _ = _page(source)
        (page := folder / f"{source.stem}.html").write_text(html, encoding="utf-8")
        pages.append(page)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            *map(str, pages),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {s.name: folder / "out" / f"{s.stem}.docx" for s in _sources()}


@pytest.mark.slow
@pytest.mark.parametrize("source", _sources(), ids=lambda p: p.name)
def test_libreoffice_docx_reads_the_same_cells(
    source: Path, libreoffice_docx: dict[str, Path]
) -> None:
    got = read_report(libreoffice_docx[source.name])
    _check(source, "libreoffice-docx", got)


@pytest.mark.browser
def test_a_folder_of_every_route_checks_as_the_saved_pages_do(
    chromium_routes: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    """`xxgk check FOLDER` over every route of every source: each file read, and no error-level
    finding that the source itself does not have (a reading route adds no error)."""
    from assistant.checks import run_checks
    from assistant.usecases.batch import run_batch

    paths: dict[Path, Path] = {}  # file → the source it was made from
    for source in _sources():
        page, report = _page(source)
        for route, make in FAST_ROUTES.items():
            suffix, content = make(page, report)
            path = tmp_path / f"{source.stem}-{route}{suffix}"
            assert isinstance(content, str)
            path.write_text(content, encoding="utf-8")
            paths[path] = source
    for (name, _), path in chromium_routes.items():
        paths[path] = next(s for s in _sources() if s.name == name)
    result = run_batch(sorted(paths), jobs=1, progress=False)
    assert not result.unreadable, [i.error for i in result.unreadable]
    for item in result.items:
        source = paths[item.path]
        own = {f.rule for f in run_checks(_page(source)[1]).errors}
        assert item.result is not None
        assert {f.rule for f in item.result.errors} <= own, item.path.name
        assert item.incomplete == "", (item.path.name, item.incomplete)
