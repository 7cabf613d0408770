"""What "the index is consistent" means, checked from outside the Library's own recovery.

`raw_state` reads the three stores directly (SQLite rows, Chroma ids, the persisted BM25 file)
without going through `Library.vectors`, whose first use reconciles Chroma and would hide what a
crash left behind. `problems` lists every disagreement; an empty list is the pass condition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from cllr.settings import Settings


class HashEmbedder:
    """Deterministic 384-d bag-of-words vectors: the bulk tests are about bad files, not about
    MiniLM, and this keeps 69 files (one of 2,000 chunks) to seconds."""

    name = "hash"
    dim = 384

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in text.lower().split():
            v[int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "little") % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v + (1.0 / np.sqrt(self.dim))

    def embed_documents(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


@dataclass
class RawState:
    documents: int
    chunk_rows: int
    store_chunk_ids: set[str]
    vector_ids: set[str]
    half_documents: list[str] = field(default_factory=list)  # chunk/page counts ≠ rows
    orphan_rows: int = 0  # chunk/page rows without a document
    files: list[str] = field(default_factory=list)

    @property
    def orphan_vectors(self) -> set[str]:
        return self.vector_ids - self.store_chunk_ids

    @property
    def missing_vectors(self) -> set[str]:
        return self.store_chunk_ids - self.vector_ids


def raw_state(settings: Settings) -> RawState:
    from index.store import ChunkRow, DocumentRow, PageRow, Store
    from index.vectors import VectorIndex

    # a process killed before it made its data dir left nothing: read that as an empty store, as
    # the Library does when it opens one
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.sqlalchemy_url)
    try:
        with store.session() as s:
            docs = list(s.scalars(select(DocumentRow)))
            chunk_per_doc = dict(s.execute(select(ChunkRow.doc_id, func.count()).group_by(ChunkRow.doc_id)).all())
            page_per_doc = dict(s.execute(select(PageRow.doc_id, func.count()).group_by(PageRow.doc_id)).all())
            ids = set(s.scalars(select(ChunkRow.chunk_id)))
        known = {d.doc_id for d in docs}
        half = [
            d.doc_id
            for d in docs
            if chunk_per_doc.get(d.doc_id, 0) != d.chunk_count or page_per_doc.get(d.doc_id, 0) != d.page_count
        ]
        orphan_rows = sum(n for k, n in chunk_per_doc.items() if k not in known) + sum(
            n for k, n in page_per_doc.items() if k not in known
        )
        files_dir = settings.files_dir
        files = sorted(p.name for p in files_dir.iterdir()) if files_dir.is_dir() else []
        vecs = VectorIndex(settings)
        vector_ids = vecs.all_ids() if settings.chroma_path.exists() else set()
        return RawState(len(docs), len(ids), ids, vector_ids, half, orphan_rows, files)
    finally:
        store.close()


def counts(library) -> dict[str, int]:
    """Store tables, Chroma and BM25 sizes, and kept files, through the Library (after recovery)."""
    out = dict(library.stats())
    d = library.settings.files_dir
    out["files"] = len([p for p in d.iterdir()]) if d.is_dir() else 0
    return out


def problems(library, *, allow_stray_files: bool = False) -> list[str]:
    """Disagreements between the store, Chroma, BM25 and the kept files (after the Library's own
    recovery on open). Empty = consistent. `allow_stray_files`: a kill between keeping the original
    and committing its rows leaves that file unreferenced until the same paper is ingested again
    (which adopts it: the name is its sha), so it is tolerated right after a crash."""
    out: list[str] = []
    raw = raw_state(library.settings)
    if raw.half_documents:
        out.append(f"half-written documents: {raw.half_documents}")
    if raw.orphan_rows:
        out.append(f"{raw.orphan_rows} page/chunk rows without a document")
    library.refresh_keyword()
    kw_ids = set(library.keyword._state.chunk_ids)
    vec_ids = library.vectors.all_ids()
    if vec_ids != raw.store_chunk_ids:
        out.append(
            f"Chroma ≠ store: {len(vec_ids - raw.store_chunk_ids)} orphan vectors, "
            f"{len(raw.store_chunk_ids - vec_ids)} missing"
        )
    if kw_ids != raw.store_chunk_ids:
        out.append(
            f"BM25 ≠ store: {len(kw_ids - raw.store_chunk_ids)} extra, {len(raw.store_chunk_ids - kw_ids)} missing"
        )
    docs = library.store.documents(None, allow_restricted=True)
    kept = {Path(d.file_path).name for d in docs if d.file_path}
    stray = [f for f in raw.files if f not in kept and not f.startswith(".incoming-")]
    if stray and not allow_stray_files:
        out.append(f"files not belonging to any document: {stray}")
    missing_files = [d.doc_id for d in docs if d.file_path and not Path(d.file_path).is_file()]
    if missing_files:
        out.append(f"documents whose original is missing: {missing_files}")
    return out
