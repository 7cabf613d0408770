"""GET /v1/resolutions: past "Resolved" lines, for officers checking what was decided before."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import CallerDep, LibraryDep, LinksDep, PageDep, ReleaseDep
from service.filters import FilterText
from service.schemas import ErrorResponse, ResolutionList
from service.views import plain, with_page_link

router = APIRouter(prefix="/v1", tags=["papers"], responses={401: {"model": ErrorResponse}})


@router.get("/resolutions", response_model=ResolutionList)
def resolutions(
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    page: PageDep,
    release: ReleaseDep,
    q: Annotated[str | None, Query(max_length=500, description="every word must match")] = None,
    committee: FilterText = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    minute: FilterText = None,
) -> ResolutionList:
    if date_from and date_to and date_from > date_to:
        from index.filters import FilterError

        raise FilterError(f"date range is empty: from {date_from} is after to {date_to}")
    rows = library.resolutions(q, committee, date_from, date_to, caller.role, minute=minute, limit=1000)
    window, pagination = page.apply(rows)
    results = release.records(
        [with_page_link(plain(r), caller, links) for r in window], role=caller.role, route="resolutions", asked=q or ""
    )
    return ResolutionList(results=results, pagination=pagination)
