"""The decision register over HTTP: decisions on a topic (ranked, paged, or as CSV), what has been
decided about a topic as a timeline, and one decision by id.

Role first in the index (Library.decisions / decision_timeline leave Part II decisions out for a
role that may not see them), then every record through the release check before it leaves.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from service.auth import Caller, FileLinks
from service.deps import CallerDep, LibraryDep, LinksDep, PageDep, ReleaseDep
from service.filters import FilterText
from service.schemas import DecisionList, DecisionOut, DecisionOutcome, ErrorResponse, TimelineOut
from service.views import with_page_link

router = APIRouter(prefix="/v1", tags=["papers"], responses={401: {"model": ErrorResponse}})

Topic = Annotated[
    str | None,
    Query(
        max_length=500,
        description="a topic, e.g. school transport: its words and "
        "its meaning; empty lists every decision, newest first",
    ),
]
DateFrom = Annotated[date | None, Query(alias="from", description="meetings on or after (YYYY-MM-DD)")]
DateTo = Annotated[date | None, Query(alias="to", description="meetings on or before (YYYY-MM-DD)")]


def _check_range(date_from: date | None, date_to: date | None) -> None:
    if date_from and date_to and date_from > date_to:
        from index.filters import FilterError

        raise FilterError(f"date range is empty: from {date_from} is after to {date_to}")


def _view(data: dict[str, Any], caller: Caller, links: FileLinks) -> dict[str, Any]:
    """A decision (or timeline step) with the links that open its page and its report's."""
    data = with_page_link(data, caller, links)
    view = getattr(links, "view_url", None)  # the cited-page viewer, where the service has one
    if view is not None and data.get("doc_id") and data.get("pdf_page"):
        data["viewer_url"] = view(data["doc_id"], caller, data["pdf_page"], _first_words(data))
    report = data.get("report")
    if isinstance(report, dict) and report.get("doc_id"):
        data["report"] = {**report, "url": links.file_url(report["doc_id"], caller, report.get("pdf_page"))}
    return data


def _first_words(data: dict[str, Any]) -> str | None:
    """The words the viewer highlights: the decision's opening, as printed on its page."""
    text = " ".join(str(data.get("text") or "").split())
    return text[:160].rsplit(" ", 1)[0] if len(text) > 160 else (text or None)


@router.get(
    "/decisions",
    response_model=DecisionList,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "JSON, or with format=csv the whole list as CSV",
        }
    },
)
def decisions(
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    page: PageDep,
    release: ReleaseDep,
    q: Topic = None,
    committee: FilterText = None,
    council: FilterText = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    outcome: DecisionOutcome | None = None,
    format: Annotated[
        Literal["json", "csv"], Query(description="csv: every decision found, for a spreadsheet or a report")
    ] = "json",
) -> Any:
    """Decisions on a topic, best first (keyword and meaning), filtered by committee, council, meeting
    dates and outcome; Part II decisions only for members, officers and admins."""
    _check_range(date_from, date_to)
    hits = library.decisions(
        q, committee=committee, council=council, date_from=date_from, date_to=date_to, outcome=outcome, role=caller.role
    )
    if format == "csv":
        from index.decisions import to_csv

        rows = release.records(
            [_view(h.to_json(), caller, links) for h in hits], role=caller.role, route="decisions", asked=q or ""
        )
        return Response(
            to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="decisions.csv"'},
        )
    window, pagination = page.apply(hits)
    results = release.records(
        [_view(h.to_json(), caller, links) for h in window], role=caller.role, route="decisions", asked=q or ""
    )
    return DecisionList(query=q, results=results, pagination=pagination)


@router.get("/decisions/timeline", response_model=TimelineOut)
def timeline(
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="the topic")],
    committee: FilterText = None,
    council: FilterText = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TimelineOut:
    """What has been decided about a topic: its decisions across meetings, oldest first, each one line
    saying what changed with its citation, linked to the decisions the papers link it to."""
    _check_range(date_from, date_to)
    steps = library.decision_timeline(
        q, committee=committee, council=council, date_from=date_from, date_to=date_to, role=caller.role, limit=limit
    )
    out = release.records(
        [_view(s.to_json(), caller, links) for s in steps], role=caller.role, route="decisions", asked=q
    )
    return TimelineOut(query=q, steps=out)


@router.get("/decisions/{decision_id}", response_model=DecisionOut, responses={404: {"model": ErrorResponse}})
def decision(
    decision_id: Annotated[str, FilterText],
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
) -> Any:
    rec = library.decision(decision_id, caller.role)
    out = (
        release.records([_view(rec.to_json(), caller, links)], role=caller.role, route="decisions")
        if rec is not None
        else []
    )
    if not out:  # absent, or not for this caller: the same answer, so a Part II id is not confirmed
        raise HTTPException(404, f"no decision {decision_id!r}")
    return out[0]
