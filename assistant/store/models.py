"""The workspace tables as SQLAlchemy 2 models; the Alembic migrations create exactly these."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names, so that migrations can alter them the same way on SQLite and Postgres.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AgencyRow(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Agency model as JSON
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("agency_id", "year", name="uq_reports_agency_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the Report model as JSON
    # Optimistic concurrency: a save names the version it was loaded at.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class ChangeRow(Base):
    """One changed value of a report's data: a cell, a section text or a profile field."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    report_version: Mapped[int] = mapped_column(Integer)  # the version this change created
    field: Mapped[str] = mapped_column(String(200))  # "apply.new.total", "section.problems", …
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def note_digest(text: str) -> str:
    """sha256 of a note's text: the unique key holds this, not the text, since PostgreSQL
    cannot index a long text and a note may be long."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


NOTE_KEY = ("report_id", "section", "digest")  # one note per text per section (migration 0004)


class NoteRow(Base):
    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint(*NOTE_KEY, name="uq_notes_report_section_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    section: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))  # note_digest(text)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DraftRow(Base):
    """One version of a section's text. Rows are only ever inserted, never updated."""

    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint("report_id", "section", "number", name="uq_drafts_report_section_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    section: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per report and section
    parent: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the number it revised
    text: Mapped[str] = mapped_column(Text)
    author_kind: Mapped[str] = mapped_column(String(10))  # records.AUTHOR_KINDS
    author: Mapped[str] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    flags: Mapped[list[Any]] = mapped_column(JSON)  # the number guard's flags at this version
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # what its [n] point to: [{"n": 1, "label": "《…条例》第四十九条"}, …] (provenance, never printed)
    sources: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)


class ChatRow(Base):
    """One message of a section's conversation, in order; never updated."""

    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    section: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # question | answer | instruction | version | refusal | failure | message (before 0002)
    kind: Mapped[str] = mapped_column(String(20), default="message", server_default="message")
    sources: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)  # an answer's [n]
    draft_number: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a version's


class DecisionRow(Base):
    """A reviewer's decision on a finding, keyed by its fingerprint so it survives re-checks."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("report_id", "fingerprint", name="uq_decisions_report_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(10))  # confirm | dismiss
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ExportRow(Base):
    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))  # 征求意见稿 | 正式稿
    overrides: Mapped[list[Any]] = mapped_column(JSON)  # the reasons given to pass the gate
    path: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OfficeSettingRow(Base):
    """One setting the office saved in the app (a signed-in user), over the `.env` default:
    office_settings.py says which names there are and how they apply."""

    __tablename__ = "office_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # "llm.base_url", …
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


# every table, parents before children (a backup writes and a restore inserts in this order)
TABLES_IN_ORDER: tuple[Table, ...] = tuple(
    cast(Table, model.__table__)
    for model in (
        AgencyRow,
        ReportRow,
        ChangeRow,
        NoteRow,
        DraftRow,
        ChatRow,
        DecisionRow,
        ExportRow,
        OfficeSettingRow,
    )
)
