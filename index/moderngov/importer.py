"""ModernGov → Library: list meetings, download their papers, index the minutes and decisions the XML
carries, and record attendance, with the council's own records winning over what ingestion infers.

- Documents (linkeddoc) are ingested with the meeting's committee and date, and a report attached to
  an agenda item is cited to that item (index/overrides.py); `isrestricted` makes a paper or item
  Part II (the flag only ever adds restriction). The papers on a "Minutes" item are the minutes of
  an earlier meeting (the usual convention: a meeting approves the last one's minutes), so they keep
  the date printed in them rather than take this meeting's.
- Minutes and decisions the XML carries (minutesnonemptyhtmlbody, decisionnonemptyhtmlbody) become one
  small HTML document per agenda item, read by ingest/html.py like any paper: a minute record with
  its Resolved lines, searchable and citable to the minute, whose `source_url` is the council's own
  page for it (ieDecisionDetails.aspx?AIId= for a decision, else the meeting's ieListDocuments.aspx).
  A restricted item's minute is a restricted document.
- One minute is indexed once: when printed minutes (a PDF) of the same committee and date are in the
  library and carry that minute's number, the printed minutes hold it (they have page numbers to
  cite) and the XML minute is withdrawn or never written.
- A meeting is imported whole or not at all: every paper is downloaded before anything is written,
  so a refusal, an HTML page or a wrong answer half-way leaves nothing of that meeting behind, and
  the meeting is tried again next run. A meeting whose import completed and whose minutes are
  published is settled: later runs do not ask for it again (`refresh=True` does).
- Incremental: every attachment URL is remembered with its ETag / Last-Modified
  (`moderngov_documents`); re-runs send If-None-Match / If-Modified-Since and skip on 304, and a 200
  with the same bytes is still "unchanged" (the Library dedupes by sha256).
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import PurePosixPath
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    select,
    update,
)

from index.moderngov import records
from index.moderngov.client import Download, ModernGovClient, ModernGovError

_md = MetaData()
# Created by migrations 0002 and 0005 (index/migrations); this is only the importer's view of them.
seen_table = Table(
    "moderngov_documents",
    _md,
    Column("url", String(1024), primary_key=True),
    Column("base_url", String(512), nullable=False),
    Column("attachment_id", String(64)),
    Column("meeting_id", String(64), nullable=False),
    Column("meeting_url", Text),
    Column("etag", String(256)),
    Column("last_modified", String(64)),
    Column("doc_id", String(32)),
    Column("status", String(16), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("agenda_item_id", String(64)),
    Column("agenda_number", String(32)),
)
meetings_table = Table(
    "moderngov_meetings",
    _md,
    Column("base_url", String(512), primary_key=True),
    Column("meeting_id", String(64), primary_key=True),
    Column("committee_id", String(64)),
    Column("committee_title", Text),
    Column("meeting_date", Date),
    Column("meeting_time", String(32)),
    Column("status", String(128)),
    Column("url", Text),
    Column("minutes_published", Boolean, nullable=False),
    Column("response_sha", String(64)),
    Column("complete", Boolean, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
attendance_table = Table(
    "moderngov_attendance",
    _md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base_url", String(512), nullable=False),
    Column("meeting_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("member_id", String(64)),
    Column("name", Text, nullable=False),
    Column("role_description", String(128)),
    Column("attendance", String(128)),
    Column("role", String(32), nullable=False),
    Column("party", String(128)),
    Column("ward", Text),
    Column("representing", Text),
)
minutes_table = Table(
    "moderngov_minutes",
    _md,
    Column("base_url", String(512), primary_key=True),
    Column("meeting_id", String(64), primary_key=True),
    Column("agenda_item_id", String(64), primary_key=True),
    Column("minute_number", String(32)),
    Column("agenda_number", String(32)),
    Column("committee_title", Text),
    Column("meeting_date", Date),
    Column("doc_id", String(32)),
    Column("source_url", Text),
    Column("restricted", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

ROOTS = {
    "GetCommittees": ("committees", "getcommittees"),
    "GetMeetings": ("getmeetings", "meetings"),
    "GetMeeting": ("meeting", "getmeeting"),
}
EVERY_COMMITTEE = "-1"  # lCommitteeId that several sites read as "every committee"
_MINUTES_ITEM = re.compile(r"^\s*(?:draft\s+|confirmed\s+)?minutes\b", re.I)


@dataclass
class ImportReport:
    meetings: int = 0  # meetings fetched and imported this run
    cancelled: int = 0  # listed as cancelled: skipped
    settled: int = 0  # imported before with their minutes published: not asked for again
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    minutes: int = 0  # minutes/decisions from the XML written (added or replaced)
    superseded: int = 0  # XML minutes left to the printed minutes that carry them
    attendees: int = 0

    @property
    def imported(self) -> int:
        return len(self.added) + len(self.replaced)

    def summary(self) -> str:
        return (
            f"{self.meetings} meetings ({self.cancelled} cancelled, {self.settled} already complete): "
            f"{len(self.added)} added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged) + len(self.not_modified)} already imported, {len(self.failed)} failed; "
            f"{self.minutes} minutes or decisions from the XML, {self.superseded} left to printed minutes; "
            f"{self.attendees} attendees"
        )


def _source_name(meeting_id: str, doc: records.LinkedDocument) -> str:
    """A file name unique per attachment: ModernGov reuses names like "Printed minutes.pdf" across
    meetings, and the Library treats a repeated name as a new version of the same paper. Its
    mgConvert2PDF.aspx?ID= links carry no name at all, so the title names the file then."""
    path_name = unquote(PurePosixPath(urlsplit(doc.url).path).name)
    base = path_name if path_name.lower().endswith(".pdf") else (doc.title or "document")
    base = re.sub(r"[^\w.\- ]+", "_", base).strip()[:80].strip() or "document"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    attachment = doc.attachment_id or (parse_qs(urlsplit(doc.url).query).get("ID") or ["x"])[0]
    return f"mg{meeting_id}-{attachment}-{base}"


def _norm_number(n: str | None) -> str:
    return re.sub(r"[\s.]+$", "", (n or "").strip().lower())


def resolve_committees(client: ModernGovClient, committee: str | None) -> list[records.Committee]:
    found = records.committees(client.call("GetCommittees", ROOTS["GetCommittees"]))
    if committee is None:
        return found
    if committee.isdigit():
        hit = [c for c in found if c.id == committee]
        return hit or [records.Committee(committee, f"committee {committee}")]
    exact = [c for c in found if c.title.lower() == committee.lower()]
    if exact:
        return exact[:1]
    partial = [c for c in found if committee.lower() in c.title.lower()]
    if len(partial) == 1:
        return partial
    if not partial:
        raise ModernGovError(
            f"no committee matching {committee!r} on {client.base_url} "
            f"({len(found)} committees listed; pass the id or the exact title)"
        )
    raise ModernGovError(
        f"{committee!r} matches {len(partial)} committees: "
        + "; ".join(f"{c.id} {c.title}" for c in partial[:8])
        + " — pass the id"
    )


def minute_html(m: records.Meeting, it: records.AgendaItemRecord) -> bytes | None:
    """An agenda item's minute (and decision, unless the minute already says it) as a small HTML
    paper: the committee and date where minutes print them, the minute's heading with its "(Item N)",
    then the council's own HTML. None when the XML carries neither text."""
    minutes, decision = it.minutes_html, it.decision_html
    if not minutes and not decision:
        return None
    esc = html.escape
    when = f"{m.date.strftime('%A')} {m.date.day} {m.date.strftime('%B %Y')}" if m.date else ""
    heading = f"{it.minute_number}. {it.title}" if it.minute_number else it.title
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(m.committee_title or '')} {esc(when)}: {esc(heading)}</title></head><body>",
        f"<p>{esc(m.committee_title or '')}</p>",
    ]
    kind = "Minutes" if minutes else "Decisions"
    parts.append(
        f"<p>{kind} of the meeting held on {esc(when)}" + (f" at {esc(m.time)}" if m.time else "") + "</p>"
        if when
        else f"<p>{kind}</p>"
    )
    parts.append(f"<h2>{esc(heading)}</h2>")
    if it.number:
        parts.append(f"<p>(Item {esc(it.number)})</p>")
    if minutes:
        parts.append(f"<div>{minutes}</div>")
    if decision and not (minutes and _plain(decision) in _plain(minutes)):
        parts.append("<h3>Decision</h3>" if minutes else "")
        parts.append(f"<div>{decision}</div>")
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p).encode("utf-8")


