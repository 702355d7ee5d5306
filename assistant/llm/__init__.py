"""The chat model factory (any OpenAI-compatible endpoint) and the errors of a stream."""

from __future__ import annotations

from assistant.errors import LLMError


class StreamCutError(LLMError):
    """The stream ended before the model finished; `partial` is what arrived. Defined here, not
    in factory.py, so that drafting can catch it without importing LangChain."""

    def __init__(self, message: str, *, partial: str) -> None:
        super().__init__(message)
        self.partial = partial


__all__ = ["StreamCutError"]
