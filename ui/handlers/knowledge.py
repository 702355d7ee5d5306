"""The knowledge base's index, built in the background when the app starts: drafting cites
条例, formats and past reports by default, and nobody waits on “正在生成” while it is built
(a draft meanwhile cites the part already built, and says so)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.retrieval.coverage import Coverage
from assistant.service import Assistant

if TYPE_CHECKING:
    from assistant.retrieval import BuildReport

log = logging.getLogger(__name__)


@dataclass
class IndexBuild:
    """One build of the index at a time, in the background; its progress for the page. Drafts
    made meanwhile cite what is already in (the knowledge base says so in their messages)."""

    assistant: Assistant
    done: int = 0  # passages embedded
    total: int = 0
    running: bool = False
    finished: bool = False
    message: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self) -> None:
        """Start building (new or changed documents only); nothing if a build is running."""
        with self._lock:
            if self.running:
                return
            self.running, self.finished, self.done, self.total = True, False, 0, 0
        # opening the knowledge base (the embedding model, Chroma) takes seconds: not on the
        # caller's thread, which is serving the page
        threading.Thread(target=self._open_and_build, name="xxgk-index-open", daemon=True).start()

    def _open_and_build(self) -> None:
        try:
            self.assistant.index_in_background(self._progress, self._finished)
        except Exception as exc:  # the knowledge base cannot even be opened: said in the page
            self._finished(exc)

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _finished(self, outcome: BuildReport | Exception) -> None:
        if isinstance(outcome, AssistantError):
            self.message = f"资料库索引没有建成：{outcome.message} 起草只引用已建好的部分。"
            log.warning("index build failed: %s", outcome.message)
        elif isinstance(outcome, Exception):
            log.error("index build failed", exc_info=outcome)
            self.message = "资料库索引没有建成（详情见运行日志）。起草只引用已建好的部分。"
        else:
            changed = len(outcome.added) + len(outcome.updated)
            self.message = (
                f"资料库已就绪：共 {outcome.chunks} 个段落（本次新增或更新 {changed} 份文件）。"
                "起草时会引用条例、格式要求和往年报告。"
            )
        with self._lock:
            self.running, self.finished = False, True

    @property
    def started(self) -> bool:
        return self.running or self.finished

    @property
    def ready(self) -> bool:
        return self.finished and self.message.startswith("资料库已就绪")

    def status(self) -> str:
        if self.running:
            coverage = self._coverage()
            shown = (
                f"已完成 {coverage.done}/{coverage.total} 份文件"
                if coverage is not None and coverage.total
                else "正在读取资料"
            )
            if self.total:
                shown += f"，{self.done}/{self.total} 个段落"
            return (
                f"⏳ 正在建立资料库索引（{shown}）……"
                "现在起草只引用已建好的部分（先建条例和格式通知）。"
            )
        if self.finished:
            return self.message
        return "资料库索引尚未建立：点“建立/更新资料库索引”后在后台建立，不影响其他操作。"

    def _coverage(self) -> Coverage | None:
        # only once opened: the page's timer must not wait for (or cause) the opening
        kb = self.assistant.opened_knowledge
        return kb.coverage if kb is not None else None
