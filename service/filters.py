"""HTTP filter input → the index's SearchFilters (which owns validation and the error messages)."""
from __future__ import annotations

from index.filters import SearchFilters
from service.schemas import Filters


def to_search_filters(f: Filters | None) -> SearchFilters | None:
    if f is None:
        return None
    filters = SearchFilters.parse(council=f.council, committee=f.committee, date_from=f.date_from,
                                  date_to=f.date_to, doc_type=f.doc_type, doc_ids=f.doc_ids)
    return None if filters.is_empty else filters
