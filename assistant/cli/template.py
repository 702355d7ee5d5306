"""`xxgk template`: the blank Excel workbook or the commented YAML file a clerk fills in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import click

from assistant.errors import InputError
from assistant.export.xlsx import write_workbook
from assistant.report.cells import Cell
from assistant.report.dataschema import yaml_text
from assistant.report.layout import format_for_year, load_layout
from assistant.report.model import Agency, Report


def _zeros(year: int, agency: str) -> Report:
    """Every cell of the year's format at 0, the 信息处理费 figures included."""
    layout = load_layout(format_for_year(year))
    cells = {
        c: Cell(value=Decimal(0) if layout.cell(c).type == "dec" else 0, raw="0")
        for c in layout.cell_ids
    }
    return Report(agency=Agency(name=agency), year=year, format=layout.format, cells=cells)


def _target(path: Path, force: bool) -> Path:
    if path.exists() and not force:
        raise InputError(
            f"“{path}”已存在，为免覆盖已填写的数据，没有写入。请换一个文件名；确要覆盖请加 --force。",
            source=path,
        )
    if not path.parent.is_dir():
        raise InputError(f"文件夹“{path.parent}”不存在，请先建立或换一个位置。", source=path)
    return path


@click.command(name="template")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出 Excel 填报模板（.xlsx），如 年报数据.xlsx。",
)
@click.option(
    "--yaml",
    "yaml_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出带中文注释的 YAML 数据文件样例（每格为 0）。",
)
@click.option(
    "--year",
    type=click.IntRange(2019, 2100),
    default=None,
    help="统计年度，默认为上一年（如今年发布去年的年报）。",
)
@click.option("--agency", default="", help="机关全称，写入模板（可不填，之后在表中填写）。")
@click.option("--force", is_flag=True, help="目标文件已存在时覆盖。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出写出的文件。")
def template(
    xlsx_path: Path | None,
    yaml_path: Path | None,
    year: int | None,
    agency: str,
    force: bool,
    as_json: bool,
) -> None:
    """生成年报数据的填报模板：Excel 工作簿（--xlsx）或 YAML 文件（--yaml）。

    \b
    例：xxgk template --xlsx 年报数据.xlsx --year 2025
        填好后运行 xxgk check 年报数据.xlsx
    """
    if xlsx_path is None and yaml_path is None:
        raise click.UsageError("请用 --xlsx 文件名 或 --yaml 文件名 指定要生成的模板。")
    year = year or dt.date.today().year - 1
    written: dict[str, str] = {}
    if xlsx_path is not None:
        if xlsx_path.suffix.lower() != ".xlsx":
            raise click.UsageError("--xlsx 的文件名应以 .xlsx 结尾。")
        report = Report(agency=Agency(name=agency), year=year) if agency else None
        write_workbook(_target(xlsx_path, force), report, year=year)
        written["xlsx"] = str(xlsx_path)
    if yaml_path is not None:
        if yaml_path.suffix.lower() not in (".yaml", ".yml"):
            raise click.UsageError("--yaml 的文件名应以 .yaml 或 .yml 结尾。")
        _target(yaml_path, force).write_text(yaml_text(_zeros(year, agency)), encoding="utf-8")
        written["yaml"] = str(yaml_path)
    fmt = format_for_year(year)
    if as_json:
        click.echo(json.dumps({"year": year, "format": fmt, "files": written}, ensure_ascii=False))
        return
    for kind, path in written.items():
        click.echo(
            f"已生成{year}年度（{fmt}版格式）{'Excel 模板' if kind == 'xlsx' else 'YAML 数据文件'}："
            f"{path}"
        )
    click.echo(f"填好后运行：xxgk check {next(iter(written.values()))}")


COMMANDS = (template,)
