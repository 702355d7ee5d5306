"""Our own seams to models: chat and embeddings. No third-party types cross them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@runtime_checkable
class ChatModel(Protocol):
    """Anything that answers a conversation: an OpenAI-compatible endpoint, or a scripted fake."""

    name: str  # shown to users as the engine that wrote a draft, e.g. "qwen2.5-7b-instruct"

    def complete(self, messages: Sequence[ChatMessage]) -> str: ...

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]: ...


@runtime_checkable
class Embedder(Protocol):
    """Text → vectors. Queries and passages are embedded differently by e5-style models."""

    @property
    def name(self) -> str: ...
    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...
