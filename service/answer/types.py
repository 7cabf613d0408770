"""The engine's result records (dataclasses inside; the HTTP layer wraps them in pydantic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ABSTAIN_TEXT = "The papers provided do not cover this."


def short_date(iso: str | None) -> str | None:
    """'2017-12-19' -> '19 Dec 2017' (how a councillor reads a meeting date)."""
    if not iso:
        return None
    try:
        d = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{d.day} {d.strftime('%b')} {d.year}"


@dataclass
class Citation:
    source: str  # file base name
    doc_id: str
    pdf_page: int  # 1-based page in the file: where the quote was verified
    page_label: str | None  # printed page number on that page, if any
    item: str | None  # minute number when there is one, else the agenda item
    quote: str  # the paper's own words the claim rests on
    committee: str | None = None
    meeting_date: str | None = None
    title: str | None = None
    kind: str = "item"  # "minute" or "item": how `item` is named in words
    source_url: str | None = None  # the council's own page for the paper or decision, when known
    paged: bool = True  # False for papers without PDF pages (HTML, Word): cited by minute/item/section
    ocr: bool = False  # the cited page's text was read by OCR from a scan
    low_confidence: bool = False  # ... and the OCR was unsure of it (settings.ocr_low_confidence)
    section: str | None = None  # the section heading, for a paper without pages

    def describe(self) -> str:
        """'Children's Select Committee, 19 Dec 2017 — item 8, p. 36' (what goes in the brackets)."""
        head = ", ".join(x for x in (self.committee or self.title or self.source, short_date(self.meeting_date)) if x)
        where = []
        if self.item:
            where.append(f"{self.kind} {self.item}")
        if not self.paged and self.section and not self.item:
            where.append(f"section “{self.section}”")
        elif self.paged or not self.item:
            where.append(f"p. {self.page_label}" if self.page_label else f"PDF p. {self.pdf_page}")
        if self.ocr:
            where.append("scanned, text read by OCR" + (" (low confidence)" if self.low_confidence else ""))
        return f"{head} — {', '.join(where)}"

    def marker(self) -> str:
        return f"[{self.describe()}]"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "doc_id": self.doc_id,
            "pdf_page": self.pdf_page,
            "page_label": self.page_label,
            "item": self.item,
            "quote": self.quote,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "title": self.title,
            "source_url": self.source_url,
            "paged": self.paged,
            "ocr": self.ocr,
            "low_confidence": self.low_confidence,
            "section": self.section,
            "describe": self.describe(),
        }


@dataclass
class AnswerResult:
    answer: str
    citations: list[Citation]
    retrieved: list[Any]  # index Hits, in rank order
    abstained: bool
    conversation_id: str | None = None
    standalone_question: str | None = None
    latency_ms: float = 0.0
    mode: str = "extractive"  # what produced the answer: "llm" or "extractive"
    fallback_reason: str | None = None  # in LLM mode, why the extractive engine answered instead
    debug: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "retrieved": [_hit_json(h) for h in self.retrieved],
            "conversation_id": self.conversation_id,
            "standalone_question": self.standalone_question,
            "latency_ms": round(self.latency_ms, 1),
            "mode": self.mode,
            "fallback_reason": self.fallback_reason,
        }


def _hit_json(hit: Any) -> dict[str, Any]:
    if hasattr(hit, "to_json"):
        return hit.to_json()
    return {
        "source": hit.source,
        "pdf_page": hit.pdf_page,
        "page_label": hit.page_label,
        "item": getattr(hit, "cite_item", None),
    }
