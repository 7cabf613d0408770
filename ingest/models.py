"""The typed records ingestion turns a council paper into.

Plain dataclasses: they live inside the system. Pydantic models appear only at the edges
(HTTP, config, files on disk). Names follow how councils work: a Document is one file, usually
the papers of one meeting; an AgendaItem comes from the front sheet; a Minute is a numbered
record of what a committee did (numbered in its own series, not the agenda's); a Resolution is a
line of a minute's "Resolved" block; a Judgement is an Ofsted area and its grade.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum


class DocType(str, Enum):
    AGENDA_PACK = "agenda_pack"
    MINUTES = "minutes"
    OFFICER_REPORT = "officer_report"
    OFSTED_REPORT = "ofsted_report"
    DECISION_NOTICE = "decision_notice"  # a decision record: one decision per page, lettered fields
    QUESTIONS_PACK = "questions_pack"  # members' or the public's questions to a meeting
    FORWARD_PLAN = "forward_plan"  # the executive's list of decisions to come
    OTHER = "other"


@dataclass
class Page:
    pdf_page: int  # 1-based index in the file
    label: str | None  # page number as printed ("12"), None when unnumbered
    text: str
    # Part II lines: inclusive ranges of positions in text.split("\n"), and the rules that set them
    # (ingest/exempt.py). A page whose every line is restricted is withheld whole.
    restricted_lines: list[tuple[int, int]] = field(default_factory=list)
    restricted_by: list[str] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return len(self.text.split("\n"))

    @property
    def fully_restricted(self) -> bool:
        return bool(self.restricted_lines) and self.restricted_lines == [(0, self.line_count - 1)]

    ocr: bool = False  # the text was read from an image by OCR, not a text layer
    ocr_confidence: float | None = None  # Tesseract's mean word confidence (0-100) for an OCR'd page
    low_confidence: bool = False  # OCR'd with a confidence under settings.ocr_low_confidence
    section: str | None = None  # a paper without PDF pages (Word): the section this page is


@dataclass
class AgendaItem:
    number: str  # as printed: "7", "7a"
    title: str
    page_labels: tuple[str, str] | None = None  # printed range from the front sheet "(Pages 27 - 34)"
    pdf_pages: tuple[int, int] | None = None  # the PDF pages that range maps to (inclusive)
    restricted: bool = False  # Part II / exempt (Schedule 12A)
    description: str = ""  # the front sheet's text under the item heading


@dataclass
class Minute:
    number: str  # as printed: "394"
    title: str
    pdf_pages: tuple[int, int]  # inclusive
    resolved: list[str] = field(default_factory=list)
    resolved_pages: list[int] = field(default_factory=list)  # pdf page of each resolved line
    agenda_item: str | None = None  # for minutes inside an agenda pack: the item they sit under
    # which decision each resolved line belongs to (0, 1, ...): the lines of one "RESOLVED" block are
    # one decision and its parts; each decision sentence ("It was agreed to ...") is one of its own
    resolved_blocks: list[int] = field(default_factory=list)


@dataclass
class Paragraph:
    number: str  # "3", "2.1"
    pdf_page: int
    item: str | None = None


@dataclass
class Judgement:
    area: str  # "Overall effectiveness"
    grade: str  # "Inadequate", "Requires improvement to be good", ...
    pdf_page: int


@dataclass
class Vote:
    """A recorded vote as the minutes print it: counts and, where named, who voted which way."""

    minute: str | None
    pdf_page: int
    outcome: str | None = None  # "carried", "lost", as printed
    for_count: int | None = None
    against_count: int | None = None
    abstain_count: int | None = None
    for_names: list[str] = field(default_factory=list)
    against_names: list[str] = field(default_factory=list)
    abstain_names: list[str] = field(default_factory=list)


@dataclass
class Attendance:
    """One person's attendance: role is present | apologies | substitute | in_attendance | absent."""

    role: str
    name: str
    pdf_page: int
    minute: str | None = None


@dataclass
class Declaration:
    """A declaration of interest: who declared it and what it concerns, as printed."""

    member: str
    interest: str
    pdf_page: int
    minute: str | None = None


@dataclass
class Inspection:
    """What an Ofsted report says about the inspection itself."""

    kind: str | None  # "ILACS", "SIF", "focused visit", "area SEND", ...
    authority: str | None  # the body inspected, as printed
    dates: str | None  # the dates line as printed ("9 to 20 May 2022")
    start_date: date | None
    end_date: date | None
    lead_inspector: str | None
    pdf_page: int


