"""The knowledge base's index, built in the background when the app starts: drafting cites
条例, formats and past reports by default, and nobody waits on “正在生成” while it is built."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from assistant.errors import AssistantError
from assistant.service import Assistant

log = logging.getLogger(__name__)


@dataclass
class IndexBuild:
    """One build of the index at a time, in a worker thread; its progress for the page."""

    assistant: Assistant
    done: int = 0
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
        threading.Thread(target=self._run, name="xxgk-index", daemon=True).start()

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _run(self) -> None:
        try:
            built = self.assistant.knowledge.ensure_built(self._progress)
            changed = len(built.added) + len(built.updated)
            self.message = (
                f"资料库已就绪：共 {built.chunks} 个段落（本次新增或更新 {changed} 份文件）。"
                "起草时会引用条例、格式要求和往年报告。"
            )
        except AssistantError as exc:
            self.message = f"资料库索引没有建成：{exc.message} 起草暂不引用参考资料。"
            log.warning("index build failed: %s", exc.message)
        except Exception:  # a thread's exception would go unseen: logged, and said in the page
            log.exception("index build failed")
            self.message = "资料库索引没有建成（详情见运行日志）。起草暂不引用参考资料。"
        finally:
            with self._lock:
                self.running, self.finished = False, True

    @property
    def ready(self) -> bool:
        return self.finished and self.message.startswith("资料库已就绪")

    def status(self) -> str:
        if self.running:
            shown = f"{self.done}/{self.total} 个段落" if self.total else "正在读取资料"
            return f"⏳ 正在建立资料库索引（{shown}）……建好之前起草不引用参考资料。"
        if self.finished:
            return self.message
        return "资料库索引尚未建立：点“建立/更新资料库索引”后在后台建立，不影响其他操作。"

    def not_ready_note(self) -> str:
        """What a draft asked to cite says while the index is not ready."""
        if self.running:
            return (
                f"资料库索引还在建立（{self.done}/{self.total}），本稿没有引用参考资料；"
                "建好后再起草即可引用。"
            )
        return "资料库索引尚未建立，本稿没有引用参考资料。"
