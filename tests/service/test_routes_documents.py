"""Documents: list with filters and pagination, detail, pages, the file, and bad ids."""

from __future__ import annotations

import pytest
import io

from pypdf import PdfReader

from tests.fixtures.live import MINUTES, PACK, client

pytestmark = pytest.mark.integration


def test_list_filters_and_paginates(secure, doc_ids):
    with client(secure, "officer") as c:
        r = c.get("/v1/documents")
        assert r.status_code == 200
        body = r.json()
        assert {PACK, MINUTES} <= {d["source"] for d in body["results"]}
        assert body["pagination"]["total"] == len(body["results"])
        one = c.get("/v1/documents", params={"limit": 1}).json()
        assert len(one["results"]) == 1 and one["pagination"]["next_offset"] == 1
        two = c.get("/v1/documents", params={"limit": 1, "offset": 1}).json()
        assert two["results"][0]["doc_id"] != one["results"][0]["doc_id"]
        mins = c.get("/v1/documents", params={"type": "minutes"}).json()["results"]
        assert [d["source"] for d in mins] == [MINUTES]
        dated = c.get(
            "/v1/documents", params={"committee": "children's services", "from": "2025-01-14", "to": "2025-01-14"}
        ).json()["results"]
        assert {PACK, MINUTES} <= {d["source"] for d in dated}
        assert c.get("/v1/documents", params={"from": "2026-01-01"}).json()["results"] == []
        assert c.get("/v1/documents", params={"from": "yesterday"}).status_code == 422
        assert c.get("/v1/documents", params={"type": "novel"}).status_code == 400
        assert c.get("/v1/documents", params={"limit": 0}).status_code == 422
    for d in body["results"]:
        assert d["file_url"].startswith(f"/v1/documents/{d['doc_id']}/file")


def test_detail_has_items_and_minutes(secure, doc_ids):
    with client(secure, "officer") as c:
        r = c.get(f"/v1/documents/{doc_ids[PACK]}")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["committee"] and "Children" in doc["committee"]
    assert {"3", "5", "9"} <= {i["number"] for i in doc["items"]}
    assert "45" in {m["number"] for m in doc["minutes"]}


def test_page_text_and_printed_label(secure, doc_ids):
    with client(secure, "officer") as c:
        r = c.get(f"/v1/documents/{doc_ids[PACK]}/pages/4")
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["label"] == "2" and "School Transport Policy" in page["text"]
        assert page["url"].endswith("#page=4")
        assert c.get(f"/v1/documents/{doc_ids[PACK]}/pages/99").status_code == 404
        assert c.get(f"/v1/documents/{doc_ids[PACK]}/pages/0").status_code == 422
        assert c.get(f"/v1/documents/{doc_ids[PACK]}/pages/two").status_code == 422


def test_file_is_the_pdf(secure, doc_ids):
    with client(secure, "officer") as c:
        r = c.get(f"/v1/documents/{doc_ids[MINUTES]}/file")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.content.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(r.content)).pages) == 3


def test_unknown_and_malformed_ids(secure):
    with client(secure, "officer") as c:
        for path in (
            "/v1/documents/0123456789abcdef",
            "/v1/documents/0123456789abcdef/pages/1",
            "/v1/documents/0123456789abcdef/file",
        ):
            r = c.get(path)
            assert r.status_code == 404 and "0123456789abcdef" in r.json()["detail"], path
        r = c.get("/v1/documents/..%2F..%2Fetc%2Fpasswd/file")
        assert r.status_code in (404, 422)
        assert c.get("/v1/documents/NOT-AN-ID").status_code == 422
