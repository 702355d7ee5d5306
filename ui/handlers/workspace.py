"""单位与年度: pick or create the agency's report, its profile, last year's report; saving edits."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConflictError, InputError
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.report import Agency, Publication, Report
from assistant.service import Assistant
from assistant.store import section_label
from assistant.store.records import diff_fields, when
from assistant.usecases import workspace

log = logging.getLogger(__name__)

# What a published report or a data file may be uploaded as (the readers of assistant.ingest).
REPORT_SUFFIXES = SUPPORTED_SUFFIXES
PROFILE_FIELDS = ("name", "kind", "level", "address", "postcode", "phone", "website", "parent")
# How the report was published (PUB rules, the Word file's date line): its title, then the
# fields of `Publication`.
PUBLICATION_FIELDS = ("title", "date", "index_no", "url")


@dataclass(frozen=True)
class Opened:
    """The report a page works on: what the workspace holds now, and the version it was loaded at
    (a save names it, so two people editing one report never silently overwrite each other)."""

    id: int
    version: int
    report: Report

    def state(self) -> dict[str, int]:
        return {"id": self.id, "version": self.version}


def report_choices(assistant: Assistant) -> list[tuple[str, int]]:
    """(label, id) of every report in the workspace, newest year first."""
    rows = sorted(assistant.store.reports(), key=lambda r: (r.agency, -r.year))
    return [(f"{r.agency} · {r.year}年度（第{r.version}版）", r.id) for r in rows]


def open_report(assistant: Assistant, report_id: int) -> Opened:
    stored = assistant.store.load_report(int(report_id))
    return Opened(stored.id, stored.version, stored.report)


def current(assistant: Assistant, state: dict[str, int] | None) -> Opened:
    """The report of the page's state; a clear message when none is open yet."""
    if not state or not state.get("id"):
        raise InputError("还没有打开报告。请先在“单位与年度”页选择或新建一份报告。")
    stored = assistant.store.load_report(int(state["id"]))
    return Opened(stored.id, int(state.get("version", stored.version)), stored.report)


def prior_of(assistant: Assistant, report: Report) -> Report | None:
    """Last year's report of the same agency, when the workspace holds it."""
    return workspace.prior_of(assistant.store, report)


def save(assistant: Assistant, opened: Opened, report: Report, *, author: str) -> Opened:
    """Save the whole report at once (one transaction, every change recorded with its author).

    `report` is the stored report (read by `current`) with this page's change applied. When
    someone saved since the page loaded `opened.version` — another browser, or this page's own
    second event (a cell's Enter and a blur, a button and a blur both fire) — the change is still
    written if it touches nothing changed since: only a value changed on both sides is a
    conflict. A save that changes nothing returns the stored version, so the page catches up."""
    store = assistant.store
    for _ in range(3):  # another save may land between reading and writing: look again
        latest = store.load_report(opened.id)
        mine = {f for f, _, _ in diff_fields(latest.report, report)}
        if not mine and latest.report == report:
            return Opened(opened.id, latest.version, latest.report)
        if latest.version != opened.version:
            theirs = [c for c in store.changes(opened.id) if c.report_version > opened.version]
            clash = [c for c in theirs if c.field in mine]
            if clash:
                raise _conflict(latest.report, clash)
        try:
            version = store.save_report(
                opened.id, report, expected_version=latest.version, author=author
            )
        except ConflictError:
            continue
        return Opened(opened.id, version, report)
    raise ConflictError("报告正被频繁保存，本次保存没有写入。请稍候再试。")


def shown_before(assistant: Assistant, opened: Opened) -> dict[str, str]:
    """What a page loaded at `opened.version` shows of the values saved since: each field's
    value before its first later change ("" for a blank)."""
    out: dict[str, str] = {}
    for c in assistant.store.changes(opened.id):
        if c.report_version > opened.version and c.field not in out:
            out[c.field] = "" if c.old in (None, "（空白）") else str(c.old)
    return out


def _conflict(report: Report, clash: list[Any]) -> ConflictError:
    last = clash[-1]
    names = "、".join(dict.fromkeys(field_label(report, c.field) for c in clash))
    return ConflictError(
        f"{names}已被“{last.author}”于{when(last.at)}改过（第{last.report_version}版），"
        "与您这次的修改冲突。为避免覆盖对方的修改，本次修改没有保存。"
        "请刷新页面，核对对方的修改后再改。"
    )


_FIELD_NAMES = {
    "title": "报告标题",
    "agency.kind": "机关类型",
    "agency.level": "层级",
    "agency.address": "地址",
    "agency.postcode": "邮编",
    "agency.phone": "联系电话",
    "agency.website": "网站",
    "agency.parent": "政府信息公开工作主管部门",
    "publication.date": "发布日期",
    "publication.index_no": "索引号",
    "publication.url": "网址",
    "publication.title": "发布标题",
    "publication.publisher": "发布机构",
}


def field_label(report: Report, field: str) -> str:
    """A changed value named for the page: a table cell by its row and column, a section by its
    heading, a profile field by its label."""
    if field.startswith("section."):
        return section_label(field.removeprefix("section."))
    if field in _FIELD_NAMES:
        return _FIELD_NAMES[field]
    layout = report.layout
    return layout.cell(field).describe() if layout.has_cell(field) else field


