"""`cllr import moderngov` end to end against a local replay of a ModernGov site.

The server below answers mgWebService.asmx the way ModernGov does (namespaced XML, dd/mm/yyyy dates,
agenda items with agendaitemnumber / minutesitemnumber / isrestricted and linked documents) and
serves PDFs the test renders with reportlab, with ETags, so the second run can be answered with 304s.
Nothing leaves 127.0.0.1.
"""
from __future__ import annotations

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from cllr.settings import Settings
from index.library import Library
from index.moderngov.client import ModernGovClient, ModernGovError
from ingest.samples.layout import SamplePdf, heading, page, para, sub, title
from ingest.samples.render import render_pdf

NS = "http://moderngov.co.uk/namespaces"
MEETING_ID, COMMITTEE_ID, OTHER_COMMITTEE = "4321", "137", "211"

MINUTES = SamplePdf("minutes.pdf", "Eastvale Borough Council - Cabinet - Minutes - 3 March 2025", "minutes", (
    page(1, title("EASTVALE BOROUGH COUNCIL"), heading("CABINET"),
         para("Minutes of the meeting held on Monday 3 March 2025 at 6.00 pm in the Civic Centre"),
         para("Present: Councillor Jane Rowe (Leader) and Councillors Amir Khan and Beth Lloyd"),
         heading("101 Apologies for Absence"), para("Apologies were received from Councillor Tim Ford."),
         heading("102 Home to School Transport Policy 2025/26"),
         para("The Cabinet considered the revised home to school transport policy. Discretionary bus passes "
              "for post-16 students will cost £320 a year from September 2025."),
         sub("RESOLVED:"), para("That the Home to School Transport Policy 2025/26 be approved."),
         heading("103 Disposal of Land at Mill Lane"),
         # nothing in the text says "exempt": only ModernGov's isrestricted knows this item is Part II
         para("The Cabinet considered the report on the disposal of land at Mill Lane to Eastvale Homes."),
         sub("RESOLVED:"), para("That the land at Mill Lane be sold to Eastvale Homes for £1.25 million.")),))

REPORT = SamplePdf("report.pdf", "Home to School Transport Policy 2025/26", "report", (
    page(1, title("EASTVALE BOROUGH COUNCIL"), heading("Report to Cabinet - 3 March 2025"),
         heading("Home to School Transport Policy 2025/26"),
         para("1. Purpose. This report proposes the home to school transport policy for 2025/26."),
         para("2. Recommendation. The Cabinet is asked to approve the policy. The charge for a discretionary "
              "post-16 bus pass would rise from £290 to £320 a year.")),))


def _xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}'.encode()


def committees_xml() -> bytes:
    return _xml(f"""<getcommittees xmlns="{NS}"><committees>
  <committee><committeeid>{COMMITTEE_ID}</committeeid><committeetitle>Cabinet</committeetitle>
    <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired>
    <committeecategory>Executive</committeecategory></committee>
  <committee><committeeid>{OTHER_COMMITTEE}</committeeid><committeetitle>Planning Committee</committeetitle>
    <committeedeleted>False</committeedeleted><committeeexpired>False</committeeexpired></committee>
  <committee><committeeid>99</committeeid><committeetitle>Cabinet (old)</committeetitle>
    <committeedeleted>True</committeedeleted></committee>
</committees></getcommittees>""")


def meetings_xml(committee_id: str) -> bytes:
    rows = "" if committee_id != COMMITTEE_ID else f"""
  <meeting><meetingid>{MEETING_ID}</meetingid><meetingdate>03/03/2025</meetingdate><meetingtime>18:00</meetingtime>
    <committeeid>{COMMITTEE_ID}</committeeid><meetingstatus>Published</meetingstatus></meeting>
  <meeting><meetingid>4100</meetingid><meetingdate>14/01/2024</meetingdate>
    <committeeid>{COMMITTEE_ID}</committeeid></meeting>"""
    return _xml(f'<getmeetings xmlns="{NS}"><meetings>{rows}\n</meetings></getmeetings>')


