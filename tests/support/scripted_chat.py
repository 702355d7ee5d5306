"""`ScriptedChatModel`: an in-process chat model for drafting logic tests.

It answers each conversation with the next reply of its script and keeps every conversation it
was given, so a test can say what the model was asked. It is the `ChatModel` protocol itself,
no HTTP: for the adapter (the OpenAI client, streaming over the wire, timeouts) use the real
stub server, `tests/support/openai_stub.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from assistant.llm.base import ChatMessage

# a reply: the text, a function of the conversation, or an exception to raise (a failing model)
Scripted = str | Callable[[Sequence[ChatMessage]], str] | Exception


class ScriptedChatModel:
    def __init__(
        self, replies: Sequence[Scripted], *, name: str = "scripted-model", chunk: int = 4
    ) -> None:
        self.name = name
        self.calls: list[list[ChatMessage]] = []
        self._replies = list(replies)
        self._chunk = chunk

    def _answer(self, messages: Sequence[ChatMessage]) -> str:
        self.calls.append(list(messages))
        if not self._replies:
            raise AssertionError(f"the model was asked {len(self.calls)} times; script has fewer")
        reply = self._replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply(messages) if callable(reply) else reply

    def complete(self, messages: Sequence[ChatMessage]) -> str:
        return self._answer(messages)

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        text = self._answer(messages)
        for i in range(0, len(text), self._chunk):
            yield text[i : i + self._chunk]

    def prompt(self, n: int = -1) -> str:
        """The user message of conversation `n` (the last by default)."""
        return next(m.content for m in reversed(self.calls[n]) if m.role == "user")
