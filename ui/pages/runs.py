"""Which of a browser's events was shown last, where two of them write the same message."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class RunsFinished:
    """When each browser session's last draft or answer was shown (monotonic clock).

    Picking a section and clicking 起草本节 at once sends two events that run side by side: the
    section's view can come back after the run, and its note ("第N版，尚未采用", or nothing)
    would replace what the run said (资料库正在建立…, 已起草…). A view begun before a run was
    shown, and ending after it, leaves the message alone."""

    def __init__(self, keep: int = 1000) -> None:
        self._at: OrderedDict[str, float] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def shown(self, session: str | None) -> None:
        with self._lock:
            self._at[session or ""] = time.monotonic()
            self._at.move_to_end(session or "")
            while len(self._at) > self._keep:
                self._at.popitem(last=False)

    def since(self, session: str | None, began: float) -> bool:
        with self._lock:
            return self._at.get(session or "", float("-inf")) >= began
