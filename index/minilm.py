"""What every MiniLM backend that runs the bare encoder shares: the tokenizer and the pooling.

sentence-transformers' recipe for all-MiniLM-L6-v2, done once here so the ONNX (index/onnx_embedder.py)
and OpenVINO bfloat16 (index/openvino_embedder.py) backends cannot drift apart: the model's own `tokenizer.json`
cut at 256 word pieces ([CLS] and [SEP] included, like `max_seq_length`), mean pooling over the
attention mask and L2 normalisation, both in float32 whatever precision the encoder ran in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

MAX_SEQ_LENGTH = 256  # sentence_bert_config.json max_seq_length ([CLS] and [SEP] included)
DIM = 384


def tokenizer(model_path: Path) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tok.enable_truncation(MAX_SEQ_LENGTH)  # the file says 128 and fixed padding; the model takes 256
    tok.no_padding()
    return tok


def token_ids(tok: Any, texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch([str(t) for t in texts])]


def batches_longest_first(ids: list[list[int]], batch_size: int) -> Iterator[list[int]]:
    """Row indices in batches of similar length, so a batch pads to its own longest text."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]), reverse=True)
    for s in range(0, len(order), batch_size):
        yield order[s : s + batch_size]


def padded(ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays padded with zeros to the longest row."""
    width = max(len(x) for x in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for r, x in enumerate(ids):
        input_ids[r, : len(x)] = x
        mask[r, : len(x)] = 1
    return input_ids, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over the unmasked positions, then L2 normalisation, in float32."""
    m = mask[:, :, None].astype(np.float32)
    pooled = (np.asarray(hidden, dtype=np.float32) * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (pooled / norms).astype(np.float32)


def embed_batched(
    tok: Any,
    texts: Sequence[str],
    batch_size: int,
    forward: Callable[[list[list[int]]], np.ndarray],
    mapper: Callable[..., Any] = map,
) -> np.ndarray:
    """Tokenise, run `forward` on batches of similar length (through `mapper`: a thread pool's map runs
    them side by side), return the vectors in the caller's order."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    ids = token_ids(tok, texts)
    out = np.zeros((len(ids), DIM), dtype=np.float32)
    batches = list(batches_longest_first(ids, batch_size))
    for batch, vecs in zip(batches, mapper(forward, [[ids[i] for i in b] for b in batches]), strict=True):
        out[batch] = vecs
    return out
