"""Library: the one object the service, CLI and evals use to ingest, delete, search and look things up.

It opens the stores and models lazily (once per process; constructing it is cheap) and wires the
parts that do the work, each with one job:
- `ingestor` (index/ingestor.py): crash-safe ingest in the store-first write order, parse-ahead,
  reconcile, the files cache;
- `searcher` (index/search.py): hybrid search and `Hit`;
- `papers` (index/papers.py): documents, pages, files and look-ups behind one role check.
Its methods of old (`ingest_file`, `search`, `page`, ...) are the parts' methods, so callers need not
know which part does what. The decision register's look-ups are still here; the engine builds its
evidence lines itself (service/answer/evidence.py) from the papers' role-gated primitives.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from cllr.settings import Settings
from index.filters import SearchFilters
from index.ingestor import IngestResult, Ingestor, supported_suffixes
from index.keyword import KeywordIndex
from index.lookup import Lookup
from index.papers import WITHHELD_NOTICE, Papers
from index.search import Hit, Mode, Searcher
from index.store import Store
from index.vectors import VectorIndex

__all__ = ["Hit", "IngestResult", "Library", "Mode", "WITHHELD_NOTICE", "supported_suffixes"]


class Library:
    def __init__(self, settings: Settings, *, embedder: Any = None, bulk_embedder: Any = None):
        self.settings = settings
        self._store: Store | None = None
        self._vectors: VectorIndex | None = None
        self._keyword: KeywordIndex | None = None
        self._register: Any = None  # index/decisions.py, built on first use
        self._embedder = embedder
        # a caller's own embedder embeds documents too, unless it gives one for that
        self._bulk_embedder = bulk_embedder or embedder
        self._reconciled = False
        self._lock = threading.RLock()
        self._model_lock = threading.RLock()  # loading a model must not hold up the store
        # the parts, each with one job; they reach the stores and models through this object
        self.ingestor = Ingestor(self)
        self.searcher = Searcher(self)
        self.papers = Papers(self)
        # the public surface callers use, delegated to the part that does the job
        self.reconcile = self.ingestor.reconcile
        self.expand_paths = self.ingestor.expand_paths
        self.ingest_file = self.ingestor.ingest_file
        self.ingest_bytes = self.ingestor.ingest_bytes
        self.ingest_files = self.ingestor.ingest_files
        self.ingest_parsed = self.ingestor.ingest_parsed
        self.delete_document = self.ingestor.delete_document
        self.search = self.searcher.search
        self.refresh_keyword = self.searcher.refresh_keyword
        self.catalog = self.searcher.catalog
        self.restricted_only_terms = self.searcher.restricted_only_terms
        self.documents = self.papers.documents
        self.document = self.papers.document
        self.page = self.papers.page
        self.page_text = self.papers.page_text
        self.restricted_pages = self.papers.restricted_pages
        self.restricted_texts = self.papers.restricted_texts
        self.file_path = self.papers.file_path
        self.items = self.papers.items
        self.minutes = self.papers.minutes
        self.resolutions = self.papers.resolutions
        self.judgements = self.papers.judgements
        self.meetings = self.papers.meetings
        self.opening_passages = self.papers.opening_passages
        self.pages_with = self.papers.pages_with
        self.page_passages = self.papers.page_passages

    # ------------------------------------------------------------------ lazily opened parts
    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self.settings.data_dir.mkdir(parents=True, exist_ok=True)
                self._store = Store(self.settings.sqlalchemy_url)
            return self._store

    @property
    def vectors(self) -> VectorIndex:
        with self._lock:
            if self._vectors is None:
                self._vectors = VectorIndex(self.settings)
            if not self._reconciled:
                self._reconciled = True
                self.reconcile(self._vectors)
            return self._vectors

    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                # beside the vectors; keyed by collection so two collections in one data dir don't clash
                self._keyword = KeywordIndex(self.settings.data_dir / "keyword" / self.settings.chroma_collection)
            return self._keyword

    @property
    def embedder(self) -> Any:
        with self._model_lock:
            if self._embedder is None:
                from index.embedder import get_embedder

                self._embedder = get_embedder(
                    self.settings.embed_model,
                    self.settings.embed_batch_size,
                    backend=self.settings.embed_backend,
                    cache_dir=self.settings.embed_cache_dir,
                    threads=self.settings.embed_threads or None,
                )
            return self._embedder

    @property
    def bulk_embedder(self) -> Any:
        """What embeds many texts at once (documents at ingest, a question's candidate sentences at
        answer time): nearly all the embedding work, so it may be a faster backend than the query
        embedder's (settings.embed_bulk_backend; the same model either way)."""
        with self._model_lock:
            if self._bulk_embedder is None:
                from index.embedder import bulk_backend, get_embedder

                backend = bulk_backend(self.settings.embed_bulk_backend, self.settings.embed_backend)
                if backend == self.settings.embed_backend:
                    self._bulk_embedder = self.embedder
                else:
                    from index.cpu import usable_cores

                    self._bulk_embedder = get_embedder(
                        self.settings.embed_model,
                        self.settings.embed_batch_size,
                        backend=backend,
                        cache_dir=self.settings.embed_cache_dir,
                        threads=self.settings.embed_threads or None,
                        workers=self.settings.embed_bulk_workers or usable_cores(),
                    )
            return self._bulk_embedder

    @property
    def lock(self) -> threading.RLock:
        """The one lock for writes and for opening the stores (the parts share it)."""
        return self._lock

    @property
    def lookup(self) -> Lookup:
        return Lookup(self.store)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def generation(self) -> int:
        """The store's write counter: derived views of it are stale when it moves."""
        return self.store.generation()

    # ------------------------------------------------------------------ the decision register
    @property
    def register(self) -> Any:
        """index/decisions.py: every decision, searchable by topic (derived from the store)."""
        with self._lock:
            if self._register is None:
                from index.decisions import DecisionRegister

                self._register = DecisionRegister(self)
            return self._register

    def decisions(
        self,
        q: str | None = None,
        *,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        outcome: str | None = None,
        role: str = "public",
        limit: int | None = None,
    ) -> list[Any]:
        """Decisions ranked for the topic q (keyword and meaning), or every one the filters allow,
        newest first; Part II decisions only for a role that may see them."""
        filters = SearchFilters.parse(council=council, committee=committee, date_from=date_from, date_to=date_to)
        return self.register.search(
            q, filters=None if filters.is_empty else filters, outcome=outcome or None, role=role, limit=limit
        )

    def decision(self, decision_id: str, role: str = "public") -> Any:
        return self.register.get(decision_id, role)

    def decision_timeline(
        self,
        q: str,
        *,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        role: str = "public",
        limit: int = 50,
    ) -> list[Any]:
        """What has been decided about q: its decisions oldest first, each a line and a citation."""
        filters = SearchFilters.parse(council=council, committee=committee, date_from=date_from, date_to=date_to)
        return self.register.timeline(q, filters=None if filters.is_empty else filters, role=role, limit=limit)

    def stats(self) -> dict[str, int]:
        out = self.store.stats()
        out["vectors"] = self.vectors.count()
        self.refresh_keyword()
        out["keyword"] = len(self.keyword)
        return out
