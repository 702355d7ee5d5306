"""`xxgk kb`: build, extend and search the knowledge base (条例, 格式, 办法, past reports, guidance)."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from typing import Any

import click

_KINDS = ("regulation", "format", "fees", "report", "template", "local")


def _knowledge(*, waits: bool = True) -> Any:
    from assistant.config import load_settings
    from assistant.service import build_assistant

    knowledge = build_assistant(load_settings()).knowledge
    if waits and knowledge.building_elsewhere():  # it waits for that build: say why
        click.echo(
            "另一个程序（如正在运行的 xxgk ui）正在建立资料库索引，等它建完后继续……", err=True
        )
    return knowledge


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class _Bar:
    """A tqdm bar on stderr, opened only when there is something to embed."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            # disable=None: a bar on a terminal, nothing when stderr is a pipe or a log file
            self._bar = tqdm(
                total=total,
                desc="建立知识库索引",
                unit="段",
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
                disable=None,
            )
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _with_bar(fn: Callable[[_Bar], Any]) -> Any:
    bar = _Bar()
    try:
        return fn(bar)
    finally:
        bar.close()


@click.group("kb", help="知识库：条例、年报格式、信息处理费办法、往年报告和写作指引。")
def kb() -> None:
    pass


@kb.command("build", help="建立或更新索引（只处理新增或改动的文档，删除已移除的文档）。")
@click.option(
    "--rebuild",
    is_flag=True,
    help="清空后全部重建（共用 Chroma 服务时，其他人加入的文档也会被清除）。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def build(rebuild: bool, as_json: bool) -> None:
    found: list[str] = []
    if rebuild:  # from scratch whatever state it is in: a damaged vector store is moved aside
        from assistant.config import load_settings
        from assistant.retrieval.vectors import recover_store

        found = recover_store(load_settings())
    knowledge = _knowledge()
    run = knowledge.rebuild if rebuild else knowledge.ensure_built
    report = _with_bar(lambda bar: run(progress=bar))
    report = dataclasses.replace(report, repaired=(*found, *report.repaired))
    if as_json:
        _echo_json(dataclasses.asdict(report))
        return
    for line in report.repaired:
        click.echo(f"发现并处理：{line}。", err=True)
    click.echo(
        f"知识库已更新：新增{len(report.added)}篇，更新{len(report.updated)}篇，"
        f"删除{len(report.removed)}篇，未变{report.unchanged}篇；共{report.chunks}段。"
    )
    for doc_id in report.skipped:
        click.echo(f"  跳过 {doc_id}：暂时无法读取（详见上方提示）", err=True)


@kb.command(
    "add", help="把文件加入知识库：往年报告按章节切分，地方办法、工作要点等按条或段落切分。"
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    type=click.Choice(["report", "local"]),
    default=None,
    help="report：年度报告；local：地方规定等其他文件。默认自动判断。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def add(files: tuple[str, ...], kind: str | None, as_json: bool) -> None:
    knowledge = _knowledge()
    infos = _with_bar(lambda bar: knowledge.add_files(files, kind=kind, progress=bar))
    if as_json:
        _echo_json({"added": [dataclasses.asdict(i) for i in infos]})
        return
    for info in infos:
        click.echo(f"已加入 {info.doc_id}：{info.title}（{info.chunks}段）")


@kb.command("remove", help="从知识库删除一篇自行加入的文档（编号见 xxgk kb list）。")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def remove(doc_id: str, as_json: bool) -> None:
    _knowledge().remove(doc_id)
    if as_json:
        _echo_json({"removed": doc_id})
    else:
        click.echo(f"已删除 {doc_id}。")


_KIND_LABELS = {
    "regulation": "法规",
    "format": "格式",
    "fees": "办法",
    "report": "年报",
    "template": "指引",
    "local": "本地",
}


@kb.command("list", help="列出知识库中的文档。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def list_documents(as_json: bool) -> None:
    knowledge = _knowledge()
    docs = _with_bar(
        lambda bar: (knowledge.ensure_built(progress=bar), knowledge.list_documents())[1]
    )
    if as_json:
        _echo_json({"documents": [dataclasses.asdict(d) for d in docs]})
        return
    for d in docs:
        note = "（不完整）" if d.partial else ""
        click.echo(
            f"{d.doc_id:<24} {_KIND_LABELS.get(d.kind, d.kind)} {d.chunks:>4}段  {d.title}{note}"
        )


@kb.command("search", help='检索知识库，例如：xxgk kb search "申请人逾期不补正怎么处理"')
@click.argument("query")
@click.option("--kind", type=click.Choice(_KINDS), default=None, help="只查某类文档。")
@click.option("--year", type=int, default=None, help="只查某一年度（如 2023）。")
@click.option("--agency", default=None, help="只查某机关的报告（名称的一部分即可）。")
@click.option("--section", default=None, help="只查某一部分，如 五 或 一.（二）。")
@click.option(
    "--format", "fmt", type=click.Choice(["2019", "2021"]), default=None, help="只查某版格式。"
)
@click.option(
    "-k", "k", type=click.IntRange(1, 100), default=8, show_default=True, help="返回条数。"
)
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "keyword", "vector"]),
    default="hybrid",
    show_default=True,
    help="检索方式：混合、仅关键词、仅向量。",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def search(
    query: str,
    kind: str | None,
    year: int | None,
    agency: str | None,
    section: str | None,
    fmt: str | None,
    k: int,
    mode: str,
    as_json: bool,
) -> None:
    knowledge = _knowledge(waits=False)
    # while another process builds, what it has committed is searched (and said so)
    _with_bar(lambda bar: knowledge.ensure_built(progress=bar, wait=False))
    hits = knowledge.search(
        query, k=k, kind=kind, year=year, agency=agency, section=section, format=fmt, mode=mode
    )
    if hits.partial is not None:
        click.echo(hits.partial.note(), err=True)
    if as_json:
        _echo_json(
            {
                "query": query,
                "hits": [dataclasses.asdict(h) | {"citation": h.citation()} for h in hits],
            }
        )
        return
    if not hits:
        click.echo("没有找到相关内容。可以换个说法，或去掉筛选条件再试。")
        return
    for n, hit in enumerate(hits, 1):
        click.echo(f"[{n}] {hit.citation()}  （{hit.chunk_id}）")
        text = hit.text.replace("\n", " ")
        click.echo(f"    {text[:160]}{'…' if len(text) > 160 else ''}")


COMMANDS = (kb,)
