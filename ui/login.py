"""The app's login (`--auth 用户名:密码`): one account, and wrong passwords slowed down.

Gradio checks a login with the callable it is given; this one compares in constant time and,
after a few wrong attempts in a row, refuses every attempt until a waiting time has passed (it
doubles with each further failure, up to `MAX_WAIT` seconds) without looking at the password. So
300 guesses take hours, not 0.4 s, and the correct password works again once the wait is over."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

FREE_ATTEMPTS = 5
MAX_WAIT = 300.0


class Login:
    def __init__(
        self, user: str, password: str, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._user, self._password = user.encode(), password.encode()
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self._not_before = 0.0

    def wait(self) -> float:
        """Seconds until the next attempt is looked at (0: now)."""
        return max(0.0, self._not_before - self._clock())

    def __call__(self, username: str, password: str) -> bool:
        with self._lock:
            if self.wait() > 0:
                log.warning("login refused without checking: %d wrong attempts", self.failures)
                return False
            right = hmac.compare_digest(
                (username or "").encode(), self._user
            ) & hmac.compare_digest((password or "").encode(), self._password)
            if right:
                self.failures = 0
                return True
            self.failures += 1
            if self.failures >= FREE_ATTEMPTS:
                delay = min(MAX_WAIT, 2.0 ** (self.failures - FREE_ATTEMPTS))
                self._not_before = self._clock() + delay
            return False
