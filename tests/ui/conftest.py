"""Fixtures of the app's tests: an assistant on a fresh workspace, the demo seeded into it."""

from __future__ import annotations

import pytest

from assistant.config import load_settings
from assistant.service import Assistant, build_assistant
from ui.demo import DEMO_AGENCY, seed_demo


@pytest.fixture
def assistant() -> Assistant:
    return build_assistant(load_settings())


@pytest.fixture
def demo(assistant: Assistant) -> dict[str, int]:
    """The demo workspace; returns the page state of its 2025 report."""
    report_id = seed_demo(assistant)
    stored = assistant.store.load_report(report_id)
    assert stored.report.agency.name == DEMO_AGENCY
    return {"id": stored.id, "version": stored.version}
