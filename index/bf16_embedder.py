"""all-MiniLM-L6-v2 in bfloat16 on torch: embedding many texts at once on CPUs with AMX.

Selected for documents at ingest and for a question's candidate sentences at answer time by
`CLLR_EMBED_BULK_BACKEND=auto` (the default) when the CPU has Intel AMX with bfloat16 (`amx_bf16`
in /proc/cpuinfo: Sapphire Rapids and later), or by naming `torch-bf16`.
On such a CPU oneDNN runs the encoder's matrix products on the AMX tiles: the whole shared corpus
(1,582 chunks) embeds in ~11 s against ~28 s for ONNX Runtime fp32, and the vectors agree with fp32's
to a least cosine of 0.9999 (mean 0.99995; int8's least is 0.989). Where AMX is missing bfloat16
arithmetic is emulated and slower than fp32, which is why `auto` does not pick it there.

Why not sentence-transformers' `encode` with a bfloat16 model: it pools and normalises in the model's
dtype, which cost accuracy (least cosine 0.9964); here the encoder alone runs in bfloat16 and the
pooling is the float32 one the ONNX backend uses (index/minilm.py).
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from cllr.offline import ensure_offline
from index.minilm import DIM, batches_longest_first, mean_pool, padded, token_ids, tokenizer

# 16 texts of similar length per forward: the fastest on this CPU (8: 11.5 s, 16: 10.7 s, 32: 11.5 s
# for the corpus); a larger batch pads more and leaves the tiles no busier.
BATCH_SIZE = 16


@lru_cache(maxsize=1)
def amx_bf16_available(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU, and the kernel that runs us, offer AMX bfloat16 (Linux lists a flag only when
    the kernel supports it; elsewhere: no)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return {"amx_bf16", "amx_tile"} <= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return False


class Bf16MiniLMEmbedder:
    """The `Embedder` interface (index/embedder.py): transformers' BertModel in bfloat16 (SDPA attention)."""
    name = "minilm"
    dim = DIM
    backend = "torch-bf16"

    def __init__(self, batch_size: int = BATCH_SIZE, *, threads: int | None = None):
        ensure_offline()
        from index.embedder import minilm_model_path
        model_path = minilm_model_path()
        import torch
        from transformers import AutoModel
        # 2 cores shared with other work (as the other backends): no more threads than that
        torch.set_num_threads(threads or max(1, min(os.cpu_count() or 1, 2)))
        self._torch = torch
        self._model = AutoModel.from_pretrained(str(model_path), dtype=torch.bfloat16,
                                                attn_implementation="sdpa").eval()
        self._tok = tokenizer(model_path)
        self.batch_size = batch_size
        self._lock = threading.Lock()   # one forward at a time: torch's pool already uses both cores

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        torch = self._torch
        input_ids, mask = padded(ids)
        with self._lock, torch.inference_mode():
            hidden = self._model(input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(mask),
                                 token_type_ids=torch.zeros_like(torch.from_numpy(input_ids))).last_hidden_state
            hidden = hidden.float().numpy()
        return mean_pool(hidden, mask)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = token_ids(self._tok, texts)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for batch in batches_longest_first(ids, self.batch_size):
            out[batch] = self._forward([ids[i] for i in batch])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
