"""GET /v1/search: ranked passages (hybrid dense + keyword), each linked to its page."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from index.filters import SearchFilters
from service.deps import CallerDep, LibraryDep, LinksDep, ReleaseDep
from service.filters import MAX_FILTER_CHARS, FilterText
from service.schemas import ErrorResponse, SearchResponse
from service.views import hit_view

router = APIRouter(prefix="/v1", tags=["papers"], responses={401: {"model": ErrorResponse}})


@router.get("/search", response_model=SearchResponse)
def search(
    q: Annotated[str, Query(min_length=1, max_length=500, description="what to look for")],
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
    committee: FilterText = None,
    council: FilterText = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    doc_type: Annotated[str | None, Query(alias="type", max_length=MAX_FILTER_CHARS)] = None,
    doc_id: FilterText = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResponse:
    filters = SearchFilters.parse(
        council=council, committee=committee, date_from=date_from, date_to=date_to, doc_type=doc_type, doc_id=doc_id
    )
    hits = library.search(q, filters=None if filters.is_empty else filters, role=caller.role, k=k)
    results = release.records([hit_view(h, caller, links) for h in hits], role=caller.role, route="search", asked=q)
    return SearchResponse(query=q, results=results)
