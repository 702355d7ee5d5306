"""Fixtures of the app's tests: an assistant on a fresh workspace, the demo seeded into it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.config import load_settings
from assistant.service import Assistant, build_assistant
from tests.support.openai_stub import OpenAIStub
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


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    stub = OpenAIStub(model="stub-model").start()
    try:
        yield stub
    finally:
        stub.stop()
