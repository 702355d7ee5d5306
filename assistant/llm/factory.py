"""The one chat-model factory: LangChain's ChatOpenAI against any OpenAI-compatible endpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from assistant.config import LimitSettings, LLMSettings
from assistant.errors import LLMError
from assistant.limits import DEFAULT_LIMITS
from assistant.llm import StreamCutError
from assistant.llm.base import ChatMessage

log = logging.getLogger(__name__)

# vLLM, Ollama and Xinference accept any key; the openai client insists on having one.
_NO_KEY = "EMPTY"
# what a body or chunk that is not the API's JSON raises inside openai and LangChain (a bad
# JSON text, a chunk of the wrong shape)
_MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError)


class OpenAICompatibleChat:
    """A `ChatModel` over LangChain's ChatOpenAI; every failure becomes a Chinese `LLMError`."""

    def __init__(
        self,
        chat: ChatOpenAI,
        *,
        base_url: str,
        timeout: float,
        max_chars: int = DEFAULT_LIMITS.model_output_chars,
        deadline: float = DEFAULT_LIMITS.section_seconds,
    ) -> None:
        self._chat = chat
        self.name = str(chat.model_name)
        self.base_url = base_url
        self.timeout = timeout
        self.max_chars = max_chars  # a model that floods is stopped here, its text kept
        self.deadline = deadline  # overall seconds for one answer, however slowly it drips

    def complete(self, messages: Sequence[ChatMessage]) -> str:
        try:
            result = self._chat.invoke(_to_langchain(messages))
        except (openai.APIError, httpx.HTTPError) as exc:
            raise self._error(exc) from exc
        except _MALFORMED as exc:  # a body that is not the API's JSON
            raise self._malformed(exc) from exc
        return _text(result.content)[: self.max_chars]

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        """Tokens as they arrive. A stream that breaks off (a dropped connection, a chunk that is
        not the API's JSON), runs past `max_chars` or past `deadline` seconds raises
        `StreamCutError` carrying the part received, so a caller can keep it as an incomplete
        draft. (Between two chunks the client's own read timeout applies, so the deadline holds
        within that margin even when nothing arrives.)"""
        received: list[str] = []
        size = 0
        finished = False
        start = time.monotonic()
        chunks = self._chat.stream(_to_langchain(messages))
        try:
            for chunk in chunks:
                piece = _text(chunk.content)
                if chunk.response_metadata.get("finish_reason"):
                    finished = True
                if piece:
                    if size + len(piece) > self.max_chars:
                        piece = piece[: self.max_chars - size]
                        received.append(piece)
                        yield piece
                        raise self._over("".join(received), f"超过上限 {self.max_chars} 字")
                    size += len(piece)
                    received.append(piece)
                    yield piece
                if time.monotonic() - start > self.deadline:
                    raise self._over("".join(received), f"超过 {self.deadline:g} 秒仍未写完")
        except (openai.APIError, httpx.HTTPError) as exc:
            if received:
                raise self._cut("".join(received)) from exc
            raise self._error(exc) from exc
        except _MALFORMED as exc:
            if received:
                raise self._cut("".join(received)) from exc
            raise self._malformed(exc) from exc
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # stops reading: the connection is dropped, not drained
                close()
        if not finished:
            raise self._cut("".join(received))

    def _cut(self, partial: str) -> StreamCutError:
        return StreamCutError(
            f"语言模型 {self.name} 的输出在中途中断（已收到 {len(partial)} 个字符，模型未表示完成）。"
            f"已保留未完成的草稿并标为“未完成”，请重新生成或稍后再试。",
            partial=partial,
        )

    def _over(self, partial: str, why: str) -> StreamCutError:
        return StreamCutError(
            f"语言模型 {self.name} 的输出{why}，已停止接收（XXGK_LIMITS__MODEL_OUTPUT_CHARS、"
            f"XXGK_LIMITS__SECTION_SECONDS）。已保留收到的 {len(partial)} 个字符并标为“未完成”，"
            f"请检查模型服务后重新生成。",
            partial=partial,
        )

    def _malformed(self, exc: Exception) -> LLMError:
        log.warning("LLM answer malformed: %s", type(exc).__name__)
        return LLMError(
            f"语言模型服务 {self.base_url} 返回的内容不是 OpenAI 兼容接口的格式，无法使用。"
            f"请确认地址指向模型服务（通常以 /v1 结尾），或请服务管理员查看日志。",
            source=self.base_url,
            offline_possible=True,
        )

    def _error(self, exc: Exception) -> LLMError:
        where = f"语言模型服务 {self.base_url}"
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            msg = (
                f"{where} 在 {self.timeout:g} 秒内没有响应。请稍后再试，或调大超时"
                f"（XXGK_LLM__TIMEOUT）。"
            )
        elif isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            msg = (
                f"无法连接{where}。请确认服务已经启动、地址（XXGK_LLM_BASE_URL，通常以 /v1 结尾）"
                f"正确。"
            )
        elif isinstance(exc, openai.RateLimitError):
            msg = (
                f"{where} 拒绝了请求：调用过于频繁或额度不足（HTTP 429）。请稍等一分钟再试，"
                f"或检查账户额度。"
            )
        elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            msg = f"{where} 不接受所用的密钥（HTTP {exc.status_code}）。请检查 XXGK_LLM_API_KEY。"
        elif isinstance(exc, openai.NotFoundError):
            msg = (
                f"{where} 上找不到模型“{self.name}”或接口（HTTP 404）。请检查 XXGK_LLM_MODEL，"
                f"以及地址是否以 /v1 结尾。"
            )
        elif isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            msg = (
                f"{where} 内部出错（HTTP {exc.status_code}）：{_detail(exc)}。请稍后再试，"
                f"或请服务管理员查看日志。"
            )
        elif isinstance(exc, openai.APIStatusError):
            msg = (
                f"{where} 拒绝了请求（HTTP {exc.status_code}）：{_detail(exc)}。"
                f"可能是提示过长或模型不支持所给参数。"
            )
        else:
            msg = f"{where} 返回了无法处理的结果：{exc}。请稍后再试。"
        log.warning("LLM call failed: %s", type(exc).__name__)
        # a service that is down or broken may stay so: the offline composer can draft meanwhile
        # (not for a key, model name or request the clerk can fix at once)
        offline = not isinstance(exc, openai.APIStatusError) or exc.status_code >= 500
        return LLMError(msg, source=self.base_url, offline_possible=offline)


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:200]
    return str(exc.message)[:200]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)


