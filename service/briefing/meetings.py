"""Meetings as a briefing names them: an id a councillor can type, and the papers of each.

A meeting is a committee on a day. The index groups papers by council, committee and date; a
paper that prints no council (a front sheet, a supplement's covering letter: ingestion leaves the
field empty rather than guess) belongs with the papers of the same committee and day, so those
groups are joined. The id is the date and the committee ("2025-01-30-cabinet"), the council
added only where two councils' committees of the same name met that day.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from index.filters import FilterError

# Papers that record a meeting rather than prepare for it: not read for its briefing.
RECORD_KINDS = frozenset({"minutes", "decision_notice"})
MEETING_ID = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9-]{1,160}$")


class MeetingNotFound(LookupError):
    pass


@dataclass
class Meeting:
    meeting_id: str
    council: str | None
    committee: str | None
    meeting_date: date
    doc_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat(),
            "doc_ids": list(self.doc_ids),
        }


def slug(text: str | None) -> str:
    t = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    t = re.sub(r"['’]", "", t)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:120] or "meeting"


def meetings(library: Any, role: str) -> list[Meeting]:
    """Every meeting whose papers `role` may see, oldest first."""
    groups: dict[tuple[date, str], dict[str | None, list[str]]] = {}
    names: dict[tuple[date, str], str] = {}
    for m in library.meetings(role=role):
        if m.meeting_date is None or not m.committee:
            continue
        key = (m.meeting_date, slug(m.committee))
        names.setdefault(key, m.committee)
        groups.setdefault(key, {}).setdefault(m.council, []).extend(m.doc_ids)
    out: list[Meeting] = []
    for (day, committee_slug), by_council in sorted(groups.items()):
        councils = [c for c in by_council if c]
        unnamed = by_council.get(None, [])
        named_of = {c: by_council[c] for c in councils}
        if len(councils) <= 1:
            council = councils[0] if councils else None
            doc_ids = unnamed + (named_of[council] if council else [])
            out.append(
                Meeting(f"{day.isoformat()}-{committee_slug}", council, names[(day, committee_slug)], day, doc_ids)
            )
            continue
        # two councils' committees of one name on one day: each its own meeting; papers naming no
        # council cannot be placed and are left out of both rather than guessed
        for c in councils:
            out.append(
                Meeting(
                    f"{day.isoformat()}-{committee_slug}-{slug(c)}", c, names[(day, committee_slug)], day, named_of[c]
                )
            )
    return out


def find(library: Any, meeting_id: str, role: str) -> Meeting:
    if not MEETING_ID.match(meeting_id):
        raise FilterError(
            f"{meeting_id[:80]!r} is not a meeting id like 2025-01-30-cabinet (GET /v1/briefings lists them)"
        )
    for m in meetings(library, role):
        if m.meeting_id == meeting_id:
            return m
    raise MeetingNotFound(f"no meeting {meeting_id!r}")


def briefing_papers(library: Any, meeting: Meeting, role: str) -> list[Any]:
    """The meeting's papers a briefing reads, as DocumentInfo: agenda packs and supplements first
    (they carry the front sheet), then reports, each in source order; minutes and decision
    records of the meeting itself are its outcome, not its preparation."""
    docs = [d for d in (library.document(i, role) for i in meeting.doc_ids) if d is not None]
    docs = [d for d in docs if d.doc_type not in RECORD_KINDS]
    return sorted(docs, key=lambda d: (d.doc_type != "agenda_pack", d.source))


def upcoming_then_recent(found: list[Meeting], today: date) -> list[Meeting]:
    """Meetings still to come, soonest first, then those held, most recent first."""
    ahead = sorted((m for m in found if m.meeting_date >= today), key=lambda m: m.meeting_date)
    held = sorted((m for m in found if m.meeting_date < today), key=lambda m: m.meeting_date, reverse=True)
    return ahead + held
