"""Pre-meeting briefings over HTTP (issue 19): the meetings list, a meeting's briefing as JSON,
Markdown and printable HTML, every line copied from the page it cites, Part II items for members
only; against live servers over the shipped sample papers."""

from __future__ import annotations

import pytest
import re
from datetime import date

import httpx

from ingest.printed import printed_on
from service.briefing.meetings import Meeting, meetings, upcoming_then_recent
from tests.fixtures.live import PACK, assert_no_canary, client

pytestmark = pytest.mark.integration

MEETING = "2025-01-14-childrens-services-scrutiny-committee"
BRIEFING = f"/v1/meetings/{MEETING}/briefing"


def _items(data: dict) -> dict[str, dict]:
    return {i["number"]: i for i in data["items"]}


def test_the_meetings_are_listed_with_their_briefing(secure):
    with client(secure, "member") as c:
        r = c.get("/v1/briefings")
    assert r.status_code == 200
    got = r.json()["results"]
    assert [m["meeting_id"] for m in got] == [MEETING]
    assert got[0]["committee"] == "Children's Services Scrutiny Committee" and got[0]["upcoming"] is False
    assert got[0]["papers"] == 2 and got[0]["briefing_url"] == BRIEFING


def test_a_member_is_briefed_on_every_item_each_line_cited_to_its_page(secure, doc_ids):
    with client(secure, "member") as c:
        data = c.get(BRIEFING).json()
        items = _items(data)
        assert list(items) == [str(n) for n in range(1, 10)]
        assert (data["council"], data["meeting_time"]) == ("Northshire County Council", "10.00 am")
        # procedure takes one line; the business has its recommendation as printed, with page and item
        assert all(items[n]["procedural"] for n in ("1", "2", "3", "4", "8"))
        assert items["3"]["recommendations"][0]["text"].startswith("To confirm as a correct record the minutes")
        budget = items["5"]
        assert not budget["procedural"] and budget["papers"][0]["pdf_pages"] == [6, 8]
        recs = [(r["text"], r["pdf_page"], r["page_label"], r["item"]) for r in budget["recommendations"]]
        assert (
            "That the Committee notes the projected overspend of £6.4 million and comments on the recovery "
            "actions set out in section 4.",
            6,
            "4",
            "5",
        ) in recs
        assert any(f["lead"].startswith("£6.4 million") for f in budget["figures"])
        # the exempt item is there for a member, flagged, with its recommendation
        part2 = items["9"]
        assert part2["part2"] is True and "Harbourside Care Partnership" in part2["recommendations"][0]["text"]
        # every line is printed on the page it cites, and links to the viewer at that page
        pages: dict[tuple[str, int], str] = {}
        for item in data["items"]:
            for key in ("purpose", "recommendations", "authors", "figures", "earlier"):
                for line in item[key]:
                    at = (line["doc_id"], line["pdf_page"])
                    if at not in pages:
                        pages[at] = c.get(f"/v1/documents/{at[0]}/pages/{at[1]}").json()["text"]
                    text = line["text"].strip("… ")
                    assert printed_on(text, pages[at]), (key, line)
                    assert line["viewer_url"].startswith(
                        f"/v1/documents/{line['doc_id']}/pages/{line['pdf_page']}/view?"
                    )
                    assert "sig=" in line["viewer_url"] and "highlight=" in line["viewer_url"]
    assert data["counts"]["recommendations"] >= 5 and data["generated_ms"] < 5000


def test_the_public_briefing_has_no_part_ii_item_and_no_exempt_word(secure, open_server):
    for c in (client(secure, "public"), client(open_server)):
        with c:
            for fmt in ("json", "md", "html"):
                r = c.get(BRIEFING, params={"format": fmt})
                assert r.status_code == 200, r.text
                assert_no_canary(r.text)
            items = _items(c.get(BRIEFING).json())
    assert "9" not in items and items["8"]["procedural"]  # the exclusion motion stays: it is open
    assert items["5"]["recommendations"]  # open business is still briefed


def test_markdown_and_html_by_format_or_accept(secure):
    with client(secure, "officer") as c:
        md = c.get(BRIEFING, params={"format": "md"})
        assert md.headers["content-type"].startswith("text/markdown")
        assert md.text.startswith("# Briefing: Children's Services Scrutiny Committee — Tuesday 14 January 2025")
        assert "## Procedural items" in md.text and "p. 4, item 5" in md.text
        html = c.get(BRIEFING, headers={"Accept": "text/html"})
        assert html.headers["content-type"].startswith("text/html")
        csp = html.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "style-src 'self'" in csp and "script-src" not in csp
        assert '<link rel="stylesheet" href="/briefing.css">' in html.text
        assert not re.search(r"<script|\sstyle=|<style|\son[a-z]+=", html.text)  # nothing inline for the CSP to allow
        assert '<html lang="en">' in html.text and 'class="skip" href="#main"' in html.text
        assert c.get(BRIEFING, headers={"Accept": "application/json"}).headers["content-type"] == "application/json"
        css = c.get("/briefing.css")
        assert css.status_code == 200 and "@media print" in css.text


