"""Pre-meeting briefings: GET /v1/briefings (upcoming, then recent meetings) and
GET /v1/meetings/{meeting_id}/briefing as JSON, Markdown or a printable HTML page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from service.briefing import meetings as mt
from service.briefing.build import build_briefing
from service.briefing.publish import released
from service.briefing.render import html, markdown
from service.briefing.schemas import BriefingOut, MeetingBriefingList, MeetingOut
from service.deps import CallerDep, LibraryDep, LinksDep, PageDep, ReleaseDep
from service.schemas import ErrorResponse

router = APIRouter(tags=["briefings"], responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})

# The HTML briefing links its own stylesheet and nothing else (no script, nothing inline).
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
MeetingId = Annotated[str, PathParam(max_length=200, description="from GET /v1/briefings, e.g. 2025-01-30-cabinet")]
Format = Literal["json", "md", "html"]


def _format(request: Request, fmt: Format | None) -> Format:
    if fmt:
        return fmt
    accept = request.headers.get("accept", "")
    if "text/html" in accept:
        return "html"
    if "text/markdown" in accept:
        return "md"
    return "json"


@router.get("/v1/briefings", response_model=MeetingBriefingList)
def list_briefings(caller: CallerDep, library: LibraryDep, page: PageDep) -> MeetingBriefingList:
    """Meetings whose papers you may read, those still to come first (soonest first), then those
    held (most recent first); each with the link to its briefing."""
    today = date.today()
    found = mt.upcoming_then_recent(mt.meetings(library, caller.role), today)
    window, pagination = page.apply(found)
    results = [
        MeetingOut(
            meeting_id=m.meeting_id,
            council=m.council,
            committee=m.committee,
            meeting_date=m.meeting_date.isoformat(),
            upcoming=m.meeting_date >= today,
            papers=len(m.doc_ids),
            briefing_url=f"/v1/meetings/{m.meeting_id}/briefing",
        )
        for m in window
    ]
    return MeetingBriefingList(results=results, pagination=pagination)


@router.get(
    "/v1/meetings/{meeting_id}/briefing",
    response_model=BriefingOut,
    responses={
        200: {
            "content": {"text/markdown": {}, "text/html": {}},
            "description": "the briefing (JSON; Markdown or HTML by ?format= or Accept)",
        }
    },
)
def get_briefing(
    meeting_id: MeetingId,
    request: Request,
    caller: CallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
    format: Annotated[Format | None, Query(description="json (default), md or html; else by the Accept header")] = None,
) -> Response:
    """For each agenda item: its pages, report author and contact, purpose, the recommendations
    as printed, key figures, the Part II flag and earlier decisions on the topic; every line
    cited to its page and item, with a link to the page with those words highlighted. Items of
    procedure take one line each."""
    try:
        meeting = mt.find(library, meeting_id, caller.role)
    except mt.MeetingNotFound as e:
        raise HTTPException(404, str(e)) from None
    data = released(build_briefing(library, meeting, caller.role), caller, links, release)
    fmt = _format(request, format)
    if fmt == "md":
        return Response(markdown(data), media_type="text/markdown; charset=utf-8")
    if fmt == "html":
        return HTMLResponse(html(data), headers={"Content-Security-Policy": PAGE_CSP})
    return JSONResponse(BriefingOut(**data).model_dump())
