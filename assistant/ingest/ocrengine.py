"""The embedded OCR engine: RapidOCR (Apache-2.0) running the PP-OCR Chinese models shipped
inside its wheel on onnxruntime, on the CPU. Nothing is downloaded: the models come with
`pip install -e '.[ocr]'`, and the engine is built once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from assistant.errors import NeedsOCRError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[ocr]'"


@dataclass(frozen=True)
class Word:
    """One recognised piece of text: what it says, how sure the engine is (0–1), and where it
    stands on its page (pixels of the page image, straightened)."""

    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def available() -> bool:
    try:
        _engine()
    except NeedsOCRError:
        return False
    return True


def missing_message(name: str) -> str:
    return (
        f"{name}：没有文字层（扫描件或图片），需要OCR（文字识别）才能读取，但本机未安装文字识别组件。"
        f"请在安装目录运行 {INSTALL_HINT}（离线安装包已含识别模型），然后再试一次。"
    )


# onnxruntime's threads per engine: -1 is all cores (one reader at a time, as on the command line);
# a folder checked by several processes gives each one thread instead of fighting over the cores
_threads = -1


def limit_threads(n: int) -> None:
    """Build this process's engine on `n` threads. An engine already built stays as it is: a
    worker forked from a process that ran one must not build another (onnxruntime's state is
    not safe to rebuild after a fork and hangs)."""
    global _threads
    if _engine.cache_info().currsize == 0:
        _threads = n


@cache
def _engine() -> Any:
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise NeedsOCRError(missing_message("这份文件")) from exc
    # text_score 0: every piece the engine saw comes back with its score, so that the reader,
    # not the engine, decides what is too uncertain and says so in a read note
    return RapidOCR(
        params={
            "Global.log_level": "error",
            "Global.text_score": 0.0,
            "EngineConfig.onnxruntime.intra_op_num_threads": _threads,
        }
    )


def recognize(image: np.ndarray) -> list[Word]:
    """Every text line the engine finds on a page image (grayscale or BGR)."""
    out = _engine()(image, use_det=True, use_cls=False, use_rec=True)
    if out.boxes is None:
        return []
    words: list[Word] = []
    for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        words.append(Word(str(text), float(score), min(xs), min(ys), max(xs), max(ys)))
    return words


def recognize_line(image: np.ndarray) -> tuple[str, float]:
    """What one cropped line of text says (recognition only), and the engine's confidence."""
    out = _engine()(image, use_det=False, use_cls=False, use_rec=True)
    txts = getattr(out, "txts", None)
    if not txts:
        return "", 0.0
    return str(txts[0]), float(out.scores[0])
