"""`xxgk report …`, `xxgk backup`, `xxgk restore`: the workspace from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from assistant.config import load_settings
from assistant.errors import InputError
from assistant.ingest import read_report
from assistant.report import SECTION_IDS, Section
from assistant.report.layout import SectionId, section_names
from assistant.store import Workspace, backup, restore, section_label
from assistant.store.backup import is_empty, read_backup
from assistant.usecases.workspace import create_report, import_data, pick_report

DEFAULT_AUTHOR = "命令行"
_author = click.option(
    "--author", default=DEFAULT_AUTHOR, show_default=True, help="记录在修改历史中的操作人。"
)
_as_json = click.option("--json", "as_json", is_flag=True, help="输出一个 JSON 文档。")


def _which(f: Any) -> Any:
    f = click.option("-y", "--year", type=int, help="报告年度；工作区只有一份报告时可省略。")(f)
    return click.option("-a", "--agency", help="机关名称；工作区只有一份报告时可省略。")(f)


def open_workspace() -> Workspace:
    return Workspace.open(load_settings())


def _echo_json(doc: Any) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def section_id(text: str) -> SectionId:
    """A section named by id (problems), number (五) or heading (存在的主要问题及改进情况)."""
    sid = section_names().get(text.strip().rstrip("、"))
    if sid is not None:
        return sid
    raise InputError(
        f"没有“{text}”这一部分。请写 一 至 六 或部分名称，也可写 {'、'.join(SECTION_IDS)}。"
    )


@click.group("report", help="工作区中的报告：新建、列出、查看、导入数据、版本历史与恢复。")
def report_group() -> None:
    pass


@report_group.command(
    "new", help="新建一份报告（机关 × 年度）；工作区有上年报告或给出 --prior 时自动结转。"
)
@click.argument("agency")
@click.argument("year", type=int)
@click.option(
    "--prior",
    "prior_file",
    type=click.Path(path_type=Path),
    help="上年报告文件（任何可读格式），用于结转上年数据。",
)
@_author
@_as_json
def new_cmd(agency: str, year: int, prior_file: Path | None, author: str, as_json: bool) -> None:
    prior = read_report(prior_file) if prior_file is not None else None
    with open_workspace() as ws:
        created = create_report(
            ws, agency, year, prior=prior, prior_source=prior_file, author=author
        )
    stored, filled = created.stored, created.carried
    if as_json:
        _echo_json(
            {
                "id": stored.id,
                "agency": agency,
                "year": year,
                "version": stored.version,
                "carried": list(filled),
            }
        )
        return
    click.echo(f"已新建{agency}{year}年度报告（第1版）。")
    if filled:
        click.echo(
            f"已从上年报告结转{len(filled)}项（标记为“上年结转”，可修改）：{'、'.join(filled)}"
        )


@report_group.command("list", help="列出工作区中的所有报告。")
@_as_json
def list_cmd(as_json: bool) -> None:
    with open_workspace() as ws:
        rows = ws.reports()
    if as_json:
        _echo_json(
            [
                {
                    "id": r.id,
                    "agency": r.agency,
                    "year": r.year,
                    "format": r.format,
                    "version": r.version,
                    "updated_at": r.updated_at.isoformat(),
                    "updated_by": r.updated_by,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("工作区中还没有报告。请用 xxgk report new 机关名称 年度 新建。")
    for r in rows:
        click.echo(
            f"{r.agency}\t{r.year}年度\t第{r.version}版\t"
            f"{r.updated_at.astimezone():%Y-%m-%d %H:%M} {r.updated_by}"
        )


@report_group.command("show", help="查看一份报告：版本、各部分稿件、备注、校验决定与导出记录。")
@_which
@_as_json
def show_cmd(agency: str | None, year: int | None, as_json: bool) -> None:
    with open_workspace() as ws:
        st = pick_report(ws, agency, year)
        heads = {s: ws.draft(st.id, s) for s in SECTION_IDS}
        notes, decisions, exports = ws.notes(st.id), ws.decisions(st.id), ws.exports(st.id)
    filled = sum(1 for c in st.report.cells.values() if c.is_number)
    if as_json:
        _echo_json(
            {
                "id": st.id,
                "agency": st.agency,
                "year": st.year,
                "version": st.version,
                "updated_at": st.updated_at.isoformat(),
                "updated_by": st.updated_by,
                "report": st.report.model_dump(mode="json"),
                "drafts": {s: d.number for s, d in heads.items() if d},
                "notes": len(notes),
                "decisions": len(decisions),
                "exports": [
                    {"format": e.format, "kind": e.kind, "path": e.path, "at": e.at.isoformat()}
                    for e in exports
                ],
            }
        )
        return
    click.echo(
        f"{st.agency}{st.year}年度报告　第{st.version}版　"
        f"最后由{st.updated_by}保存于{st.updated_at.astimezone():%Y-%m-%d %H:%M}"
    )
    click.echo(f"表格：{filled}/{len(st.report.cells)}个单元格有数字。")
    for s in SECTION_IDS:
        d = heads[s]
        state = (
            f"第{d.number}版（{d.describe_author()}{'，未完成' if d.incomplete else ''}）"
            if d
            else ("已有正文" if st.report.text(s) else "尚无稿件")
        )
        click.echo(f"  {section_label(s)}：{state}")
    click.echo(f"备注{len(notes)}条；校验决定{len(decisions)}条；导出{len(exports)}次。")


@report_group.command(
    "import-data", help="从数据文件（yaml/json/xlsx 等）导入数据；每处修改都记入历史。"
)
@click.argument("file", type=click.Path(path_type=Path))
@_which
@_author
def import_cmd(file: Path, agency: str | None, year: int | None, author: str) -> None:
    data = read_report(file)
    notes = None
    if file.suffix.lower() in (".yaml", ".yml", ".json"):  # 备注 live in data files only
        from assistant.ingest.datafile import read_notes

        notes = read_notes(file)
    with open_workspace() as ws:
        done = import_data(
            ws, data, source=file, agency=agency, year=year, author=author, notes=notes
        )
    if done.stored is None:
        click.echo(
            f"工作区中原无此报告，已按 {file.name} 新建"
            f"{agency or data.agency.name}{year or data.year}年度报告。"
        )
    elif done.version == done.stored.version and not done.notes:
        click.echo(f"{file.name} 与工作区中的数据相同，没有修改。")
    else:
        click.echo(
            f"已导入 {file.name}：{done.changes}处修改，保存为第{done.version}版。"
            "用 xxgk report show 查看。"
        )
    if done.notes:
        click.echo(f"备注{done.notes}条已加入（起草时作为工作说明使用）。")


@report_group.command("history", help="列出一个部分（一…六）的全部稿件版本。")
@click.argument("section")
@_which
@_as_json
def history_cmd(section: str, agency: str | None, year: int | None, as_json: bool) -> None:
    sid = section_id(section)
    with open_workspace() as ws:
        st = pick_report(ws, agency, year)
        versions = ws.drafts(st.id, sid)
    if as_json:
        _echo_json(
            [
                {
                    "number": v.number,
                    "parent": v.parent,
                    "author_kind": v.author_kind,
                    "author": v.author,
                    "model": v.model,
                    "incomplete": v.incomplete,
                    "flags": v.flags,
                    "at": v.at.isoformat(),
                    "text": v.text,
                }
                for v in versions
            ]
        )
        return
    if not versions:
        click.echo(f"{section_label(sid)}还没有稿件。")
    for v in versions:
        parent = f"改自第{v.parent}版" if v.parent else "首稿"
        marks = ("，未完成" if v.incomplete else "") + (
            f"，{len(v.flags)}处待核数字" if v.flags else ""
        )
        preview = v.text.replace("\n", " ")
        preview = preview[:40] + ("…" if len(preview) > 40 else "")
        click.echo(
            f"第{v.number}版\t{v.at.astimezone():%Y-%m-%d %H:%M}\t{v.describe_author()}"
            f"\t{parent}{marks}\t{preview}"
        )


@report_group.command("restore", help="把一个部分恢复为某一版本（另存为新版本，历史不丢失）。")
@click.argument("section")
@click.argument("version", type=int)
@_which
@_author
def restore_cmd(
    section: str, version: int, agency: str | None, year: int | None, author: str
) -> None:
    sid = section_id(section)
    with open_workspace() as ws:
        st = pick_report(ws, agency, year)
        new = ws.restore_draft(st.id, sid, version, author=author)
        # restoring is accepting: the report now says this text (as 采用此稿 does in the UI)
        sections = dict(st.report.sections)
        base = sections.get(sid) or Section(id=sid)
        sections[sid] = base.model_copy(update={"text": new.text})
        ws.save_report(
            st.id,
            st.report.model_copy(update={"sections": sections}),
            expected_version=st.version,
            author=author,
        )
    click.echo(
        f"已将{section_label(sid)}恢复为第{version}版的内容，保存为第{new.number}版，"
        f"并作为报告正文采用。"
    )


@click.command(
    "backup", help="把整个工作区备份到一个压缩文件（gzip，带校验和），如 工作区.json.gz。"
)
@click.argument("file", type=click.Path(path_type=Path))
def backup_cmd(file: Path) -> None:
    with open_workspace() as ws:
        counts = backup(ws, file)
    click.echo(
        f"已备份到 {file}：报告{counts['reports']}份，稿件{counts['drafts']}版，"
        f"修改记录{counts['changes']}条。"
    )


@click.command("restore", help="用备份文件替换整个工作区（原内容先自动另存一份备份）。")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="工作区已有内容时确认替换。")
def restore_ws_cmd(file: Path, yes: bool) -> None:
    settings = load_settings()
    read_backup(file, settings.limits)  # a backup that would be refused leaves nothing behind
    with Workspace.open(settings) as ws:
        safety: Path | None = None
        if not is_empty(ws):
            if not yes:
                raise InputError(
                    "工作区中已有内容，恢复会替换全部内容。确认请加 --yes（原内容会先自动备份）。"
                )
            folder = Path(settings.paths.home) / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            safety = folder / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}.json.gz"
            backup(ws, safety)
        counts = restore(ws, file, limits=settings.limits)
    click.echo(f"已从 {file} 恢复：报告{counts['reports']}份，稿件{counts['drafts']}版。")
    if safety:
        click.echo(f"恢复前的工作区已另存为 {safety}。")


COMMANDS = (report_group, backup_cmd, restore_ws_cmd)