def _to_langchain(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


def build_chat_model(
    settings: LLMSettings,
    *,
    openai_client: openai.OpenAI | None = None,
    http_client: httpx.Client | None = None,
    limits: LimitSettings = DEFAULT_LIMITS,
) -> OpenAICompatibleChat:
    """The chat model for `settings` (vLLM, Ollama, Xinference, DeepSeek, DashScope …).

    `openai_client` or `http_client` may be injected (tests point them anywhere); otherwise the
    openai client is built by LangChain from base_url, api_key, timeout and max_retries.
    """
    if not settings.base_url and openai_client is None:
        raise LLMError(
            "没有配置语言模型服务（XXGK_LLM_BASE_URL）。请设置服务地址，或使用离线起草。"
        )
    key = settings.api_key.get_secret_value() if settings.api_key else _NO_KEY
    kwargs: dict[str, Any] = {
        "model": settings.model,
        "temperature": settings.temperature,
        "timeout": settings.timeout,
        "max_retries": settings.max_retries,
        "api_key": key,
        "base_url": settings.base_url,
        # as `max_tokens`, the name vLLM, Ollama, Xinference, DeepSeek and DashScope all read
        # (LangChain would send OpenAI's newer `max_completion_tokens`, which some ignore)
        "extra_body": {"max_tokens": settings.max_tokens},
    }
    if openai_client is not None:
        kwargs["client"] = openai_client.chat.completions
        kwargs["root_client"] = openai_client
        base = str(openai_client.base_url)
    else:
        if http_client is not None:
            kwargs["http_client"] = http_client
        base = str(settings.base_url)
    return OpenAICompatibleChat(
        ChatOpenAI(**kwargs),
        base_url=base,
        timeout=settings.timeout,
        max_chars=limits.model_output_chars,
        deadline=limits.section_seconds,
    )
