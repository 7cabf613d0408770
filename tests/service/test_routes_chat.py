"""POST /v1/chat/completions: the OpenAI-compatible endpoint, driven by the `openai` client."""

from __future__ import annotations

import pytest
import json

from openai import OpenAI

from tests.fixtures.live import DEMO_QUESTION, KEYS, PACK, client

pytestmark = pytest.mark.integration


def _openai(server, role="officer") -> OpenAI:
    return OpenAI(base_url=server.url + "/v1", api_key=KEYS[role], max_retries=0, timeout=120)


def test_openai_client_non_stream_keeps_citations(secure):
    resp = _openai(secure).chat.completions.create(
        model="cllr",
        messages=[{"role": "system", "content": "You are helpful."}, {"role": "user", "content": DEMO_QUESTION}],
    )
    msg = resp.choices[0].message
    assert msg.role == "assistant" and "consultation" in msg.content.lower()
    cites = msg.model_extra["citations"]
    assert any(c["source"] == PACK and c["pdf_page"] == 4 for c in cites), cites
    assert all(c["url"].endswith(f"#page={c['pdf_page']}") for c in cites)
    assert resp.model_extra["citations"] == cites
    assert resp.choices[0].finish_reason == "stop"


def test_openai_client_stream_gets_text_then_citations(secure):
    stream = _openai(secure).chat.completions.create(
        model="cllr", stream=True, messages=[{"role": "user", "content": DEMO_QUESTION}]
    )
    text, citations, finished = "", None, None
    chunks = 0
    for chunk in stream:
        chunks += 1
        choice = chunk.choices[0]
        text += choice.delta.content or ""
        if choice.finish_reason:
            finished = choice.finish_reason
            citations = chunk.model_extra["citations"]
    assert chunks >= 3 and finished == "stop"
    assert "consultation" in text.lower()
    assert citations and any(c["pdf_page"] == 4 for c in citations)


def test_raw_sse_wire_format(secure):
    with (
        client(secure, "officer") as c,
        c.stream(
            "POST",
            "/v1/chat/completions",
            json={"messages": [{"role": "user", "content": DEMO_QUESTION}], "stream": True},
        ) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [ln for ln in r.iter_lines() if ln]
    assert all(ln.startswith("data: ") for ln in lines)
    assert lines[-1] == "data: [DONE]"
    events = [json.loads(ln[6:]) for ln in lines[:-1]]
    assert all(e["object"] == "chat.completion.chunk" for e in events)
    assert "".join(e["choices"][0]["delta"].get("content", "") for e in events).strip()
    final = events[-1]
    assert final["choices"][0]["finish_reason"] == "stop" and final["citations"]
    assert final["abstained"] is False and final["conversation_id"]


def test_history_from_messages_makes_a_follow_up(secure):
    resp = _openai(secure).chat.completions.create(
        model="cllr",
        messages=[
            {"role": "user", "content": DEMO_QUESTION},
            {
                "role": "assistant",
                "content": "That the draft School Transport Policy 2025/26 be endorsed for public consultation.",
            },
            {"role": "user", "content": "When will the outcome of the consultation be reported?"},
        ],
    )
    assert resp.choices[0].message.content


def test_bad_chat_requests(secure):
    with client(secure, "officer") as c:
        r = c.post("/v1/chat/completions", json={"messages": []})
        assert r.status_code == 422
        r = c.post("/v1/chat/completions", json={"messages": [{"role": "assistant", "content": "hi"}]})
        assert r.status_code == 400 and "user" in r.json()["error"]["message"]
        r = c.post("/v1/chat/completions", json={"messages": [{"role": "wizard", "content": "hi"}]})
        assert r.status_code == 422


def test_openai_client_sees_auth_errors(secure):
    import openai

    bad = OpenAI(base_url=secure.url + "/v1", api_key="not-a-key", max_retries=0)
    try:
        bad.chat.completions.create(model="cllr", messages=[{"role": "user", "content": "hi"}])
    except openai.AuthenticationError as e:
        assert "unknown API key" in str(e)
    else:
        raise AssertionError("a wrong key was accepted")
