"""The one error hierarchy of xxgk; every message is Chinese and safe to show a user as is."""

from __future__ import annotations

from pathlib import Path


class AssistantError(Exception):
    """Root of every error a user may see. `message` says where and what to do, in Chinese."""

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        cell: str | None = None,
        location: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = str(source) if source is not None else None
        self.cell = cell
        self.location = location

    def __str__(self) -> str:
        return self.message


class ConfigError(AssistantError):
    """Settings that cannot be used (bad environment variable, missing folder)."""


class InputError(AssistantError):
    """A user's file or entry cannot be read as asked: names file, sheet, cell, row, column."""


class InputErrors(InputError):
    """Several input errors found in one pass, so a clerk can fix them all at once."""

    def __init__(self, errors: list[InputError], *, source: str | Path | None = None) -> None:
        self.errors = list(errors)
        lines = [e.message for e in self.errors]
        head = f"发现{len(lines)}处输入错误，请逐一修改后再试：" if len(lines) > 1 else ""
        super().__init__("\n".join([head, *lines]) if head else lines[0], source=source)


class LimitError(InputError):
    """An input beyond a limit of assistant/limits.py (size, zip contents, nesting, number
    length, model output): refused before it is read; `limit` names the setting."""

    def __init__(self, message: str, *, limit: str, source: str | Path | None = None) -> None:
        super().__init__(message, source=source)
        self.limit = limit


class NeedsOCRError(InputError):
    """A PDF without a text layer (a scan): it must be recognised (OCR) first."""


class KnowledgeError(AssistantError):
    """The knowledge base or its index cannot be built, read or searched."""


class PromptError(AssistantError):
    """A prompt template is malformed."""


class PromptVariablesError(PromptError):
    """A prompt's declared variables differ from those its body uses."""


class LLMError(AssistantError):
    """The language model endpoint failed (connection, timeout, HTTP error, cut stream).

    `offline_possible` says the offline composer could write the draft meanwhile; each front end
    says how in its own words (the command line's --offline, the app's 大模型设置)."""

    def __init__(self, message: str, *, offline_possible: bool = False, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.offline_possible = offline_possible


class RefusedError(AssistantError):
    """A request the engine at hand cannot carry out (the offline composer asked to rewrite by
    free instruction): said plainly, nothing is written in its place."""


class StoreError(AssistantError):
    """The workspace database cannot be opened or written."""


class ConflictError(StoreError):
    """Someone else saved the same thing first; the user must reload before saving again."""


class ExportError(AssistantError):
    """A document cannot be written, or the publish gate refuses a final export."""


class PublishGateError(ExportError):
    """A 正式稿 export refused while error-level findings or untraced numbers remain."""
