"""GET /v1/meetings: meetings (committee + date) with their papers and agenda items."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import CallerDep, LibraryDep, PageDep, ReleaseDep
from service.filters import FilterText
from service.schemas import ErrorResponse, MeetingList
from service.views import plain

router = APIRouter(prefix="/v1", tags=["papers"], responses={401: {"model": ErrorResponse}})


@router.get("/meetings", response_model=MeetingList)
def meetings(
    caller: CallerDep,
    library: LibraryDep,
    page: PageDep,
    release: ReleaseDep,
    committee: FilterText = None,
    council: FilterText = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> MeetingList:
    if date_from and date_to and date_from > date_to:
        from index.filters import FilterError

        raise FilterError(f"date range is empty: from {date_from} is after to {date_to}")
    rows = library.meetings(
        committee=committee, council=council, date_from=date_from, date_to=date_to, role=caller.role
    )
    window, pagination = page.apply(rows)
    results = []
    for m in window:
        data = plain(m)
        # items of this meeting's papers, filtered by role like everything else
        data["items"] = release.records(
            [plain(i) for doc_id in m.doc_ids for i in library.items(doc_id=doc_id, role=caller.role, limit=500)],
            role=caller.role,
            route="meetings",
        )
        results.append(data)
    return MeetingList(results=results, pagination=pagination)
