"""Fixtures of the export tests: the sample report (平潭 2023) built from its data file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from assistant.report import SECTION_IDS, Agency, Publication, Report, Section, parse_cell

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "export" / "pingtan-2023.yaml"


def load_sample(path: Path = SAMPLE) -> Report:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    layout_report = Report(year=data["year"])
    units = {c.id: c.unit for t in layout_report.layout.tables for c in t.cells}
    return Report(
        agency=Agency(**data["agency"]),
        year=data["year"],
        title=data.get("title"),
        publication=Publication(date=dt.date.fromisoformat(data["publication"]["date"])),
        # every section is present, as a reader finds the headings of 二、三、四 above their tables
        sections={sid: Section(id=sid, text=data["sections"].get(sid, "")) for sid in SECTION_IDS},
        cells={cid: parse_cell(str(v), unit=units.get(cid)) for cid, v in data["cells"].items()},
    )


def with_second_error(report: Report) -> Report:
    """The sample with one more sentence against its tables (新收 81): the gate's tests of
    several blockers need two error findings, and the published text has only one (现行有效
    393 against 470) since 予以公开及部分公开42件 is read, rightly, as granted plus partial."""
    overview = report.sections["overview"]
    text = overview.text + "本年度新收政府信息公开申请99件。"
    sections = {**report.sections, "overview": overview.model_copy(update={"text": text})}
    return report.model_copy(update={"sections": sections})


@pytest.fixture
def sample() -> Report:
    return load_sample()


@pytest.fixture(scope="session")
def shared_sample() -> Report:
    """The sample for tests that only read it (built once per run)."""
    return load_sample()
