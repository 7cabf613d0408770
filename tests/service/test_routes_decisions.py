"""The decision register over HTTP, against a live server over the shipped sample papers: the minutes
of 12 November 2024 (inside the 14 January 2025 pack) and of 14 January 2025."""

from __future__ import annotations

import pytest
import csv
import io

from tests.fixtures.live import client

pytestmark = pytest.mark.integration


def test_decisions_on_a_topic_ranked_and_cited(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/decisions", params={"q": "school transport"})
    assert r.status_code == 200, r.text
    body = r.json()
    top = body["results"][0]
    assert (top["minute"], top["meeting_date"], top["committee"]) == (
        "45",
        "2024-11-12",
        "Children's Services Scrutiny Committee",
    )
    assert top["minute_title"] == "School Transport Policy 2025/26" and top["outcome"] == "agreed"
    assert [(p["label"], p["outcome"]) for p in top["parts"]] == [
        ("a", "agreed"),
        ("b", "recommended"),
        ("c", "agreed"),
    ]
    assert top["follow_on"][0]["date"] == "2025-03-11"
    assert top["url"].startswith("/v1/documents/") and "/file?" in top["url"] and top["url"].endswith("#page=4")
    assert top["cite"] == "Children's Services Scrutiny Committee, 12 Nov 2024 — minute 45, page 2"
    assert body["pagination"]["total"] >= 1 and body["query"] == "school transport"


def test_filters_paging_and_every_decision_newest_first(secure):
    with client(secure, "officer") as c:
        everything = c.get("/v1/decisions", params={"limit": 200}).json()
        dates = [d["meeting_date"] for d in everything["results"]]
        assert dates == sorted(dates, reverse=True) and len(dates) == 11  # 5 in the pack's minutes, 6 in January's
        agreed = c.get("/v1/decisions", params={"outcome": "agreed", "limit": 200}).json()["results"]
        assert len(agreed) == 11  # each also acts: notes and asks, notes and thanks, endorses ...
        assert c.get("/v1/decisions", params={"outcome": "noted"}).json()["results"] == []
        jan = c.get("/v1/decisions", params={"from": "2025-01-01", "limit": 200}).json()["results"]
        assert {d["meeting_date"] for d in jan} == {"2025-01-14"} and len(jan) == 6
        assert c.get("/v1/decisions", params={"committee": "no such committee"}).json()["results"] == []
        page = c.get("/v1/decisions", params={"limit": 4, "offset": 4}).json()
        assert [d["id"] for d in page["results"]] == [d["id"] for d in everything["results"][4:8]]
        assert page["pagination"] == {"limit": 4, "offset": 4, "total": 11, "next_offset": 8}


def test_bad_filters_are_one_line_errors(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/decisions", params={"outcome": "postponed"})
        assert r.status_code == 422 and "outcome" in r.json()["detail"]
        r = c.get("/v1/decisions", params={"from": "2025-03-01", "to": "2025-01-01"})
        assert r.status_code == 400
        assert r.json()["detail"] == "date range is empty: from 2025-03-01 is after to 2025-01-01"
        assert c.get("/v1/decisions/timeline").status_code == 422  # the topic is required
        r = c.get("/v1/decisions/nope:1")
        assert r.status_code == 404 and r.json()["detail"] == "no decision 'nope:1'"


def test_a_decision_by_id(secure):
    with client(secure, "member") as c:
        first = c.get("/v1/decisions", params={"q": "work programme"}).json()["results"][0]
        one = c.get(f"/v1/decisions/{first['id']}")
    assert one.status_code == 200 and one.json()["text"] == first["text"]


def test_timeline_over_two_meetings_oldest_first_each_cited(secure):
    """The work programme was decided at both meetings: both steps, in order, each with its page."""
    with client(secure, "officer") as c:
        r = c.get("/v1/decisions/timeline", params={"q": "work programme"})
    assert r.status_code == 200, r.text
    steps = r.json()["steps"]
    assert [(s["meeting_date"], s["minute"]) for s in steps] == [("2024-11-12", "48"), ("2025-01-14", "55")]
    assert steps[0]["line"].startswith(
        "Children's Services Scrutiny Committee agreed: the work programme be "
        "agreed, with the addition of an item on elective home education"
    )
    assert all(s["url"].endswith(f"#page={s['pdf_page']}") and s["cite"] for s in steps)
    assert steps[1]["cite"] == "Children's Services Scrutiny Committee, 14 Jan 2025 — minute 55, page 2"


def test_csv_export(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/decisions", params={"q": "inspection", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="decisions.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["minute"] == "54" and rows[0]["meeting_date"] == "2025-01-14"
    assert rows[0]["parts"].startswith("(a) That the findings of the inspection be noted")
    assert rows[0]["citation"].endswith("minute 54, page 2") and rows[0]["url"].endswith("#page=2")


def test_openapi_documents_the_routes(secure):
    with client(secure, "officer") as c:
        spec = c.get("/openapi.json").json()
    get = spec["paths"]["/v1/decisions"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {
        "q",
        "committee",
        "from",
        "to",
        "outcome",
        "format",
        "limit",
        "offset",
    }
    assert "text/csv" in get["responses"]["200"]["content"]
    assert "/v1/decisions/timeline" in spec["paths"] and "/v1/decisions/{decision_id}" in spec["paths"]


def test_the_chat_answers_what_has_been_decided_with_the_timeline(secure):
    with client(secure, "member") as c:
        r = c.post("/v1/ask", json={"question": "What has been decided about the work programme?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["abstained"]
    lines = body["answer"].splitlines()
    assert lines[0] == "Decisions on the work programme, oldest first:"
    assert lines[1].startswith("1. 12 November 2024: Children's Services Scrutiny Committee agreed: the work programme")
    assert lines[2].startswith("2. 14 January 2025: Children's Services Scrutiny Committee agreed: the work programme")
    assert [(x["item"], x["pdf_page"]) for x in body["citations"]] == [("48", 5), ("55", 2)]


def test_the_decisions_view_and_its_files_are_served(open_server):
    with client(open_server) as c:
        page = c.get("/").text
        js = c.get("/decisions.js")
        css = c.get("/decisions.css")
    assert 'id="cllr-decisions"' in page and '<script src="/decisions.js"></script>' in page
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "<style" not in page and "style=" not in page  # the page's CSP allows only its own files