def test_a_meeting_id_that_is_not_one_is_a_clear_error(secure):
    with client(secure, "member") as c:
        r = c.get("/v1/meetings/not-a-meeting/briefing")
        assert r.status_code == 400 and "is not a meeting id like" in r.json()["detail"]
        r = c.get("/v1/meetings/2025-01-15-childrens-services-scrutiny-committee/briefing")
        assert r.status_code == 404 and "no meeting" in r.json()["detail"]
        assert c.get("/v1/briefings", params={"limit": 0}).status_code == 422
    assert httpx.get(secure.url + BRIEFING).status_code == 401


# ------------------------------------------------------------------------------------------ meetings, unit


class _Record:
    def __init__(self, council, committee, day, doc_ids):
        self.council, self.committee, self.meeting_date, self.doc_ids = council, committee, day, tuple(doc_ids)


class _Library:
    def __init__(self, records):
        self.records = records

    def meetings(self, role="public"):
        return self.records


def test_papers_naming_no_council_join_their_committees_meeting_and_namesakes_stay_apart():
    day = date(2025, 1, 30)
    lib = _Library(
        [
            _Record(None, "Cabinet", day, ["front"]),
            _Record("Kingsbury Council", "Cabinet", day, ["mins"]),
            _Record("Kingsbury Council", "Planning Committee", day, ["plan"]),
        ]
    )
    got = {m.meeting_id: m for m in meetings(lib, "public")}
    assert set(got) == {"2025-01-30-cabinet", "2025-01-30-planning-committee"}
    assert (
        got["2025-01-30-cabinet"].doc_ids == ["front", "mins"]
        and got["2025-01-30-cabinet"].council == "Kingsbury Council"
    )
    lib = _Library(
        [
            _Record("Kingsbury Council", "Cabinet", day, ["a"]),
            _Record("Oldwick Council", "Cabinet", day, ["b"]),
            _Record(None, "Cabinet", day, ["c"]),
        ]
    )
    ids = sorted(m.meeting_id for m in meetings(lib, "public"))
    assert ids == ["2025-01-30-cabinet-kingsbury-council", "2025-01-30-cabinet-oldwick-council"]


def test_upcoming_meetings_come_first_soonest_first_then_the_most_recent():
    def m(d: str) -> Meeting:
        return Meeting(f"{d}-x", None, "X", date.fromisoformat(d))

    got = upcoming_then_recent([m("2024-05-01"), m("2027-02-01"), m("2026-12-10"), m("2025-06-01")], date(2026, 12, 3))
    assert [x.meeting_id[:10] for x in got] == ["2026-12-10", "2027-02-01", "2025-06-01", "2024-05-01"]


# ------------------------------------------------------------------------------------------ the command


def test_cllr_brief_a_pack_then_its_meeting_in_three_formats(tmp_path):
    """`cllr brief PACK.pdf` ingests the paper and briefs its meeting; `cllr brief MEETING_ID`
    briefs it again; bad input is one line and exit 2, never a traceback."""
    import json as jsonlib

    from typer.testing import CliRunner

    from cllr.cli import app as cli
    from tests.fixtures.live import SAMPLES

    data = ["--data-dir", str(tmp_path / "data")]
    run = CliRunner().invoke
    md = run(cli, ["brief", str(SAMPLES / PACK), *data])
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Briefing: Children's Services Scrutiny Committee — Tuesday 14 January 2025")
    assert "(northshire_cssc_2025-01-14_agenda_pack.pdf, p. 4, item 5)" in md.output
    assert "Harbourside Care Partnership" in md.output  # an officer's briefing has the Part II item
    public = run(cli, ["brief", MEETING, "--role", "public", *data])
    assert public.exit_code == 0 and "Children's Services Revenue Budget" in public.output
    assert_no_canary(public.output)
    as_json = jsonlib.loads(run(cli, ["brief", MEETING, "--format", "json", *data]).output)
    assert as_json["meeting_id"] == MEETING and len(as_json["items"]) == 9
    page = run(cli, ["brief", MEETING, "--format", "html", *data]).output
    assert page.startswith("<!doctype html>") and "<style>" in page and "@media print" in page
    for args, message in (
        (["2025-01-14-no-such-committee"], "no meeting '2025-01-14-no-such-committee'"),
        (["missing.pdf"], "missing.pdf: no such file"),
        (["not an id"], "is not a meeting id like"),
        ([MEETING, "--format", "doc"], "unknown format 'doc'"),
    ):
        r = run(cli, ["brief", *args, *data])
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
