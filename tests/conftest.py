"""Test-wide guards: no network beyond 127.0.0.1, an isolated workspace, no unplanned model call."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.openai_stub import OpenAIStub

# No timing decides a test (a loaded 2-core CI machine is slow, not wrong); under CI the examples
# are derived from the test itself, so a red run can be repeated exactly.
settings.register_profile("xxgk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", parent=settings.get_profile("xxgk"), derandomize=True, print_blob=True
)
settings.load_profile("ci" if os.environ.get("CI") else "xxgk")

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"
ARTIFACTS = REPO / "tests" / "artifacts"

# Libraries that would phone home or download on import or first use.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Drop the developer's XXGK_* settings; point the LLM at a closed local port (port 9, the
    discard port, refuses at once), so a client no test planned for fails fast instead of
    reaching anything; keep every workspace in tmp_path."""
    for name in list(os.environ):
        if name.startswith("XXGK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XXGK_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("XXGK_HOME", str(tmp_path / "xxgk-data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    """The scripted OpenAI-compatible server on 127.0.0.1 (real HTTP), stopped after the test."""
    stub = OpenAIStub().start()
    try:
        yield stub
    finally:
        stub.stop()