def meeting_xml() -> bytes:
    return _xml(f"""<getmeeting xmlns="{NS}">
 <meeting>
  <meetingid>{MEETING_ID}</meetingid><meetingdate>03/03/2025</meetingdate><meetingtime>18:00</meetingtime>
  <committeeid>{COMMITTEE_ID}</committeeid><committeetitle>Cabinet</committeetitle>
  <meetingstatus>Published</meetingstatus>
  <linkeddocuments>
   <linkeddocument><attachmentid>9000</attachmentid><title>Printed minutes 03rd-Mar-2025 18.00 Cabinet</title>
    <url>documents/g{MEETING_ID}/Printed%20minutes%2003rd-Mar-2025%2018.00%20Cabinet.pdf?T=1</url>
    <isrestricted>False</isrestricted><publicationdate>05/03/2025</publicationdate></linkeddocument>
  </linkeddocuments>
  <agendaitems>
   <agendaitem><agendaitemid>51001</agendaitemid><agendaitemnumber>1</agendaitemnumber>
    <agendaitemtitle>Apologies for Absence</agendaitemtitle><minutesitemnumber>101</minutesitemnumber>
    <isrestricted>False</isrestricted><linkeddocuments/></agendaitem>
   <agendaitem><agendaitemid>51005</agendaitemid><agendaitemnumber>5</agendaitemnumber>
    <agendaitemtitle>Home to School Transport Policy 2025/26</agendaitemtitle>
    <minutesitemnumber>102</minutesitemnumber><isrestricted>False</isrestricted>
    <linkeddocuments>
     <linkeddocument><attachmentid>9001</attachmentid><title>Transport policy report</title>
      <url>documents/s9001/Home%20to%20School%20Transport%20Policy.pdf</url>
      <isrestricted>False</isrestricted></linkeddocument>
    </linkeddocuments></agendaitem>
   <agendaitem><agendaitemid>51009</agendaitemid><agendaitemnumber>9</agendaitemnumber>
    <agendaitemtitle>Disposal of Land at Mill Lane</agendaitemtitle><minutesitemnumber>103</minutesitemnumber>
    <isrestricted>True</isrestricted><linkeddocuments/></agendaitem>
  </agendaitems>
 </meeting>
</getmeeting>""")


