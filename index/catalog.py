"""Every chunk's filter fields in numpy arrays, so a filtered search knows which chunks it may return
without asking Chroma to filter.

Why: at 100k chunks Chroma's `where` costs 60–250 ms per query whatever it selects (its metadata
filter scans SQLite; `restricted: False` alone took ~250 ms), against ~3 ms for the unfiltered HNSW
query. With the allowed chunks known here, the dense search (index/vectors.py `query_allowed`) can
post-filter an unfiltered query, or score just the allowed chunks exactly, and never needs `where`.

Derived from the store like BM25: built from the store's chunk rows at a store generation and
rebuilt when the generation moves. The store is the source of truth for restriction and dates; the
mask reproduces `index/vectors.py where_clause` field by field (tests/index/test_catalog.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from index.filters import SearchFilters


@dataclass
class ChunkCatalog:
    generation: int = -1
    ids: list[str] = field(default_factory=list)  # row order
    row: dict[str, int] = field(default_factory=dict)  # chunk id → row
    doc_index: dict[str, int] = field(default_factory=dict)  # doc id → code
    doc_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    restricted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    dates: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # yyyymmdd, 0 unknown
    type_index: dict[str, int] = field(default_factory=dict)
    types: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))

    @classmethod
    def build(cls, generation: int, rows: Iterable[tuple[str, str, bool, int, str]]) -> "ChunkCatalog":
        """rows: (chunk_id, doc_id, restricted, date_key, doc_type) for every chunk in the store."""
        cat = cls(generation=generation)
        docs, restricted, dates, types = [], [], [], []
        for cid, doc_id, r, d, t in rows:
            cat.row[cid] = len(cat.ids)
            cat.ids.append(cid)
            docs.append(cat.doc_index.setdefault(doc_id, len(cat.doc_index)))
            restricted.append(bool(r))
            dates.append(int(d or 0))
            types.append(cat.type_index.setdefault(str(t), len(cat.type_index)))
        cat.doc_codes = np.asarray(docs, dtype=np.int32)
        cat.restricted = np.asarray(restricted, dtype=bool)
        cat.dates = np.asarray(dates, dtype=np.int32)
        cat.types = np.asarray(types, dtype=np.int16)
        return cat

    def __len__(self) -> int:
        return len(self.ids)

    def mask(
        self, filters: SearchFilters | None, *, allow_restricted: bool, doc_ids: Sequence[str] | None
    ) -> np.ndarray | None:
        """Boolean per row: may this search return the chunk? None when nothing is excluded.
        The same conditions as `where_clause` (doc ids come from the store's loose council/committee
        match; dates, type and restriction are the chunk's own)."""
        m: np.ndarray | None = None

        def narrow(cond: np.ndarray) -> None:
            nonlocal m
            m = cond if m is None else (m & cond)

        if not allow_restricted:
            narrow(~self.restricted)
        if doc_ids is not None:
            codes = [self.doc_index[d] for d in doc_ids if d in self.doc_index]
            if len(codes) == 1:
                narrow(self.doc_codes == codes[0])
            else:
                narrow(np.isin(self.doc_codes, np.asarray(codes, dtype=np.int32)))
        if filters is not None:
            if filters.date_from:
                narrow(self.dates >= filters.date_from_key)
            if filters.date_to:
                narrow((self.dates <= filters.date_to_key) & (self.dates > 0))
            if filters.doc_type:
                code = self.type_index.get(filters.doc_type)
                narrow(self.types == code if code is not None else np.zeros(len(self.ids), dtype=bool))
        return m
