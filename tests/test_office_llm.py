"""The office's model settings over `.env` and the environment: which wins, and where each key
may go (a key only ever reaches the endpoint it was given for)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant.config import LLMSettings, load_settings
from assistant.service import build_assistant, office_llm

ENV = LLMSettings(
    base_url="http://127.0.0.1:8000/v1", model="env-model", api_key=SecretStr("sk-env")
)
OFFICE_URL = "http://127.0.0.1:8001/v1"


def _key(llm: LLMSettings) -> str | None:
    return llm.api_key.get_secret_value() if llm.api_key else None


def test_nothing_saved_leaves_the_environments_settings() -> None:
    assert office_llm(ENV, {}) == ENV


def test_the_office_overrides_only_what_it_set() -> None:
    llm = office_llm(ENV, {"llm.model": "office-model"})
    assert (llm.base_url, llm.model, _key(llm)) == (ENV.base_url, "office-model", "sk-env")
    assert llm.temperature == ENV.temperature and llm.context_tokens == ENV.context_tokens


@pytest.mark.parametrize(
    ("office", "expected"),
    [
        # another endpoint without its own key gets none: never the environment's
        ({"llm.base_url": OFFICE_URL}, (OFFICE_URL, None)),
        # the environment's endpoint keeps the environment's key
        ({"llm.base_url": ENV.base_url}, (ENV.base_url, "sk-env")),
        # the office's key goes to the endpoint it was saved with …
        (
            {"llm.base_url": OFFICE_URL, "llm.api_key": {"key": "sk-o", "endpoint": OFFICE_URL}},
            (OFFICE_URL, "sk-o"),
        ),
        # … and nowhere else, whatever the record says
        (
            {"llm.base_url": ENV.base_url, "llm.api_key": {"key": "sk-o", "endpoint": OFFICE_URL}},
            (ENV.base_url, "sk-env"),
        ),
        # an empty endpoint: no model (the offline composer), no key
        ({"llm.base_url": ""}, (None, None)),
    ],
)
def test_a_key_goes_only_to_its_own_endpoint(
    office: dict[str, object], expected: tuple[str | None, str | None]
) -> None:
    llm = office_llm(ENV, office)
    assert (llm.base_url, _key(llm)) == expected


def test_saved_settings_apply_in_the_next_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_LLM__BASE_URL", ENV.base_url or "")
    monkeypatch.setenv("XXGK_LLM__MODEL", "env-model")
    monkeypatch.setenv("XXGK_LLM__API_KEY", "sk-env")
    first = build_assistant(load_settings())
    first.save_office_llm(base_url=OFFICE_URL, model="office-model", api_key="sk-o", author="甲")
    assert (first.settings.llm.model, _key(first.settings.llm)) == ("office-model", "sk-o")
    first.store.close()

    later = build_assistant(load_settings())
    assert later.settings.llm.base_url == ENV.base_url  # nothing read until asked
    later.use_office_settings()
    llm = later.settings.llm
    assert (llm.base_url, llm.model, _key(llm)) == (OFFICE_URL, "office-model", "sk-o")

    # an empty name keeps the model; an empty key keeps the key for the same endpoint …
    later.save_office_llm(base_url=OFFICE_URL, model="", api_key="", author="甲")
    assert (later.settings.llm.model, _key(later.settings.llm)) == ("office-model", "sk-o")
    # … and drops it when the endpoint changes: the office's key never follows a new address
    other = "http://127.0.0.1:8002/v1"
    later.save_office_llm(base_url=other, model="", api_key=" ", author="甲")
    assert (later.settings.llm.base_url, later.settings.llm.api_key) == (other, None)
    assert "llm.api_key" not in later.store.office_settings()
    later.store.close()


def test_a_save_in_another_process_applies_when_a_page_opens() -> None:
    """Two app processes on one workspace (an office's PostgreSQL): what one saves, the other
    uses from its next page; a process's own setting for tests is left alone while the
    office's settings do not change."""
    here, there = build_assistant(load_settings()), build_assistant(load_settings())
    here.use_office_settings()
    here.configure_llm(base_url=OFFICE_URL, model="for-this-run", api_key=None)
    here.use_office_settings()  # nothing saved: unchanged
    assert here.settings.llm.model == "for-this-run"
    there.save_office_llm(base_url=OFFICE_URL, model="office-model", api_key="sk-o", author="乙")
    here.use_office_settings()
    assert (here.settings.llm.model, _key(here.settings.llm)) == ("office-model", "sk-o")
    here.store.close()
    there.store.close()
