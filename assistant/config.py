"""Settings: the only place that reads the environment (XXGK_* variables and `.env`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from assistant.errors import ConfigError

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent


def shipped_dir(name: str) -> Path:
    """Where a shipped data folder (`knowledge`, `prompts`) lives.

    In a wheel it is copied into the package (`assistant/_shipped/NAME`); in a checkout or an
    editable install it is the top-level folder of the repository.
    """
    inside = _PACKAGE_DIR / "_shipped" / name
    return inside if inside.is_dir() else _REPO_DIR / name


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LLMSettings(_Group):
    """The chat model. No base_url means the offline composer writes every draft."""

    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = "qwen2.5-7b-instruct"
    temperature: float = 0.3
    timeout: float = 60.0
    max_retries: int = 1
    offline: bool = False  # force the offline composer even when base_url is set
    max_tokens: int = 2048  # the longest answer asked for (一 is at most about 1,500 characters)
    context_tokens: int = 8192  # the model's context window: a longer prompt is warned about


class EmbeddingSettings(_Group):
    """Embeddings: the bundled CPU model by default, or an OpenAI-compatible endpoint."""

    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = "multilingual-e5-small"


class RetrievalSettings(_Group):
    chroma_url: str | None = None  # a Chroma server shared by an office; None = embedded
    collection: str = "xxgk"
    k: int = 8


class PathSettings(_Group):
    home: Path = Path("xxgk-data")
    knowledge_dir: Path = shipped_dir("knowledge")
    prompts_dir: Path = shipped_dir("prompts")


class UISettings(_Group):
    host: str = "127.0.0.1"
    port: int = 7860
    auth: SecretStr | None = None  # "user:password"
    max_upload_mb: int = 20


class LimitSettings(_Group):
    """What one input may cost (assistant/limits.py): each limit hit is refused with a Chinese
    message naming the file and the limit, so memory stays bounded (≤ 500 MB) for any input."""

    data_mb: float = 5  # a YAML/JSON data file (a full report is ~10 KB)
    text_mb: float = 20  # txt, md of a published report (a real one is ~10 KB)
    html_mb: float = 5  # a saved web page (~100 KB–2 MB); parsed into ~40× its size in memory
    office_mb: float = 50  # docx, xlsx as stored (zipped)
    pdf_mb: float = 100
    image_mb: float = 30  # a page image for OCR
    backup_mb: float = 200  # a workspace backup (.json.gz) as stored
    knowledge_mb: float = 50  # one file added to the knowledge base
    unzipped_mb: float = 200  # everything a docx, xlsx or gz backup unpacks to
    unzipped_markup_mb: float = 30  # the XML of a docx or xlsx (parsed into a tree: ~5× in memory)
    zip_members: int = 2000
    json_depth: int = 64  # nesting of a data file (a report needs 5)
    number_chars: int = 40  # characters of one number in a data file
    yaml_nodes: int = 50_000  # values a YAML file expands to, aliases included (a report: ~2,000)
    model_output_chars: int = 60_000  # what the model may write for one section
    section_seconds: float = 600  # overall time for one section, however slowly it streams


# Whose publication deadline a setting moves, worded as the PUB rules name them (SPEC c.8; the
# defaults are DEFAULT_DEADLINES in checks/rules_publication.py)
DEADLINE_KINDS = {
    "department": "县级以上人民政府部门和乡镇人民政府",
    "government": "县级以上地方人民政府",
    "other": "街道办事处、法律法规授权组织和办公厅（室）本政府机关",
    "rollup.county": "县级汇总",
    "rollup.city": "地市级汇总",
    "rollup.province": "省级汇总",
    "rollup.vertical": "垂直管理部门全系统汇总",
}


class CheckSettings(_Group):
    """Rule settings. SPEC c.0: deadlines are configuration (a province may set its own). Each is
    "MM-DD" in the year after the report year, e.g. XXGK_CHECKS__DEADLINES__OTHER=02-15;
    rollup_county stands for rollup.county, since an environment variable cannot hold a dot."""

    deadlines: dict[str, str] = {}

    @field_validator("deadlines", mode="before")
    @classmethod
    def _deadlines(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for key, day in value.items():
            kind = str(key).lower().replace("_", ".")
            if kind not in DEADLINE_KINDS:
                known = "、".join(k.replace(".", "_") for k in DEADLINE_KINDS)
                raise ValueError(f"没有“{key}”这一类截止日期，可设置的有：{known}")
            text = str(day).strip()
            match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text)
            try:
                dt.date(2000, int(match[1]), int(match[2])) if match else None
            except ValueError:
                match = None
            if not match:
                raise ValueError(
                    f"截止日期“{text}”应写成“月-日”，如 01-31（{DEADLINE_KINDS[kind]}）"
                )
            out[kind] = f"{int(match[1]):02d}-{int(match[2]):02d}"
        return out


# Single-underscore spellings that the issues and the README document, mapped to nested keys.
_FLAT_ALIASES = {
    "XXGK_HOME": ("paths", "home"),
    "XXGK_CHROMA_URL": ("retrieval", "chroma_url"),
    "XXGK_EMBEDDING_BASE_URL": ("embedding", "base_url"),
    "XXGK_EMBEDDING_MODEL": ("embedding", "model"),
    "XXGK_EMBEDDING_API_KEY": ("embedding", "api_key"),
    "XXGK_LLM_BASE_URL": ("llm", "base_url"),
    "XXGK_LLM_API_KEY": ("llm", "api_key"),
    "XXGK_LLM_MODEL": ("llm", "model"),
    "XXGK_AUTH": ("ui", "auth"),
}


class _FlatNames(PydanticBaseSettingsSource):
    """`_FLAT_ALIASES` from the environment, else from `.env`: the two are read the same way."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        env: PydanticBaseSettingsSource,
        dotenv: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls)
        # both sources have read their variables already, names lower-cased (not case-sensitive)
        self._vars = [getattr(env, "env_vars", {}), getattr(dotenv, "env_vars", {})]

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ gives the values

    def __call__(self) -> dict[str, Any]:
        out: dict[str, dict[str, str]] = {}
        for name, (group, key) in _FLAT_ALIASES.items():
            value = next((v[name.lower()] for v in self._vars if v.get(name.lower())), None)
            if value is not None:
                out.setdefault(group, {})[key] = value
        return out


class Settings(BaseSettings):
    """All settings. Precedence: CLI flag (passed by the caller), environment or `.env`, default."""

    model_config = SettingsConfigDict(
        env_prefix="XXGK_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    llm: LLMSettings = LLMSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    paths: PathSettings = PathSettings()
    ui: UISettings = UISettings()
    checks: CheckSettings = CheckSettings()
    limits: LimitSettings = LimitSettings()
    database_url: str | None = None  # None = SQLite in paths.home

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the flat names rank below the nested ones, in the environment and in `.env` alike
        flat = _FlatNames(settings_cls, env_settings, dotenv_settings)
        return init_settings, env_settings, dotenv_settings, flat, file_secret_settings

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm.base_url) and not self.llm.offline


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once at the edge; a bad value becomes a Chinese ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        env = "XXGK_" + "__".join(str(p).upper() for p in first.get("loc", ()))
        raise ConfigError(
            f"设置项 {where}（环境变量 {env}）的值无法使用："
            f"{str(first.get('msg')).removeprefix('Value error, ')}。请检查 .env 或环境变量。"
        ) from exc