class ReplaySite:
    """A ModernGov site under /democracy, recording every request it gets."""

    def __init__(self) -> None:
        self.pdfs = {f"/democracy/documents/g{MEETING_ID}/Printed minutes 03rd-Mar-2025 18.00 Cabinet.pdf":
                     render_pdf(MINUTES),
                     "/democracy/documents/s9001/Home to School Transport Policy.pdf": render_pdf(REPORT)}
        self.log: list[tuple[str, str, dict[str, str], int]] = []   # method, path+query, headers, status
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, ctype, body, extra = site.answer(self.path, dict(self.headers))
                site.log.append(("GET", self.path, dict(self.headers), status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/democracy"
        self.root_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, raw: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        from urllib.parse import unquote
        u = urlsplit(raw)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        xml = "text/xml; charset=utf-8"
        html404 = (404, "text/html", b"<!DOCTYPE html><html><body><h1>404 - File or directory not found."
                                     b"</h1></body></html>", {})
        if u.path == "/democracy/mgWebService.asmx/GetCommittees":
            return 200, xml, committees_xml(), {}
        if u.path == "/democracy/mgWebService.asmx/GetMeetings":
            for k in ("sFromDate", "sToDate"):   # ModernGov wants UK dates; anything else is an error
                datetime.strptime(q[k], "%d/%m/%Y")
            return 200, xml, meetings_xml(q["lCommitteeId"]), {}
        if u.path == "/democracy/mgWebService.asmx/GetMeeting" and q.get("lMeetingId") == MEETING_ID:
            return 200, xml, meeting_xml(), {}
        pdf = self.pdfs.get(unquote(u.path))
        if pdf is not None:
            etag = f'"{hash(pdf) & 0xffffffff:08x}"'
            modified = "Wed, 05 Mar 2025 09:00:00 GMT"
            if headers.get("If-None-Match") == etag:
                return 304, "application/pdf", b"", {"ETag": etag}
            return 200, "application/pdf", pdf, {"ETag": etag, "Last-Modified": modified}
        return html404

    def __enter__(self) -> "ReplaySite":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        yield s


def _cli(*args: str):  # type: ignore[no-untyped-def]
    from cllr.cli import app
    return CliRunner().invoke(app, list(args))


def test_import_twice_second_run_imports_nothing(site: ReplaySite, tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ("import", "moderngov", "--base-url", site.base_url, "--committee", "cabinet",
            "--from", "2025-01-01", "--to", "2025-03-31", "--interval", "0.01", "--data-dir", str(data))
    first = _cli(*args)
    assert first.exit_code == 0, first.output
    assert "1 meetings: 2 added" in first.output, first.output
    calls = [p for _, p, _, _ in site.log]
    # only the Cabinet (matched by name), only the meeting inside the date range, UK dates on the wire
    meetings_call = next(p for p in calls if "GetMeetings" in p)
    assert f"lCommitteeId={COMMITTEE_ID}" in meetings_call and "sFromDate=01%2F01%2F2025" in meetings_call
    assert not any("lMeetingId=4100" in p for p in calls)

    lib = Library(Settings(data_dir=data))
    docs = {d.doc_type: d for d in lib.documents(role="admin")}
    assert set(docs) == {"minutes", "officer_report"}
    meeting_url = f"{site.base_url}/ieListDocuments.aspx?CId={COMMITTEE_ID}&MId={MEETING_ID}"
    assert all(d.source_url == meeting_url for d in docs.values())
    assert all(d.committee == "Cabinet" and d.meeting_date.isoformat() == "2025-03-03" for d in docs.values())

    # the service's numbers and flags won: minute 103 is Part II although its text never says so
    minutes = {m.number: m for m in lib.minutes(doc_id=docs["minutes"].doc_id, role="admin")}
    assert minutes["102"].agenda_item == "5" and not minutes["102"].restricted
    assert minutes["103"].agenda_item == "9" and minutes["103"].restricted
    assert lib.search("land at Mill Lane sold", role="public", k=5) == [] or all(
        h.minute != "103" for h in lib.search("land at Mill Lane sold", role="public", k=5))
    member = lib.search("land at Mill Lane sold Eastvale Homes", role="member", k=3)
    assert member and member[0].minute == "103" and member[0].restricted
    # the report attached to agenda item 5 is cited to item 5
    hits = lib.search("discretionary post-16 bus pass charge", role="public", k=5)
    report_hits = [h for h in hits if h.doc_id == docs["officer_report"].doc_id]
    assert report_hits and all(h.item == "5" for h in report_hits)

    pdf_gets = len([p for p in calls if "/documents/" in p])
    site.log.clear()
    second = _cli(*args)
    assert second.exit_code == 0, second.output
    assert "1 meetings: 0 added, 0 replaced, 2 already imported" in second.output, second.output
    doc_requests = [(h, status) for _, p, h, status in site.log if "/documents/" in p]
    assert len(doc_requests) == pdf_gets == 2
    assert all(status == 304 and "If-None-Match" in h for h, status in doc_requests)
    assert len(Library(Settings(data_dir=data)).documents(role="admin")) == 2


def test_non_moderngov_site_gives_a_clear_error(site: ReplaySite, tmp_path: Path) -> None:
    res = _cli("import", "moderngov", "--base-url", site.root_url + "/not-democracy", "--interval", "0",
               "--data-dir", str(tmp_path / "data"))
    assert res.exit_code == 1
    assert "does not look like a ModernGov site" in res.output and "mgWebService.asmx" in res.output
    assert "Traceback" not in res.output


def test_unknown_committee_name_is_a_clear_error(site: ReplaySite, tmp_path: Path) -> None:
    res = _cli("import", "moderngov", "--base-url", site.base_url, "--committee", "Licensing",
               "--interval", "0", "--data-dir", str(tmp_path / "data"))
    assert res.exit_code == 1 and "no committee matching 'Licensing'" in res.output


def _client(handler, sleeps: list[float]) -> ModernGovClient:  # type: ignore[no-untyped-def]
    return ModernGovClient("http://council.test/democracy", min_interval_s=0, backoff_s=0.5, retries=3,
                           transport=httpx.MockTransport(handler), sleep=sleeps.append)


def test_client_retries_with_backoff_and_honours_retry_after() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if len(seen) == 1:
            return httpx.Response(503)
        if len(seen) == 2:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, content=committees_xml())
    sleeps: list[float] = []
    root = _client(handler, sleeps).call("GetCommittees")
    assert root.tag == "getcommittees" and len(seen) == 3
    assert sleeps == [0.5, 7.0, 1.0]   # backoff 0.5, then Retry-After 7 plus backoff 1.0


def test_client_blocked_site_is_a_clear_error() -> None:
    sleeps: list[float] = []
    blocked = _client(lambda r: httpx.Response(403, text="<html>Access denied</html>"), sleeps)
    with pytest.raises(ModernGovError, match="refused access \\(HTTP 403\\)"):
        blocked.call("GetCommittees")
    challenge = _client(lambda r: httpx.Response(200, text="<!DOCTYPE html><html>Checking your browser</html>"),
                        sleeps)
    with pytest.raises(ModernGovError, match="HTML page, not ModernGov XML"):
        challenge.call("GetCommittees")
    always_busy = _client(lambda r: httpx.Response(429), sleeps)
    with pytest.raises(ModernGovError, match="rate-limiting"):
        always_busy.call("GetCommittees")


def test_client_keeps_its_distance() -> None:
    import time
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(time.monotonic())
        return httpx.Response(200, content=committees_xml())
    client = ModernGovClient("http://council.test", min_interval_s=0.2, transport=httpx.MockTransport(handler))
    for _ in range(3):
        client.call("GetCommittees")
    assert all(b - a >= 0.19 for a, b in zip(stamps, stamps[1:]))