def _plain(fragment: str) -> str:
    """Letters and digits of an HTML fragment, to tell whether a decision repeats the minute."""
    return re.sub(r"[^0-9a-z]+", "", html.unescape(re.sub(r"<[^>]+>", " ", fragment)).lower())


class ModernGovImporter:
    def __init__(self, library: Any, client: ModernGovClient, *, log: Callable[[str], None] = lambda _: None):
        self.library = library
        self.client = client
        self.log = log
        self.engine = library.store.engine  # opening the store runs the migrations (our tables too)
        self.base = client.base_url

    # ------------------------------------------------------------------ listing
    def run(
        self,
        *,
        committee: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        refresh: bool = False,
    ) -> ImportReport:
        date_to = date_to or date.today()
        date_from = date_from or (date_to - timedelta(days=365))
        if date_from > date_to:
            raise ModernGovError(f"--from {date_from} is after --to {date_to}")
        report = ImportReport()
        refs = [
            r
            for r in self._listed(committee, date_from, date_to)
            if r.date is not None and date_from <= r.date <= date_to
        ]  # some sites ignore the dates asked
        for ref in sorted(refs, key=lambda r: (r.date or date.min, r.id)):
            label = f"{ref.committee_title or 'committee ' + str(ref.committee_id)} {ref.date}"
            if ref.cancelled:
                report.cancelled += 1
                self.log(f"cancelled   {label} (meeting {ref.id}): skipped")
                continue
            if not refresh and self._settled(ref.id):
                report.settled += 1
                continue
            what = f"{self.base} GetMeeting(lMeetingId={ref.id})"
            root = self.client.call("GetMeeting", ROOTS["GetMeeting"], lMeetingId=ref.id)
            try:
                m = records.meeting(root, self.base, ref)
            except ValueError as e:
                raise ModernGovError(f"{what}: {e}") from None
            if m.cancelled:
                report.cancelled += 1
                self.log(f"cancelled   {label} (meeting {ref.id}): skipped")
                continue
            self.log(f"meeting     {label} (meeting {m.id}, {m.status or 'no status'})")
            report.meetings += 1
            self._meeting(m, hashlib.sha256(ET.tostring(root)).hexdigest(), report)
        return report

    def _listed(self, committee: str | None, date_from: date, date_to: date) -> list[records.MeetingRef]:
        dates = {"sFromDate": records.uk_date(date_from), "sToDate": records.uk_date(date_to)}
        if committee is None:
            root = self.client.call("GetMeetings", ROOTS["GetMeetings"], lCommitteeId=EVERY_COMMITTEE, **dates)
            if root.find(".//committee") is not None:  # grouped by committee: the site read -1 as "all"
                return records.meetings(root)
            committees = resolve_committees(self.client, None)  # this site wants one committee at a time
        else:
            committees = resolve_committees(self.client, committee)
        out: list[records.MeetingRef] = []
        for c in committees:
            root = self.client.call("GetMeetings", ROOTS["GetMeetings"], lCommitteeId=c.id, **dates)
            out += [
                replace(r, committee_id=r.committee_id or c.id, committee_title=r.committee_title or c.title)
                for r in records.meetings(root)
            ]
        return out

    def _settled(self, meeting_id: str) -> bool:
        with self.engine.connect() as c:
            row = c.execute(
                select(meetings_table.c.complete, meetings_table.c.minutes_published).where(
                    and_(meetings_table.c.base_url == self.base, meetings_table.c.meeting_id == meeting_id)
                )
            ).first()
        return bool(row and row.complete and row.minutes_published)

    # ------------------------------------------------------------------ one meeting
    def _meeting(self, m: records.Meeting, response_sha: str, report: ImportReport) -> None:
        failed_before = len(report.failed)
        # 1. every paper in hand before anything is written (a fatal error leaves this meeting untouched)
        papers: list[tuple[records.LinkedDocument, records.AgendaItemRecord | None, Download]] = []
        listed = [(d, None) for d in m.documents] + [(d, it) for it in m.items for d in it.documents]
        for doc, item in listed:
            if doc.is_link:
                continue  # a link to another page, not a paper
            got = self._download(doc, report)
            if got is not None:
                papers.append((doc, item, got))
        # 2. write: the papers, the XML's minutes and decisions, attendance, then the meeting's record
        for doc, item, got in papers:
            self._ingest(m, doc, item, got, report)
        self._xml_minutes(m, report)
        self._attendance(m, report)
        self._record_meeting(m, response_sha, complete=len(report.failed) == failed_before)

    def _download(self, doc: records.LinkedDocument, report: ImportReport) -> Download | None:
        with self.engine.connect() as c:
            prev = c.execute(select(seen_table).where(seen_table.c.url == doc.url)).mappings().first()
        known = prev is not None and prev["doc_id"] and self.library.store.get_document(prev["doc_id"]) is not None
        try:
            got = self.client.download(
                doc.url, etag=prev["etag"] if known else None, last_modified=prev["last_modified"] if known else None
            )
        except ModernGovError as e:
            if e.fatal:
                raise  # refused or answered with a page: stop rather than go on document by document
            report.failed.append(f"{doc.url}: {e}")
            self.log(f"failed      {doc.title or doc.url}: {e}")
            return None
        if got.not_modified:
            report.not_modified.append(doc.url)
            self.log(f"unchanged   {doc.title or doc.url} (304)")
            return None
        if not got.data.lstrip()[:5].startswith(b"%PDF-"):
            report.failed.append(f"{doc.url}: not a PDF ({got.content_type or 'no content type'})")
            self.log(f"failed      {doc.title or doc.url}: not a PDF")
            return None
        return got

    def _overrides(
        self, m: records.Meeting, doc: records.LinkedDocument, item: records.AgendaItemRecord | None
    ) -> dict[str, Any]:
        restricted = True if (doc.restricted or (item is not None and item.restricted)) else None
        common: dict[str, Any] = {"committee": m.committee_title, "meeting_date": m.date, "source_url": m.url}
        if item is None:  # the agenda pack or the printed minutes: the whole agenda applies
            return {**common, "items": [it.override(with_minute=True) for it in m.items], "restricted": restricted}
        if _MINUTES_ITEM.match(item.title):
            # an earlier meeting's minutes, put to this one for approval: dated by the paper itself,
            # and this committee's only when the item names no other body
            rest = _MINUTES_ITEM.sub("", item.title).lower()
            other_body = re.search(r"\b(committee|board|panel|council|cabinet|forum|group)\b", rest) and (
                (m.committee_title or "").lower() not in rest
            )
            out: dict[str, Any] = {"source_url": m.url, "restricted": restricted}
            if not other_body:
                out["committee"] = m.committee_title
            return out
        return {**common, "item": {**item.override(), "restricted": restricted}}

    def _ingest(
        self,
        m: records.Meeting,
        doc: records.LinkedDocument,
        item: records.AgendaItemRecord | None,
        got: Download,
        report: ImportReport,
    ) -> None:
        result = self.library.ingest_bytes(got.data, _source_name(m.id, doc), self._overrides(m, doc, item))
        self.log(f"{result.status:<11} {doc.title or doc.url} -> {result.doc_id or '-'}")
        if result.status == "failed":
            report.failed.append(f"{doc.url}: {result.error}")
            return
        # "restricted": the same bytes again, now restricted (isrestricted set since): written again
        {
            "added": report.added,
            "replaced": report.replaced,
            "restricted": report.replaced,
            "unchanged": report.unchanged,
        }[result.status].append(doc.url)
        row = dict(
            url=doc.url,
            base_url=self.base,
            attachment_id=doc.attachment_id,
            meeting_id=m.id,
            meeting_url=m.url,
            etag=got.etag,
            last_modified=got.last_modified,
            doc_id=result.doc_id,
            status="imported",
            imported_at=datetime.now(timezone.utc),
            agenda_item_id=item.id if item else None,
            agenda_number=item.number if item else None,
        )
        with self.engine.begin() as c:
            c.execute(seen_table.delete().where(seen_table.c.url == doc.url))
            c.execute(seen_table.insert().values(**row))
        info = self.library.store.get_document(result.doc_id)
        if info is not None and info.doc_type == "minutes" and info.committee and info.meeting_date:
            self._leave_to_printed(info.committee, info.meeting_date, report)

    # ------------------------------------------------------------------ minutes and decisions from the XML
    def _printed_minutes(self, committee: str | None, day: date | None) -> set[str]:
        """Minute numbers that printed minutes in the library carry for this committee and day."""
        if not committee or day is None:
            return set()
        with self.engine.connect() as c:
            ours = {r.doc_id for r in c.execute(select(minutes_table.c.doc_id)) if r.doc_id}
        recs = self.library.minutes(committee=committee, date_from=day, date_to=day, role="admin", limit=1000)
        kinds: dict[str, str | None] = {}
        for r in recs:  # printed minutes only: an agenda pack also prints the last meeting's minutes
            if r.doc.doc_id not in kinds:
                info = self.library.store.get_document(r.doc.doc_id)
                kinds[r.doc.doc_id] = info.doc_type if info else None
        return {
            _norm_number(r.number)
            for r in recs
            if r.doc.doc_id not in ours
            and kinds.get(r.doc.doc_id) == "minutes"
            and (r.doc.committee or "").lower() == committee.lower()
        }

    def _leave_to_printed(self, committee: str, day: date, report: ImportReport) -> None:
        """Printed minutes of (committee, day) arrived: withdraw the XML minutes they carry."""
        printed = self._printed_minutes(committee, day)
        if not printed:
            return
        with self.engine.connect() as c:
            rows = list(
                c.execute(
                    select(minutes_table).where(
                        and_(minutes_table.c.status == "imported", minutes_table.c.meeting_date == day)
                    )
                ).mappings()
            )
        for r in rows:
            if (r["committee_title"] or "").lower() != committee.lower() or _norm_number(
                r["minute_number"]
            ) not in printed:
                continue
            if r["doc_id"]:
                self.library.delete_document(r["doc_id"])
            self._minute_row(r["meeting_id"], r["agenda_item_id"], status="superseded", doc_id=None)
            report.superseded += 1
            self.log(f"superseded  minute {r['minute_number']} of {committee} {day}: the printed minutes carry it")

    def _minute_row(self, meeting_id: str, agenda_item_id: str, **values: Any) -> None:
        key = and_(
            minutes_table.c.base_url == self.base,
            minutes_table.c.meeting_id == meeting_id,
            minutes_table.c.agenda_item_id == agenda_item_id,
        )
        with self.engine.begin() as c:
            c.execute(update(minutes_table).where(key).values(**values, imported_at=datetime.now(timezone.utc)))

    def _xml_minutes(self, m: records.Meeting, report: ImportReport) -> None:
        printed = self._printed_minutes(m.committee_title, m.date)
        for it in m.items:
            body = minute_html(m, it)
            if body is None:
                continue
            item_key = it.id or f"n{it.number}"
            source_url = records.decision_url(self.base, it.id) if it.decision_html and it.id else m.url
            row = dict(
                base_url=self.base,
                meeting_id=m.id,
                agenda_item_id=item_key,
                minute_number=it.minute_number,
                agenda_number=it.number,
                committee_title=m.committee_title,
                meeting_date=m.date,
                source_url=source_url,
                restricted=it.restricted,
                imported_at=datetime.now(timezone.utc),
            )
            if it.minute_number and _norm_number(it.minute_number) in printed:
                prev = self._minute_state(m.id, item_key)
                if prev is not None and prev["doc_id"]:
                    self.library.delete_document(prev["doc_id"])  # written before the printed minutes came
                self._put_minute(row, status="superseded", doc_id=None)
                if prev is None or prev["status"] != "superseded":
                    report.superseded += 1
                    self.log(f"superseded  minute {it.minute_number} ({it.title}): the printed minutes carry it")
                continue
            what = f"minute {it.minute_number}" if it.minute_number else f"item {it.number}"
            overrides = {
                "committee": m.committee_title,
                "meeting_date": m.date,
                "doc_type": "minutes",
                "title": f"{m.committee_title or 'Meeting'} {m.date or ''}: {what}, {it.title}".strip(),
                "source_url": source_url,
                "restricted": True if it.restricted else None,
                "item": it.override(with_minute=True),
            }
            result = self.library.ingest_bytes(body, f"mg{m.id}-ai{item_key}-minute.html", overrides)
            if result.status == "failed":
                report.failed.append(f"{what} of meeting {m.id}: {result.error}")
                self.log(f"failed      {what}: {result.error}")
                continue
            if result.status in ("added", "replaced"):
                report.minutes += 1
                (report.added if result.status == "added" else report.replaced).append(source_url + f"#{item_key}")
                self.log(f"{result.status:<11} {what} ({it.title}) from the XML -> {result.doc_id}")
            self._put_minute(row, status="imported", doc_id=result.doc_id)

    def _minute_state(self, meeting_id: str, agenda_item_id: str) -> Any:
        with self.engine.connect() as c:
            return (
                c.execute(
                    select(minutes_table.c.doc_id, minutes_table.c.status).where(
                        and_(
                            minutes_table.c.base_url == self.base,
                            minutes_table.c.meeting_id == meeting_id,
                            minutes_table.c.agenda_item_id == agenda_item_id,
                        )
                    )
                )
                .mappings()
                .first()
            )

    def _put_minute(self, row: dict[str, Any], **values: Any) -> None:
        key = and_(
            minutes_table.c.base_url == row["base_url"],
            minutes_table.c.meeting_id == row["meeting_id"],
            minutes_table.c.agenda_item_id == row["agenda_item_id"],
        )
        with self.engine.begin() as c:
            c.execute(delete(minutes_table).where(key))
            c.execute(minutes_table.insert().values(**{**row, **values}))

    # ------------------------------------------------------------------ attendance, the meeting's record
    def _attendance(self, m: records.Meeting, report: ImportReport) -> None:
        rows = [
            dict(
                base_url=self.base,
                meeting_id=m.id,
                seq=n,
                member_id=a.member_id,
                name=a.name,
                role_description=a.role_description,
                attendance=a.attendance,
                role=a.role,
                party=a.party,
                ward=a.ward,
                representing=a.representing,
            )
            for n, a in enumerate(m.attendees)
        ]
        with self.engine.begin() as c:
            c.execute(
                delete(attendance_table).where(
                    and_(attendance_table.c.base_url == self.base, attendance_table.c.meeting_id == m.id)
                )
            )
            if rows:
                c.execute(attendance_table.insert(), rows)
        report.attendees += len(rows)

    def _record_meeting(self, m: records.Meeting, response_sha: str, *, complete: bool) -> None:
        row = dict(
            base_url=self.base,
            meeting_id=m.id,
            committee_id=m.committee_id,
            committee_title=m.committee_title,
            meeting_date=m.date,
            meeting_time=records.clock(m.time) or m.time,
            status=m.status,
            url=m.url,
            minutes_published=m.minutes_published,
            response_sha=response_sha,
            complete=complete,
            imported_at=datetime.now(timezone.utc),
        )
        with self.engine.begin() as c:
            c.execute(
                delete(meetings_table).where(
                    and_(meetings_table.c.base_url == self.base, meetings_table.c.meeting_id == m.id)
                )
            )
            c.execute(meetings_table.insert().values(**row))


