"""YAML/JSON data files (the clerk's figures, profile and texts; also `xxgk check --json`) → Report.

The schema is in `assistant/report/dataschema.py`; the README has a complete example
(knowledge/examples/report-2025.yaml). Every mistake is collected and raised together as
InputErrors, each naming the file, the key and its line, the table row and column in Chinese,
and what to write instead. A blank stays blank (never 0); cells the file leaves out are absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.config import LimitSettings
from assistant.errors import InputError, InputErrors
from assistant.ingest.datacells import flat_cells, table_cells
from assistant.ingest.datatree import (
    KeyPath,
    Tree,
    as_mapping,
    canonical_key,
    load_tree,
    named_fields,
)
from assistant.ingest.entry import ErrorList, unknown_key_hint
from assistant.limits import DEFAULT_LIMITS, check_size
from assistant.report.cells import Cell
from assistant.report.dataschema import (
    AGENCY_KEYS,
    PUBLICATION_KEYS,
    REPORT_KEYS,
    TOP_KEYS,
    section_keys,
    table_keys,
)
from assistant.report.layout import (
    SECTION_IDS,
    FormatVersion,
    SectionId,
    format_for_year,
    load_layout,
)
from assistant.report.model import (
    AGENCY_KIND_LABELS,
    LEVEL_LABELS,
    Agency,
    Publication,
    ReadNote,
    Report,
    Section,
)


def _agency(value: object, path: KeyPath, tree: Tree, errs: ErrorList) -> Agency:
    fields: dict[str, object] = (
        {"name": value}
        if isinstance(value, str)
        else named_fields(value, path, AGENCY_KEYS, tree, errs, "单位信息")
    )
    try:
        return Agency.model_validate({k: str(v) for k, v in fields.items()})
    except ValidationError as exc:
        for e in exc.errors():
            key = str(e["loc"][0])
            choices = {"kind": AGENCY_KIND_LABELS, "level": LEVEL_LABELS}.get(key)
            allowed = f"可填：{'、'.join(choices.values())}。" if choices else ""
            errs.add(
                f"{tree.at((*path, AGENCY_KEYS.get(key, key)))}：单位{AGENCY_KEYS.get(key)}"
                f"“{fields.get(key)}”无法识别。{allowed}"
            )
        return Agency.model_validate(
            {
                k: str(v)
                for k, v in fields.items()
                if k not in {str(e["loc"][0]) for e in exc.errors()}
            }
        )


def _publication(value: object, path: KeyPath, tree: Tree, errs: ErrorList) -> Publication:
    fields = named_fields(value, path, PUBLICATION_KEYS, tree, errs, "发布信息")
    date = fields.get("date")
    if isinstance(date, str):
        try:
            fields["date"] = dt.date.fromisoformat(date.strip())
        except ValueError:
            errs.add(
                f"{tree.at((*path, '发布日期'))}：发布日期“{date}”无法识别。"
                f"请写成 2026-01-20 这样的形式。"
            )
            fields.pop("date")
    elif date is not None and not isinstance(date, dt.date):
        errs.add(
            f"{tree.at((*path, '发布日期'))}：发布日期“{date}”无法识别。"
            f"请写成 2026-01-20 这样的形式。"
        )
        fields.pop("date")
    return Publication.model_validate({k: v if k == "date" else str(v) for k, v in fields.items()})


def _texts(
    value: object, path: KeyPath, tree: Tree, errs: ErrorList, what: str
) -> dict[str, tuple[str, str]]:
    """Section id → (heading, text). A text is a string, or {heading, text} when the source
    printed its own heading (kept so FMT-02 still sees it after a JSON round trip)."""
    keys = section_keys()
    out: dict[str, tuple[str, str]] = {}
    for key, entry in as_mapping(value, path, tree, errs, what).items():
        sid = keys.get(str(key).strip())
        heading, text = "", entry
        if isinstance(entry, dict):
            extra = [k for k in entry if k not in ("heading", "text")]
            if extra:
                errs.add(
                    f"{tree.at((*path, key, extra[0]))}：{what}中没有“{extra[0]}”这一项。"
                    + unknown_key_hint(str(extra[0]), ["heading", "text"])
                )
            heading, text = str(entry.get("heading") or ""), entry.get("text")
        if sid is None:
            errs.add(
                f"{tree.at((*path, key))}：{what}中没有“{key}”这一部分。"
                + unknown_key_hint(str(key), list(keys))
                + "各部分可写作：前言、一 至 六，或 preamble、overview、active、apply、review、"
                "problems、other。"
            )
        elif text is not None and not isinstance(text, str):
            errs.add(f"{tree.at((*path, key))}：{what}应为文字，现在是“{text}”。")
        else:
            out[sid] = (heading, (text or "").rstrip("\n"))
    return out


def _format(value: object, path: KeyPath, tree: Tree, errs: ErrorList) -> FormatVersion | None:
    text = str(value).strip().lower().removeprefix("fmt")
    if text in ("2019", "2021"):
        return text  # type: ignore[return-value]
    errs.add(
        f'{tree.at(path)}：格式“{value}”无法识别。请填 "2021"（2021 版格式）或 "2019"'
        f"（2019 试行格式），也可删去此项，按年度自动选择。"
    )
    return None


def _year(value: object, path: KeyPath, tree: Tree, errs: ErrorList) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 2000 <= value <= 2100:
        return value
    if isinstance(value, str) and value.strip().removesuffix("年").isdigit():
        return _year(int(value.strip().removesuffix("年")), path, tree, errs)
    errs.add(f"{tree.at(path)}：年度“{value}”无法识别。请填写统计年度，如 2025。")
    return None


# ---- the whole file ---------------------------------------------------------------------------


def _parse(
    path: Path, format: FormatVersion | None, limits: LimitSettings
) -> tuple[Report, dict[str, str]]:
    errs = ErrorList(path)
    tree = load_tree(path, errs, limits)
    if not isinstance(tree.data, dict):
        raise InputErrors(
            [
                InputError(
                    f"{path.name}：文件内容应是“键: 值”形式的年报数据（单位、年度、表二、表三……），"
                    f"现在是空的或格式不对"
                    + (
                        "（文中用了全角冒号“：”，应为英文冒号加空格“: ”）"
                        if _fullwidth(tree)
                        else ""
                    )
                    + "。可运行 xxgk template --yaml 样例.yaml 生成样例。",
                    source=path,
                )
            ],
            source=path,
        )
    data: dict[str, Any] = dict(tree.data)
    notes: list[ReadNote] = []
    header: dict[str, Any] = {}
    if "report" in data:  # the shape `xxgk check --json` writes
        header = as_mapping(data.pop("report"), ("report",), tree, errs, "report")
        data.pop("findings", None)
        # `xxgk rollup --json` adds the roll-up status (units, missing, late…): recomputed too
        data.pop("rollup", None)
        for key in [k for k in header if k not in REPORT_KEYS]:
            notes.append(ReadNote(level="info", message=f"已忽略 report.{key}（不是年报数据）。"))
    year_key = next((k for k in ("year", "年度") if k in data), "year")
    year_at: KeyPath = ("report", "year") if "year" in header else (year_key,)
    year_value = header.get("year", data.get(year_key))
    year = _year(year_value, year_at, tree, errs) if year_value is not None else None
    if year_value is None:
        errs.add("缺少“年度”（year）。请在文件开头写一行，如：年度: 2025")
    raw_format = format or header.get("format") or data.get("format") or data.get("格式")
    fmt = _format(raw_format, ("格式",), tree, errs) if raw_format else None
    fmt = fmt or format_for_year(year or dt.date.today().year)
    layout = load_layout(fmt)
    tables = table_keys(layout)
    cells: dict[str, Cell] = {}
    seen: dict[str, KeyPath] = {}
    agency, publication = Agency(), Publication()
    title: str | None = header.get("title")
    sections: dict[str, tuple[str, str]] = {}
    staff_notes: dict[str, str] = {}
    if "agency" in header:
        agency = _agency(header["agency"], ("report", "agency"), tree, errs)
    if "agency_profile" in header:
        profile = named_fields(
            header["agency_profile"],
            ("report", "agency_profile"),
            AGENCY_KEYS,
            tree,
            errs,
            "单位信息",
        )
        agency = _agency({**profile, "name": agency.name}, ("report", "agency_profile"), tree, errs)
    if "publication" in header:
        publication = _publication(header["publication"], ("report", "publication"), tree, errs)
    if "sections" in header:
        sections = _texts(header["sections"], ("report", "sections"), tree, errs, "正文")
    for key, value in data.items():
        at = (key,)
        en = canonical_key(key, TOP_KEYS)
        if key in tables:
            table_cells(value, tables[key], layout, at, tree, errs, cells, seen)
        elif en in ("year", "format"):
            continue
        elif en == "agency":
            agency = _agency(value, at, tree, errs)
        elif en == "title":
            title = str(value) if value else None
        elif en == "fees":
            table_cells(value, "fees", layout, at, tree, errs, cells, seen)
        elif en == "cells":
            flat_cells(value, layout, at, tree, errs, cells, seen)
        elif en == "sections":
            sections |= _texts(value, at, tree, errs, "正文")
        elif en == "notes":
            staff_notes = {
                k: t for k, (_, t) in _texts(value, at, tree, errs, "备注").items() if t.strip()
            }
        elif en == "publication":
            publication = _publication(value, at, tree, errs)
        elif key in table_keys(load_layout("2019" if fmt == "2021" else "2021")):
            errs.add(
                f"{tree.at(at)}：“{key}”属于另一版格式，本文件是{fmt}版格式。"
                f"请改用本版的表，或用“格式”项指定版本。"
            )
        else:
            valid = [*TOP_KEYS.values(), *tables]
            errs.add(f"{tree.at(at)}：不认识的项目“{key}”。" + unknown_key_hint(key, valid))
    errs.raise_if_any()
    assert year is not None
    report = Report(
        agency=agency,
        year=year,
        format=fmt,
        title=title,
        cells=cells,
        publication=publication,
        sections=_sections(sections),
        source=str(path),
        notes=notes,
    )
    return report, staff_notes


def _fullwidth(tree: Tree) -> bool:
    return isinstance(tree.data, str) and "：" in tree.data


def _sections(given: dict[str, tuple[str, str]]) -> dict[SectionId, Section]:
    """A data file with any text stands for the whole report: every section of the format is
    there, its text possibly empty; the heading is empty unless the source printed its own."""
    if not given:
        return {}
    ids = [s for s in SECTION_IDS if s != "preamble" or s in given]
    return {
        sid: Section(id=sid, heading=given.get(sid, ("", ""))[0], text=given.get(sid, ("", ""))[1])
        for sid in ids
    }


def read(
    path: str | Path,
    *,
    format: FormatVersion | None = None,
    limits: LimitSettings = DEFAULT_LIMITS,
) -> Report:
    """Read a YAML or JSON data file into a Report; raises InputErrors listing every mistake."""
    path = Path(path)
    check_size(path, "data", limits)
    return _parse(path, format, limits)[0]


def read_notes(path: str | Path, *, limits: LimitSettings = DEFAULT_LIMITS) -> dict[str, str]:
    """The staff notes (备注) per section id, for the drafter; they are not part of the Report."""
    check_size(Path(path), "data", limits)
    return _parse(Path(path), None, limits)[1]
