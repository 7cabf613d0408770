"""`cllr import moderngov` end to end against a replay of a real ModernGov site.

Every mgWebService answer served here is one a council's site really gave, recorded by a public
repository and kept unchanged in ../shared/moderngov beside the checkout (third-party data stays out
of this repo; the README there gives the repository, path and commit). The replay server, a real HTTP
server on 127.0.0.1, changes only the site's origin in absolute URLs. What a site answers when it is
not ModernGov (an error page, a 403, a web server's HTML page) is written at test time by Python's own
http.server, never by hand. The papers the answers link to (mgConvert2PDF.aspx?ID=…) are the project's
own sample PDFs, each attachment's copy made distinct by a trailing PDF comment so the library sees one
paper per attachment. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import html
import itertools
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cllr.settings import Settings
from index.library import Library
from index.moderngov import records
from index.moderngov.client import ModernGovClient
from index.moderngov.importer import (
    ImportReport,
    ModernGovImporter,
    attendance,
    attendance_table,
    meetings_table,
    minutes_table,
    seen_table,
)
from tests.fixtures.moderngov_recordings import RECORDINGS, recording

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"
REPORT_PDF = (SAMPLES / "northshire_cssc_2025-01-14_agenda_pack.pdf").read_bytes()
MINUTES_PDF = (SAMPLES / "northshire_cssc_2025-01-14_minutes.pdf").read_bytes()
BROWSER = re.compile(r"^Mozilla/5\.0 \(")


@dataclass(frozen=True)
class Source:
    """One council's recorded answers (files in ../shared/moderngov) and what an import of them covers."""

    name: str
    origin: str  # as recorded (case-insensitive)
    committees: str
    meetings: str  # GetMeetings for `committee_id`
    meeting_files: dict[str, str]  # lMeetingId -> GetMeeting answer
    committee_id: str
    committee: str
    span: tuple[str, str]  # --from, --to: the recorded meetings inside it
    cancelled: tuple[str, ...]  # cancelled meetings listed inside the span
    question: str  # answerable from the XML's minutes alone
    answer_minute: str
    cancelled_span: tuple[str, str]  # --from, --to holding only cancelled meetings
    roles: dict[str, int]  # attendees of the recorded meetings by role, as read by hand
    folder: str | None = None  # its folder under ../shared/moderngov (None: the top level)

    def path(self, name: str) -> Path:
        return recording(name, self.folder)


MANCHESTER = Source(
    "manchester",
    "https://democracy.manchester.gov.uk",
    "committees.xml",
    "meetings.xml",
    {"4967": "meeting_with_minutes.xml", "4966": "meeting_no_minutes.xml"},
    "144",
    "Audit Committee",
    ("2026-01-01", "2026-02-28"),
    ("4966",),
    "What did the Audit Committee consider about its future work programme?",
    "9",
    ("2026-01-01", "2026-01-31"),
    {"expected": 1},
)
# A special Cabinet meeting with published minutes and a decision (ieDecisionDetails), six papers on
# two items, attendees present and in attendance; the listing has twenty meetings, one cancelled.
GLOUCESTER = Source(
    "gloucester",
    "https://democracy.gloucester.gov.uk",
    "GetCommittees.xml",
    "GetMeetings.xml",
    {"7837": "GetMeeting_7837.xml"},
    "129",
    "Cabinet",
    ("2025-11-13", "2025-12-09"),
    (),
    "What did the Cabinet resolve about the proposal for Local Government Reorganisation?",
    "55",
    ("2024-06-01", "2024-06-30"),
    {"present": 7, "in_attendance": 6},
    folder="gloucester",
)
SOURCES = [MANCHESTER, GLOUCESTER]


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    delay_s: float = 0.0


@dataclass(frozen=True)
class ErrorPage:
    """http.server's own error page for `status` (send_error): what a plain web server or a firewall
    in front of the site writes."""

    status: int


@dataclass(frozen=True)
class DirectoryListing:
    """http.server's listing of `folder`, 200 text/html: an ordinary web page where XML belongs."""

    folder: Path
    status: int = 200


Reply = Answer | ErrorPage | DirectoryListing


