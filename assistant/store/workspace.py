"""The workspace repository: agencies, reports, their recorded changes and drafts (notes, chat,
decisions and exports in annotations.py, the office's settings in office_settings.py, the
database and its transactions in transactions.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import ConflictError, InputError, StoreError
from assistant.report import Agency, Report
from assistant.store.annotations import Annotations
from assistant.store.models import (
    AgencyRow,
    ChangeRow,
    DraftRow,
    ReportRow,
    utcnow,
)
from assistant.store.office_settings import OfficeSettingsStore
from assistant.store.records import (
    AUTHOR_KINDS,
    AuthorKind,
    Change,
    DraftVersion,
    ReportSummary,
    StoredReport,
    aware,
    check_section,
    diff_fields,
    report_label,
    section_label,
    when,
)

HEAD: Literal["head"] = "head"


class Workspace(Annotations, OfficeSettingsStore):
    """One workspace database: agencies, reports and their drafts here; notes, chat, decisions
    and exports in annotations.py; the office's settings in office_settings.py. Every public
    method is one transaction."""

    # agencies ---------------------------------------------------------------------------

    def save_agency(self, agency: Agency, *, author: str) -> None:
        """Create or update an agency profile by name."""
        if not agency.name.strip():
            raise InputError("机关名称不能为空。请填写机关全称。")
        with self._tx(write=True) as s:
            now = utcnow()
            row = self._agency_row(s, agency, author, now)
            if row.profile != agency.model_dump(mode="json"):
                row.profile = agency.model_dump(mode="json")
                row.version += 1
                row.updated_at, row.updated_by = now, author

    @staticmethod
    def _agency_row(s: Session, agency: Agency, author: str, now: dt.datetime) -> AgencyRow:
        """The agency's row, created if missing. Two sessions may create it at once (on
        PostgreSQL both pass the SELECT): the loser's insert fails in a savepoint and it reads
        the winner's row instead."""
        name = agency.name.strip()
        row = s.scalar(select(AgencyRow).where(AgencyRow.name == name))
        if row is not None:
            return row
        try:
            with s.begin_nested():
                row = AgencyRow(
                    name=name,
                    profile=agency.model_dump(mode="json"),
                    version=1,
                    updated_at=now,
                    updated_by=author,
                )
                s.add(row)
        except IntegrityError:
            row = s.scalar(select(AgencyRow).where(AgencyRow.name == name))
            assert row is not None
        return row

    def agency(self, name: str) -> Agency | None:
        with self._tx() as s:
            row = s.scalar(select(AgencyRow).where(AgencyRow.name == name))
            return Agency.model_validate(row.profile) if row else None

    def agencies(self) -> list[Agency]:
        with self._tx() as s:
            rows = s.scalars(select(AgencyRow).order_by(AgencyRow.name))
            return [Agency.model_validate(r.profile) for r in rows]

    # reports ----------------------------------------------------------------------------

    def create_report(self, report: Report, *, author: str) -> StoredReport:
        """Store a new report (agency × year); its first values are recorded as changes."""
        name = report.agency.name.strip()
        if not name:
            raise InputError("报告缺少机关名称，无法存入工作区。请先填写机关名称。")
        with self._tx(write=True) as s:
            now = utcnow()
            agency = self._agency_row(s, report.agency, author, now)
            exists = s.scalar(
                select(ReportRow.id).where(
                    ReportRow.agency_id == agency.id, ReportRow.year == report.year
                )
            )
            if exists is not None:
                raise StoreError(
                    f"工作区中已有{report_label(name, report.year)}。"
                    "请用 xxgk report show 查看，或用 import-data 更新其数据。"
                )
            row = ReportRow(
                agency_id=agency.id,
                year=report.year,
                format=report.format,
                data=report.model_dump(mode="json"),
                version=1,
                created_at=now,
                updated_at=now,
                updated_by=author,
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError as exc:
                raise ConflictError(
                    f"{report_label(name, report.year)}刚刚已由他人创建。请重新打开该报告。"
                ) from exc
            self._record_changes(s, row.id, 1, None, report, author, now)
            return StoredReport(row.id, name, report.year, 1, report, now, author)

    def report_id(self, agency: str, year: int) -> int:
        with self._tx() as s:
            rid = s.scalar(
                select(ReportRow.id)
                .join(AgencyRow)
                .where(AgencyRow.name == agency, ReportRow.year == year)
            )
        if rid is None:
            raise InputError(
                f"工作区中没有{report_label(agency, year)}。"
                "请先用 xxgk report new 创建，或用 xxgk report list 查看已有报告。"
            )
        return rid

    def load_report(self, report_id: int) -> StoredReport:
        with self._tx() as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise InputError(
                    f"工作区中没有编号为 {report_id} 的报告。请用 xxgk report list 查看。"
                )
            name = s.get_one(AgencyRow, row.agency_id).name
            return StoredReport(
                row.id,
                name,
                row.year,
                row.version,
                Report.model_validate(row.data),
                aware(row.updated_at),
                row.updated_by,
            )

    def find_report(self, agency: str, year: int) -> StoredReport | None:
        with self._tx() as s:
            rid = s.scalar(
                select(ReportRow.id)
                .join(AgencyRow)
                .where(AgencyRow.name == agency, ReportRow.year == year)
            )
        return self.load_report(rid) if rid is not None else None

    def reports(self) -> list[ReportSummary]:
        with self._tx() as s:
            rows = s.execute(
                select(ReportRow, AgencyRow.name)
                .join(AgencyRow)
                .order_by(AgencyRow.name, ReportRow.year)
            )
            return [
                ReportSummary(
                    r.id, name, r.year, r.format, r.version, aware(r.updated_at), r.updated_by
                )
                for r, name in rows
            ]

    def save_report(
        self, report_id: int, report: Report, *, expected_version: int, author: str
    ) -> int:
        """Save the whole report data; refuse if someone saved since `expected_version` was loaded.

        Returns the new version (the same one when nothing changed).
        """
        with self._tx(write=True) as s:
            row = s.get(ReportRow, report_id)
            if row is None:
                raise InputError(f"工作区中没有编号为 {report_id} 的报告。")
            name = s.get_one(AgencyRow, row.agency_id).name
            if row.version != expected_version:
                raise self._conflict(name, row, expected_version)
            old = Report.model_validate(row.data)
            if report.year != row.year or report.agency.name != name:
                raise InputError(
                    f"要保存的数据属于{report_label(report.agency.name, report.year)}，"
                    f"不是{report_label(name, row.year)}。请打开对应的报告再保存。"
                )
            if not diff_fields(old, report) and old == report:
                return row.version
            now = utcnow()
            new_version = expected_version + 1
            # The WHERE on version is what makes this safe under concurrency: on PostgreSQL the
            # second of two racing UPDATEs re-reads the row after the first commits and matches 0.
            result = s.execute(
                update(ReportRow)
                .where(ReportRow.id == report_id, ReportRow.version == expected_version)
                .values(
                    data=report.model_dump(mode="json"),
                    format=report.format,
                    version=new_version,
                    updated_at=now,
                    updated_by=author,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                s.expire(row)
                raise self._conflict(name, s.get_one(ReportRow, report_id), expected_version)
            self._record_changes(s, report_id, new_version, old, report, author, now)
            return new_version

    @staticmethod
    def _conflict(name: str, row: ReportRow, expected: int) -> ConflictError:
        return ConflictError(
            f"{report_label(name, row.year)}已被“{row.updated_by}”于{when(row.updated_at)}保存为第"
            f"{row.version}版，而您修改的是第{expected}版。为避免覆盖他人的修改，本次保存没有写入。"
            "请重新打开报告，核对对方的修改后再保存。"
        )

    @staticmethod
    def _record_changes(
        s: Session,
        report_id: int,
        version: int,
        old: Report | None,
        new: Report,
        author: str,
        now: dt.datetime,
    ) -> None:
        s.add_all(
            ChangeRow(
                report_id=report_id,
                report_version=version,
                field=f,
                old=o,
                new=n,
                author=author,
                at=now,
            )
            for f, o, n in diff_fields(old, new)
        )

    def changes(self, report_id: int, field: str | None = None) -> list[Change]:
        with self._tx() as s:
            q = select(ChangeRow).where(ChangeRow.report_id == report_id)
            if field is not None:
                q = q.where(ChangeRow.field == field)
            return [
                Change(r.field, r.old, r.new, r.author, aware(r.at), r.report_version)
                for r in s.scalars(q.order_by(ChangeRow.id))
            ]

    # drafts -----------------------------------------------------------------------------

    def add_draft(
        self,
        report_id: int,
        section: str,
        text: str,
        *,
        author_kind: AuthorKind,
        author: str,
        model: str | None = None,
        flags: Sequence[Any] = (),
        incomplete: bool = False,
        based_on: int | None | Literal["head"] = HEAD,
        sources: Sequence[Any] | None = None,
    ) -> DraftVersion:
        """Append a version. `based_on` is the version the writer started from; if another
        version was added since, the save is refused (`HEAD` appends without that check)."""
        check_section(section)
        if author_kind not in AUTHOR_KINDS:
            raise ValueError(f"author_kind {author_kind!r}")
        with self._tx(write=True) as s:
            head = self._head(s, report_id, section)
            if based_on != HEAD and based_on != head:
                last = s.scalar(
                    select(DraftRow).where(
                        DraftRow.report_id == report_id,
                        DraftRow.section == section,
                        DraftRow.number == head,
                    )
                )
                who = f"“{_draft(last).describe_author()}”于{when(last.at)}" if last else "他人"
                raise ConflictError(
                    f"“{section_label(section)}”部分已由{who}保存了第{head}版，而您修改的是第{based_on or 0}版。"
                    "为避免覆盖，本次没有保存。请打开最新版本，核对后再保存。"
                )
            row = DraftRow(
                report_id=report_id,
                section=section,
                number=(head or 0) + 1,
                parent=head,
                text=text,
                author_kind=author_kind,
                author=author,
                model=model,
                flags=list(flags),
                incomplete=incomplete,
                at=utcnow(),
                sources=list(sources) if sources is not None else None,
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError as exc:
                raise ConflictError(
                    f"“{section_label(section)}”部分刚刚有人保存了新版本。请打开最新版本后再保存。"
                ) from exc
            return _draft(row)

    @staticmethod
    def _head(s: Session, report_id: int, section: str) -> int | None:
        return s.scalar(
            select(func.max(DraftRow.number)).where(
                DraftRow.report_id == report_id, DraftRow.section == section
            )
        )

    def drafts(self, report_id: int, section: str) -> list[DraftVersion]:
        check_section(section)
        with self._tx() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(DraftRow.report_id == report_id, DraftRow.section == section)
                .order_by(DraftRow.number)
            )
            return [_draft(r) for r in rows]

    def draft(self, report_id: int, section: str, number: int | None = None) -> DraftVersion | None:
        """One version of a section, the newest when `number` is None."""
        versions = self.drafts(report_id, section)
        if number is None:
            return versions[-1] if versions else None
        return next((v for v in versions if v.number == number), None)

    def restore_draft(
        self, report_id: int, section: str, number: int, *, author: str
    ) -> DraftVersion:
        """Make an earlier version current again by appending a copy of it (history stays)."""
        old = self.draft(report_id, section, number)
        if old is None:
            raise InputError(
                f"“{section_label(section)}”部分没有第{number}版。"
                f"请用 xxgk report history {section} 查看已有版本。"
            )
        return self.add_draft(
            report_id,
            section,
            old.text,
            author_kind="person",
            author=author,
            flags=old.flags,
            incomplete=old.incomplete,
            sources=old.sources,
        )


def _draft(r: DraftRow) -> DraftVersion:
    return DraftVersion(
        r.section,
        r.number,
        r.parent,
        r.text,
        r.author_kind,  # type: ignore[arg-type]
        r.author,
        r.model,
        list(r.flags),
        r.incomplete,
        aware(r.at),
        r.sources,
    )
