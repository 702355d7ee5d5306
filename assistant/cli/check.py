"""`xxgk check FILE|DIR`: every rule of SPEC c on one report (or a folder), for people or as JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from assistant.checks import CheckOptions, CheckResult, Finding, registered_rules, run_checks
from assistant.checks.document import check_document
from assistant.checks.findings import SEVERITY_LABELS
from assistant.cli.exitcodes import EXIT_FAIL, EXIT_INPUT, EXIT_OK
from assistant.cli.given import given_options
from assistant.config import LimitSettings, load_settings
from assistant.errors import InputError
from assistant.ingest import SUPPORTED_SUFFIXES, read_report
from assistant.report.layout import format_info
from assistant.report.model import Report


def exit_code(result: CheckResult) -> int:
    return EXIT_FAIL if result.errors else EXIT_OK


def summary(result: CheckResult) -> dict[str, int]:
    c = Counter(f.status if f.status != "fail" else f.severity for f in result.findings)
    return {
        "errors": c["error"],
        "warnings": c["warning"],
        "infos": c["info"],
        "not_assessable": c["not_assessable"],
        "passed": c["pass"],
    }


def summary_line(result: CheckResult) -> str:
    s = summary(result)
    # a blank template has no error, only rules that could not judge it: say so, not "all clear"
    unjudged = sum(1 for f in result.not_assessable if f.severity == "error")
    if s["errors"]:
        verdict = "有错误，须更正"
    elif unjudged:
        verdict = f"未发现错误，但有{unjudged}项错误级校验因空白格或缺少信息无法判断，补全后请再查"
    else:
        verdict = "未发现错误"
    return (
        f"结论：{verdict}。错误{s['errors']}项、警告{s['warnings']}项、提示{s['infos']}项、"
        f"无法判断{s['not_assessable']}项、通过{s['passed']}项。"
    )


def human_text(report: Report, result: CheckResult) -> str:
    """Failures grouped by severity, then what could not be judged, then one summary line."""
    titles = {r.id: r.title for r in registered_rules()}
    head = (
        f"{report.agency.name or '（未填写机关名称）'} {report.year}年度政府信息公开工作年度报告"
        f"（{format_info(report.format).name}）"
    )
    lines = [head] + ([f"  文件：{report.source}"] if report.source else [])
    for note in report.notes:
        if note.level != "info":
            lines.append(f"  读取提示：{note.message}")
    for severity in ("error", "warning", "info"):
        failed = result.failures(severity)
        if not failed:
            continue
        lines += ["", f"{SEVERITY_LABELS[severity]}（{len(failed)}项）"]
        for f in failed:
            lines.append(f"  [{f.rule} {titles.get(f.rule, '')}] {f.message}")
    unknown = result.not_assessable
    if unknown:
        lines += ["", f"无法判断（{len(unknown)}项）"]
        per_rule: dict[str, list[Finding]] = {}
        for f in unknown:
            per_rule.setdefault(f.rule, []).append(f)
        for rule_id, items in per_rule.items():
            more = f"（共{len(items)}处）" if len(items) > 1 else ""
            lines.append(f"  [{rule_id} {titles.get(rule_id, '')}] {items[0].message}{more}")
    lines += ["", summary_line(result)]
    return "\n".join(lines)


@click.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--prior", type=click.Path(path_type=Path), help="同一机关上一年度的报告，用于跨年度核对。"
)
@click.option(
    "--json", "as_json", is_flag=True, help="输出一个 JSON 文档（report、cells、findings）。"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["2019", "2021"]),
    help="指定表格格式（默认按报告年度：2019、2020 年度用 2019 年试行格式）。",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="校验文件夹时同时处理的进程数（默认为 CPU 核数）。",
)
@click.option(
    "--csv", "csv_path", type=click.Path(path_type=Path), help="校验文件夹时，把结果写成 CSV。"
)
@click.option(
    "--html", "html_path", type=click.Path(path_type=Path), help="校验文件夹时，把结果写成网页。"
)
@click.option(
    "--review-dir",
    type=click.Path(path_type=Path),
    help="为每份报告生成审核意见 Word 文件（批注和修订，同 xxgk review），放在这个文件夹。",
)
@given_options
def check(
    file: Path,
    prior: Path | None,
    as_json: bool,
    fmt: str | None,
    jobs: int | None,
    csv_path: Path | None,
    html_path: Path | None,
    review_dir: Path | None,
    given_year: int | None,
    given_agency: str | None,
) -> int:
    """校验一份年度报告的表格、格式和发布信息；FILE 为文件夹时逐一校验其中的报告。

    \b
    退出码：0 没有错误级问题（可有警告）；1 有错误级问题；2 文件无法使用。
    """
    settings = load_settings()
    limits = settings.limits
    options = CheckOptions.from_settings(settings.checks.deadlines)
    if file.is_dir():
        if given_agency:
            raise InputError("--agency 只能用于单个文件；校验文件夹时各报告的机关名称各不相同。")
        return _check_folder(
            file,
            as_json=as_json,
            jobs=jobs,
            csv_path=csv_path,
            html_path=html_path,
            limits=limits,
            options=options,
            review_dir=review_dir,
            year=given_year,
        )
    report = read_report(
        file,
        format=fmt,  # type: ignore[arg-type]
        limits=limits,
        year=given_year,
        agency=given_agency,
    )
    prior_report = read_report(prior, limits=limits) if prior is not None else None
    result = run_checks(report, prior=prior_report, options=options)
    if review_dir is not None:
        from assistant.usecases.review import review_name, write_review

        done = write_review(report, review_name(file, review_dir), findings=result.findings)
        click.echo(done.summary(), err=True)
    if as_json:
        click.echo(json.dumps(check_document(report, result), ensure_ascii=False, indent=2))
    else:
        click.echo(human_text(report, result))
    return exit_code(result)


# ---- a folder: assistant.usecases.batch reads and checks in parallel; this formats the outcome ----


def _check_folder(
    folder: Path,
    *,
    as_json: bool,
    jobs: int | None,
    csv_path: Path | None,
    html_path: Path | None,
    limits: LimitSettings,
    options: CheckOptions,
    review_dir: Path | None = None,
    year: int | None = None,
) -> int:
    from assistant.usecases import batch  # process pool and progress bar: only for folders

    paths = batch.report_files(folder)
    if not paths:
        raise InputError(
            f"文件夹“{folder}”中没有可校验的报告文件（可读取的类型："
            f"{'、'.join(s.lstrip('.') for s in SUPPORTED_SUFFIXES)}）。"
        )
    outcome = batch.run_batch(
        paths,
        jobs=jobs,
        documents=as_json,
        limits=limits,
        options=options,
        review_dir=review_dir,
        year=year,
    )
    if review_dir is not None:
        written = sum(1 for i in outcome.items if i.error is None)
        click.echo(f"已在“{review_dir}”中生成{written}份审核意见（Word）。", err=True)
    if csv_path:
        batch.write_csv(outcome, csv_path)
    if html_path:
        batch.write_html(outcome, html_path, title=f"年度报告批量校验：{folder.name}")
    items = outcome.items
    if as_json:
        docs = [
            i.document if i.document is not None else {"file": str(i.path), "error": i.error}
            for i in items
        ]
        click.echo(json.dumps({"files": docs}, ensure_ascii=False, indent=2))
    else:
        for i in items:
            line = summary_line(i.result) if i.result is not None else f"无法读取：{i.error}"
            partly = f"  读取不全：{i.incomplete}" if i.incomplete else ""
            click.echo(f"{i.path}  {i.agency}  {line}{partly}")
        bad = sum(1 for i in items if i.result is not None and i.result.errors)
        click.echo(f"共{len(items)}份：有错误{bad}份，无法读取{len(outcome.unreadable)}份。")
    unreadable = len(outcome.unreadable)
    if unreadable:  # said on stderr too, so a script (or --json) cannot miss it
        click.echo(
            f"注意：{len(items)}份中有{unreadable}份无法读取，未参加校验（原因见各文件的结果）。",
            err=True,
        )
    if unreadable * 2 >= len(items):  # most files unread: the folder was not checked
        return EXIT_INPUT
    if any(i.result is not None and i.result.errors for i in items):
        return EXIT_FAIL
    return EXIT_OK


COMMANDS = (check,)