@dataclass(frozen=True)
class AttendanceRecord:
    name: str
    role: str  # present | apologies | substitute | in_attendance | absent | expected | unknown
    attendance: str | None  # as the site says it
    role_description: str | None
    member_id: str | None
    representing: str | None = None  # whom or what they attend for (an officer's post, an outside body)
    party: str | None = None
    ward: str | None = None


def attendance(library: Any, base_url: str, meeting_id: str) -> list[AttendanceRecord]:
    """Who the site lists for an imported meeting, in its order."""
    with library.store.engine.connect() as c:
        rows = c.execute(
            select(attendance_table)
            .where(
                and_(attendance_table.c.base_url == base_url.rstrip("/"), attendance_table.c.meeting_id == meeting_id)
            )
            .order_by(attendance_table.c.seq)
        ).mappings()
        return [
            AttendanceRecord(
                r["name"],
                r["role"],
                r["attendance"],
                r["role_description"],
                r["member_id"],
                r["representing"],
                r["party"],
                r["ward"],
            )
            for r in rows
        ]


def import_moderngov(
    library: Any,
    base_url: str,
    *,
    committee: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    refresh: bool = False,
    min_interval_s: float | None = None,
    timeout_s: float | None = None,
    retries: int | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> ImportReport:
    s = library.settings
    client = ModernGovClient(
        base_url,
        min_interval_s=s.moderngov_interval_s if min_interval_s is None else min_interval_s,
        timeout_s=s.moderngov_timeout_s if timeout_s is None else timeout_s,
        retries=s.moderngov_retries if retries is None else retries,
        backoff_s=s.moderngov_backoff_s,
        backoff_max_s=s.moderngov_backoff_max_s,
        user_agent=s.moderngov_user_agent,
    )
    with client:
        return ModernGovImporter(library, client, log=log).run(
            committee=committee, date_from=date_from, date_to=date_to, refresh=refresh
        )
