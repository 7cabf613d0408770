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
    OTHER = "other"


@dataclass
class Page:
    pdf_page: int                 # 1-based index in the file
    label: str | None             # page number as printed ("12"), None when unnumbered
    text: str


@dataclass
class AgendaItem:
    number: str                   # as printed: "7", "7a"
    title: str
    page_labels: tuple[str, str] | None = None   # printed range from the front sheet "(Pages 27 - 34)"
    pdf_pages: tuple[int, int] | None = None     # the PDF pages that range maps to (inclusive)
    restricted: bool = False      # Part II / exempt (Schedule 12A)
    description: str = ""         # the front sheet's text under the item heading


@dataclass
class Minute:
    number: str                   # as printed: "394"
    title: str
    pdf_pages: tuple[int, int]    # inclusive
    resolved: list[str] = field(default_factory=list)
    resolved_pages: list[int] = field(default_factory=list)  # pdf page of each resolved line
    agenda_item: str | None = None  # for minutes inside an agenda pack: the item they sit under


@dataclass
class Paragraph:
    number: str                   # "3", "2.1"
    pdf_page: int
    item: str | None = None


@dataclass
class Judgement:
    area: str                     # "Overall effectiveness"
    grade: str                    # "Inadequate", "Requires improvement to be good", ...
    pdf_page: int


@dataclass
class Chunk:
    chunk_id: str                 # deterministic: doc_id + sequence
    doc_id: str
    source: str                   # file base name
    seq: int
    text: str                     # the paper's own words
    header: str                   # deterministic context line, embedded and keyword-indexed with text
    pdf_pages: list[int]          # pages the text lies on (a chunk normally sits on one page)
    page_labels: list[str | None]
    token_count: int
    item: str | None = None       # agenda item number
    item_title: str | None = None
    minute: str | None = None     # minute number
    minute_title: str | None = None
    paragraph: str | None = None
    restricted: bool = False
    # copied from the document so a chunk stands alone in the index
    doc_type: str = DocType.OTHER.value
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None   # ISO date

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
    doc_id: str                   # first 16 hex of the file's sha256: same bytes, same id
    source: str                   # file base name
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
    restricted: bool = False      # the whole document is exempt

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
            "pages": [{"pdf_page": p.pdf_page, "label": p.label} for p in self.pages],
            "items": [
                {"number": i.number, "title": i.title,
                 "page_labels": list(i.page_labels) if i.page_labels else None,
                 "pdf_pages": list(i.pdf_pages) if i.pdf_pages else None,
                 "restricted": i.restricted}
                for i in self.items
            ],
            "minutes": [
                {"number": m.number, "title": m.title, "pdf_pages": list(m.pdf_pages),
                 "resolved": m.resolved, "agenda_item": m.agenda_item}
                for m in self.minutes
            ],
            "paragraphs": len(self.paragraphs),
            "judgements": [asdict(j) for j in self.judgements],
            "chunks": len(self.chunks),
        }
