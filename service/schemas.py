"""The HTTP edge: every request and response body the service speaks, as pydantic models.

Inside the service records are the index's and engine's dataclasses; `service/views.py` turns them
into these. Models that carry index records keep `extra="allow"` so a field the index adds later
reaches clients without a change here, while the fields clients rely on stay typed and documented.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["public", "member", "officer", "admin"]

# Longest text filter (committee, council, type, minute, a document id): names, not documents. Past it,
# 422 at the edge; the index would build a SQL LIKE pattern from it (service/filters.py).
MAX_FILTER_CHARS = 200
MAX_DOC_IDS = 100


class ErrorBody(BaseModel):
    message: str
    type: str


class ErrorResponse(BaseModel):
    """Every 4xx/5xx: `detail` for FastAPI-style clients, `error` for OpenAI-style clients."""

    detail: str
    error: ErrorBody


# ---------------------------------------------------------------- filters and citations


class Filters(BaseModel):
    """Narrow an answer or search. Accepts `from`/`to`/`type` (as in query strings) or the field names."""

    council: str | None = Field(default=None, max_length=MAX_FILTER_CHARS)
    committee: str | None = Field(default=None, max_length=MAX_FILTER_CHARS)
    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    doc_type: str | None = Field(default=None, alias="type", max_length=MAX_FILTER_CHARS)
    doc_ids: list[Annotated[str, Field(max_length=MAX_FILTER_CHARS)]] | None = Field(
        default=None, max_length=MAX_DOC_IDS
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CitationOut(BaseModel):
    """One cited passage. `url` opens the PDF at the cited page (`…/file#page=N`)."""

    model_config = ConfigDict(extra="allow")
    source: str
    doc_id: str
    pdf_page: int | None = None
    page_label: str | None = None
    item: str | None = None
    quote: str | None = None
    label: str = Field(description="human-readable: source, item/minute, printed page")
    url: str


# ---------------------------------------------------------------- ask


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(description="at most CLLR_MAX_QUESTION_CHARS characters (default 2000), as a question")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The length cap is a setting (max_question_chars), so the route checks it (service/questions.py).
    question: str = Field(min_length=1, description="at most CLLR_MAX_QUESTION_CHARS characters (default 2000)")
    conversation_id: str | None = Field(default=None, max_length=100)
    history: list[Turn] | None = None
    filters: Filters | None = None


AnswerMode = Literal["llm", "extractive"]
MODE_DESCRIPTION = (
    "what produced the answer: 'llm' (a language model, every claim checked against the passage "
    "it cites) or 'extractive' (the papers' own sentences)"
)
FALLBACK_DESCRIPTION = (
    "set when a language model is configured but the extractive engine answered: why (the "
    "model was down, timed out, answered something unusable, or said nothing its passages support)"
)


class AskResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    abstained: bool
    conversation_id: str | None
    answer_id: int = Field(description="audit id; send it back with POST /v1/feedback")
    latency_ms: float | None = None
    mode: AnswerMode = Field(default="extractive", description=MODE_DESCRIPTION)
    fallback_reason: str | None = Field(default=None, description=FALLBACK_DESCRIPTION)


# ---------------------------------------------------------------- OpenAI-compatible chat


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "developer", "tool"]
    # OpenAI allows content parts; we take the text ones.
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    # OpenAI clients send many knobs (temperature, top_p, ...) we have no use for: ignore, don't fail.
    model_config = ConfigDict(extra="ignore")
    model: str = "cllr"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = None
    conversation_id: str | None = Field(default=None, max_length=100)
    filters: Filters | None = None


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    citations: list[CitationOut]


class ChatChoice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage = Usage()
    citations: list[CitationOut]
    abstained: bool
    conversation_id: str | None
    answer_id: int
    mode: AnswerMode = Field(default="extractive", description=MODE_DESCRIPTION)
    fallback_reason: str | None = Field(default=None, description=FALLBACK_DESCRIPTION)


# ---------------------------------------------------------------- search and browse


class Pagination(BaseModel):
    limit: int
    offset: int
    total: int
    next_offset: int | None


class SearchHitOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    source: str
    text: str
    score: float | None = None
    pdf_page: int | None = None
    page_label: str | None = None
    url: str


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHitOut]


class DocumentOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    source: str
    title: str | None = None
    doc_type: str | None = None
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    file_url: str


class DocumentList(BaseModel):
    results: list[DocumentOut]
    pagination: Pagination


class DocumentDetail(DocumentOut):
    items: list[dict[str, Any]] = []
    minutes: list[dict[str, Any]] = []


class PageOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    pdf_page: int
    label: str | None = None
    text: str
    url: str


class ResolutionOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str | None = None
    source: str | None = None
    text: str | None = None
    url: str | None = None


class ResolutionList(BaseModel):
    results: list[ResolutionOut]
    pagination: Pagination


# ---------------------------------------------------------------- the decision register

DecisionOutcome = Literal["agreed", "amended", "deferred", "refused", "noted", "recommended"]


class DecisionPartOut(BaseModel):
    label: str | None = Field(description="as printed: a, 1, iv, • (None for an unlabelled line)")
    text: str
    outcome: DecisionOutcome


class DecisionOut(BaseModel):
    """One decision, cited to its minute and page. `url` opens the paper at that page."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(description="<doc_id>:<n>, stable while the paper is in the library")
    doc_id: str
    source: str
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = Field(default=None, description="the meeting the decision was taken at")
    minute: str | None = Field(default=None, description="the printed minute number ('' when none is printed)")
    minute_title: str
    agenda_item: str | None = None
    text: str = Field(description="the decision as printed")
    parts: list[DecisionPartOut]
    outcome: DecisionOutcome
    outcome_rule: str = Field(description="why this outcome (the rule that read it)")
    vote: dict[str, Any] | None = Field(default=None, description="the recorded vote on the motion that became it")
    votes: list[dict[str, Any]] = Field(default=[], description="the minute's recorded votes up to it (amendments)")
    report: dict[str, Any] | None = Field(
        default=None,
        description="the report it decided on: item, title, and "
        "the report paper (doc_id, pdf_page, url) where the library has it",
    )
    follow_on: list[dict[str, Any]] = Field(default=[], description="what it asks to come back, and when")
    follows: list[str] = Field(default=[], description="ids of earlier decisions it answers")
    followed_by: list[str] = Field(default=[], description="ids of later decisions that answer it")
    restricted: bool = Field(description="Part II: seen only by members, officers and admins")
    pdf_page: int
    page_label: str | None = None
    source_url: str | None = Field(
        default=None,
        description="the council's own page for it, where the paper came "
        "from a publishing system (a ModernGov decision's ieDecisionDetails page)",
    )
    cite: str = Field(description="committee, date, minute and page, as a citation reads")
    line: str = Field(description="one line saying what was decided")
    url: str
    score: float | None = None


