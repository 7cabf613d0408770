"""Structured look-ups beside search: agenda items, minutes and their Resolved lines, Ofsted judgements.

Queryable by number, title words, committee and date, e.g. "minute 49", "item 7 of 14 January 2025",
"resolutions about the school transport policy". `parse_reference` pulls those parts out of free text
so callers (the answer engine, hybrid search) can go straight to the record.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, or_, select

from index.filters import SearchFilters
from index.store import DocumentRow, ItemRow, JudgementRow, MinuteRow, ResolutionRow, Store, _like

_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_REF = re.compile(r"\b(minute|min\.?|item|agenda item)s?\s*(?:no\.?|number)?\s*([0-9]{1,4}[a-z]?)\b", re.I)
_DATE_TEXT = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b", re.I
)
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_UK = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


@dataclass(frozen=True)
class Reference:
    minute: str | None = None
    item: str | None = None
    meeting_date: date | None = None


def parse_date_text(text: str) -> date | None:
    try:
        if m := _DATE_TEXT.search(text):
            return date(int(m.group(3)), _MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
        if m := _DATE_ISO.search(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DATE_UK.search(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b", re.I)


def query_date_keys(text: str) -> tuple[int | None, int | None]:
    """(yyyymmdd, None) for a full date in the text, (None, yyyymm) for "March 2025", else (None, None)."""
    d = parse_date_text(text)
    if d is not None:
        return d.year * 10000 + d.month * 100 + d.day, None
    if m := _MONTH_YEAR.search(text):
        return None, int(m.group(2)) * 100 + _MONTHS[m.group(1).lower().rstrip(".")]
    return None, None


def parse_reference(text: str) -> Reference:
    minute = item = None
    for m in _REF.finditer(text):
        kind, number = m.group(1).lower(), m.group(2).lower()
        if kind.startswith("min") and minute is None:
            minute = number
        elif kind.endswith("item") and item is None:
            item = number
    return Reference(minute=minute, item=item, meeting_date=parse_date_text(text))


# ------------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class DocRef:
    doc_id: str
    source: str
    committee: str | None
    council: str | None
    meeting_date: date | None

    def to_json(self) -> dict:
        d = asdict(self)
        d["meeting_date"] = self.meeting_date.isoformat() if self.meeting_date else None
        return d


@dataclass(frozen=True)
class ItemRecord:
    doc: DocRef
    number: str
    title: str
    page_labels: tuple[str | None, str | None] | None
    pdf_pages: tuple[int, int] | None
    restricted: bool
    description: str

    def to_json(self) -> dict:
        return {
            **self.doc.to_json(),
            "number": self.number,
            "title": self.title,
            "page_labels": list(self.page_labels) if self.page_labels else None,
            "pdf_pages": list(self.pdf_pages) if self.pdf_pages else None,
            "restricted": self.restricted,
            "description": self.description,
        }


@dataclass(frozen=True)
class ResolutionRecord:
    doc: DocRef
    minute: str
    minute_title: str
    seq: int
    text: str
    pdf_page: int

    def to_json(self) -> dict:
        return {
            **self.doc.to_json(),
            "minute": self.minute,
            "minute_title": self.minute_title,
            "seq": self.seq,
            "text": self.text,
            "pdf_page": self.pdf_page,
        }


@dataclass(frozen=True)
class MinuteRecord:
    doc: DocRef
    number: str
    title: str
    pdf_pages: tuple[int, int]
    agenda_item: str | None
    restricted: bool
    resolved: tuple[ResolutionRecord, ...]

    def to_json(self) -> dict:
        return {
            **self.doc.to_json(),
            "number": self.number,
            "title": self.title,
            "pdf_pages": list(self.pdf_pages),
            "agenda_item": self.agenda_item,
            "restricted": self.restricted,
            "resolved": [r.to_json() for r in self.resolved],
        }


@dataclass(frozen=True)
class JudgementRecord:
    doc: DocRef
    area: str
    grade: str
    pdf_page: int

    def to_json(self) -> dict:
        return {**self.doc.to_json(), "area": self.area, "grade": self.grade, "pdf_page": self.pdf_page}


@dataclass(frozen=True)
class MeetingRecord:
    council: str | None
    committee: str | None
    meeting_date: date | None
    doc_ids: tuple[str, ...]
    sources: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "doc_ids": list(self.doc_ids),
            "sources": list(self.sources),
        }


def _docref(d: DocumentRow) -> DocRef:
    return DocRef(d.doc_id, d.source, d.committee, d.council, d.meeting_date)


def _words(q: str | None) -> list[str]:
    """Title words worth matching: 'resolutions about the School Places Strategy' → school, places, strategy."""
    if not q:
        return []
    stop = {
        "the",
        "a",
        "an",
        "of",
        "about",
        "on",
        "for",
        "and",
        "to",
        "in",
        "resolutions",
        "resolution",
        "resolved",
        "minute",
        "minutes",
        "item",
        "items",
        "what",
        "was",
        "were",
        "did",
        "which",
        "re",
    }
    return [w for w in re.findall(r"[a-z0-9]+", q.lower()) if w not in stop and len(w) > 1]


class Lookup:
    def __init__(self, store: Store):
        self.store = store

    def _filters(
        self,
        committee: str | None,
        date_from: date | str | None,
        date_to: date | str | None,
        doc_id: str | None,
        council: str | None = None,
    ) -> SearchFilters:
        return SearchFilters.parse(
            council=council, committee=committee, date_from=date_from, date_to=date_to, doc_id=doc_id
        )

    def items(
        self,
        *,
        number: str | None = None,
        q: str | None = None,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        doc_id: str | None = None,
        allow_restricted: bool = False,
        limit: int = 100,
    ) -> list[ItemRecord]:
        f = self._filters(committee, date_from, date_to, doc_id, council)
        with self.store.session() as s:
            stmt = Store._doc_query(
                select(ItemRow, DocumentRow).join(DocumentRow, ItemRow.doc_id == DocumentRow.doc_id),
                f,
                allow_restricted,
            )
            if not allow_restricted:
                stmt = stmt.where(ItemRow.restricted.is_(False))
            if number:
                stmt = stmt.where(func.lower(ItemRow.number) == number.lower())
            for w in _words(q):
                stmt = stmt.where(
                    or_(
                        func.lower(ItemRow.title).like(_like(w), escape="\\"),
                        func.lower(ItemRow.description).like(_like(w), escape="\\"),
                    )
                )
            stmt = stmt.order_by(DocumentRow.date_key.desc(), DocumentRow.source, ItemRow.seq).limit(limit)
            return [
                ItemRecord(
                    _docref(d),
                    i.number,
                    i.title,
                    (i.label_from, i.label_to) if i.label_from or i.label_to else None,
                    (i.pdf_from, i.pdf_to) if i.pdf_from is not None and i.pdf_to is not None else None,
                    i.restricted,
                    i.description,
                )
                for i, d in s.execute(stmt)
            ]

    def minutes(
        self,
        *,
        number: str | None = None,
        q: str | None = None,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        doc_id: str | None = None,
        allow_restricted: bool = False,
        limit: int = 100,
    ) -> list[MinuteRecord]:
        f = self._filters(committee, date_from, date_to, doc_id, council)
        with self.store.session() as s:
            stmt = Store._doc_query(
                select(MinuteRow, DocumentRow).join(DocumentRow, MinuteRow.doc_id == DocumentRow.doc_id),
                f,
                allow_restricted,
            )
            if not allow_restricted:
                stmt = stmt.where(MinuteRow.restricted.is_(False))
            if number:
                stmt = stmt.where(func.lower(MinuteRow.number) == number.lower())
            for w in _words(q):
                # a word may be in the minute's title or in what it resolved
                in_res = select(ResolutionRow.minute_id).where(
                    func.lower(ResolutionRow.text).like(_like(w), escape="\\")
                )
                stmt = stmt.where(
                    or_(func.lower(MinuteRow.title).like(_like(w), escape="\\"), MinuteRow.id.in_(in_res))
                )
            stmt = stmt.order_by(DocumentRow.date_key.desc(), DocumentRow.source, MinuteRow.seq).limit(limit)
            rows = list(s.execute(stmt))
            ids = [m.id for m, _ in rows]
            res: dict[int, list[ResolutionRow]] = {}
            if ids:
                for r in s.scalars(
                    select(ResolutionRow)
                    .where(ResolutionRow.minute_id.in_(ids))
                    .order_by(ResolutionRow.minute_id, ResolutionRow.seq)
                ):
                    res.setdefault(r.minute_id, []).append(r)
            out = []
            for m, d in rows:
                ref = _docref(d)
                out.append(
                    MinuteRecord(
                        ref,
                        m.number,
                        m.title,
                        (m.pdf_from, m.pdf_to),
                        m.agenda_item,
                        m.restricted,
                        tuple(
                            ResolutionRecord(ref, m.number, m.title, r.seq, r.text, r.pdf_page)
                            for r in res.get(m.id, [])
                        ),
                    )
                )
            return out

    def resolutions(
        self,
        q: str | None = None,
        *,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        minute: str | None = None,
        doc_id: str | None = None,
        allow_restricted: bool = False,
        limit: int = 100,
    ) -> list[ResolutionRecord]:
        """Resolved lines whose text or minute title has every word of q."""
        f = self._filters(committee, date_from, date_to, doc_id, council)
        with self.store.session() as s:
            stmt = Store._doc_query(
                select(ResolutionRow, MinuteRow, DocumentRow)
                .join(MinuteRow, ResolutionRow.minute_id == MinuteRow.id)
                .join(DocumentRow, ResolutionRow.doc_id == DocumentRow.doc_id),
                f,
                allow_restricted,
            )
            if not allow_restricted:
                stmt = stmt.where(MinuteRow.restricted.is_(False))
            if minute:
                stmt = stmt.where(func.lower(MinuteRow.number) == minute.lower())
            for w in _words(q):
                stmt = stmt.where(
                    or_(
                        func.lower(ResolutionRow.text).like(_like(w), escape="\\"),
                        func.lower(MinuteRow.title).like(_like(w), escape="\\"),
                    )
                )
            stmt = stmt.order_by(
                DocumentRow.date_key.desc(), DocumentRow.source, MinuteRow.seq, ResolutionRow.seq
            ).limit(limit)
            return [
                ResolutionRecord(_docref(d), m.number, m.title, r.seq, r.text, r.pdf_page)
                for r, m, d in s.execute(stmt)
            ]

    def judgements(
        self,
        *,
        area: str | None = None,
        grade: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        doc_id: str | None = None,
        allow_restricted: bool = False,
        limit: int = 200,
    ) -> list[JudgementRecord]:
        f = self._filters(None, date_from, date_to, doc_id, None)
        with self.store.session() as s:
            stmt = Store._doc_query(
                select(JudgementRow, DocumentRow).join(DocumentRow, JudgementRow.doc_id == DocumentRow.doc_id),
                f,
                allow_restricted,
            )
            if council:  # Ofsted reports name the council in the title more reliably than in metadata
                stmt = stmt.where(
                    or_(
                        func.lower(DocumentRow.council).like(_like(council), escape="\\"),
                        func.lower(DocumentRow.title).like(_like(council), escape="\\"),
                        func.lower(DocumentRow.source).like(_like(council), escape="\\"),
                    )
                )
            if not allow_restricted:
                stmt = stmt.where(JudgementRow.restricted.is_(False))
            for w in _words(area):
                stmt = stmt.where(func.lower(JudgementRow.area).like(_like(w), escape="\\"))
            if grade:
                stmt = stmt.where(func.lower(JudgementRow.grade).like(_like(grade), escape="\\"))
            stmt = stmt.order_by(DocumentRow.date_key.desc(), DocumentRow.source, JudgementRow.seq).limit(limit)
            return [JudgementRecord(_docref(d), j.area, j.grade, j.pdf_page) for j, d in s.execute(stmt)]

    def meetings(
        self,
        *,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        allow_restricted: bool = False,
    ) -> list[MeetingRecord]:
        f = self._filters(committee, date_from, date_to, None, council)
        groups: dict[tuple, list[DocumentRow]] = {}
        with self.store.session() as s:
            stmt = Store._doc_query(select(DocumentRow), f, allow_restricted).where(DocumentRow.date_key > 0)
            for d in s.scalars(stmt.order_by(DocumentRow.date_key, DocumentRow.source)):
                groups.setdefault((d.council, d.committee, d.meeting_date), []).append(d)
        return [
            MeetingRecord(c, m, dt, tuple(d.doc_id for d in ds), tuple(d.source for d in ds))
            for (c, m, dt), ds in groups.items()
        ]
