"""LLM mode over HTTP (issue 23): a real `cllr serve` app over the sample papers with a scripted
OpenAI-compatible model on loopback. Every answer says which mode produced it (/v1/ask, chat, the
SSE final event); when the model hangs or answers garbage every route still answers, extractively
and marked, within the request timeout; /readyz reports the model without failing; `cllr ask`
prints one line, and no traceback, when it falls back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from collections.abc import Iterator

import httpx
import pytest

from cllr.settings import Settings
from tests.fixtures.live import DEMO_QUESTION, LiveServer, client, serve
from tests.fixtures.llm_server import HTML, Raw, Scripted, closed_port, scripted_server

pytestmark = pytest.mark.integration

REQUEST_TIMEOUT_S = 8.0
RESERVE_S = 4.0  # the extractive answer's share; the model gets at most 4 s
QUESTION = DEMO_QUESTION


@pytest.fixture(scope="module")
def model() -> Iterator[tuple[Scripted, str]]:
    script = Scripted()
    server = scripted_server(script)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield script, f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def llm_server(sample_data_dir: Path, model) -> Iterator[LiveServer]:
    _, url = model
    yield from serve(
        Settings(
            data_dir=sample_data_dir,
            llm_base_url=url,
            llm_model="scripted",
            request_timeout_s=REQUEST_TIMEOUT_S,
            llm_fallback_reserve_s=RESERVE_S,
        )
    )


@pytest.fixture(scope="module")
def down_server(sample_data_dir: Path) -> Iterator[LiveServer]:
    yield from serve(
        Settings(data_dir=sample_data_dir, llm_base_url=f"http://127.0.0.1:{closed_port()}/v1", llm_model="m")
    )


def _sse(c: httpx.Client, question: str) -> list[dict]:
    events = []
    with c.stream(
        "POST", "/v1/chat/completions", json={"messages": [{"role": "user", "content": question}], "stream": True}
    ) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: "):
                events.append({"done": True} if line == "data: [DONE]" else json.loads(line[6:]))
    return events


def _passage_id(script: Scripted, needle: str) -> int:
    user = script.requests[-1]["body"]["messages"][-1]["content"]
    for block in user.split("[P")[1:]:
        n, rest = block.split("]", 1)
        if needle in rest:
            return int(n)
    raise AssertionError(needle)


def test_a_checked_model_answer_is_marked_llm_everywhere(llm_server, model):
    script, _ = model
    with client(llm_server) as c:
        script.replies = ["The papers provided do not cover this."]
        c.post("/v1/ask", json={"question": QUESTION})
        p = _passage_id(script, "endorsed for public consultation")
        claim = f"The committee endorsed the draft School Transport Policy 2025/26 for public consultation. [P{p}]"

        script.replies = [claim]
        body = c.post("/v1/ask", json={"question": QUESTION}).json()
        assert body["mode"] == "llm" and body["fallback_reason"] is None, body
        assert "endorsed the draft School Transport Policy 2025/26" in body["answer"] and body["citations"]

        script.replies = [claim]
        chat = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]}).json()
        assert chat["mode"] == "llm" and chat["fallback_reason"] is None and chat["citations"]

        script.replies = [claim]
        events = _sse(c, QUESTION)
        final = events[-2]
        assert events[-1] == {"done": True} and final["mode"] == "llm" and final["citations"]
        text = "".join(e["choices"][0]["delta"].get("content", "") for e in events[:-1] if "choices" in e)
        assert "endorsed the draft School Transport Policy" in text


@pytest.mark.parametrize(
    "reply,reason",
    [
        (Raw(delay_s=30), "the model did not answer within"),
        (Raw(HTML, content_type="text/html"), "not a chat completion"),
        (Raw(b'{"error": "overloaded"}', status=500), "HTTP 500"),
        (Raw(b'{"choices": [{"text": "no message here"}]}'), "not a chat completion"),
    ],
    ids=["hung", "html", "500", "wrong-shaped"],
)
def test_every_route_answers_extractively_when_the_model_fails(llm_server, model, reply, reason):
    script, _ = model
    with client(llm_server) as c:
        for route in ("ask", "chat", "stream"):
            script.replies = [reply]
            t0 = time.monotonic()
            if route == "ask":
                r = c.post("/v1/ask", json={"question": QUESTION})
                assert r.status_code == 200
                out = r.json()
            elif route == "chat":
                r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})
                assert r.status_code == 200
                out = r.json()
                out["answer"] = out["choices"][0]["message"]["content"]
            else:
                events = _sse(c, QUESTION)
                assert events[-1] == {"done": True} and not any("error" in e for e in events)
                out = events[-2]
                out["answer"] = "".join(e["choices"][0]["delta"].get("content", "") for e in events[:-2])
            elapsed = time.monotonic() - t0
            assert elapsed < REQUEST_TIMEOUT_S, (route, elapsed)
            assert out["mode"] == "extractive" and reason in out["fallback_reason"], (route, out)
            assert not out["abstained"] and out["citations"] and "School Transport Policy" in out["answer"], route


def test_readyz_reports_the_model_and_stays_ready(llm_server, down_server):
    up = httpx.get(llm_server.url + "/readyz").json()
    assert up["status"] == "ready" and up["llm"] == "ok"
    down = httpx.get(down_server.url + "/readyz")
    assert down.status_code == 200 and down.json()["status"] == "ready"
    assert down.json()["llm"].startswith("unavailable: unreachable")
    with client(down_server) as c:
        body = c.post("/v1/ask", json={"question": QUESTION}).json()
        assert body["mode"] == "extractive" and body["fallback_reason"].startswith("the model is unreachable")


def test_extractive_only_service_says_so(sample_data_dir):
    for server in serve(Settings(data_dir=sample_data_dir)):
        assert httpx.get(server.url + "/readyz").json()["llm"] is None
        with client(server) as c:
            body = c.post("/v1/ask", json={"question": QUESTION}).json()
            assert body["mode"] == "extractive" and body["fallback_reason"] is None


@pytest.mark.slow
def test_cli_prints_one_line_when_it_falls_back(sample_data_dir):
    env = {**os.environ, "CLLR_LLM_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1", "CLLR_LLM_MODEL": "m"}
    r = subprocess.run(
        [sys.executable, "-m", "cllr.cli", "ask", QUESTION, "--data-dir", str(sample_data_dir)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "note: answered without the language model: the model is unreachable (ConnectError)"
    ]
    assert "School Transport Policy" in r.stdout
