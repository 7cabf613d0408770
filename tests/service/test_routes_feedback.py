"""POST /v1/feedback."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.live import DEMO_QUESTION, client

pytestmark = pytest.mark.integration


def test_feedback_on_an_answer(secure, sample_data_dir):
    with client(secure, "member") as c:
        answer = c.post("/v1/ask", json={"question": DEMO_QUESTION}).json()
        r = c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": 1, "comment": "spot on"})
        assert r.status_code == 201, r.text
        fid = r.json()["id"]
        assert c.post("/v1/feedback", json={"answer_id": 10**9, "rating": 1}).status_code == 404
        assert c.post("/v1/feedback", json={"rating": 1}).status_code == 422
        assert c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": 9}).status_code == 422
        assert c.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": 0}).status_code == 422
    engine = create_engine(f"sqlite:///{(sample_data_dir / 'cllr.db').resolve()}")
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT answer_id, rating, comment, subject FROM svc_feedback WHERE id=:i"), {"i": fid}
        ).one()
    engine.dispose()
    assert (row.answer_id, row.rating, row.comment) == (answer["answer_id"], 1, "spot on")
    assert row.subject.startswith("key:")
