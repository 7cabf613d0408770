"""POST /v1/ask through HTTP against the real sample index."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.live import DEMO_QUESTION, PACK, client

pytestmark = pytest.mark.integration


def test_demo_question_is_answered_with_a_citation_to_minute_45_page_4(secure):
    with client(secure, "officer") as c:
        r = c.post("/v1/ask", json={"question": DEMO_QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["abstained"] is False
    assert "consultation" in body["answer"].lower()
    cites = body["citations"]
    assert cites, body
    pack = [x for x in cites if x["source"] == PACK]
    assert any(x["pdf_page"] == 4 and x["item"] == "45" for x in pack), cites
    for x in cites:
        assert x["url"].startswith(f"/v1/documents/{x['doc_id']}/file?")
        assert x["url"].endswith(f"#page={x['pdf_page']}")
        assert x["label"]
    assert isinstance(body["answer_id"], int) and body["conversation_id"]


def test_unanswerable_question_abstains_without_citations(secure):
    with client(secure, "member") as c:
        r = c.post("/v1/ask", json={"question": "What is the price of a parking permit at Heathrow Terminal 5?"})
    assert r.status_code == 200, r.text
    assert r.json()["abstained"] is True
    assert r.json()["citations"] == []


def test_follow_up_uses_the_conversation(secure):
    with client(secure, "officer") as c:
        first = c.post("/v1/ask", json={"question": DEMO_QUESTION}).json()
        r = c.post(
            "/v1/ask",
            json={
                "question": "When will the outcome of that consultation be reported?",
                "conversation_id": first["conversation_id"],
            },
        )
    assert r.status_code == 200, r.text
    assert r.json()["conversation_id"] == first["conversation_id"]


def test_filters_narrow_the_answer(secure):
    with client(secure, "officer") as c:
        r = c.post("/v1/ask", json={"question": DEMO_QUESTION, "filters": {"committee": "Planning"}})
        assert r.status_code == 200
        assert r.json()["abstained"] is True  # no Planning committee papers
        bad = c.post("/v1/ask", json={"question": DEMO_QUESTION, "filters": {"from": "2025-02-01", "to": "2025-01-01"}})
        assert bad.status_code == 400 and "date range is empty" in bad.json()["detail"]
        bad = c.post("/v1/ask", json={"question": DEMO_QUESTION, "filters": {"from": "14/01/2025"}})
        assert bad.status_code == 422 and "from" in bad.json()["detail"]
        bad = c.post("/v1/ask", json={"question": DEMO_QUESTION, "filters": {"type": "memo"}})
        assert bad.status_code == 400 and "unknown document type" in bad.json()["detail"]


def test_bad_bodies_are_clear_4xx(secure):
    with client(secure, "officer") as c:
        r = c.post("/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["detail"] == "request body is not valid JSON"
        r = c.post("/v1/ask", json={})
        assert r.status_code == 422 and "question" in r.json()["detail"]
        r = c.post("/v1/ask", json={"question": ""})
        assert r.status_code == 422
        r = c.post("/v1/ask", json={"question": "x", "surprise": 1})
        assert r.status_code == 422 and "surprise" in r.json()["detail"]
        r = c.get("/v1/ask")
        assert r.status_code == 405
    for resp in (r,):
        assert "Traceback" not in resp.text


def test_every_answer_is_audited_with_who_and_which_documents(secure, sample_data_dir):
    with client(secure, "member") as c:
        body = c.post("/v1/ask", json={"question": DEMO_QUESTION}).json()
    engine = create_engine(f"sqlite:///{(sample_data_dir / 'cllr.db').resolve()}")
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT subject, role, route, question, cited_doc_ids FROM svc_audit WHERE id = :i"),
            {"i": body["answer_id"]},
        ).one()
    engine.dispose()
    assert row.subject.startswith("key:") and "mem-" not in row.subject  # the key itself is never logged
    assert (row.role, row.route, row.question) == ("member", "ask", DEMO_QUESTION)
    assert {c["doc_id"] for c in body["citations"]} <= set(__import__("json").loads(row.cited_doc_ids))


def test_open_mode_answers_as_public_with_plain_links(open_server):
    with client(open_server) as c:
        r = c.post("/v1/ask", json={"question": DEMO_QUESTION})
    assert r.status_code == 200, r.text
    cites = r.json()["citations"]
    assert cites and all("?" not in x["url"] and "#page=" in x["url"] for x in cites)
