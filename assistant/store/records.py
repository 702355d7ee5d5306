"""What the workspace hands back: frozen records, and the diff that becomes a report's change log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from assistant.errors import InputError
from assistant.report import SECTION_IDS, Report, section_spec
from assistant.report.layout import preamble_name

# "kept": a person chose 不采用, and the accepted text was stored again as the newest version
AuthorKind = Literal["person", "llm", "composer", "kept"]
AUTHOR_KINDS: tuple[str, ...] = get_args(AuthorKind)
DecisionKind = Literal["confirm", "dismiss"]
ExportKind = Literal["征求意见稿", "正式稿"]
ChatKind = Literal["question", "answer", "instruction", "version", "refusal", "failure", "message"]
AUTHOR_KIND_LABELS = {
    "person": "人工",
    "llm": "大模型",
    "composer": "离线撰写",
    "kept": "不采用新版，保持原文",
}


@dataclass(frozen=True)
class StoredReport:
    """A report as loaded: `version` is what a later save must name."""

    id: int
    agency: str
    year: int
    version: int
    report: Report
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class ReportSummary:
    id: int
    agency: str
    year: int
    format: str
    version: int
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None
    author: str
    at: dt.datetime
    report_version: int


@dataclass(frozen=True)
class DraftVersion:
    section: str
    number: int
    parent: int | None
    text: str
    author_kind: AuthorKind
    author: str
    model: str | None
    flags: list[Any]
    incomplete: bool
    at: dt.datetime
    sources: list[Any] | None = None  # the passages its [n] cite (provenance)

    def describe_author(self) -> str:
        label = AUTHOR_KIND_LABELS.get(self.author_kind, self.author_kind)
        who = f"{label}（{self.model}）" if self.model else label
        return f"{who} {self.author}".strip()


@dataclass(frozen=True)
class Note:
    section: str
    text: str
    author: str
    at: dt.datetime


@dataclass(frozen=True)
class ChatEntry:
    section: str
    role: str
    content: str
    author: str
    at: dt.datetime
    kind: ChatKind = "message"
    sources: list[Any] | None = None  # an answer's sources, numbered as its [n]
    draft_number: int | None = None  # the version an instruction produced


@dataclass(frozen=True)
class Decision:
    fingerprint: str
    decision: DecisionKind
    reason: str
    author: str
    at: dt.datetime


@dataclass(frozen=True)
class ExportRecord:
    format: str
    kind: ExportKind
    overrides: list[str]
    path: str
    author: str
    at: dt.datetime


def _fields(report: Report) -> dict[str, str]:
    """Every value a clerk can change, flattened to text: cells, sections, profile, metadata."""
    out: dict[str, str] = {
        f"{cid}": c.display() if c.kind != "text" else c.raw for cid, c in report.cells.items()
    }
    for cid, c in report.cells.items():
        if c.kind == "blank":
            out[cid] = "（空白）"
    for sid in SECTION_IDS:
        if report.text(sid):
            out[f"section.{sid}"] = report.text(sid)
    for key, value in report.agency.model_dump().items():
        if value not in (None, ""):
            out[f"agency.{key}"] = str(value)
    for key, value in report.publication.model_dump().items():
        if value not in (None, ""):
            out[f"publication.{key}"] = str(value)
    if report.title:
        out["title"] = report.title
    return out


def diff_fields(old: Report | None, new: Report) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for every value that differs, in a stable order."""
    before = _fields(old) if old is not None else {}
    after = _fields(new)
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; every time we store is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def report_label(agency: str, year: int) -> str:
    return f"{agency}{year}年度报告"


def when(value: dt.datetime) -> str:
    return aware(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def section_label(section: str) -> str:
    """The Chinese name of a section for messages: "五、存在的主要问题及改进情况"."""
    if section == "preamble":
        return preamble_name()
    return section_spec(section).full_heading  # type: ignore[arg-type]


def check_section(section: str) -> None:
    if section not in SECTION_IDS:
        raise InputError(f"没有名为“{section}”的部分。可用的部分：{'、'.join(SECTION_IDS)}。")
