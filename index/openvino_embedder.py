"""all-MiniLM-L6-v2 on OpenVINO in bfloat16: embedding many texts at once on CPUs with AMX.

Selected for documents at ingest and for a question's candidate sentences at answer time by
`CLLR_EMBED_BULK_BACKEND=auto` (the default) when the CPU has Intel AMX with bfloat16 (`amx_bf16`
in /proc/cpuinfo: Sapphire Rapids and later), or by naming `openvino-bf16`. OpenVINO compiles the
same ONNX file the `onnx` backend runs (index/onnx_embedder.py, built by `make setup`) with
bfloat16 inference precision, so the encoder's matrix products run on the AMX tiles: the shared
corpus (1,582 chunks) embeds in ~8.5 s against ~28 s for ONNX Runtime fp32 and ~10.7 s for torch in
bfloat16, the model compiles in ~0.4 s (no torch import), and the vectors agree with fp32's to a
least cosine of 0.99996 (int8's least is 0.984 on the same chunks). It was measured only on a CPU with AMX, which is
why `auto` picks it nowhere else.

Tokenizer and pooling are the ONNX backend's (index/minilm.py): pooling runs in float32 on the
encoder's output, whatever precision the encoder ran in.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from cllr.offline import ensure_offline
from index.cpu import CPUINFO, read_cpuinfo, usable_cores
from index.minilm import DIM, embed_batched, mean_pool, padded, tokenizer

# 16 texts of similar length per inference: the fastest on this CPU (1: 10.9 s, 8: 8.5 s, 16: 8.45 s,
# 32: 8.6 s for the corpus); a larger batch pads more and leaves the tiles no busier.
BATCH_SIZE = 16


class OpenVinoUnavailableError(RuntimeError):
    """OpenVINO is not installed or cannot compile the model; one line saying why."""


@lru_cache(maxsize=1)
def amx_bf16_available(cpuinfo: Path = CPUINFO) -> bool:
    """Whether this CPU, and the kernel that runs us, offer AMX bfloat16 (index/cpu.py)."""
    return read_cpuinfo(cpuinfo).kind == "amx"


class OpenVinoMiniLMEmbedder:
    """The `Embedder` interface (index/embedder.py) on OpenVINO's CPU plugin, bfloat16 precision."""

    name = "minilm"
    dim = DIM
    backend = "openvino-bf16"

    def __init__(
        self,
        batch_size: int = BATCH_SIZE,
        *,
        cache_dir: Path | None = None,
        model_file: Path | None = None,
        threads: int | None = None,
    ):
        ensure_offline()
        from index.embedder import minilm_model_path
        from index.onnx_embedder import FP32, ensure_artifacts

        model_path = minilm_model_path()
        try:
            import openvino as ov
        except ImportError as e:
            raise OpenVinoUnavailableError(f"{e}; pip install -r requirements.txt") from None
        if model_file is None:
            model_file = ensure_artifacts(cache_dir) / FP32
        self.model_file = Path(model_file)
        # as many threads as CPUs this process may use (index/cpu.py), as the ONNX backend
        config = {
            "INFERENCE_PRECISION_HINT": "bf16",
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_NUM_THREADS": threads or usable_cores(),
        }
        try:
            self._compiled = ov.Core().compile_model(str(self.model_file), "CPU", config)
        except Exception as e:  # a truncated file, or a CPU/plugin that refuses the precision: say which
            raise OpenVinoUnavailableError(
                f"OpenVINO cannot compile {self.model_file}: "
                f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            ) from None
        self._inputs = [i.get_any_name() for i in self._compiled.inputs]
        self._tok = tokenizer(model_path)
        self.batch_size = batch_size
        # An infer request serves one caller at a time and owns its output buffers; idle ones are
        # reused, so there are only ever as many as the most callers at once (not one per server thread).
        self._idle: list[Any] = []
        self._idle_lock = threading.Lock()

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        input_ids, mask = padded(ids)
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        with self._idle_lock:
            req = self._idle.pop() if self._idle else None
        if req is None:
            req = self._compiled.create_infer_request()
        try:
            # pooled before the request is handed on: its output is overwritten by the next run
            return mean_pool(req.infer({k: feed[k] for k in self._inputs})[0], mask)
        finally:
            with self._idle_lock:
                self._idle.append(req)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return embed_batched(self._tok, texts, self.batch_size, self._forward)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
