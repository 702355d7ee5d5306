"""The review package of one report (`xxgk review`, the 审核对比 tab, a folder's batch check):
check it (against last year's when given) and write the Word file with each finding as a comment
on its place and the mechanical fixes as tracked changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.checks import Finding, run_checks
from assistant.checks.options import CheckOptions
from assistant.errors import ExportError
from assistant.export.review_docx import Placed, build_review_docx
from assistant.report import Report

SUFFIX = "-审核意见.docx"


@dataclass(frozen=True)
class Reviewed:
    path: Path
    placed: tuple[Placed, ...]

    @property
    def comments(self) -> int:
        return len(self.placed)

    @property
    def revisions(self) -> int:
        return len({p.anchor for p in self.placed if p.fix is not None})

    def summary(self) -> str:
        return (
            f"已生成审核意见 {self.path}：批注{self.comments}条，"
            f"可直接接受的修订{self.revisions}处。用 Word 或 WPS 打开，在“审阅”中逐条查看。"
        )


def review_name(source: Path, folder: Path) -> Path:
    """Where a batch puts a file's review: 审核意见/<file name>-审核意见.docx."""
    return folder / f"{source.stem}{SUFFIX}"


def write_review(
    report: Report,
    out: Path,
    *,
    prior: Report | None = None,
    findings: Sequence[Finding] | None = None,
    options: CheckOptions | None = None,
) -> Reviewed:
    """Check (unless the findings are given) and write the review package to `out`."""
    if findings is None:
        findings = run_checks(report, prior=prior, options=options).findings
    doc, placed = build_review_docx(report, findings)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
    except OSError as exc:
        raise ExportError(
            f"无法写入“{out}”：{exc.strerror}。请检查文件夹是否存在、文件是否已在 Word/WPS 中打开。",
            source=out,
        ) from exc
    return Reviewed(out, tuple(placed))
