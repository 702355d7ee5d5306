"""What people add around a report: notes, the drafting conversation, decisions on findings,
and the record of exports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from assistant.errors import InputError
from assistant.store.engine import insert_unless_present
from assistant.store.models import (
    NOTE_KEY,
    ChatRow,
    DecisionRow,
    ExportRow,
    NoteRow,
    note_digest,
    utcnow,
)
from assistant.store.records import (
    ChatEntry,
    ChatKind,
    Decision,
    DecisionKind,
    ExportKind,
    ExportRecord,
    Note,
    aware,
    check_section,
)
from assistant.store.transactions import Transactions

_EXPORT_KINDS = ("征求意见稿", "正式稿")


class Annotations(Transactions):
    """Notes, chat, decisions and exports of the reports in one workspace."""

    def add_note(self, report_id: int, section: str, text: str, *, author: str) -> bool:
        """Keep a note; the same text twice in a section is kept once (a button and the blur
        that comes with it both save). The database's unique key on (report, section, digest of
        the text) decides, so two saves at once store one note on PostgreSQL as on SQLite; the
        second is told "already saved" (False), not an error. Returns whether it was added."""
        check_section(section)
        with self._tx(write=True) as s:
            row = {
                "report_id": report_id,
                "section": section,
                "text": text,
                "digest": note_digest(text),
                "author": author,
                "at": utcnow(),
            }
            return insert_unless_present(s, NoteRow, row, NOTE_KEY)

    def notes(self, report_id: int, section: str | None = None) -> list[Note]:
        with self._tx() as s:
            q = select(NoteRow).where(NoteRow.report_id == report_id)
            if section is not None:
                q = q.where(NoteRow.section == section)
            return [
                Note(r.section, r.text, r.author, aware(r.at))
                for r in s.scalars(q.order_by(NoteRow.id))
            ]

    def add_chat(
        self,
        report_id: int,
        section: str,
        role: str,
        content: str,
        *,
        author: str = "",
        kind: ChatKind = "message",
        sources: Sequence[Any] | None = None,
        draft_number: int | None = None,
    ) -> None:
        check_section(section)
        with self._tx(write=True) as s:
            s.add(
                ChatRow(
                    report_id=report_id,
                    section=section,
                    role=role,
                    content=content,
                    author=author,
                    at=utcnow(),
                    kind=kind,
                    sources=list(sources) if sources is not None else None,
                    draft_number=draft_number,
                )
            )

    def chat(self, report_id: int, section: str) -> list[ChatEntry]:
        with self._tx() as s:
            rows = s.scalars(
                select(ChatRow)
                .where(ChatRow.report_id == report_id, ChatRow.section == section)
                .order_by(ChatRow.id)
            )
            return [
                ChatEntry(
                    r.section,
                    r.role,
                    r.content,
                    r.author,
                    aware(r.at),
                    r.kind,  # type: ignore[arg-type]
                    r.sources,
                    r.draft_number,
                )
                for r in rows
            ]

    def decide(
        self,
        report_id: int,
        fingerprint: str,
        decision: DecisionKind,
        *,
        author: str,
        reason: str = "",
    ) -> None:
        """Confirm or dismiss a finding; a dismissal needs a reason. The latest decision wins."""
        if decision not in ("confirm", "dismiss"):
            raise ValueError(f"decision {decision!r}")
        if decision == "dismiss" and not reason.strip():
            raise InputError("忽略一条校验发现时必须说明理由。请填写理由后再保存。")
        with self._tx(write=True) as s:
            row = s.scalar(
                select(DecisionRow).where(
                    DecisionRow.report_id == report_id, DecisionRow.fingerprint == fingerprint
                )
            )
            if row is None:
                s.add(
                    DecisionRow(
                        report_id=report_id,
                        fingerprint=fingerprint,
                        decision=decision,
                        reason=reason,
                        author=author,
                        at=utcnow(),
                    )
                )
            else:
                row.decision, row.reason, row.author, row.at = decision, reason, author, utcnow()

    def decisions(self, report_id: int) -> dict[str, Decision]:
        with self._tx() as s:
            rows = s.scalars(select(DecisionRow).where(DecisionRow.report_id == report_id))
            return {
                r.fingerprint: Decision(
                    r.fingerprint,
                    cast(DecisionKind, r.decision),  # the column holds only what decide() wrote
                    r.reason,
                    r.author,
                    aware(r.at),
                )
                for r in rows
            }

    def record_export(
        self,
        report_id: int,
        *,
        format: str,
        kind: ExportKind,
        path: str | Path,
        author: str,
        overrides: Sequence[str] = (),
    ) -> None:
        if kind not in _EXPORT_KINDS:
            raise ValueError(f"export kind {kind!r}")
        with self._tx(write=True) as s:
            s.add(
                ExportRow(
                    report_id=report_id,
                    format=format,
                    kind=kind,
                    overrides=list(overrides),
                    path=str(path),
                    author=author,
                    at=utcnow(),
                )
            )

    def exports(self, report_id: int) -> list[ExportRecord]:
        with self._tx() as s:
            rows = s.scalars(
                select(ExportRow).where(ExportRow.report_id == report_id).order_by(ExportRow.id)
            )
            return [
                ExportRecord(
                    r.format,
                    cast(ExportKind, r.kind),  # the column holds only what record_export wrote
                    list(r.overrides),
                    r.path,
                    r.author,
                    aware(r.at),
                )
                for r in rows
            ]
