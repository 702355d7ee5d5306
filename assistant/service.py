"""The Assistant facade and the one composition root: everything the CLI and the UI use."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.checks import CheckOptions, CheckResult, run_checks
from assistant.config import LLMSettings, Settings
from assistant.errors import ConfigError
from assistant.ingest import read_report
from assistant.report import Report

if TYPE_CHECKING:
    from assistant.drafting.drafter import Drafter
    from assistant.drafting.notes import Notes
    from assistant.llm.base import ChatModel, Embedder
    from assistant.llm.embeddings import EmbeddingMeaning
    from assistant.retrieval import BuildReport, KnowledgeBase
    from assistant.store import Workspace

log = logging.getLogger(__name__)


class Assistant:
    """One object per process; heavy parts (knowledge base, workspace, model client) are built
    on first use, so start-up stays fast and a command that needs none of them loads none."""

    def __init__(
        self,
        settings: Settings,
        *,
        chat: ChatModel | None = None,
        embedder: Embedder | None = None,
        chroma: Any = None,
    ) -> None:
        self.settings = settings
        # the model settings of `.env` and the environment, under the office's saved ones
        self._configured_llm = settings.llm
        self._office: dict[str, Any] = {}  # the office's settings this process last applied
        self._chat = chat
        self._embedder = embedder
        self._chroma = chroma
        self._knowledge: KnowledgeBase | None = None
        self._opening = threading.RLock()

    # -- reading and checking (the pure core) --------------------------------------------------
    def read(self, path: str | Path) -> Report:
        return read_report(path, limits=self.settings.limits)

    @property
    def check_options(self) -> CheckOptions:
        """What the office's settings tell the rules (publication deadlines)."""
        return CheckOptions.from_settings(self.settings.checks.deadlines)

    def check(self, report: Report, *, prior: Report | None = None) -> CheckResult:
        return run_checks(report, prior=prior, options=self.check_options)

    # -- model side, built lazily ----------------------------------------------------------------
    @property
    def chat(self) -> ChatModel | None:
        """The configured chat model, or None: then the offline composer writes drafts."""
        if self._chat is None and self.settings.llm_configured:
            from assistant.llm.factory import build_chat_model

            self._chat = build_chat_model(self.settings.llm, limits=self.settings.limits)
        return self._chat

    def drafter(
        self,
        report: Report,
        *,
        prior: Report | None = None,
        notes: Notes | None = None,
        retrieve: bool = True,
        llm: LLMSettings | None = None,
    ) -> Drafter:
        """A Drafter for one report: the configured model (or the offline composer), the
        prompts, the staff notes (as `normalize_notes` gives them), and the knowledge base
        when `retrieve`."""
        from assistant.drafting.drafter import Drafter
        from assistant.drafting.prompts import PromptLibrary

        return Drafter(
            report,
            prompts=PromptLibrary(Path(self.settings.paths.prompts_dir)),
            prior=prior,
            notes=notes,
            retriever=self.knowledge if retrieve else None,
            chat=self.chat_for(llm),
            knowledge_dir=Path(self.settings.paths.knowledge_dir),
            context_tokens=self.settings.llm.context_tokens,
        )

    def llm_settings(
        self, *, base_url: str | None, model: str | None, api_key: str | None
    ) -> LLMSettings:
        """The configured chat-model settings with another endpoint, model or key. An empty key
        keeps the configured one only for the configured endpoint: the office's key is never
        sent to an address someone else typed."""
        from pydantic import SecretStr

        office = self.settings.llm
        url = (base_url or "").strip() or None
        changes: dict[str, Any] = {"base_url": url}
        if model and model.strip():
            changes["model"] = model.strip()
        if api_key and api_key.strip():
            changes["api_key"] = SecretStr(api_key.strip())
        elif url != office.base_url:
            changes["api_key"] = None
        return office.model_copy(update=changes)

    def configure_llm(
        self, *, base_url: str | None, model: str | None, api_key: str | None
    ) -> None:
        """Point this process at another chat model, for as long as it runs (tests; the office's
        lasting settings are `save_office_llm`); the next draft of every session uses it."""
        self._use_llm(self.llm_settings(base_url=base_url, model=model, api_key=api_key))

    def _use_llm(self, llm: LLMSettings) -> None:
        self.settings = self.settings.model_copy(update={"llm": llm})
        self._chat = None

    def use_office_settings(self) -> None:
        """Apply the office's saved model settings (kept in the workspace) over `.env` and the
        environment: the app does this at start, when a page opens (another process on the
        same workspace may have saved) and after the office saves. Unchanged, nothing happens."""
        office = self.store.office_settings()
        if office != self._office:
            self._office = office
            self._use_llm(office_llm(self._configured_llm, office))

    def save_office_llm(
        self, *, base_url: str | None, model: str | None, api_key: str | None, author: str
    ) -> None:
        """Save the office's model settings in the workspace (a signed-in user: the caller
        checks) and use them at once; they hold after a restart. An empty model name keeps the
        one in use; an empty key keeps the office's key only for the endpoint it was given for
        (a new endpoint without its own key gets none)."""
        url = (base_url or "").strip()
        values: dict[str, Any] = {"llm.base_url": url}
        if model and model.strip():
            values["llm.model"] = model.strip()
        if api_key and api_key.strip():
            values["llm.api_key"] = {"key": api_key.strip(), "endpoint": url}
        else:
            saved = self.store.office_settings().get("llm.api_key")
            if isinstance(saved, dict) and saved.get("endpoint") != url:
                values["llm.api_key"] = None
        self.store.save_office_settings(values, author=author)
        self.use_office_settings()

    def chat_for(self, llm: LLMSettings | None) -> ChatModel | None:
        """The chat model of one session's own settings (None: the configured one)."""
        if llm is None:
            return self.chat
        if not llm.base_url or llm.offline:
            return None
        from assistant.llm.factory import build_chat_model

        return build_chat_model(llm)

    @cached_property
    def meaning(self) -> EmbeddingMeaning | None:
        """compare's meaning similarity (a repeated problem reworded each year) on the
        configured embedder; None when the model cannot be loaded, then compare goes by wording."""
        from assistant.llm.embeddings import EmbeddingMeaning, build_embedder

        try:
            return EmbeddingMeaning(self._embedder or build_embedder(self.settings))
        except ConfigError as exc:
            log.warning("meaning similarity unavailable, comparing by wording: %s", exc)
            return None

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base, opened on first use (once, whichever thread asks first)."""
        with self._opening:
            if self._knowledge is None:
                from assistant.retrieval import KnowledgeBase

                self._knowledge = KnowledgeBase.open(
                    self.settings, embedder=self._embedder, chroma_client=self._chroma
                )
            return self._knowledge

    @property
    def opened_knowledge(self) -> KnowledgeBase | None:
        """The knowledge base if it has been opened, without opening it."""
        return self._knowledge

    def index_in_background(
        self,
        progress: Callable[[int, int], None] | None = None,
        done: Callable[[BuildReport | Exception], None] | None = None,
    ) -> None:
        """Open the knowledge base and bring its index up to date in the background; whoever
        asks for the knowledge base meanwhile gets it once the build has started, and searches
        what is already in (the first search never starts a build of its own)."""
        with self._opening:
            self.knowledge.build_in_background(progress, done)

    @cached_property
    def store(self) -> Workspace:
        from assistant.store import Workspace

        return Workspace.open(self.settings)


def office_llm(configured: LLMSettings, office: Mapping[str, Any]) -> LLMSettings:
    """The chat-model settings in force: the office's saved ones (store/office_settings.py)
    over the configured ones (`.env`, the environment), each only where the office set it. A
    key goes only to the endpoint it was given for: the office's key to the endpoint it was
    saved with, the configured key to the configured endpoint, so no key ever reaches an
    address someone else typed."""
    from pydantic import SecretStr

    changes: dict[str, Any] = {}
    url = configured.base_url
    if "llm.base_url" in office:
        url = str(office["llm.base_url"] or "").strip() or None
        changes["base_url"] = url
    if office.get("llm.model"):
        changes["model"] = str(office["llm.model"])
    saved = office.get("llm.api_key")
    if isinstance(saved, dict) and saved.get("key") and (saved.get("endpoint") or None) == url:
        changes["api_key"] = SecretStr(str(saved["key"]))
    elif url != configured.base_url:
        changes["api_key"] = None
    return configured.model_copy(update=changes)


def build_assistant(
    settings: Settings,
    *,
    chat: ChatModel | None = None,
    embedder: Embedder | None = None,
    chroma: Any = None,
) -> Assistant:
    """Wire the assistant from settings; any collaborator passed in wins."""
    return Assistant(settings, chat=chat, embedder=embedder, chroma=chroma)
