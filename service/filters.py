"""HTTP filter input → the index's SearchFilters (which owns validation and the error messages).

Text filters are capped in length here at the edge (query strings) and in service.schemas.Filters
(bodies): the index turns them into SQL LIKE patterns, and SQLite refuses a pattern over 50,000
bytes with an error that would otherwise surface as a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from index.filters import SearchFilters
from service.schemas import MAX_FILTER_CHARS, Filters

FilterText = Annotated[str | None, Query(max_length=MAX_FILTER_CHARS)]


def to_search_filters(f: Filters | None) -> SearchFilters | None:
    if f is None:
        return None
    filters = SearchFilters.parse(
        council=f.council,
        committee=f.committee,
        date_from=f.date_from,
        date_to=f.date_to,
        doc_type=f.doc_type,
        doc_ids=f.doc_ids,
    )
    return None if filters.is_empty else filters
