"""The review package: a real report with a total that does not add up and a wrong carry-over,
written as Word, reopened with python-docx: one comment per finding, anchored on its sentence or
cell; the tracked changes, accepted, make the identities hold; parse reads the accepted text."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from assistant.checks import run_checks
from assistant.cli import cli
from assistant.export.docx import docx_bytes
from assistant.export.gate import DRAFT
from assistant.ingest import read_report
from assistant.report import Cell, Report
from assistant.usecases.review import Reviewed, write_review

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FIXED_RULES = {"T3-02", "T3-03", "XY-01", "XY-02"}


@pytest.fixture(scope="module")
def prior() -> Report:
    return read_report(SAMPLES / "pingtan-2022.html")


@pytest.fixture(scope="module")
def broken() -> Report:
    """Pingtan 2023 (whose 现行有效 already misses 2022's chain), with 办结总计 3 too many and
    上年结转 5 where 2022 carried 0 forward."""
    r = read_report(SAMPLES / "pingtan-2023.html")
    total = int(r.value("apply.res.total.total") or 0)
    return r.with_cells(
        {"apply.res.total.total": Cell.of(total + 3), "apply.carry_in.total": Cell.of(5)}
    )


@pytest.fixture(scope="module")
def reviewed(broken: Report, prior: Report, tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    return write_review(broken, tmp_path_factory.mktemp("review") / "审核意见.docx", prior=prior)


def _ranges(path: Path) -> dict[int, tuple[str, str | None]]:
    """comment id → (the text between its range marks, the table cell's text when in one)."""
    body = docx.Document(str(path)).element.body
    out: dict[int, tuple[str, str | None]] = {}
    for start in body.iter(qn("w:commentRangeStart")):
        cid = start.get(qn("w:id"))
        text, node = [], start
        while True:
            node = node.getnext() if node.getnext() is not None else None
            if node is None or (
                node.tag == qn("w:commentRangeEnd") and node.get(qn("w:id")) == cid
            ):
                break
            text += [t.text or "" for t in node.iter(qn("w:t"), qn("w:delText"))]
        tc = next(start.iterancestors(qn("w:tc")), None)
        cell = "".join(t.text or "" for t in tc.iter(qn("w:t"))) if tc is not None else None
        out[int(cid)] = ("".join(text), cell)
    return out


def test_one_comment_per_finding_where_it_says(
    broken: Report, prior: Report, reviewed: Reviewed
) -> None:
    findings = [f for f in run_checks(broken, prior=prior).findings if f.status != "pass"]
    assert len(reviewed.placed) == len(findings) > 10
    doc = docx.Document(str(reviewed.path))
    comments = {c.comment_id: c for c in doc.comments}
    assert len(comments) == len(findings)
    ranges = _ranges(reviewed.path)
    revised = {p.anchor: p.fix[1] for p in reviewed.placed if p.fix is not None}
    for p in reviewed.placed:
        f = p.finding
        text = comments[p.comment_id].text
        assert f.rule in text and f.message in text and "建议" in text
        covered, _ = ranges[p.comment_id]
        # a revised cell's range holds the deleted figure and the inserted one
        expected = p.anchored_text.replace("\n", "") + revised.get(p.anchor, "")  # w:br in title
        assert covered == expected and covered.strip()
        if p.anchor.startswith("sentence:"):
            assert covered == (f.quote or "").strip()
        elif p.anchor.startswith("cell:"):
            assert p.anchor[5:] in f.cells
    # the two broken cells: comments on the cells themselves, with the fix as a revision
    by_rule = {p.finding.rule: p for p in reviewed.placed}
    assert by_rule["T3-02"].anchor == "cell:apply.res.total.total"
    assert by_rule["XY-01"].anchor == "cell:apply.carry_in.total"
    assert by_rule["XY-01"].fix == ("5", "0")
    total = int(broken.value("apply.res.total.total") or 0)
    assert by_rule["T3-02"].fix == (str(total), str(total - 3))
    _, cell = ranges[by_rule["XY-01"].comment_id]
    assert cell == "0"  # w:t holds the accepted text only (the 5 is w:delText)
    # a narrative finding with its sentence is anchored on exactly that sentence
    assert any(p.anchor.startswith("sentence:") for p in reviewed.placed)


def test_revisions_are_tracked_changes_by_the_reviewer(reviewed: Reviewed) -> None:
    body = docx.Document(str(reviewed.path)).element.body
    dels, inss = list(body.iter(qn("w:del"))), list(body.iter(qn("w:ins")))
    assert len(dels) == len(inss) == reviewed.revisions == 3  # 办结总计, 上年结转, 现行有效
    for mark in (*dels, *inss):
        assert mark.get(qn("w:author")) == "xxgk 审核" and mark.get(qn("w:date"))
    ids = [m.get(qn("w:id")) for m in (*dels, *inss)]
    assert len(set(ids)) == len(ids)


def test_accepted_changes_make_the_identities_hold(reviewed: Reviewed, prior: Report) -> None:
    again = read_report(reviewed.path)  # the reader takes w:ins and skips w:delText
    failed = {f.rule for f in run_checks(again, prior=prior).failures()}
    assert not failed & FIXED_RULES
    assert again.value("apply.carry_in.total") == 0


def test_parse_ignores_comments_and_reads_the_accepted_text(
    broken: Report, reviewed: Reviewed, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.docx"
    plain.write_bytes(docx_bytes(broken, kind=DRAFT))
    before, after = read_report(plain), read_report(reviewed.path)
    for sid in ("overview", "problems", "other"):
        assert after.text(sid) == before.text(sid)  # no comment text crept in
    changed = {c for c in before.cells if before.value(c) != after.value(c)}
    assert changed == {
        "apply.res.total.total",
        "apply.carry_in.total",
        "active.normative_docs.valid",
    }


def test_the_command_and_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "意见.docx"
    code = cli(
        [
            "review",
            str(SAMPLES / "pingtan-2023.html"),
            "--prior",
            str(SAMPLES / "pingtan-2022.html"),
            "-o",
            str(out),
        ]
    )
    assert code == 0 and out.exists()
    assert "已生成审核意见" in capsys.readouterr().out
    folder = tmp_path / "reports"
    folder.mkdir()
    for y in (2021, 2022):
        (folder / f"pingtan-{y}.html").write_bytes((SAMPLES / f"pingtan-{y}.html").read_bytes())
    reviews = tmp_path / "审核意见"
    cli(["check", str(folder), "--jobs", "1", "--review-dir", str(reviews)])
    names = sorted(p.name for p in reviews.iterdir())
    assert names == ["pingtan-2021-审核意见.docx", "pingtan-2022-审核意见.docx"]
    assert len(docx.Document(str(reviews / names[0])).comments) > 0