def update(
    assistant: Assistant,
    state: dict[str, int] | None,
    change: Callable[[Report], Report],
    *,
    author: str,
) -> Opened:
    opened = current(assistant, state)
    return save(assistant, opened, change(opened.report), author=author)


def create_report(assistant: Assistant, agency_name: str, year: Any, *, author: str) -> Opened:
    """A new report for agency × year, every table cell blank (a blank is not a 0: an unfilled
    table is “not filled in”, not “all zero”), the profile taken from the workspace; or the one
    the workspace holds already."""
    name = (agency_name or "").strip()
    if not name:
        raise InputError("请填写机关全称，例如“威海市文登区工业和信息化局”。")
    year_int = workspace.report_year(year)
    existing = assistant.store.find_report(name, year_int)
    if existing is not None:
        return Opened(existing.id, existing.version, existing.report)
    stored = workspace.create_report(
        assistant.store, name, year_int, blank=True, author=author
    ).stored
    return Opened(stored.id, stored.version, stored.report)


def profile_values(report: Report) -> list[str]:
    """The profile page's values: the agency's fields, then the publication's."""
    agency, pub = report.agency, report.publication
    published = {
        "title": report.title,
        "date": pub.date.isoformat() if pub.date else None,
        "index_no": pub.index_no,
        "url": pub.url,
    }
    return [
        *("" if getattr(agency, f) is None else str(getattr(agency, f)) for f in PROFILE_FIELDS),
        *("" if published[f] is None else str(published[f]) for f in PUBLICATION_FIELDS),
    ]


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(text: str) -> dt.date | None:
    """A date as a clerk types it: 2026-01-20, 2026/1/20, 2026年1月20日; blank is None."""
    if not (text or "").strip():
        return None
    m = _DATE.match(text)
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def save_profile(
    assistant: Assistant, state: dict[str, int] | None, values: dict[str, str], *, author: str
) -> Opened:
    """Save the agency profile (on the report and as the agency's profile for later years) and
    how the report was published. The name is the report's key in the workspace, so it is not
    changed here."""
    opened = current(assistant, state)
    data = opened.report.agency.model_dump()
    for key in PROFILE_FIELDS[1:]:
        if key in values:
            text = (values[key] or "").strip()
            data[key] = text or None
    try:
        agency = Agency.model_validate(data)
    except ValueError as exc:
        raise InputError(
            f"单位信息有误：{exc.errors()[0]['msg']}。"  # type: ignore[attr-defined]
            "“机关类型”“层级”请从下拉列表中选择。"
        ) from exc
    report = opened.report.model_copy(update={"agency": agency})
    pub = report.publication.model_dump()
    for key in PUBLICATION_FIELDS[1:]:
        if key in values:
            pub[key] = (values[key] or "").strip() or None
    if "date" in values:
        pub["date"] = parse_date(values["date"])
        if pub["date"] is None and (values["date"] or "").strip():
            raise InputError(
                f"发布日期“{values['date'].strip()}”无法识别。请写成 2026-01-20 或 2026年1月20日。"
            )
    update: dict[str, Any] = {"publication": Publication.model_validate(pub)}
    if "title" in values:
        update["title"] = (values["title"] or "").strip() or None
    report = report.model_copy(update=update)
    saved = save(assistant, opened, report, author=author)
    assistant.store.save_agency(agency, author=author)
    return saved


def check_upload(
    assistant: Assistant, path: str | Path | None, suffixes: tuple[str, ...] = REPORT_SUFFIXES
) -> Path:
    """An uploaded file we accept: present, of a readable type, not larger than the limit."""
    if not path:
        raise InputError("请先选择要上传的文件。")
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(f"文件“{p.name}”的类型无法读取。可上传：{'、'.join(suffixes)}。")
    limit = assistant.settings.ui.max_upload_mb
    if p.stat().st_size > limit * 1024 * 1024:
        raise InputError(f"文件“{p.name}”超过 {limit} MB，无法上传。请压缩或拆分后再试。")
    return p


def import_prior(
    assistant: Assistant, state: dict[str, int] | None, path: str | Path | None, *, author: str
) -> tuple[Opened, Report, list[str], tuple[str, ...]]:
    """Read last year's published report and keep it in the workspace as this agency's report of
    the year before; its closing figures prefill this year's opening ones (never over a clerk's
    entry). Returns the current report, the prior, what the reader noted and what was filled."""
    opened = current(assistant, state)
    p = check_upload(assistant, path)
    done = workspace.import_prior(
        assistant.store, opened.report, assistant.read(p), source=p.name, author=author
    )
    if done.filled:
        opened = save(assistant, opened, done.report, author=author)
    notes = [n.message for n in done.prior.notes]
    return opened, done.prior, notes, done.filled


def exports_dir(assistant: Assistant) -> Path:
    """The only folder the browser may download from: files the app wrote, in the workspace."""
    path = Path(assistant.settings.paths.home) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def file_stem(report: Report) -> str:
    """A file name for the report's exports, safe on every file system."""
    from assistant.export.filenames import safe_stem

    return f"{safe_stem(report.agency.name, fallback='报告')}{report.year}年度"
