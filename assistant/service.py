"""The Assistant facade and the one composition root: everything the CLI and the UI use."""

from __future__ import annotations

import logging
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
    from assistant.retrieval import KnowledgeBase
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
        self._chat = chat
        self._embedder = embedder
        self._chroma = chroma

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
        """Point this process at another chat model (the office's settings, saved by a
        signed-in user); the next draft of every session uses the new client."""
        llm = self.llm_settings(base_url=base_url, model=model, api_key=api_key)
        self.settings = self.settings.model_copy(update={"llm": llm})
        self._chat = None

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

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from assistant.retrieval import KnowledgeBase

        return KnowledgeBase.open(
            self.settings, embedder=self._embedder, chroma_client=self._chroma
        )

    @cached_property
    def store(self) -> Workspace:
        from assistant.store import Workspace

        return Workspace.open(self.settings)


def build_assistant(
    settings: Settings,
    *,
    chat: ChatModel | None = None,
    embedder: Embedder | None = None,
    chroma: Any = None,
) -> Assistant:
    """Wire the assistant from settings; any collaborator passed in wins."""
    return Assistant(settings, chat=chat, embedder=embedder, chroma=chroma)
