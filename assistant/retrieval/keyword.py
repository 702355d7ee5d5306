"""The keyword side: jieba segmentation and a BM25 index held in numpy arrays, saved to disk."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Terms of the domain that jieba's general dictionary would cut apart.
_DOMAIN_WORDS = (
    "政府信息公开",
    "依申请公开",
    "主动公开",
    "不予公开",
    "部分公开",
    "予以公开",
    "无法提供",
    "不予处理",
    "其他处理",
    "补正",
    "逾期不补正",
    "信息处理费",
    "收费通知",
    "按件计收",
    "按量计收",
    "行政复议",
    "行政诉讼",
    "复议后起诉",
    "未经复议直接起诉",
    "结果纠正",
    "结果维持",
    "尚未审结",
    "年度报告",
    "过程性信息",
    "内部事务信息",
    "行政执法案卷",
    "行政查询事项",
    "三安全一稳定",
    "第三方",
    "规范性文件",
    "行政规范性文件",
    "政府信息公开工作主管部门",
    "政府信息公开工作机构",
    "答复期限",
    "工作日",
    "延长答复",
    "平台建设",
    "监督保障",
    "政府信息管理",
    "责任追究",
    "社会评议",
    "工作考核",
    "政务公开",
    "政务新媒体",
    "政府公报",
    "查阅场所",
    "结转下年度",
    "上年结转",
    "本年新收",
    "现行有效",
    "本年制发",
    "本年废止",
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
    "人大代表建议",
    "政协提案",
    "保密审查",
    "动态调整",
)
_STOP = frozenset(
    "的 了 和 与 及 或 是 在 对 把 被 为 以 于 等 也 还 就 都 而 并 之 其 该 这 那 有 个 吗 呢 吧 啊 "
    "怎么 怎样 如何 什么 哪些 哪个 多少 几 要 应 应该 需要 能 能否 可以 是否 我们 我 你 他 它 "
    "请问 一下 时候 情况下 的话".split()
)
_TOKEN_OK = re.compile(r"[\w\u3400-\u9fff]")


_TOKENIZER: Any = None
_LOCK = threading.Lock()


class Segmenter:
    """jieba with our vocabulary, its cache in the workspace (or tmp) and its log kept quiet.

    The dictionary takes a second to load, so one tokenizer serves the whole process; its cache
    file goes where the first Segmenter says.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir

    def _tokenizer(self) -> Any:
        global _TOKENIZER
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                # jieba logs "Building prefix dict…" at DEBUG to stderr; a CLI must not show it
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                cache_dir = self._cache_dir or Path(tempfile.gettempdir())
                cache_dir.mkdir(parents=True, exist_ok=True)
                tok.tmp_dir = str(cache_dir)
                tok.cache_file = "xxgk-jieba.cache"
                for word in _DOMAIN_WORDS:
                    tok.add_word(word, freq=20000)
                _TOKENIZER = tok
            return _TOKENIZER

    def tokens(self, text: str) -> list[str]:
        """Search-mode words plus the digits and years, stop words and punctuation dropped."""
        text = unicodedata.normalize("NFKC", text).lower()
        out = []
        for token in self._tokenizer().cut_for_search(text):
            token = token.strip()
            if not token or token in _STOP or not _TOKEN_OK.search(token):
                continue
            out.append(token)
        return out


class BM25Index:
    """Okapi BM25 over a term-major sparse matrix: postings per term as numpy slices."""

    def __init__(
        self,
        ids: Sequence[str],
        docs_tokens: Sequence[Sequence[str]],
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.ids = list(ids)
        self.k1, self.b = k1, b
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(len(self.ids), dtype=np.float32)
        for d, tokens in enumerate(docs_tokens):
            lengths[d] = len(tokens)
            for term, tf in Counter(tokens).items():
                rows.append(vocab.setdefault(term, len(vocab)))
                cols.append(d)
                tfs.append(tf)
        self.vocab = vocab
        self._set_arrays(
            np.asarray(rows, dtype=np.int32),
            np.asarray(cols, dtype=np.int32),
            np.asarray(tfs, dtype=np.float32),
            lengths,
        )

    def _set_arrays(
        self, rows: np.ndarray, cols: np.ndarray, tfs: np.ndarray, lengths: np.ndarray
    ) -> None:
        order = np.argsort(rows, kind="stable")
        rows, self.cols, tfs = rows[order], cols[order], tfs[order]
        self.indptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.add.at(self.indptr, rows + 1, 1)
        self.indptr = np.cumsum(self.indptr)
        self.lengths = lengths
        n = max(len(self.ids), 1)
        avg = float(lengths.mean()) if len(lengths) else 1.0
        df = np.diff(self.indptr).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = self.k1 * (1 - self.b + self.b * lengths[self.cols] / max(avg, 1.0))
        # the per-posting weight without idf, so a query is a few gathers and adds
        self.weights = (tfs * (self.k1 + 1) / (tfs + norm)).astype(np.float32)
        self._rows_sorted, self._tfs_sorted = rows, tfs

    def scores(self, query_tokens: Iterable[str]) -> np.ndarray:
        scores = np.zeros(len(self.ids), dtype=np.float32)
        for term in set(query_tokens):
            t = self.vocab.get(term)
            if t is None:
                continue
            lo, hi = self.indptr[t], self.indptr[t + 1]
            scores[self.cols[lo:hi]] += self.idf[t] * self.weights[lo:hi]
        return scores

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(
            tmp, rows=self._rows_sorted, cols=self.cols, tfs=self._tfs_sorted, lengths=self.lengths
        )
        tmp.replace(path)
        path.with_suffix(".json").write_text(
            json.dumps(
                {"ids": self.ids, "vocab": list(self.vocab), "k1": self.k1, "b": self.b},
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        arrays = np.load(path)
        self = cls.__new__(cls)
        self.ids = meta["ids"]
        self.k1, self.b = meta["k1"], meta["b"]
        self.vocab = {term: i for i, term in enumerate(meta["vocab"])}
        self._set_arrays(arrays["rows"], arrays["cols"], arrays["tfs"], arrays["lengths"])
        return self
