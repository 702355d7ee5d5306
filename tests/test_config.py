"""Every setting the README documents works from the environment and from `.env` alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings, load_settings
from assistant.errors import ConfigError


def _value(settings: Settings, path: str) -> object:
    value: object = settings
    group, _, rest = path.partition(".")
    for part in (group, *rest.split(".", 1)) if rest else (group,):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return str(value)


# (variable, value, where it lands) — the names of the README's "Settings" paragraph
DOCUMENTED = [
    ("XXGK_HOME", "/srv/xxgk", "paths.home"),
    ("XXGK_DATABASE_URL", "postgresql://xxgk@127.0.0.1/xxgk", "database_url"),
    ("XXGK_LLM_BASE_URL", "http://127.0.0.1:8000/v1", "llm.base_url"),
    ("XXGK_LLM_MODEL", "qwen2.5-72b-instruct", "llm.model"),
    ("XXGK_LLM_API_KEY", "sk-local", "llm.api_key"),
    ("XXGK_LLM__BASE_URL", "http://127.0.0.1:8001/v1", "llm.base_url"),
    ("XXGK_LLM__TEMPERATURE", "0.1", "llm.temperature"),
    ("XXGK_LLM__TIMEOUT", "120.0", "llm.timeout"),
    ("XXGK_LLM__MAX_RETRIES", "3", "llm.max_retries"),
    ("XXGK_EMBEDDING_BASE_URL", "http://127.0.0.1:9997/v1", "embedding.base_url"),
    ("XXGK_EMBEDDING_MODEL", "bge-m3", "embedding.model"),
    ("XXGK_EMBEDDING_API_KEY", "sk-embed", "embedding.api_key"),
    ("XXGK_CHROMA_URL", "http://127.0.0.1:8002", "retrieval.chroma_url"),
    ("XXGK_AUTH", "admin:a-long-password", "ui.auth"),
    ("XXGK_CHECKS__DEADLINES__OTHER", "02-15", "checks.deadlines.other"),
    ("XXGK_CHECKS__DEADLINES__ROLLUP_COUNTY", "02-25", "checks.deadlines.rollup.county"),
]


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder without `.env` as the working directory, and no XXGK_ variable set."""
    import os

    for name in list(os.environ):
        if name.upper().startswith("XXGK_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("name", "value", "where"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED])
def test_a_documented_variable_works_from_the_environment(
    clean: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, where: str
) -> None:
    assert _value(load_settings(), where) != value
    monkeypatch.setenv(name, value)
    assert _value(load_settings(), where) == value


@pytest.mark.parametrize(("name", "value", "where"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED])
def test_a_documented_variable_works_from_dotenv(
    clean: Path, name: str, value: str, where: str
) -> None:
    (clean / ".env").write_text(f"# 本单位的设置\n{name}={value}\n", encoding="utf-8")
    assert _value(load_settings(), where) == value


def test_the_environment_wins_over_dotenv(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean / ".env").write_text("XXGK_LLM_MODEL=from-dotenv\n", encoding="utf-8")
    monkeypatch.setenv("XXGK_LLM_MODEL", "from-environment")
    assert load_settings().llm.model == "from-environment"


def test_a_nested_name_wins_over_a_flat_one(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean / ".env").write_text("XXGK_LLM__MODEL=nested\nXXGK_LLM_MODEL=flat\n", encoding="utf-8")
    assert load_settings().llm.model == "nested"


def test_a_flag_passed_by_the_caller_wins(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XXGK_LLM_BASE_URL", "http://127.0.0.1:8000/v1")
    settings = load_settings(llm={"base_url": "http://127.0.0.1:9000/v1"})
    assert settings.llm.base_url == "http://127.0.0.1:9000/v1"


def test_a_bad_value_in_dotenv_is_named_in_chinese(clean: Path) -> None:
    (clean / ".env").write_text("XXGK_CHECKS__DEADLINES__OTHER=2月15日\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "截止日期“2月15日”应写成“月-日”" in caught.value.message
