"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions API, with scripted replies.

Used by the drafting and LLM tests, the benchmarks and the UI's browser tests:

    stub = OpenAIStub().start()
    stub.push(Reply.text("……"), Reply.error(500), Reply.cut("前半段"))
    settings.llm.base_url = stub.base_url        # http://127.0.0.1:<port>/v1
    …
    stub.requests[0].json["messages"]            # what the client sent
    stub.stop()

Replies are consumed in order, one per chat-completions request; when the queue is empty the
`default` reply answers (a 500 unless set). Streaming (`"stream": true`) is answered as SSE
chunks, otherwise as one JSON completion.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

ReplyKind = Literal["text", "error", "timeout", "cut", "flood", "bad_json", "broken"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    kind: ReplyKind
    content: str = ""
    status: int = 200
    delay: float = 0.0  # seconds before answering ("timeout" waits this long, then closes)
    chunk_chars: int = 8  # streamed in pieces of this many characters
    chunk_delay: float = 0.0  # seconds between streamed pieces (to watch a UI update live)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(
        cls, content: str, *, delay: float = 0.0, chunk_chars: int = 8, chunk_delay: float = 0.0
    ) -> Reply:
        return cls("text", content, delay=delay, chunk_chars=chunk_chars, chunk_delay=chunk_delay)

    @classmethod
    def error(
        cls,
        status: int = 500,
        message: str = "internal error",
        *,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        return cls("error", message, status=status, headers=headers or {})

    @classmethod
    def timeout(cls, seconds: float = 5.0) -> Reply:
        return cls("timeout", delay=seconds)

    @classmethod
    def cut(cls, content: str, *, chunk_chars: int = 8) -> Reply:
        """Stream `content`, then drop the connection without finishing the response."""
        return cls("cut", content, chunk_chars=chunk_chars)

    @classmethod
    def flood(cls, content: str, *, chunk_chars: int = 4000) -> Reply:
        """Stream `content` over and over without end, until the client hangs up (a model
        that never stops); the pieces are made as they are sent, never held whole."""
        return cls("flood", content, chunk_chars=chunk_chars)

    @classmethod
    def bad_json(cls, content: str = "", *, chunk_chars: int = 8) -> Reply:
        """Stream `content`, then an event whose data is not JSON; answered without streaming,
        a 200 whose body is not JSON."""
        return cls("bad_json", content, chunk_chars=chunk_chars)

    @classmethod
    def broken(cls, content: str = "", *, chunk_chars: int = 8) -> Reply:
        """Stream `content`, then an HTTP chunk whose size line is garbage (a broken proxy);
        answered without streaming, the body is that garbage chunk."""
        return cls("broken", content, chunk_chars=chunk_chars)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    json: dict[str, Any]


class OpenAIStub:
    """The scripted OpenAI-compatible server; `start()` binds a free port on 127.0.0.1."""

    def __init__(self, *, model: str = "stub-model", default: Reply | None = None) -> None:
        self.model = model
        self.default = default or Reply.error(500, "no scripted reply left")
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> OpenAIStub:
        handler = type("Handler", (_Handler,), {"stub": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True, name="openai-stub"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the stub first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- script ------------------------------------------------------------------------------------
    def push(self, *replies: Reply) -> OpenAIStub:
        with self._lock:
            self._queue.extend(replies)
        return self

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next(self) -> Reply:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (timeout tests, a cut stream, keep-alive closed) is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    stub: OpenAIStub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(
                200,
                {
                    "object": "list",
                    "data": [{"id": self.stub.model, "object": "model", "owned_by": "stub"}],
                },
            )
        else:
            self._json(404, {"error": {"message": "not found", "type": "not_found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(body or b"{}")
        except json.JSONDecodeError:
            payload = {"_raw": body.decode("utf-8", "replace")}
        self.stub._record(
            RecordedRequest(
                "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, payload
            )
        )
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not found", "type": "not_found"}})
            return
        reply = self.stub._next()
        if reply.kind == "timeout":
            self.stub._stopping.wait(reply.delay)
            self.close_connection = True
            return
        if reply.delay:
            self.stub._stopping.wait(reply.delay)
        if reply.kind == "error":
            error = {
                "error": {
                    "message": reply.content,
                    "type": "server_error",
                    "code": str(reply.status),
                }
            }
            self._json(reply.status, error, headers=reply.headers)
        elif payload.get("stream"):
            self._stream(reply, payload)
        elif reply.kind == "broken":
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"zz-not-a-size\r\ngarbage\r\n")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif reply.kind == "bad_json":
            raw = b'{"id": "chatcmpl-stub", "choices": [{"message": {"content": "\xe6\x94'
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        else:
            self._json(200, _completion(self.stub.model, reply.content))

    def _json(
        self, status: int, data: dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def _stream(self, reply: Reply, payload: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cid = f"chatcmpl-stub-{time.monotonic_ns()}"
        text = reply.content
        step = max(1, reply.chunk_chars)
        pieces = [text[i : i + step] for i in range(0, len(text), step)]
        self._event(_chunk(cid, self.stub.model, {"role": "assistant", "content": ""}, None))
        if reply.kind == "flood":
            piece = (text * (step // max(len(text), 1) + 1))[:step]
            while not self.stub._stopping.is_set():  # until the client hangs up
                self._event(_chunk(cid, self.stub.model, {"content": piece}, None))
            return
        for piece in pieces:
            self._event(_chunk(cid, self.stub.model, {"content": piece}, None))
            if reply.chunk_delay:
                self.stub._stopping.wait(reply.chunk_delay)
        if reply.kind == "bad_json":
            self._write_chunk(b'data: {"id": "x", "choices": [{"delta": {"content": "\xe6\x94\n\n')
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")
            return
        if reply.kind == "broken":
            self.wfile.write(b"zz-not-a-size\r\ngarbage\r\n")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if reply.kind == "cut":
            # Drop the connection mid-body: no finish_reason, no [DONE], no terminating chunk.
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self._event(_chunk(cid, self.stub.model, {}, "stop"))
        if payload.get("stream_options", {}).get("include_usage"):
            self._event(
                {
                    "id": cid,
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": self.stub.model,
                    "choices": [],
                    "usage": _usage(text),
                }
            )
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")

    def _event(self, data: dict[str, Any]) -> None:
        self._write_chunk(f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode())

    def _write_chunk(self, raw: bytes) -> None:
        self.wfile.write(f"{len(raw):x}\r\n".encode("ascii") + raw + b"\r\n")
        self.wfile.flush()


def _usage(text: str) -> dict[str, int]:
    return {"prompt_tokens": 10, "completion_tokens": len(text), "total_tokens": 10 + len(text)}


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-stub-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": _usage(content),
    }


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
