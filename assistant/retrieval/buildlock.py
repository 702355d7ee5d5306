"""Who is building an index, across processes: the app building in the background while a clerk
runs `xxgk draft` on the same workspace. One process builds (it holds a lock file beside the
state); the others search what it has committed, and read how far it is from a progress file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from filelock import FileLock, Timeout


class BuildLock:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lock = FileLock(folder / "build.lock")  # per thread: the build's own thread
        self._progress = folder / "building.json"

    def try_acquire(self) -> bool:
        """Take the lock unless another process holds it (then False at once)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            return False
        return True

    def held_elsewhere(self) -> bool:
        """Whether another process is building now (a probe: the lock is not kept)."""
        if not self.try_acquire():
            return True
        self._lock.release()
        return False

    def acquire(self) -> None:
        """Take the lock, waiting for another process's build to end."""
        self._folder.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()

    def release(self) -> None:
        if self._lock.lock_counter == 1:  # the build is over: nobody reads its progress any more
            self._progress.unlink(missing_ok=True)
        self._lock.release()

    def publish(self, done: int, total: int) -> None:
        """How far the build is, for the other processes (documents done of total)."""
        tmp = self._progress.with_name(f"{self._progress.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
        tmp.replace(self._progress)

    def progress(self) -> tuple[int, int] | None:
        """(done, total) documents of another process's build; None while it has published
        nothing (it is still finding what changed, or nothing did)."""
        try:
            data = json.loads(self._progress.read_text(encoding="utf-8"))
            return int(data["done"]), int(data["total"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
