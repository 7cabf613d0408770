"""Filtered dense search without Chroma's `where` (index/catalog.py, VectorIndex.query_allowed).

Every path (exact over the allowed chunks' vectors, post-filtered over-fetch, Chroma's id allow-list)
must give the exact filtered top k, and the catalog's mask must allow exactly what `where_clause`
allows in Chroma.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

import index.vectors as vectors_mod
from cllr.settings import Settings
from index.filters import SearchFilters, may_see_restricted
from index.library import Library
from index.vectors import where_clause
from ingest.models import Chunk, Page, ParsedDocument
from tests.index.factories import CARE, TRANSPORT, make_doc


DIM = 32
COMMITTEES = ["Cabinet", "Children's Select Committee", "Planning Committee", "Audit Committee"]
CENTRES = np.random.default_rng(3).standard_normal((len(COMMITTEES), DIM)).astype(np.float32) * 3


class VecEmbedder:
    """Query text "v<seed>" → a fixed random vector; documents are written with their own vectors."""

    name, dim = "vec", DIM

    def embed_query(self, text: str) -> np.ndarray:
        return np.random.default_rng(int(text.split()[0][1:])).standard_normal(DIM).astype(np.float32)

    def embed_documents(self, texts):
        return np.stack([self.embed_query("v7") for _ in texts]) if texts else np.zeros((0, DIM), np.float32)


def _docs(n_docs: int = 40, per_doc: int = 15):
    rng = np.random.default_rng(0)
    for d in range(n_docs):
        doc_id = f"{d:016x}"
        ci = d % len(COMMITTEES)
        committee = COMMITTEES[ci]
        day = None if d == 7 else date(2016, 1, 1) + timedelta(days=30 * d)
        doc_type = "minutes" if d % 3 else "agenda_pack"
        chunks = [
            Chunk(
                chunk_id=f"{doc_id}-{s:04d}",
                doc_id=doc_id,
                source=f"d{d}.pdf",
                seq=s,
                text=f"word{s} topic{d}",
                header=f"{committee} item {s}",
                pdf_pages=[s + 1],
                page_labels=[str(s + 1)],
                token_count=3,
                item=str(s),
                restricted=(d * per_doc + s) % 7 == 0,
                doc_type=doc_type,
                council="Testshire",
                committee=committee,
                meeting_date=day.isoformat() if day else None,
            )
            for s in range(per_doc)
        ]
        # committees cluster: a query near one committee's centre has the others far away
        vecs = CENTRES[ci] + rng.standard_normal((per_doc, DIM)).astype(np.float32)
        yield (
            ParsedDocument(
                doc_id=doc_id,
                source=f"d{d}.pdf",
                sha256=doc_id * 4,
                doc_type=doc_type,
                title=f"{committee} {day}",
                council="Testshire",
                committee=committee,
                meeting_date=day,
                pages=[Page(i + 1, str(i + 1), "") for i in range(per_doc)],
                chunks=chunks,
            ),
            vecs,
        )


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> tuple[Library, dict[str, np.ndarray]]:
    lib = Library(Settings(data_dir=tmp_path_factory.mktemp("catalog")), embedder=VecEmbedder())
    vecs: dict[str, np.ndarray] = {}
    for doc, v in _docs():
        lib.store.put_document(doc, file_path=None)
        lib.vectors.upsert(doc.chunks, v)
        vecs.update({c.chunk_id: v[i] for i, c in enumerate(doc.chunks)})
    return lib, vecs


CASES = [
    (None, "public"),
    (SearchFilters.parse(committee="cabinet"), "public"),
    (SearchFilters.parse(committee="cabinet"), "admin"),
    (SearchFilters.parse(committee="planning", date_from="2017-01-01"), "public"),
    (SearchFilters.parse(date_from="2016-03-01", date_to="2016-12-31"), "officer"),
    (SearchFilters.parse(date_to="2018-01-01"), "public"),  # undated documents are out of a range
    (SearchFilters.parse(doc_type="agenda_pack"), "public"),
    (SearchFilters.parse(doc_type="agenda_pack", committee="audit"), "member"),
    (SearchFilters.parse(committee="cabinet", doc_ids=["0000000000000004", "0000000000000005"]), "public"),
]
PATHS = {"exact": (10**9, 0), "overfetch": (0, 10**9), "allow-list": (0, 0)}


def _allowed(lib: Library, filters: SearchFilters | None, role: str):
    allow = may_see_restricted(role)
    doc_ids = lib.store.matching_doc_ids(filters, allow_restricted=allow)
    cat = lib.catalog()
    mask = cat.mask(filters, allow_restricted=allow, doc_ids=doc_ids)
    if doc_ids is not None and not doc_ids:
        mask = np.zeros(len(cat), dtype=bool)
    return cat, mask, doc_ids, allow


@pytest.mark.unit
@pytest.mark.parametrize("filters,role", CASES)
def test_mask_allows_what_chroma_where_allows(synth, filters, role) -> None:
    lib, _ = synth
    cat, mask, doc_ids, allow = _allowed(lib, filters, role)
    where = where_clause(filters, allow_restricted=allow, doc_ids=doc_ids)
    assert where is not None and mask is not None
    chroma = set(lib.vectors.collection.get(where=where, include=[])["ids"])
    assert {cat.ids[i] for i in np.flatnonzero(mask)} == chroma
    assert 0 < len(chroma) < len(cat)


def _reference(vecs: dict[str, np.ndarray], ids: set[str], q: np.ndarray, k: int) -> list[str]:
    qn = q / np.linalg.norm(q)
    sims = {cid: float(vecs[cid] @ qn / np.linalg.norm(vecs[cid])) for cid in ids}
    return sorted(sims, key=lambda c: (-sims[c], c))[:k]


@pytest.mark.unit
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("filters,role", CASES)
def test_every_path_gives_the_exact_filtered_top_k(synth, monkeypatch, path, filters, role) -> None:
    lib, vecs = synth
    monkeypatch.setattr(vectors_mod, "EXACT_MAX", PATHS[path][0])
    monkeypatch.setattr(vectors_mod, "OVERFETCH_MAX", PATHS[path][1])
    cat, mask, _, _ = _allowed(lib, filters, role)
    allowed = {cat.ids[i] for i in np.flatnonzero(mask)}
    for seed in range(6):
        q = VecEmbedder().embed_query(f"v{seed}") + CENTRES[seed % len(CENTRES)]  # near one committee
        got = lib.vectors.query_allowed(q, 10, cat, mask)
        assert [h.chunk_id for h in got] == _reference(vecs, allowed, q, 10), (path, seed)
        assert all(h.chunk_id in allowed for h in got)
        ref_scores = [float(vecs[h.chunk_id] @ (q / np.linalg.norm(q)) / np.linalg.norm(vecs[h.chunk_id])) for h in got]
        assert np.allclose([h.score for h in got], ref_scores, atol=1e-4)


@pytest.mark.unit
def test_overfetch_that_comes_up_short_falls_back_to_the_allow_list(synth, monkeypatch) -> None:
    lib, vecs = synth
    monkeypatch.setattr(vectors_mod, "EXACT_MAX", 0)
    monkeypatch.setattr(vectors_mod, "HNSW_EF", 10)  # over-fetch 2×k/share = 80 of the 600 chunks
    calls: list[str] = []
    orig = lib.vectors._query_ids
    monkeypatch.setattr(lib.vectors, "_query_ids", lambda *a: calls.append("ids") or orig(*a))
    f = SearchFilters.parse(committee="cabinet")
    cat, mask, _, _ = _allowed(lib, f, "admin")
    q = CENTRES[2] * 2  # deep in the planning cluster: the nearest ~100 chunks are all planning
    got = lib.vectors.query_allowed(q, 10, cat, mask)
    assert calls == ["ids"]
    assert [h.chunk_id for h in got] == _reference(vecs, {cat.ids[i] for i in np.flatnonzero(mask)}, q, 10)


@pytest.mark.unit
@pytest.mark.parametrize("filters,role", CASES)
def test_search_is_the_same_on_every_path_and_stays_inside_the_filter(synth, monkeypatch, filters, role) -> None:
    lib, _ = synth
    results = []
    for limits in PATHS.values():
        monkeypatch.setattr(vectors_mod, "EXACT_MAX", limits[0])
        monkeypatch.setattr(vectors_mod, "OVERFETCH_MAX", limits[1])
        hits = lib.search("v1 topic3 word2", filters=filters, role=role, k=10)
        for h in hits:
            if role == "public":
                assert not h.restricted
            if filters and filters.committee:
                assert filters.committee in h.committee.lower()
            if filters and filters.date_to:
                assert h.meeting_date and h.meeting_date <= filters.date_to.isoformat()
            if filters and filters.doc_type:
                assert h.doc_type == filters.doc_type
        results.append([(h.chunk_id, round(h.score, 6)) for h in hits])
    assert results[0] and results[0] == results[1] == results[2]


@pytest.mark.integration
def test_catalog_follows_writes_and_deletes(settings, embedder) -> None:
    lib = Library(settings, embedder=embedder)
    lib.ingest_parsed(CARE)
    f = SearchFilters.parse(committee="cabinet")
    assert lib.search("bus passes", filters=f, role="public", mode="dense") == []
    lib.ingest_parsed(TRANSPORT)  # a new store generation: the catalog is rebuilt
    assert {h.doc_id for h in lib.search("bus passes", filters=f, role="public", mode="dense")} == {TRANSPORT.doc_id}
    extra = make_doc(
        "later.pdf",
        [("9", None, False, 1, "Bus passes are free for carers.")],
        committee="Cabinet",
        meeting_date=date(2019, 1, 8),
        doc_type="agenda_pack",
    )
    lib.ingest_parsed(extra)
    dated = SearchFilters.parse(committee="cabinet", date_from="2019-01-01")
    assert {h.doc_id for h in lib.search("bus passes", filters=dated, role="public", mode="dense")} == {extra.doc_id}
    lib.delete_document(extra.doc_id)
    assert lib.search("bus passes", filters=dated, role="public", mode="dense") == []
    assert {h.doc_id for h in lib.search("bus passes", filters=f, role="public", mode="dense")} == {TRANSPORT.doc_id}


@pytest.mark.unit
@pytest.mark.parametrize("path", PATHS)
def test_public_never_sees_restricted_when_most_chunks_are(tmp_path: Path, monkeypatch, path) -> None:
    """Nine chunks in ten restricted: the over-fetch finds too few and must not pad with restricted ones."""
    monkeypatch.setattr(vectors_mod, "EXACT_MAX", PATHS[path][0])
    monkeypatch.setattr(vectors_mod, "OVERFETCH_MAX", PATHS[path][1])
    lib = Library(Settings(data_dir=tmp_path / "d"), embedder=VecEmbedder())
    for doc, v in _docs(n_docs=8, per_doc=40):
        for i, c in enumerate(doc.chunks):
            c.restricted = i % 10 != 0
        lib.store.put_document(doc, file_path=None)
        lib.vectors.upsert(doc.chunks, v)
    hits = lib.search("v5", role="public", k=10, mode="dense")
    assert len(hits) == 10 and not any(h.restricted for h in hits)
    assert any(h.restricted for h in lib.search("v5", role="admin", k=10, mode="dense"))
