"""Search: hybrid (dense + BM25, fused by reciprocal rank) over the chunks a role may see; `Hit`.

Filters narrow by document first (store), then each index searches only what is allowed; restricted
chunks are dropped again when the hits are read (defence in depth).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from index.catalog import ChunkCatalog
from index.filters import SearchFilters, date_key, may_see_restricted
from index.hybrid import boost_meeting_date, diversify_pages, rrf
from index.lookup import query_date_keys
from index.parts import IndexParts
from index.synonyms import widen
from index.vectors import where_clause
from ingest.models import Chunk

Mode = Literal["hybrid", "dense", "keyword"]


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    source: str
    text: str
    header: str
    pdf_page: int
    pdf_pages: list[int]
    page_label: str | None
    page_labels: list[str | None]
    item: str | None
    item_title: str | None
    minute: str | None
    minute_title: str | None
    cite_item: str | None
    paragraph: str | None
    restricted: bool
    doc_type: str
    council: str | None
    committee: str | None
    meeting_date: str | None
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None

    @classmethod
    def from_chunk(
        cls, c: Chunk, score: float, dense_rank: int | None = None, keyword_rank: int | None = None
    ) -> "Hit":
        return cls(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            source=c.source,
            text=c.text,
            header=c.header,
            pdf_page=c.pdf_page,
            pdf_pages=list(c.pdf_pages),
            page_label=c.page_label,
            page_labels=list(c.page_labels),
            item=c.item,
            item_title=c.item_title,
            minute=c.minute,
            minute_title=c.minute_title,
            cite_item=c.cite_item,
            paragraph=c.paragraph,
            restricted=c.restricted,
            doc_type=str(c.doc_type),
            council=c.council,
            committee=c.committee,
            meeting_date=c.meeting_date,
            score=score,
            dense_rank=dense_rank,
            keyword_rank=keyword_rank,
        )

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def describe(self, rank: int) -> str:
        where = []
        if self.minute:
            where.append(f"minute {self.minute}")
        elif self.item:
            where.append(f"item {self.item}")
        where.append(f"page {self.page_label}" if self.page_label else "unnumbered page")
        where.append(f"pdf p.{self.pdf_page}")
        meta = " · ".join(x for x in (self.committee, self.meeting_date) if x)
        text = " ".join(self.text.split())
        if len(text) > 300:
            text = text[:297] + "..."
        return (
            f"{rank:>2}. [{self.score:.4f}] {self.source} — {', '.join(where)}"
            + (f"  ({meta})" if meta else "")
            + ("  [restricted]" if self.restricted else "")
            + f"\n    {text}"
        )


class Searcher:
    """Hybrid, dense or keyword search; keeps the keyword index and the filter catalog at the store's
    generation."""

    def __init__(self, parts: IndexParts):
        self._parts = parts
        self._catalog = ChunkCatalog()

    def search(
        self,
        query: str,
        *,
        filters: SearchFilters | None = None,
        role: str = "public",
        k: int = 10,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        allow = may_see_restricted(role)
        query = query.strip()
        if not query:
            return []
        s = self._parts.settings
        doc_ids = self._parts.store.matching_doc_ids(filters, allow_restricted=allow)
        if doc_ids is not None and not doc_ids:
            return []
        dense: list[tuple[str, float]] = []
        keyword: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            depth = max(k, s.dense_depth) if mode == "hybrid" else k
            dense = self._dense(query, depth, filters, allow, doc_ids)
        if mode in ("hybrid", "keyword"):
            depth = max(k, s.keyword_depth) if mode == "hybrid" else k
            self.refresh_keyword()
            keyword = [
                (h.chunk_id, h.score)
                for h in self._parts.keyword.search(widen(query), depth, allow_restricted=allow, doc_ids=doc_ids)
            ]
        fused = rrf(dense, keyword, k=s.rrf_k, dense_weight=s.dense_weight, keyword_weight=s.keyword_weight)
        if mode != "hybrid":
            fused = fused[:k]
        chunks = self._parts.store.chunks([f.chunk_id for f in fused])
        if mode == "hybrid":  # the measured refinements (numbers in index/hybrid.py)
            qdate, qmonth = query_date_keys(query)
            fused = boost_meeting_date(
                fused, {c: date_key(ch.meeting_date) for c, ch in chunks.items()}, qdate, qmonth, k=s.rrf_k
            )
            fused = diversify_pages(
                fused,
                lambda f: (
                    (chunks[f.chunk_id].doc_id, chunks[f.chunk_id].pdf_page) if f.chunk_id in chunks else f.chunk_id
                ),
            )[:k]
        hits = []
        for f in fused:
            c = chunks.get(f.chunk_id)
            if c is None:  # deleted between the index read and now
                continue
            if c.restricted and not allow:  # defence in depth: the indexes already filtered
                continue
            score = f.score if mode == "hybrid" else (f.dense_score if mode == "dense" else f.keyword_score) or 0.0
            hits.append(Hit.from_chunk(c, score, f.dense_rank, f.keyword_rank))
        return hits

    def _dense(
        self, query: str, depth: int, filters: SearchFilters | None, allow: bool, doc_ids: list[str] | None
    ) -> list[tuple[str, float]]:
        qv = self._parts.embedder.embed_query(query)
        if where_clause(filters, allow_restricted=allow, doc_ids=doc_ids) is None:
            found = self._parts.vectors.query(qv, depth, None)
        else:  # filtered without Chroma's `where` (slow at scale): index/catalog.py
            cat = self.catalog()
            allowed = cat.mask(filters, allow_restricted=allow, doc_ids=doc_ids)
            found = (
                self._parts.vectors.query(qv, depth, None)
                if allowed is None
                else self._parts.vectors.query_allowed(qv, depth, cat, allowed)
            )
        return [(h.chunk_id, h.score) for h in found]

    def refresh_keyword(self) -> None:
        """Rebuild BM25 if the store moved since it was built (cheap no-op otherwise)."""
        gen = self._parts.store.generation()
        if self._parts.keyword.generation != gen:
            self._parts.keyword.rebuild(gen, self._parts.store.keyword_order(), self._parts.store.keyword_texts)

    def catalog(self, generation: int | None = None) -> ChunkCatalog:
        """Every chunk's filter fields at the store's current generation (rebuilt when it moved)."""
        gen = self._parts.store.generation() if generation is None else generation
        cat = self._catalog
        if cat.generation != gen:
            with self._parts.lock:
                if self._catalog.generation != gen:
                    self._catalog = ChunkCatalog.build(gen, self._parts.store.catalog_rows())
                cat = self._catalog
        return cat

    def restricted_only_terms(self) -> frozenset[str]:
        """Keyword terms found only in restricted passages (index/keyword.py), at the store's
        current generation."""
        self.refresh_keyword()
        return self._parts.keyword.restricted_only_terms()
