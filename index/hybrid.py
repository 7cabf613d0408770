"""Reciprocal-rank fusion of the dense and keyword rankings.

RRF needs no score calibration between cosine similarities and BM25 scores, only ranks:
score(d) = Σ_lists weight / (k + rank(d)), rank 1-based, k = settings.rrf_k (60, the usual value).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


@dataclass
class Fused:
    chunk_id: str
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    dense_score: float | None = None
    keyword_score: float | None = None
    extra: dict = field(default_factory=dict)


def rrf(dense: Sequence[tuple[str, float]], keyword: Sequence[tuple[str, float]], *, k: int = 60,
        dense_weight: float = 1.0, keyword_weight: float = 1.0) -> list[Fused]:
    fused: dict[str, Fused] = {}
    for rank, (cid, s) in enumerate(dense, 1):
        f = fused.setdefault(cid, Fused(cid, 0.0))
        f.score += dense_weight / (k + rank)
        f.dense_rank, f.dense_score = rank, s
    for rank, (cid, s) in enumerate(keyword, 1):
        f = fused.setdefault(cid, Fused(cid, 0.0))
        f.score += keyword_weight / (k + rank)
        f.keyword_rank, f.keyword_score = rank, s
    # deterministic order on ties: best single rank, then id
    return sorted(fused.values(), key=lambda f: (-f.score, min(f.dense_rank or 10**9, f.keyword_rank or 10**9),
                                                 f.chunk_id))