@dataclass
class Chunk:
    chunk_id: str  # deterministic: doc_id + sequence
    doc_id: str
    source: str  # file base name
    seq: int
    text: str  # the paper's own words
    header: str  # deterministic context line, embedded and keyword-indexed with text
    pdf_pages: list[int]  # pages the text lies on (a chunk normally sits on one page)
    page_labels: list[str | None]
    token_count: int
    item: str | None = None  # agenda item number
    item_title: str | None = None
    minute: str | None = None  # minute number
    minute_title: str | None = None
    paragraph: str | None = None
    restricted: bool = False
    # inclusive line positions on its page (text.split("\n")), so a restriction set on the chunk
    # after parsing (an override) can be set on the page's lines too; not stored
    page_lines: tuple[int, int] | None = None
    # copied from the document so a chunk stands alone in the index
    doc_type: str = DocType.OTHER.value
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None  # ISO date

    @property
    def pdf_page(self) -> int:
        return self.pdf_pages[0]

    @property
    def page_label(self) -> str | None:
        return self.page_labels[0] if self.page_labels else None

    @property
    def cite_item(self) -> str | None:
        """What a citation names: the minute when there is one (more precise), else the item."""
        return self.minute or self.item

    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}"


@dataclass
class ParsedDocument:
    doc_id: str  # first 16 hex of the file's sha256: same bytes, same id
    source: str  # file base name
    sha256: str
    doc_type: str
    title: str
    council: str | None = None
    committee: str | None = None
    meeting_date: date | None = None
    pages: list[Page] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    minutes: list[Minute] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    judgements: list[Judgement] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    restricted: bool = False  # the whole document is exempt
    meeting_time: str | None = None  # as printed: "7.30pm", "10.00 am"
    venue: str | None = None
    authority: str | None = None  # an Ofsted report: the body inspected
    votes: list[Vote] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    inspection: Inspection | None = None
    unsure: list[str] = field(default_factory=list)  # fields left empty because the paper was unclear

    def to_inspect_json(self) -> dict:
        """The shape `cllr inspect --json` prints (fields may be added, not removed)."""
        return {
            "source": self.source,
            "doc_id": self.doc_id,
            "doc_type": self.doc_type,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "title": self.title,
            "restricted": self.restricted,
            "meeting_time": self.meeting_time,
            "venue": self.venue,
            "authority": self.authority,
            "unsure": self.unsure,
            "pages": [
                {
                    "pdf_page": p.pdf_page,
                    "label": p.label,
                    "ocr": p.ocr,
                    "ocr_confidence": p.ocr_confidence,
                    "low_confidence": p.low_confidence,
                    "section": p.section,
                }
                for p in self.pages
            ],
            "items": [
                {
                    "number": i.number,
                    "title": i.title,
                    "page_labels": list(i.page_labels) if i.page_labels else None,
                    "pdf_pages": list(i.pdf_pages) if i.pdf_pages else None,
                    "restricted": i.restricted,
                }
                for i in self.items
            ],
            "minutes": [
                {
                    "number": m.number,
                    "title": m.title,
                    "pdf_pages": list(m.pdf_pages),
                    "resolved": m.resolved,
                    "agenda_item": m.agenda_item,
                }
                for m in self.minutes
            ],
            "paragraphs": len(self.paragraphs),
            "judgements": [asdict(j) for j in self.judgements],
            "inspection": (
                {
                    **asdict(self.inspection),
                    "start_date": _iso(self.inspection.start_date),
                    "end_date": _iso(self.inspection.end_date),
                }
                if self.inspection
                else None
            ),
            "votes": [asdict(v) for v in self.votes],
            "attendance": [asdict(a) for a in self.attendance],
            "declarations": [asdict(d) for d in self.declarations],
            "chunks": len(self.chunks),
        }

    def restriction_summary(self) -> dict:
        """How many pages each Part II rule restricted (a page may count under two rules), and
        which pages are withheld whole or in part."""
        by_rule: dict[str, int] = {}
        for p in self.pages:
            for r in p.restricted_by:
                by_rule[r] = by_rule.get(r, 0) + 1
        return {
            "pages_by_rule": by_rule,
            "whole_pages": [p.pdf_page for p in self.pages if p.fully_restricted],
            "partial_pages": [
                {"pdf_page": p.pdf_page, "lines": [list(r) for r in p.restricted_lines]}
                for p in self.pages
                if p.restricted_lines and not p.fully_restricted
            ],
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
