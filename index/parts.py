"""What the library's parts (ingestor, search, papers) are given: the stores and models, opened lazily
and once per process by the wiring object, index/library.py `Library`, which satisfies these."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from cllr.settings import Settings
from index.keyword import KeywordIndex
from index.store import Store
from index.vectors import VectorIndex


class StoreParts(Protocol):
    """The settings and the document store: enough for the look-ups (index/papers.py)."""

    settings: Settings

    @property
    def store(self) -> Store: ...


class IndexParts(StoreParts, Protocol):
    """Everything ingest writes and search reads (index/ingestor.py, index/search.py)."""

    @property
    def lock(self) -> threading.RLock:
        """The one lock for writes and for opening the stores."""

    @property
    def vectors(self) -> VectorIndex: ...

    @property
    def keyword(self) -> KeywordIndex: ...

    @property
    def embedder(self) -> Any:
        """Embeds queries."""

    @property
    def bulk_embedder(self) -> Any:
        """Embeds many texts at once (documents, a question's candidate lines)."""
