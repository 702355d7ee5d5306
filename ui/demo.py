"""The `--demo` workspace: the sample agency's published 2024 report and its 2025 report in progress."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import yaml

from assistant.drafting.notes import normalize_notes
from assistant.report import Agency, Publication, Report, Section, parse_cell, zero_report
from assistant.service import Assistant

log = logging.getLogger(__name__)

DEMO_AGENCY = "威海市文登区工业和信息化局"
DEMO_YEARS = (2024, 2025)
DEMO_AUTHOR = "演示数据"
# Drafted for the newest year by the offline composer, so the demo opens on drafts to review.
DEMO_DRAFTS = ("overview", "problems", "other")


def demo_dir(assistant: Assistant) -> Path:
    return Path(assistant.settings.paths.knowledge_dir) / "demo"


def load_demo_report(path: Path) -> tuple[Report, dict[str, str]]:
    """One demo year from its YAML: the report (every cell not listed is 0) and staff notes."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    year = int(data["year"])
    base = zero_report(year, data["agency"]["name"])
    cells = {}
    for cid, raw in (data.get("cells") or {}).items():
        spec = base.layout.cell(cid)  # KeyError: a typo in the demo data is a bug
        cells[cid] = parse_cell(raw, unit=spec.unit, source="演示数据")
    sections = {
        sid: Section(id=sid, text=text) for sid, text in (data.get("sections") or {}).items()
    }
    report = base.with_cells(cells).model_copy(
        update={
            "agency": Agency.model_validate(data["agency"]),
            "title": data.get("title"),
            "sections": sections,
            "publication": Publication.model_validate(data.get("publication") or {}),
            "source": f"knowledge/demo/{path.name}",
        }
    )
    return report, {k: str(v) for k, v in (data.get("notes") or {}).items()}


def seed_demo(assistant: Assistant) -> int:
    """Put the demo reports into the workspace (once); returns the id of the 2025 report."""
    store = assistant.store
    last_id, prior = 0, None
    for year in DEMO_YEARS:
        existing = store.find_report(DEMO_AGENCY, year)
        if existing is not None:
            last_id, prior = existing.id, existing.report
            continue
        report, notes = load_demo_report(demo_dir(assistant) / f"wendeng-gxj-{year}.yaml")
        store.save_agency(report.agency, author=DEMO_AUTHOR)
        stored = store.create_report(report, author=DEMO_AUTHOR)
        for section, text in notes.items():
            store.add_note(stored.id, section, text, author=DEMO_AUTHOR)
        if year == DEMO_YEARS[-1]:
            _draft_offline(assistant, stored.id, report, prior, notes)
        last_id, prior = stored.id, report
        log.info("demo report %s %s stored as #%s", DEMO_AGENCY, year, stored.id)
    return last_id


def _draft_offline(
    assistant: Assistant,
    report_id: int,
    report: Report,
    prior: Report | None,
    notes: dict[str, str],
) -> None:
    drafter = assistant.drafter(report, prior=prior, notes=normalize_notes(notes), retrieve=False)
    for section in DEMO_DRAFTS:
        draft = drafter.draft(section, offline=True)  # type: ignore[arg-type]
        assistant.store.add_draft(
            report_id,
            section,
            draft.text,
            author_kind="composer",
            author=DEMO_AUTHOR,
            flags=[dataclasses.asdict(f) for f in draft.flags],
        )
