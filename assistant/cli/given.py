"""`--year` and `--agency`: what a person says about a published report that does not print it
(a title without the year, a page without the agency's name). parse, check, compare and draft
take them; the reader's error for a report without a year names them."""

from __future__ import annotations

from typing import Any

import click


def given_options(func: Any) -> Any:
    func = click.option(
        "--agency",
        "given_agency",
        default=None,
        help="机关全称：报告中没有写明或读错时指定（用于已发布的报告，数据文件以其自身为准）。",
    )(func)
    return click.option(
        "--year",
        "given_year",
        type=click.IntRange(1990, 2100),
        default=None,
        help="报告年度：报告标题、统计期限和正文都没有写明年度时指定，如 --year 2023。",
    )(func)
