"""`xxgk review FILE [--prior …] -o 审核意见.docx`: the report as a Word file for the drafter, each
finding a comment on its sentence or table cell, each mechanical fix a tracked change."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.checks.options import CheckOptions
from assistant.cli.compare import load_any
from assistant.config import load_settings
from assistant.usecases.review import review_name, write_review


@click.command(
    "review",
    help="生成审核意见 Word 文件：报告全文，每条校验意见作为批注标在所涉的句子或表格单元格上"
    "（规则、说明、修改建议）；合计不符、结转不符等可确定的修改以修订标出，起草人可在 Word/WPS 的"
    "“审阅”中逐条接受。报告可以是文件，也可以是工作区中的“机关名称:年度”。",
)
@click.argument("file")
@click.option("--prior", help="上年报告（文件或“机关名称:年度”），用于跨年度核对。")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="输出的 .docx 文件；不写时为“<报告文件名>-审核意见.docx”，放在当前文件夹。",
)
def review_cmd(file: str, prior: str | None, output: Path | None) -> None:
    report = load_any(file)
    before = load_any(prior) if prior else None
    out = output or review_name(Path(file), Path.cwd())
    if out.suffix.lower() != ".docx":
        out = out.with_suffix(".docx")
    options = CheckOptions.from_settings(load_settings().checks.deadlines)
    done = write_review(report, out, prior=before, options=options)
    click.echo(done.summary())


COMMANDS = (review_cmd,)