@dataclass
class ReplaySite:
    """A ModernGov site at the server's root, answering from the recorded files."""

    source: Source
    answers: dict[str, Reply] = field(default_factory=dict)  # "GetMeeting" or "doc:ID": what to answer instead
    browsers_only: bool = True  # like several councils' firewalls: 403 unless a browser asks
    log: list[tuple[str, dict[str, str], int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self

        class Handler(SimpleHTTPRequestHandler):  # for its send_error and list_directory pages
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                a = site.answer(self.path, dict(self.headers))
                site.log.append((self.path, dict(self.headers), a.status))
                try:
                    if isinstance(a, ErrorPage):
                        self.send_error(a.status)
                        return
                    if isinstance(a, DirectoryListing):
                        page = self.list_directory(str(a.folder))
                        if page is not None:
                            self.copyfile(page, self.wfile)
                        return
                    if a.delay_s:
                        time.sleep(a.delay_s)
                    self.send_response(a.status)
                    self.send_header("Content-Type", a.content_type)
                    self.send_header("Content-Length", str(len(a.body)))
                    if a.content_type == "application/pdf":
                        self.send_header("ETag", f'"{hash(a.body) & 0xFFFFFFFF:08x}"')
                        self.send_header("Last-Modified", "Mon, 02 Feb 2026 09:00:00 GMT")
                    self.end_headers()
                    self.wfile.write(a.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def recorded(self, name: str) -> bytes:
        """The recorded answer with the site's origin replaced by the replay's: the only change."""
        data = self.source.path(name).read_bytes()
        return re.sub(re.escape(self.source.origin).encode(), self.root.encode(), data, flags=re.I)

    def pdf(self, attachment: str) -> bytes:
        base = MINUTES_PDF if attachment in self.minutes_attachments() else REPORT_PDF
        return base + f"\n%replay attachment {attachment}\n".encode()

    def minutes_attachments(self) -> set[str]:
        out = set()
        for f in self.source.meeting_files.values():
            for it in ET.parse(self.source.path(f)).getroot().iter("agendaitem"):
                if re.match(r"\s*minutes\b", it.findtext("agendaitemtitle") or "", re.I):
                    out |= {d.findtext("attachmentid", "").strip() for d in it.iter("linkeddoc")}
        return out

    def answer(self, raw: str, headers: dict[str, str]) -> Reply:
        u = urlsplit(raw)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        xml = "text/xml; charset=utf-8"
        if self.browsers_only and not BROWSER.match(headers.get("User-Agent", "")):
            return ErrorPage(403)
        method = u.path.rsplit("/", 1)[-1] if u.path.startswith("/mgWebService.asmx/") else None
        key = method or (f"doc:{q.get('ID')}" if u.path == "/mgConvert2PDF.aspx" else None)
        if key in self.answers:
            return self.answers[key]
        if method == "GetCommittees":
            return Answer(200, xml, self.recorded(self.source.committees))
        if method == "GetMeetings" and q.get("lCommitteeId") in (self.source.committee_id, "-1"):
            for k in ("sFromDate", "sToDate"):  # ModernGov wants UK dates
                date(*reversed([int(x) for x in q[k].split("/")]))
            return Answer(200, xml, self.recorded(self.source.meetings))
        if method == "GetMeeting" and q.get("lMeetingId") in self.source.meeting_files:
            return Answer(200, xml, self.recorded(self.source.meeting_files[q["lMeetingId"]]))
        if key and key.startswith("doc:"):
            body = self.pdf(q["ID"])
            if headers.get("If-None-Match") == f'"{hash(body) & 0xFFFFFFFF:08x}"':
                return Answer(304, "application/pdf", b"")
            return Answer(200, "application/pdf", body)
        return ErrorPage(404)

    def calls(self, what: str) -> list[str]:
        return [p for p, _, _ in self.log if what in p]

    def __enter__(self) -> "ReplaySite":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(params=SOURCES, ids=lambda s: s.name)
def site(request: pytest.FixtureRequest) -> Iterator[ReplaySite]:
    source: Source = request.param
    for name in (source.committees, source.meetings, *source.meeting_files.values()):
        source.path(name)  # here, not in the server's thread: a missing recording fails or skips the test
    with ReplaySite(source) as s:
        yield s


def _cli(*args: str):
    from cllr.cli import app

    return CliRunner().invoke(app, list(args))


def _import(site: ReplaySite, data: Path, *extra: str, committee: bool = False):
    src = site.source
    args = [
        "import",
        "moderngov",
        "--base-url",
        site.root,
        "--from",
        src.span[0],
        "--to",
        src.span[1],
        "--interval",
        "0",
        "--data-dir",
        str(data),
        *extra,
    ]
    if committee:
        args += ["--committee", src.committee]
    return _cli(*args)


def _linkeddocs(site: ReplaySite) -> list[tuple[str, str, str, str]]:
    """(meeting id, agenda item id, agenda number, url) of every paper the recorded meetings list,
    read from the XML directly (not through the importer's own reader)."""
    out = []
    for mid, f in site.source.meeting_files.items():
        root = ET.fromstring(site.recorded(f))
        if re.search("cancel", root.findtext("meetingstatus") or "", re.I):
            continue
        for it in root.iter("agendaitem"):
            for d in it.iter("linkeddoc"):
                out.append(
                    (
                        mid,
                        it.findtext("agendaitemid", "").strip(),
                        it.findtext("agendaitemnumber", "").strip(),
                        d.findtext("url", "").strip(),
                    )
                )
    return out


def _xml_minutes(site: ReplaySite) -> list[dict[str, str]]:
    """Every agenda item whose minute or decision the recorded meetings carry, read from the XML
    directly: its ids, numbers, the title as the XML holds it (escaped twice) and the HTML."""
    out = []
    for mid, f in site.source.meeting_files.items():
        root = ET.fromstring(site.recorded(f))
        for it in root.iter("agendaitem"):
            body = (it.findtext("minutesnonemptyhtmlbody") or "").strip()
            decision = (it.findtext("decisionnonemptyhtmlbody") or "").strip()
            if body or decision:
                out.append(
                    {
                        "meeting": mid,
                        "id": it.findtext("agendaitemid", "").strip(),
                        "minute": it.findtext("minutesitemnumber", "").strip(),
                        "item": it.findtext("agendaitemnumber", "").strip(),
                        "title": it.findtext("agendaitemtitle", "").strip(),
                        "decision": decision,
                        "body": body or decision,
                    }
                )
    return out


def _words(fragment: str, n: int) -> str:
    """The first n words of an HTML fragment as a reader sees them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ").split()[:n])


def _rows(lib: Library, table) -> list[dict]:
    with lib.store.engine.connect() as c:
        return [dict(r) for r in c.execute(select(table)).mappings()]


def _root(name: str, folder: str | None = None) -> ET.Element:
    return ET.parse(recording(name, folder)).getroot()


# ---------------------------------------------------------------------------------------------- records


def test_records_read_each_real_answer() -> None:
    base = "https://council.test"
    listed = records.meetings(_root("meetings.xml"))
    assert [(r.id, r.committee_id, r.committee_title, r.date, r.status, r.cancelled) for r in listed] == [
        ("4966", "144", "Audit Committee", date(2026, 1, 13), "Cancelled", True),
        ("4967", "144", "Audit Committee", date(2026, 2, 10), "Confirmed", False),
    ]

    # GetMeeting names no committee: it comes from the listing's grouping
    answer = _root("meeting_with_minutes.xml")
    assert answer.find("committeeid") is None and answer.find("committeetitle") is None
    held = records.meeting(answer, base, listed[1])
    assert (held.committee_id, held.committee_title, held.date, records.clock(held.time)) == (
        "144",
        "Audit Committee",
        date(2026, 2, 10),
        "10:00",
    )
    assert held.url == f"{base}/ieListDocuments.aspx?CId=144&MId=4967"
    assert held.minutes_published and not held.decisions_published
    # the agenda's numbers (4, 12) are not the minutes' series (1, 9), which the site prints as "1.", "9."
    assert [(i.id, i.number, i.minute_number, i.display_number) for i in held.items] == [
        ("18831", "4", "1", "1."),
        ("18833", "12", "9", "9."),
    ]
    # minutes are HTML carried as XML text; no item is a decision
    assert all(i.minutes_html and i.minutes_html.startswith('<div class="WordSection1">') for i in held.items)
    assert [(i.is_decision, i.decision_html) for i in held.items] == [(False, None), (False, None)]
    # a title's runs of spaces read as one; papers are linkeddocuments/linkeddoc with absolute urls
    first = held.items[0].documents[0]
    assert (
        first.attachment_id,
        first.title,
        first.url,
        first.publication_date,
        first.owner_title,
        first.restricted,
        first.is_link,
    ) == (
        "60860",
        "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025",
        "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860",
        date(2026, 2, 2),
        "Minutes",
        False,
        False,
    )
    assert [(a.member_id, a.role_description, a.attendance, a.role) for a in held.attendees] == [
        ("192", "Committee Member", "Expected", "expected")
    ]

    # "empty" elements hold whitespace, optional elements are absent
    cancelled = records.meeting(_root("meeting_no_minutes.xml"), base, listed[0])
    assert cancelled.cancelled and cancelled.items == [] and cancelled.attendees[0].role == "expected"
    assert cancelled.location == "Council Antechamber, Level 2, Town Hall Extension"
    assert [(c.id, c.title, c.expired) for c in records.committees(_root("committees.xml"))] == [
        ("312", "Appointment Sub Committee for Director of Adult Social Services", True),
        ("163", "Art Galleries Committee", False),
        ("144", "Audit Committee", False),
    ]


def test_records_read_a_special_meeting_with_a_decision() -> None:
    """A city council's recorded answers: a special meeting, minutes numbered on from the last meeting,
    a decision beside its minute, titles escaped twice, officers in attendance."""
    base = "https://council.test"
    listed = records.meetings(_root("GetMeetings.xml", "gloucester"))
    assert len(listed) == 20 and {r.committee_title for r in listed} == {"Cabinet"}
    assert [(r.id, r.date) for r in listed if r.cancelled] == [("7506", date(2024, 6, 12))]
    special = next(r for r in listed if r.id == "7837")
    assert (special.status, special.cancelled, records.clock(special.time)) == (
        "Confirmed; Special Meeting",
        False,
        "12:30",
    )

    m = records.meeting(_root("GetMeeting_7837.xml", "gloucester"), base, special)
    assert not m.cancelled and m.minutes_published and m.decisions_published
    assert (m.committee_id, m.committee_title, m.date) == ("129", "Cabinet", date(2025, 11, 21))
    # the agenda runs 2-6, the minutes 51-55 (printed "51."); the XML escaped the apostrophe twice
    assert [(i.number, i.minute_number, i.display_number) for i in m.items] == [
        ("2", "51", "51."),
        ("3", "52", "52."),
        ("4", "53", "53."),
        ("5", "54", "54."),
        ("6", "55", "55."),
    ]
    assert m.items[3].title == "Leader and Cabinet Members' Question Time (15 minutes)"
    # one item is a decision: its HTML says RESOLVED and lists its parts
    decided = [i for i in m.items if i.is_decision]
    assert [i.id for i in decided] == ["44127"] and decided[0].decision_html and decided[0].minutes_html
    assert "RESOLVED" in decided[0].decision_html and records.decision_url(base, "44127") == (
        f"{base}/ieDecisionDetails.aspx?AIId=44127"
    )
    # seven papers on two items, absolute links on the site's own host (spelt with a capital)
    docs = [(i.number, d.attachment_id, d.restricted, d.is_link) for i in m.items for d in i.documents]
    assert docs == [("3", "65461", False, False)] + [("6", str(n), False, False) for n in range(65412, 65418)]
    assert m.items[1].documents[0].url == "https://democracy.Gloucester.gov.uk/mgConvert2PDF.aspx?ID=65461"
    # members present, officers in attendance representing their posts
    assert [(a.role, a.role_description) for a in m.attendees][:3] == [
        ("present", "Chair"),
        ("present", "Vice-Chair"),
        ("present", "Committee Member"),
    ]
    officers = [a for a in m.attendees if a.role == "in_attendance"]
    assert len(officers) == 6 and {a.role_description for a in officers} == {"Officer"}
    assert officers[0].representing == "Managing Director"
    assert len(records.committees(_root("GetCommittees.xml", "gloucester"))) == 131


# ---------------------------------------------------------------------------------------------- end to end


def test_each_source_imports_end_to_end_and_a_second_run_imports_nothing(site: ReplaySite, tmp_path: Path) -> None:
    src, data = site.source, tmp_path / "data"
    first = _import(site, data)
    assert first.exit_code == 0, first.output
    # every committee in one call (lCommitteeId=-1), UK dates on the wire, a browser-like User-Agent
    meetings_call = site.calls("GetMeetings")[0]
    assert "lCommitteeId=-1" in meetings_call and re.search(r"sFromDate=\d\d%2F\d\d%2F\d{4}", meetings_call)
    assert all(BROWSER.match(h.get("User-Agent", "")) for _, h, _ in site.log)
    assert all(status != 403 for _, _, status in site.log)
    # cancelled meetings are skipped without being asked for
    for mid in src.cancelled:
        assert not site.calls(f"lMeetingId={mid}")
    assert f"({len(src.cancelled)} cancelled" in first.output

    lib = Library(Settings(data_dir=data))
    seen = {r["url"]: r for r in _rows(lib, seen_table)}
    papers = _linkeddocs(site)
    assert papers and len(seen) == len(papers)
    docs = {d.doc_id: d for d in lib.documents(role="admin")}
    for mid, item_id, number, url in papers:
        # every linkeddoc imported, recorded against the agenda item it belongs to
        row = seen[url]
        assert (row["meeting_id"], row["agenda_item_id"], row["agenda_number"]) == (mid, item_id, number)
        d = docs[row["doc_id"]]
        assert d.source_url == f"{site.root}/ieListDocuments.aspx?CId={src.committee_id}&MId={mid}"
        assert d.committee == src.committee
        chunks = lib.store.doc_chunks(d.doc_id)
        held = records.parse_uk_date(ET.fromstring(site.recorded(src.meeting_files[mid])).findtext("meetingdate"))
        if d.doc_type != "minutes":  # a report: the meeting's, cited to its item
            assert d.meeting_date == held and chunks and all(c.item == number for c in chunks)
        else:  # an earlier meeting's minutes, put to this one: dated by the paper
            assert d.meeting_date is not None and d.meeting_date < held

    # minutes and decisions from the XML: one minute record each, searchable and answerable
    xml_minutes = _xml_minutes(site)
    assert xml_minutes
    for m in xml_minutes:
        recs = [
            r
            for r in lib.minutes(number=m["minute"], committee=src.committee, role="public")
            if r.doc.source.endswith(".html")
        ]
        assert len(recs) == 1 and recs[0].agenda_item == m["item"], m
        # the title as people read it: escaped twice in the XML ("Members&amp;#39;"), once unescaped by XML
        assert recs[0].title == " ".join(html.unescape(m["title"]).split()) and "&#" not in recs[0].title
        words = " ".join(re.sub(r"<[^>]+>|&[a-z#0-9]+;", " ", m["body"]).split()[:14])
        hits = lib.search(words, role="public", k=5)
        assert hits and hits[0].minute == m["minute"] and hits[0].doc_id == recs[0].doc.doc_id, (words, hits[:1])
        doc = lib.document(recs[0].doc.doc_id)
        assert doc is not None and doc.source_url == (
            f"{site.root}/ieDecisionDetails.aspx?AIId={m['id']}"
            if m["decision"]
            else f"{site.root}/ieListDocuments.aspx?CId={src.committee_id}&MId={m['meeting']}"
        )
        if not m["decision"]:
            continue
        # a decision: found by its own words, cited to its minute and the council's decision page
        said = _words(m["decision"], 30).split("RESOLVED")[-1].lstrip(" :")
        hits = lib.search(" ".join(said.split()[:14]), role="public", k=5)
        assert hits and hits[0].minute == m["minute"] and hits[0].doc_id == recs[0].doc.doc_id, (said, hits[:1])
        # in the decision register with its parts as printed ("(1) ...;", "(2) ..."), cited without a page
        labels = re.findall(
            r"(?m)^\s*\((\w{1,3})\)", "\n".join(_words(p, 3) for p in re.split(r"(?i)</p>", m["decision"]))
        )
        decided = [d.record for d in lib.decisions(role="public") if d.record.doc_id == recs[0].doc.doc_id]
        assert len(decided) == 1, decided
        assert [p["label"] for p in decided[0].parts] == labels and labels, (labels, decided[0].parts)
        assert decided[0].source_url == doc.source_url and decided[0].cite.endswith(f"minute {m['minute']}")

    from service.engine import build_engine

    engine = build_engine(Settings(data_dir=data), library=lib)
    res = engine.ask(src.question)
    assert not res.abstained, res.answer
    cite = next(c for c in res.citations if c.item == src.answer_minute)
    assert cite.kind == "minute" and not cite.paged and "PDF p." not in cite.describe()
    assert f"minute {src.answer_minute}" in res.answer
    assert cite.source_url and cite.source_url.startswith(site.root)
    answered = next(m for m in xml_minutes if m["minute"] == src.answer_minute)
    if answered["decision"]:
        assert cite.source_url == f"{site.root}/ieDecisionDetails.aspx?AIId={answered['id']}"
        # what has been decided about it: the register's timeline, the minute cited by number, no page
        res = engine.ask(f"What has been decided about {html.unescape(answered['title'])}?")
        assert res.debug.get("route") == "decision timeline" and res.citations, res.answer
        step = next(c for c in res.citations if c.item == src.answer_minute)
        assert step.source_url == cite.source_url and not step.paged
        assert f"— minute {src.answer_minute}]" in res.answer and "p. " not in res.answer, res.answer
        assert ";;" not in res.answer and "; ;" not in res.answer, res.answer

    # attendance as the site lists it, each with a role read from it; the meeting as the site states it
    roles: dict[str, int] = {}
    statuses = {r["meeting_id"]: r["status"] for r in _rows(lib, meetings_table)}
    for mid, f in src.meeting_files.items():
        if mid in src.cancelled:
            continue
        root = ET.fromstring(site.recorded(f))
        assert statuses[mid] == root.findtext("meetingstatus", "").strip()
        listed = list(root.iter("attendee"))
        got = attendance(lib, site.root, mid)
        assert [(a.name, a.attendance, a.role_description, a.representing) for a in got] == [
            (a.get("name"), a.get("attendance"), a.get("roledescription"), a.get("representing")) for a in listed
        ]
        for a in got:
            roles[a.role] = roles.get(a.role, 0) + 1
    assert roles == src.roles

    # a second run imports nothing and asks the site only for the listing: the meetings are settled
    site.log.clear()
    second = _import(site, data)
    assert second.exit_code == 0, second.output
    assert "0 added, 0 replaced" in second.output and "already complete" in second.output
    assert not site.calls("GetMeeting?") and not site.calls("mgConvert2PDF")
    # --refresh asks again: every paper answers 304, nothing is imported
    site.log.clear()
    third = _import(site, data, "--refresh")
    assert third.exit_code == 0, third.output
    assert "0 added, 0 replaced" in third.output
    downloads = [(h, status) for p, h, status in site.log if "mgConvert2PDF" in p]
    assert len(downloads) == len(papers) and all(s == 304 and "If-None-Match" in h for h, s in downloads)
    assert len(Library(Settings(data_dir=data)).documents(role="admin")) == len(docs)


def test_a_named_committee_is_listed_by_its_own_id(site: ReplaySite, tmp_path: Path) -> None:
    res = _import(site, tmp_path / "data", committee=True)
    assert res.exit_code == 0, res.output
    assert site.calls("GetCommittees") and site.calls(f"lCommitteeId={site.source.committee_id}")
    assert not site.calls("lCommitteeId=-1")
    assert "1 meetings" in res.output


def test_cancelled_meetings_are_skipped(site: ReplaySite, tmp_path: Path) -> None:
    """A month whose only meeting the listing marks "Cancelled": listed, never asked for, nothing imported."""
    start, end = site.source.cancelled_span
    res = _cli(
        "import",
        "moderngov",
        "--base-url",
        site.root,
        "--from",
        start,
        "--to",
        end,
        "--interval",
        "0",
        "--data-dir",
        str(tmp_path / "data"),
    )
    assert res.exit_code == 0, res.output
    assert "0 meetings (1 cancelled" in res.output and not site.calls("GetMeeting?")
    _nothing_imported(tmp_path / "data")


def test_printed_minutes_hold_a_minute_once(tmp_path: Path) -> None:
    """The XML's minutes 1 and 9 are indexed until printed minutes of the same committee and day carry
    them; then those minutes are the printed paper's (page citations) and the XML ones are withdrawn."""
    from ingest.samples.layout import SamplePdf, heading, page, para, title
    from ingest.samples.render import render_pdf

    data = tmp_path / "data"
    with ReplaySite(MANCHESTER) as site:
        assert _import(site, data).exit_code == 0
        lib = Library(Settings(data_dir=data))
        xml_docs = {
            r.doc.doc_id
            for r in lib.minutes(committee="Audit Committee", role="admin")
            if r.doc.source.endswith(".html")
        }
        assert len(xml_docs) == 2
        # the printed minutes run 1 to 9 (the recorded answer was trimmed to two of its items)
        titles = (
            "Minutes",
            "Declarations of Interest",
            "Urgent Business",
            "Internal Audit Progress Report",
            "Risk Management Update",
            "External Audit Plan",
            "Treasury Management",
            "Counter Fraud Update",
            "Work Programme",
        )
        minutes = [
            b for n, t in enumerate(titles, 1) for b in (heading(f"{n} {t}"), para("The Committee noted the report."))
        ]
        printed = SamplePdf(
            "printed.pdf",
            "Audit Committee - Minutes",
            "minutes",
            (
                page(
                    1,
                    title("AUDIT COMMITTEE"),
                    para("Minutes of the meeting held on Tuesday 10 February 2026 at 10.00 am"),
                    *minutes,
                ),
            ),
        )
        up = lib.ingest_bytes(
            render_pdf(printed), "printed-minutes.pdf", {"committee": "Audit Committee", "meeting_date": "2026-02-10"}
        )
        assert up.status == "added"
        res = _import(site, data, "--refresh")
        assert res.exit_code == 0, res.output
        assert "2 left to printed minutes" in res.output, res.output
        lib = Library(Settings(data_dir=data))
        left = lib.minutes(committee="Audit Committee", date_from="2026-02-10", date_to="2026-02-10", role="admin")
        printed_numbers = sorted((r.number for r in left if r.doc.doc_id == up.doc_id), key=int)
        assert printed_numbers == [str(n) for n in range(1, 10)]
        assert not [r for r in left if r.doc.source.endswith(".html")], (
            res.output,
            [(r.number, r.doc.source) for r in left],
        )
        assert all(lib.document(d, role="admin") is None for d in xml_docs)
        assert {r["status"] for r in _rows(lib, minutes_table)} == {"superseded"}
        # a later run does not bring them back
        assert "0 added" in _import(site, data, "--refresh").output


def test_a_restricted_item_s_minute_is_part_two(tmp_path: Path) -> None:
    """The recorded site has no exempt item, so the flag is set on the parsed record of a real
    answer: that item's minute is a restricted document and a restricted minute record."""
    from dataclasses import replace

    lib = Library(Settings(data_dir=tmp_path / "data"))
    listed = next(r for r in records.meetings(_root("meetings.xml")) if r.id == "4967")
    m = records.meeting(_root("meeting_with_minutes.xml"), "https://council.test", listed)
    items = [replace(i, documents=[], restricted=i.minute_number == "9") for i in m.items]
    m = replace(m, items=items)
    with ModernGovClient("https://council.test", transport=httpx.MockTransport(lambda r: httpx.Response(500))) as c:
        ModernGovImporter(lib, c)._meeting(m, "sha", ImportReport())
    words = "Governance Scrutiny Support Unit future Work Programme remainder municipal year"
    assert all(h.minute != "9" for h in lib.search(words, role="public", k=10))
    member = lib.search(words, role="member", k=3)
    assert member and member[0].minute == "9" and member[0].restricted
    assert not lib.minutes(number="9", role="public")
    assert [r.restricted for r in lib.minutes(number="9", role="member")] == [True]
    assert sorted(r.number for r in lib.minutes(role="public")) == ["1"]


# ---------------------------------------------------------------------------------------------- errors


def _nothing_imported(data: Path) -> None:
    lib = Library(Settings(data_dir=data))
    assert lib.documents(role="admin") == []
    for table in (seen_table, minutes_table, meetings_table, attendance_table):
        assert _rows(lib, table) == []


def _one_line_error(res, *needles: str) -> str:
    assert res.exit_code == 1, res.output
    errors = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.output
    for n in needles:
        assert n in errors[0], errors[0]
    return errors[0]


def test_an_html_page_for_getmeeting_is_one_line_and_nothing_is_imported(tmp_path: Path) -> None:
    """A web server's own page (http.server's directory listing, 200 text/html) where GetMeeting's XML belongs."""
    with ReplaySite(MANCHESTER, answers={"GetMeeting": DirectoryListing(RECORDINGS)}) as site:
        res = _import(site, tmp_path / "data")
        line = _one_line_error(res)
        assert re.fullmatch(
            rf"error: {re.escape(site.root)} GetMeeting\(lMeetingId=4967\): the site answered with an HTML page, "
            r"page titled 'Directory listing for /mgWebService\.asmx/GetMeeting[^']*', not ModernGov XML: it is not "
            r"a ModernGov web service at that address, or an error or firewall page stands in front of it",
            line,
        ), line
    _nothing_imported(tmp_path / "data")


def test_a_wrong_root_is_one_line_and_nothing_is_imported(tmp_path: Path) -> None:
    """The site's own GetCommittees answer where GetMeeting's should be: XML, but not a meeting."""
    with ReplaySite(MANCHESTER) as site:
        site.answers["GetMeeting"] = Answer(200, "text/xml; charset=utf-8", site.recorded("committees.xml"))
        res = _import(site, tmp_path / "data")
        _one_line_error(res, site.root, "GetMeeting(lMeetingId=4967)", "<committees>", "<meeting>")
    _nothing_imported(tmp_path / "data")


def test_a_403_on_a_paper_stops_the_import_and_leaves_nothing_of_the_meeting(tmp_path: Path) -> None:
    """A firewall refuses the second of the meeting's two papers: the first, already downloaded, the
    XML's minutes and the attendance are not written either."""
    with ReplaySite(MANCHESTER) as site:
        site.answers["doc:60909"] = ErrorPage(403)
        res = _import(site, tmp_path / "data")
        _one_line_error(
            res, site.root, "mgConvert2PDF.aspx?ID=60909", "refused access (HTTP 403", "page titled 'Error response'"
        )
        assert site.calls("mgConvert2PDF") == ["/mgConvert2PDF.aspx?ID=60860", "/mgConvert2PDF.aspx?ID=60909"]
    _nothing_imported(tmp_path / "data")


def test_a_site_that_refuses_non_browsers_is_one_line(tmp_path: Path) -> None:
    with ReplaySite(MANCHESTER) as site:
        assert (
            httpx.get(
                site.root + "/mgWebService.asmx/GetCommittees", headers={"User-Agent": "python-httpx"}
            ).status_code
            == 403
        )
        site.answers["GetMeetings"] = ErrorPage(403)
        res = _import(site, tmp_path / "data")
        _one_line_error(res, site.root, "GetMeetings(lCommitteeId=-1", "refused access (HTTP 403")
    _nothing_imported(tmp_path / "data")


def test_a_slow_site_is_retried_then_resumed_on_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLLR_MODERNGOV_BACKOFF_S", "0.05")
    data = tmp_path / "data"
    with ReplaySite(MANCHESTER) as site:
        slow = Answer(200, "application/pdf", site.pdf("60909"), delay_s=1.0)
        site.answers["doc:60909"] = slow
        res = _import(site, data, "--timeout", "0.3", "--retries", "1")
        _one_line_error(
            res, "mgConvert2PDF.aspx?ID=60909", "no answer within the timeout after 2 tries", "next run carries on"
        )
        assert len(site.calls("ID=60909")) == 2
        _nothing_imported(data)
        del site.answers["doc:60909"]  # the site is quick again
        again = _import(site, data, "--timeout", "0.3", "--retries", "1")
        assert again.exit_code == 0, again.output
        assert "1 meetings" in again.output
    assert len(Library(Settings(data_dir=data)).documents(role="admin")) == 4  # 2 papers + 2 minutes


# ---------------------------------------------------------------------------------------------- client


def _client(handler, sleeps: list[float]) -> ModernGovClient:
    return ModernGovClient(
        "http://council.test",
        min_interval_s=0,
        backoff_s=0.5,
        retries=3,
        backoff_max_s=5.0,
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
    )


def test_client_retries_timeouts_and_busy_answers_with_backoff() -> None:
    committees = recording("committees.xml").read_bytes()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if len(seen) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if len(seen) == 2:
            return httpx.Response(503)
        if len(seen) == 3:
            return httpx.Response(429, headers={"Retry-After": "70"})
        return httpx.Response(200, content=committees)

    sleeps: list[float] = []
    root = _client(handler, sleeps).call("GetCommittees", ("committees",))
    assert root.tag == "committees" and len(seen) == 4
    assert sleeps == [0.5, 1.0, 5.0, 2.0]  # backoff doubles; Retry-After 70 capped at 5, then backoff


def test_client_keeps_its_distance() -> None:
    committees = recording("committees.xml").read_bytes()
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(time.monotonic())
        return httpx.Response(200, content=committees)

    client = ModernGovClient("http://council.test", min_interval_s=0.2, transport=httpx.MockTransport(handler))
    for _ in range(3):
        client.call("GetCommittees")
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(stamps))


def test_non_moderngov_site_gives_a_clear_error(tmp_path: Path) -> None:
    with ReplaySite(MANCHESTER) as site:
        res = _cli(
            "import",
            "moderngov",
            "--base-url",
            site.root + "/not-democracy",
            "--interval",
            "0",
            "--data-dir",
            str(tmp_path / "data"),
        )
        _one_line_error(res, "does not look like a ModernGov site", "mgWebService.asmx")


def test_unknown_committee_name_is_a_clear_error(tmp_path: Path) -> None:
    with ReplaySite(MANCHESTER) as site:
        res = _cli(
            "import",
            "moderngov",
            "--base-url",
            site.root,
            "--committee",
            "Licensing Sub-Committee Z",
            "--interval",
            "0",
            "--data-dir",
            str(tmp_path / "data"),
        )
        _one_line_error(res, "no committee matching 'Licensing Sub-Committee Z'")
