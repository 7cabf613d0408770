"""GET /v1/search, /v1/resolutions and /v1/meetings."""

from __future__ import annotations

import pytest
from tests.fixtures.live import MINUTES, PACK, client

pytestmark = pytest.mark.integration


def test_search_returns_linked_passages(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/search", params={"q": "school transport policy consultation", "k": 5})
    assert r.status_code == 200, r.text
    hits = r.json()["results"]
    assert 0 < len(hits) <= 5
    top = hits[0]
    assert {"doc_id", "source", "text", "score", "pdf_page", "page_label", "url"} <= set(top)
    assert any(h["source"] == PACK and h["pdf_page"] in (3, 4) for h in hits)
    assert all(h["url"].endswith(f"#page={h['pdf_page']}") for h in hits)


def test_search_filters_and_bad_input(secure, doc_ids):
    with client(secure, "officer") as c:
        only = c.get("/v1/search", params={"q": "overspend", "doc_id": doc_ids[MINUTES]}).json()["results"]
        assert only and {h["source"] for h in only} == {MINUTES}
        assert c.get("/v1/search", params={"q": "overspend", "type": "minutes"}).json()["results"]
        assert c.get("/v1/search", params={"q": "overspend", "from": "2030-01-01"}).json()["results"] == []
        assert c.get("/v1/search").status_code == 422
        assert c.get("/v1/search", params={"q": ""}).status_code == 422
        assert c.get("/v1/search", params={"q": "x", "k": 500}).status_code == 422
        r = c.get("/v1/search", params={"q": "x", "from": "2025-02-01", "to": "2025-01-01"})
        assert r.status_code == 400 and "date range" in r.json()["detail"]


def test_resolutions_for_officers(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/resolutions", params={"q": "transport"})
        assert r.status_code == 200, r.text
        rows = r.json()["results"]
        assert any(x["minute"] == "45" and x["pdf_page"] == 4 and "consultation" in x["text"] for x in rows), rows
        assert all(x["url"].endswith(f"#page={x['pdf_page']}") for x in rows)
        dated = c.get("/v1/resolutions", params={"committee": "children", "from": "2025-01-14", "to": "2025-01-14"})
        assert {x["minute"] for x in dated.json()["results"]} >= {"53", "54"}
        none = c.get("/v1/resolutions", params={"q": "transport", "to": "2020-01-01"}).json()
        assert none["results"] == [] and none["pagination"]["total"] == 0
        assert c.get("/v1/resolutions", params={"from": "not-a-date"}).status_code == 422
        assert c.get("/v1/resolutions", params={"from": "2025-02-01", "to": "2025-01-01"}).status_code == 400


def test_meetings_with_their_items(secure):
    with client(secure, "officer") as c:
        r = c.get("/v1/meetings", params={"committee": "children"})
    assert r.status_code == 200, r.text
    meetings = r.json()["results"]
    jan = [m for m in meetings if m["meeting_date"] == "2025-01-14"]
    assert jan, meetings
    assert set(jan[0]["sources"]) >= {PACK}
    assert {"3", "5", "6", "7"} <= {i["number"] for i in jan[0]["items"]}
