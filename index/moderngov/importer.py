"""ModernGov → Library: list meetings, download their papers, ingest with the council's own records.

What the web service says wins over what ingestion infers (index/overrides.py): the committee and
date of the meeting, agenda item numbers, minute numbers and `isrestricted`. Each document also
records its meeting page URL (`documents.source_url`) so a citation can link back to the council's
site.

Incremental: every attachment URL seen is remembered in `moderngov_documents` with its ETag and
Last-Modified; the next run asks with If-None-Match / If-Modified-Since and skips on 304, and a
200 with the same bytes is still "unchanged" (the Library dedupes by sha256).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import PurePosixPath
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, select

from index.moderngov import records
from index.moderngov.client import ModernGovClient, ModernGovError

_md = MetaData()
# Created by migration 0002 (index/migrations); this is only the importer's view of it.
seen_table = Table(
    "moderngov_documents", _md,
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
)


@dataclass
class ImportReport:
    meetings: int = 0
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.added) + len(self.replaced)

    def summary(self) -> str:
        return (f"{self.meetings} meetings: {len(self.added)} added, {len(self.replaced)} replaced, "
                f"{len(self.unchanged) + len(self.not_modified)} already imported, {len(self.failed)} failed")


def _source_name(meeting_id: str, doc: records.LinkedDocument) -> str:
    """A file name unique per attachment: ModernGov reuses names like "Printed minutes.pdf" across
    meetings, and the Library treats a repeated name as a new version of the same paper."""
    base = unquote(PurePosixPath(urlsplit(doc.url).path).name) or (doc.title or "document")
    base = re.sub(r"[^\w.\- ]+", "_", base).strip() or "document"
    if not base.lower().endswith(".pdf"):
        base += ".pdf"
    return f"mg{meeting_id}-{doc.attachment_id or 'x'}-{base}"


def resolve_committees(client: ModernGovClient, committee: str | None) -> list[records.Committee]:
    found = records.committees(client.call("GetCommittees"))
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
        raise ModernGovError(f"no committee matching {committee!r} on {client.base_url} "
                             f"({len(found)} committees listed; pass the id or the exact title)")
    raise ModernGovError(f"{committee!r} matches {len(partial)} committees: "
                         + "; ".join(f"{c.id} {c.title}" for c in partial[:8]) + " — pass the id")


class ModernGovImporter:
    def __init__(self, library: Any, client: ModernGovClient, *, log: Callable[[str], None] = lambda _: None):
        self.library = library
        self.client = client
        self.log = log
        self.engine = library.store.engine   # opening the store runs the migrations (our table too)

    def run(self, *, committee: str | None = None, date_from: date | None = None,
            date_to: date | None = None) -> ImportReport:
        date_to = date_to or date.today()
        date_from = date_from or (date_to - timedelta(days=365))
        if date_from > date_to:
            raise ModernGovError(f"--from {date_from} is after --to {date_to}")
        report = ImportReport()
        for c in resolve_committees(self.client, committee):
            refs = records.meetings(self.client.call("GetMeetings", lCommitteeId=c.id,
                                                     sFromDate=records.uk_date(date_from),
                                                     sToDate=records.uk_date(date_to)))
            for ref in refs:
                if ref.date is not None and not (date_from <= ref.date <= date_to):
                    continue   # some sites return the whole year; keep to what was asked
                m = records.meeting(self.client.call("GetMeeting", lMeetingId=ref.id), self.client.base_url)
                report.meetings += 1
                self._meeting(m, c, report)
        return report

    def _meeting(self, m: records.Meeting, committee: records.Committee, report: ImportReport) -> None:
        common = {"committee": m.committee_title or committee.title, "meeting_date": m.date,
                  "source_url": m.url}
        agenda = [it.override() for it in m.items]
        for doc in m.documents:   # the agenda pack, minutes: the whole agenda applies
            self._document(m, doc, {**common, "items": agenda, "restricted": True if doc.restricted else None},
                           report)
        for it in m.items:        # reports attached to one item: that item's number and flag
            for doc in it.documents:
                item = it.override()
                if doc.restricted:
                    item["restricted"] = True
                self._document(m, doc, {**common, "item": item}, report)

    def _document(self, m: records.Meeting, doc: records.LinkedDocument, overrides: dict[str, Any],
                  report: ImportReport) -> None:
        with self.engine.connect() as c:
            prev = c.execute(select(seen_table).where(seen_table.c.url == doc.url)).mappings().first()
        known = prev is not None and prev["doc_id"] and self.library.store.get_document(prev["doc_id"]) is not None
        try:
            got = self.client.download(doc.url, etag=prev["etag"] if known else None,
                                       last_modified=prev["last_modified"] if known else None)
        except ModernGovError as e:
            if "refused access" in str(e) or "rate-limiting" in str(e):
                raise   # blocked: stop rather than hammer the site document by document
            report.failed.append(f"{doc.url}: {e}")
            self.log(f"failed      {doc.url}: {e}")
            return
        if got.not_modified:
            report.not_modified.append(doc.url)
            self.log(f"unchanged   {doc.title or doc.url} (304)")
            return
        if not got.data.lstrip()[:5].startswith(b"%PDF-"):
            report.failed.append(f"{doc.url}: not a PDF")
            self.log(f"failed      {doc.url}: not a PDF")
            return
        result = self.library.ingest_bytes(got.data, _source_name(m.id, doc), overrides)
        self.log(f"{result.status:<11} {doc.title or doc.url} -> {result.doc_id or '-'}")
        {"added": report.added, "replaced": report.replaced, "unchanged": report.unchanged}.get(
            result.status, report.failed).append(doc.url if result.status != "failed" else f"{doc.url}: {result.error}")
        if result.status == "failed":
            return
        row = dict(url=doc.url, base_url=self.client.base_url, attachment_id=doc.attachment_id, meeting_id=m.id,
                   meeting_url=m.url, etag=got.etag, last_modified=got.last_modified, doc_id=result.doc_id,
                   status="imported", imported_at=datetime.now(timezone.utc))
        with self.engine.begin() as c:
            c.execute(seen_table.delete().where(seen_table.c.url == doc.url))
            c.execute(seen_table.insert().values(**row))


def import_moderngov(library: Any, base_url: str, *, committee: str | None = None, date_from: date | None = None,
                     date_to: date | None = None, min_interval_s: float = 1.0,
                     log: Callable[[str], None] = lambda _: None) -> ImportReport:
    with ModernGovClient(base_url, min_interval_s=min_interval_s) as client:
        return ModernGovImporter(library, client, log=log).run(committee=committee, date_from=date_from,
                                                               date_to=date_to)
