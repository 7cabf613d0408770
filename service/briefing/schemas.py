"""The briefing's HTTP shapes (pydantic), for OpenAPI and validation at the edge."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class BriefLineOut(BaseModel):
    """One line of a briefing, copied from a page of the papers and cited to it."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(description="purpose | recommendation | procedural | author | from | contact | figure | decision")
    text: str = Field(description="the words as printed on the cited page")
    lead: str = Field(
        default="",
        description="a recommendation's printed lead-in, a figure line's figures, "
        "or the minute an earlier decision was taken in",
    )
    doc_id: str
    source: str
    pdf_page: int
    page_label: str | None = None
    item: str | None = None
    also_on: list[int] = Field(default_factory=list, description="other PDF pages printing the same words")
    viewer_url: str = Field(description="the cited-page viewer, these words highlighted")


class PaperRange(BaseModel):
    doc_id: str
    source: str
    pdf_pages: list[int]
    page_labels: list[str | None]


class BriefItemOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    number: str
    title: str
    procedural: bool = Field(description="procedure (apologies, declarations, minutes...): one line")
    part2: bool = Field(description="an exempt (Part II) item, shown only to members and officers")
    withheld: bool = Field(description="some of its pages hold Part II lines withheld from this caller")
    printed_pages: list[str] | None = None
    papers: list[PaperRange]
    purpose: list[BriefLineOut]
    recommendations: list[BriefLineOut]
    authors: list[BriefLineOut]
    figures: list[BriefLineOut]
    earlier: list[BriefLineOut]
    notes: list[str]


class BriefingOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    meeting_id: str
    council: str | None = None
    committee: str | None = None
    meeting_date: str
    meeting_time: str | None = None
    venue: str | None = None
    papers: list[dict[str, Any]]
    items: list[BriefItemOut]
    counts: dict[str, int]
    generated_ms: float


class MeetingOut(BaseModel):
    meeting_id: str
    council: str | None = None
    committee: str | None = None
    meeting_date: str
    upcoming: bool
    papers: int
    briefing_url: str


class MeetingBriefingList(BaseModel):
    results: list[MeetingOut]
    pagination: dict[str, Any]