class DecisionList(BaseModel):
    query: str | None
    results: list[DecisionOut]
    pagination: Pagination


class TimelineStepOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    meeting_date: str | None
    committee: str | None = None
    minute: str | None = None
    minute_title: str
    outcome: DecisionOutcome
    line: str = Field(description="what changed, in one line")
    cite: str
    doc_id: str
    source: str
    pdf_page: int
    page_label: str | None = None
    source_url: str | None = Field(default=None, description="the council's own page for it, where it has one")
    url: str
    follows: list[str] = []
    followed_by: list[str] = []
    linked: bool = Field(description="joined the timeline through a link the papers make, not by its words")


class TimelineOut(BaseModel):
    query: str
    steps: list[TimelineStepOut] = Field(description="oldest first")


class MeetingOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    committee: str | None = None
    meeting_date: str | None = None


class MeetingList(BaseModel):
    results: list[MeetingOut]
    pagination: Pagination


# ---------------------------------------------------------------- ingestion jobs

JobStatus = Literal["queued", "running", "done", "failed"]


class JobOut(BaseModel):
    id: str
    status: JobStatus
    stage: str
    progress: float = Field(ge=0, le=1)
    filename: str
    size_bytes: int
    result: str | None = Field(default=None, description="added | unchanged | replaced | restricted | failed")
    doc_id: str | None = None
    chunks: int | None = None
    error: str | None = None
    created_at: datetime
    updated_at: datetime
    url: str


class DeleteResponse(BaseModel):
    doc_id: str
    deleted: bool


# ---------------------------------------------------------------- feedback and health


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer_id: int | None = Field(default=None, description="from /v1/ask or /v1/chat/completions")
    conversation_id: str | None = Field(default=None, max_length=100)
    rating: int = Field(ge=-1, le=5, description="-1/1 thumbs, or 1..5 stars")
    comment: str | None = Field(default=None, max_length=4000)


class FeedbackResponse(BaseModel):
    id: int
    answer_id: int | None
    rating: int


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str]
    llm: str | None = Field(
        default=None,
        description="the language model's health when one is configured: 'ok' "
        "or 'unavailable: …'. Not a readiness check: answers fall back to the extractive engine",
    )
    open: bool = Field(description="true when no credential is configured: every caller is public")
