"""The service against abuse (issue 22, "Hardening"): what a caller can make the server read, hold,
compute or write down before it has been told no.

Most tests drive the app with stand-ins for the library and the answer service (no model, no index):
the limits under test all act before either is reached. The ASGI-level ones call the app directly
with a `receive` that records every body chunk asked for, so "refused before reading" is a fact the
test sees, not a guess from the status code. The live ones run `cllr serve` (or its uvicorn options)
on loopback: server memory, the access log and forwarded headers only exist there.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from cllr.settings import Settings
from service.auth import Caller
from tests.fixtures.live import DEMO_QUESTION, KEYS, PACK, free_port

pytestmark = pytest.mark.integration

DOC = "abcd1234abcd1234"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
KEY_SPEC = ",".join(f"{role}:{key}" for role, key in KEYS.items())
REPO = Path(__file__).resolve().parents[2]
ENDLESS_CAP = 16 << 20  # what an "endless" test body amounts to if a server does read it all


# ------------------------------------------------------------------ stand-ins


@dataclass
class FakeDoc:
    doc_id: str
    source: str = "pack.pdf"

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "source": self.source}


class FakeLibrary:
    """Answers every look-up with nothing, and serves one small PDF as document DOC."""

    def __init__(self, directory: Path):
        self.pdf = directory / "pack.pdf"
        self.pdf.write_bytes(PDF)

    def documents(self, filters=None, role="public"):
        return []

    def document(self, doc_id, role="public"):
        return FakeDoc(doc_id) if doc_id == DOC else None

    def file_path(self, doc_id, role="public"):
        return self.pdf if doc_id == DOC else None

    def restricted_pages(self, doc_id):
        return []

    def search(self, q, *, filters=None, role="public", k=10):
        return []

    def meetings(self, **kw):
        return []

    def resolutions(self, *a, **kw):
        return []

    def items(self, **kw):
        return []

    def minutes(self, **kw):
        return []


class FakeAnswers:
    """Records the questions that got as far as the answer service (none should, past a limit)."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def _answered(self, question: str):
        from service.answering import Answered

        self.questions.append(question)
        return Answered(answer="ok", citations=[], abstained=False, conversation_id=None, answer_id=1, latency_ms=1.0)

    def ask(self, question, **kw):
        return self._answered(question)

    def stream(self, question, **kw):
        answered = self._answered(question)

        class Slot:
            def release(self) -> None:
                pass

        return iter(["ok", answered]), Slot()


class FakeJobs:
    def __init__(self) -> None:
        self.uploads: list[tuple[str, bytes]] = []

    def submit(self, data: bytes, filename: str, caller: Caller, overrides: dict | None = None):
        from service.db import Job

        self.uploads.append((filename, data))
        now = datetime.now(timezone.utc)
        return Job(
            id="job1",
            status="queued",
            stage="queued",
            progress=0.0,
            filename=filename,
            size_bytes=len(data),
            result=None,
            doc_id=None,
            chunks=None,
            error=None,
            created_by=caller.subject,
            created_at=now,
            updated_at=now,
        )


class PassThrough:
    """The release check (service/release.py) lets through whatever the stand-in library gives."""

    def records(self, records, **kw):
        return records


def make_app(tmp_path: Path, **overrides: Any):
    """The real app (middleware, routes, auth, limits) over stand-ins for what the lifespan builds."""
    from service.app import create_app

    options: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "api_keys": KEY_SPEC,
        "cors_origins": "https://intranet.northshire.test",
        "max_upload_mb": 2,
    }
    options.update(overrides)
    app = create_app(Settings(**options))
    app.state.library = FakeLibrary(tmp_path)
    app.state.answers = FakeAnswers()
    app.state.jobs = FakeJobs()
    app.state.release = PassThrough()
    return app


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[role]}"}


# ------------------------------------------------------------------ driving the app at the ASGI level


@dataclass
class Exchange:
    status: int
    headers: dict[str, str]
    body: bytes
    chunks_read: int = 0
    bytes_read: int = 0

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Body:
    """A request body as the server hands it to the app: `chunks` pieces (then more forever if
    `endless`), or nothing at all after `stall_after` pieces (a client that stopped sending)."""

    chunks: list[bytes] = field(default_factory=list)
    endless: bytes | None = None
    stall_after: int | None = None
    read: int = 0
    nbytes: int = 0

    async def __call__(self) -> dict[str, Any]:
        await anyio.sleep(0)  # a checkpoint, so the test's deadline can cancel a reader
        if self.stall_after is not None and self.read >= self.stall_after:
            await anyio.sleep(3600)
        if self.read < len(self.chunks):
            piece = self.chunks[self.read]
            more = self.read + 1 < len(self.chunks) or self.endless is not None or self.stall_after is not None
        elif self.endless is not None:
            # "endless" within reason: a server that reads it all must still finish the test
            piece, more = self.endless, self.nbytes + len(self.endless) < ENDLESS_CAP
        else:
            await anyio.sleep(3600)  # the body is over: only a disconnect could come now
            return {"type": "http.disconnect"}
        self.read += 1
        self.nbytes += len(piece)
        return {"type": "http.request", "body": piece, "more_body": more}


def drive(app: Any, method: str, path: str, headers: dict[str, str], body: Body, *, limit_s: float = 20.0) -> Exchange:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("203.0.113.7", 40000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        with anyio.fail_after(limit_s):
            await app(scope, body, send)

    anyio.run(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return Exchange(start["status"], hdrs, out, body.read, body.nbytes)


def untouched() -> Body:
    return Body(chunks=[b"x" * 65536], endless=b"x" * 65536)


# ------------------------------------------------------------------ 1. body size, checked before reading


def test_a_body_without_a_credential_is_refused_before_a_byte_is_read(tmp_path):
    app = make_app(tmp_path)
    for path in ("/v1/ask", "/v1/chat/completions", "/v1/feedback", "/v1/documents"):
        for framing in ({"Content-Length": str(500 << 20)}, {"Transfer-Encoding": "chunked"}):
            body = untouched()
            r = drive(app, "POST", path, {"Content-Type": "application/json", **framing}, body)
            assert r.status == 401, (path, framing, r.status, r.body[:200])
            assert r.json()["detail"].startswith("credential required") and r.headers["www-authenticate"] == "Bearer"
            assert body.read == 0, f"{path}: {body.read} chunks read before the 401"
    # a wrong key is as good as none
    body = untouched()
    r = drive(app, "POST", "/v1/ask", {"Authorization": "Bearer nope", "Content-Length": str(500 << 20)}, body)
    assert (r.status, body.read) == (401, 0)


def test_an_oversized_json_body_is_refused_by_its_content_length(tmp_path):
    app = make_app(tmp_path, max_body_kb=64)
    body = untouched()
    r = drive(
        app,
        "POST",
        "/v1/ask",
        {**bearer("member"), "Content-Type": "application/json", "Content-Length": str(10 << 20)},
        body,
    )
    assert r.status == 413 and body.read == 0
    assert "64 KB" in r.json()["detail"] and r.headers.get("connection") == "close"


def test_a_chunked_json_body_is_cut_off_at_the_cap(tmp_path):
    app = make_app(tmp_path, max_body_kb=64)
    body = Body(chunks=[b'{"question": "'], endless=b"x" * 16384)
    r = drive(
        app,
        "POST",
        "/v1/chat/completions",
        {**bearer("member"), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        body,
    )
    assert r.status == 413, r.body[:300]
    assert body.nbytes <= 64 * 1024 + 16384, f"read {body.nbytes} bytes past a 64 KB cap"
    assert app.state.answers.questions == []


def test_an_upload_is_checked_for_the_admin_role_before_its_body_is_read(tmp_path):
    app = make_app(tmp_path)
    for role in ("public", "member", "officer"):
        body = untouched()
        r = drive(
            app,
            "POST",
            "/v1/documents",
            {**bearer(role), "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(1 << 20)},
            body,
        )
        assert r.status == 403 and "admin" in r.json()["detail"], (role, r.status)
        assert body.read == 0, f"{role}: the upload was read before the role was checked"


def _multipart(name: str, data: bytes, boundary: str = "cllrboundary") -> tuple[bytes, bytes, str]:
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head, data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_chunked_upload_is_cut_off_at_max_upload_mb(tmp_path):
    app = make_app(tmp_path, max_upload_mb=2)
    head, _, ctype = _multipart("big.pdf", b"")
    body = Body(chunks=[head + b"%PDF-1.4\n"], endless=b"0" * 65536)
    r = drive(
        app, "POST", "/v1/documents", {**bearer("admin"), "Content-Type": ctype, "Transfer-Encoding": "chunked"}, body
    )
    assert r.status == 413 and "2 MB" in r.json()["detail"], r.body[:300]
    assert body.nbytes <= (2 << 20) + (64 << 10) + 65536
    assert app.state.jobs.uploads == []


def test_an_upload_within_the_cap_is_read_and_queued(tmp_path):
    app = make_app(tmp_path, max_upload_mb=2)
    data = PDF + b"%" + b"0" * (1 << 20) + b"\n"
    head, tail, ctype = _multipart("minutes.pdf", data)
    whole = head + tail
    body = Body(chunks=[whole[i : i + 50000] for i in range(0, len(whole), 50000)])
    r = drive(
        app, "POST", "/v1/documents", {**bearer("admin"), "Content-Type": ctype, "Transfer-Encoding": "chunked"}, body
    )
    assert r.status == 202, r.body[:300]
    assert app.state.jobs.uploads == [("minutes.pdf", data)]


def test_upload_errors_stay_clear(tmp_path):
    c = TestClient(make_app(tmp_path, max_upload_mb=2), headers=bearer("admin"))
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10)
    r = c.post("/v1/documents", files={"file": ("big.pdf", big, "application/pdf")})
    assert r.status_code == 413 and "2 MB" in r.json()["detail"]
    assert c.post("/v1/documents", files={"file": ("n.docx", b"PK\x03\x04", "application/msword")}).status_code == 415
    r = c.post("/v1/documents", files={"file": ("fake.pdf", b"hello", "application/pdf")})
    assert r.status_code == 415 and "not a PDF" in r.json()["detail"]
    assert c.post("/v1/documents", files={"file": ("empty.pdf", b"", "application/pdf")}).status_code == 400
    assert c.post("/v1/documents", json={"file": "x"}).status_code == 422
    r = c.post("/v1/documents", files={"other": ("x.pdf", PDF, "application/pdf")})
    assert r.status_code == 422 and "file" in r.json()["detail"]
    assert (
        "multipart/form-data"
        in c.get("/openapi.json").json()["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    )


# ------------------------------------------------------------------ 8. a body that never arrives


@pytest.mark.timeout(60)
def test_a_body_that_stops_arriving_is_abandoned_after_body_timeout_s(tmp_path):
    app = make_app(tmp_path, body_timeout_s=0.5)
    for path, first, ctype in (
        ("/v1/ask", b'{"question": "wh', "application/json"),
        ("/v1/documents", b"--b\r\nContent-Disposition: form-data; name=\"file\"", "multipart/form-data; boundary=b"),
    ):
        role = "admin" if path == "/v1/documents" else "member"
        t0 = time.monotonic()
        r = drive(
            app,
            "POST",
            path,
            {**bearer(role), "Content-Type": ctype, "Content-Length": "5000"},
            Body(chunks=[first], stall_after=1),
            limit_s=10,
        )
        took = time.monotonic() - t0
        assert r.status == 408 and "0.5" in r.json()["detail"], (path, r.status, r.body[:200])
        assert r.headers.get("connection") == "close"
        assert took < 3, took
    assert app.state.answers.questions == []


# ------------------------------------------------------------------ 2. one question-length cap


def test_one_question_length_cap_on_every_route_that_takes_a_question(tmp_path):
    app = make_app(tmp_path, max_question_chars=300)
    c = TestClient(app, headers=bearer("member"))
    long, ok = "why " * 100, "What did the committee resolve about school transport?"

    def chat(*contents: Any, stream: bool = False) -> httpx.Response:
        roles = ["user", "assistant"] * len(contents)
        messages = [{"role": r, "content": m} for r, m in zip(roles, contents, strict=False)]
        return c.post("/v1/chat/completions", json={"messages": messages, "stream": stream})

    refused = [
        c.post("/v1/ask", json={"question": long}),
        c.post("/v1/ask", json={"question": ok, "history": [{"role": "user", "content": long}]}),
        c.post("/v1/ask", json={"question": ok, "history": [{"role": "assistant", "content": long}]}),
        chat(long),
        chat(long, stream=True),
        chat(long, "Fine.", ok),  # an earlier user turn
        chat(ok, long, ok),  # an earlier answer sent back as history
        chat([{"type": "text", "text": long}]),  # content given as parts
    ]
    for r in refused:
        assert r.status_code == 422, (r.status_code, r.text[:200])
        assert "300" in r.json()["detail"] and "CLLR_MAX_QUESTION_CHARS" in r.json()["detail"], r.json()
    assert app.state.answers.questions == [], "a question over the cap reached the answer service"
    assert c.post("/v1/ask", json={"question": "x" * 300}).status_code == 200
    assert chat(ok, "y" * 300, ok).status_code == 200


def test_the_question_cap_is_the_setting_not_a_constant(tmp_path):
    c = TestClient(make_app(tmp_path, max_question_chars=5000), headers=bearer("member"))
    assert c.post("/v1/ask", json={"question": "x" * 4000}).status_code == 200
    assert c.post("/v1/ask", json={"question": "x" * 5001}).status_code == 422


# ------------------------------------------------------------------ 3. validation errors are 4xx

FILTER_ROUTES = [
    ("/v1/documents", ("committee", "council", "type")),
    ("/v1/search?q=transport", ("committee", "council", "type", "doc_id")),
    ("/v1/meetings", ("committee", "council")),
    ("/v1/resolutions", ("committee", "minute", "q")),
]


def test_oversized_filters_are_refused_at_the_edge(tmp_path):
    c = TestClient(make_app(tmp_path), headers=bearer("member"))
    for path, params in FILTER_ROUTES:
        for name in params:
            sep = "&" if "?" in path else "?"
            r = c.get(f"{path}{sep}{name}={'x' * 60_000}")
            assert r.status_code == 422, (path, name, r.status_code, r.text[:200])
            assert name in r.json()["detail"] or "query" in r.json()["detail"]
    for field_name in ("committee", "council"):
        r = c.post("/v1/ask", json={"question": "school transport", "filters": {field_name: "x" * 10_000}})
        assert r.status_code == 422, (field_name, r.text[:200])
    r = c.post("/v1/ask", json={"question": "school transport", "filters": {"doc_ids": ["x" * 100] * 1000}})
    assert r.status_code == 422


# ------------------------------------------------------------------ 4. rate-limit buckets per caller


def test_signed_links_share_their_callers_bucket_not_the_documents(tmp_path):
    app = make_app(tmp_path, rate_limit_per_minute=3)
    links = app.state.links
    public = Caller("key:aaaa1111", "public", "api_key")
    member = Caller("key:bbbb2222", "member", "api_key")
    c = TestClient(app)
    public_url, member_url = links.file_url(DOC, public, 2), links.file_url(DOC, member, 2)
    assert [c.get(public_url).status_code for _ in range(4)] == [200, 200, 200, 429]
    r = c.get(member_url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-"), "the public caller throttled a member's link"


def test_a_signed_link_is_bound_to_its_subject(tmp_path):
    app = make_app(tmp_path)
    url = app.state.links.file_url(DOC, Caller("key:bbbb2222", "member", "api_key"), 3)
    c = TestClient(app)
    assert c.get(url).status_code == 200
    assert "sub=" in url
    forged = re.sub(r"sub=[^&#]+", "sub=key%3Aeeee9999", url)
    assert c.get(forged).status_code == 401
    assert c.get(re.sub(r"role=member", "role=admin", url)).status_code == 401


# ------------------------------------------------------------------ 5. signed links kept out of logs and audit


def test_the_access_log_records_document_and_page_but_not_the_signature(tmp_path):
    app = make_app(tmp_path)
    url = app.state.links.file_url(DOC, Caller("key:bbbb2222", "member", "api_key"), 7)
    sig = re.search(r"sig=([^&#]+)", url).group(1)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", lifespan="off"))
    keep = Keep()
    logging.getLogger("uvicorn.access").addHandler(keep)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert httpx.get(f"http://127.0.0.1:{port}" + url.split("#")[0], timeout=30).status_code == 200
        time.sleep(0.2)
    finally:
        server.should_exit = True
        thread.join(10)
        logging.getLogger("uvicorn.access").removeHandler(keep)
    line = next(x for x in lines if f"/v1/documents/{DOC}/file" in x)
    assert "sig=" not in line and sig not in line and "exp=" not in line and "sub=" not in line, line
    assert "page=7" in line and " 200" in line, line


def test_the_audit_keeps_citations_without_their_signed_links(tmp_path):
    """What service/answering.py hands the audit: the citations as the caller gets them, links included."""
    from service.answer.types import Citation
    from service.auth import FileLinks
    from service.db import Base, ServiceDB
    from service.views import citation_view

    member = Caller("key:bbbb2222", "member", "api_key")
    cite = citation_view(
        Citation(source="pack.pdf", doc_id=DOC, pdf_page=4, page_label="4", item="7", quote="Resolved."),
        member,
        FileLinks(open_mode=False),
    )
    assert "sig=" in cite["url"]  # the caller gets a link that opens without a key
    db = ServiceDB(f"sqlite:///{tmp_path / 'audit.db'}")
    Base.metadata.create_all(db.engine)
    try:
        db.audit(
            subject=member.subject,
            role=member.role,
            route="ask",
            question="What was resolved?",
            conversation_id="c1",
            citations=[cite],
            abstained=False,
            latency_ms=3.0,
        )
        row = db.audit_rows()[0]
        stored = json.dumps(row.citations)
        assert "sig=" not in stored and "url" not in row.citations[0], stored
        assert row.cited_doc_ids == [DOC] and row.citations[0]["pdf_page"] == 4 and row.citations[0]["label"]
    finally:
        db.dispose()


# ------------------------------------------------------------------ 6 and 8. what `cllr serve` hands uvicorn


def _serve_options(monkeypatch, tmp_path: Path, **env: str) -> tuple[Any, dict[str, Any]]:
    """Run `cllr serve` with uvicorn.run replaced by a recorder: the app and options it would serve."""
    from typer.testing import CliRunner
    from cllr.cli import app as cli

    got: dict[str, Any] = {}

    def record(app: Any, **kw: Any) -> None:
        got["app"], got["kw"] = app, kw

    for k in [k for k in os.environ if k.startswith("CLLR_")]:
        monkeypatch.delenv(k)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(uvicorn, "run", record)
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path / "data"), "--port", "0"])
    assert result.exit_code == 0, result.output
    return got["app"], got["kw"]


def test_cllr_serve_sets_timeouts_and_limits_for_slow_clients(monkeypatch, tmp_path):
    _, kw = _serve_options(
        monkeypatch, tmp_path, CLLR_KEEP_ALIVE_S="7", CLLR_MAX_CONNECTIONS="321", CLLR_MAX_HEADER_KB="12"
    )
    assert kw["timeout_keep_alive"] == 7 and kw["limit_concurrency"] == 321
    assert kw["h11_max_incomplete_event_size"] == 12 * 1024
    assert kw["http"] == "h11", "httptools ignores h11_max_incomplete_event_size (a 20 MB header is accepted)"


def _serve_in_thread(app: Any, kw: dict[str, Any]) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    options = {**kw, "host": "127.0.0.1", "port": port, "lifespan": "off", "log_level": "warning"}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def test_forwarded_for_is_not_believed_unless_the_peer_is_a_trusted_proxy(monkeypatch, tmp_path):
    app, kw = _serve_options(monkeypatch, tmp_path, CLLR_RATE_LIMIT_PER_MINUTE="2")
    server, thread, url = _serve_in_thread(app, kw)
    try:
        codes = [httpx.get(url + "/", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(3)]
        assert codes == [200, 200, 429], f"a made-up X-Forwarded-For dodged the open-mode rate limit: {codes}"
    finally:
        server.should_exit = True
        thread.join(10)


def test_forwarded_for_from_a_configured_proxy_names_the_client(monkeypatch, tmp_path):
    app, kw = _serve_options(
        monkeypatch, tmp_path, CLLR_RATE_LIMIT_PER_MINUTE="2", CLLR_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1"
    )
    server, thread, url = _serve_in_thread(app, kw)
    try:
        codes = [httpx.get(url + "/", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(3)]
        assert codes == [200, 200, 200]
        same = [httpx.get(url + "/", headers={"X-Forwarded-For": "203.0.113.9"}).status_code for _ in range(3)]
        assert same == [200, 200, 429]
    finally:
        server.should_exit = True
        thread.join(10)


# ------------------------------------------------------------------ 7. security headers


def _csp(r: httpx.Response) -> dict[str, str]:
    parts = [p.strip() for p in r.headers["content-security-policy"].split(";") if p.strip()]
    return {p.split()[0]: p.partition(" ")[2] for p in parts}


def test_security_headers_on_every_response(tmp_path):
    app = make_app(tmp_path, frame_ancestors="https://intranet.northshire.test https://hub.northshire.test")
    c = TestClient(app, raise_server_exceptions=False)
    responses = [
        c.get("/healthz"),
        c.get("/widget.js"),
        c.get("/v1/documents"),  # 401
        c.get("/v1/documents", headers=bearer("member")),
        c.get(f"/v1/documents/{'f' * 16}", headers=bearer("member")),  # 404
        c.post("/v1/ask", headers=bearer("member"), json={}),  # 422
        c.get("/openapi.json"),
        c.get(app.state.links.file_url(DOC, Caller("k", "member", "api_key"))),
    ]

    def crash(**kw: Any) -> list[Any]:
        raise RuntimeError("boom")

    app.state.library.meetings = crash
    responses.append(c.get("/v1/meetings", headers=bearer("member")))  # 500
    assert sorted({r.status_code for r in responses}) == [200, 401, 404, 422, 500]
    for r in responses:
        where = f"{r.request.method} {r.request.url.path} → {r.status_code}"
        assert r.headers.get("x-content-type-options") == "nosniff", where
        assert r.headers.get("referrer-policy") == "no-referrer", where
        assert _csp(r)["frame-ancestors"] == "'none'", where
        assert r.headers.get("x-frame-options") == "DENY", where


def test_the_widget_page_may_be_framed_by_the_configured_origins_only(tmp_path):
    app = make_app(
        tmp_path, api_keys=None, frame_ancestors="https://intranet.northshire.test,https://hub.northshire.test"
    )
    r = TestClient(app).get("/")
    assert r.status_code == 200
    csp = _csp(r)
    assert csp["frame-ancestors"].split() == ["https://intranet.northshire.test", "https://hub.northshire.test"]
    assert "x-frame-options" not in r.headers  # it cannot name two origins; CSP does
    assert csp["script-src"] == "'self'" and "unsafe-inline" not in r.headers["content-security-policy"]
    assert csp["default-src"] == "'none'" and "'self'" in csp["style-src"] and "'self'" in csp["connect-src"]
    # default: the CORS origins
    app = make_app(tmp_path, api_keys=None)
    assert _csp(TestClient(app).get("/"))["frame-ancestors"] == "https://intranet.northshire.test"


def test_the_widget_and_its_page_need_no_inline_code(tmp_path):
    static = REPO / "service" / "static"
    page = (static / "demo.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline <script> in demo.html"
    assert "<style" not in page and " style=" not in page, "inline style in demo.html"
    widget = (static / "widget.js").read_text()
    assert "<style" not in widget, "widget.js writes an inline <style> (blocked by style-src 'self')"
    c = TestClient(make_app(tmp_path, api_keys=None))
    for path, kind in (("/widget.css", "text/css"), ("/demo.css", "text/css")):
        r = c.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), path


@pytest.mark.browser
def test_the_widget_works_under_its_content_security_policy(browser, open_server):
    """Real Chromium on the demo page as served (CSP and all): the widget is styled from its file,
    answers, and the browser reports no policy violation."""
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    response = page.goto(open_server.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    button = page.get_by_role("button", name="Ask")
    button.wait_for()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 112, 60)"  # widget.css
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "768px"  # demo.css
    page.get_by_label("Your question").fill(DEMO_QUESTION)
    page.get_by_label("Your question").press("Enter")
    page.locator("cllr-chat ol.sources a").first.wait_for(timeout=60_000)
    violations = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not violations, violations
    page.close()


# ------------------------------------------------------------------ 1, live: server memory


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _send_body(port: int, path: str, headers: dict[str, str], total: int, chunked: bool, first: bytes = b"") -> str:
    """Send up to `total` bytes as fast as the server takes them; the status line it answered."""
    import socket

    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n"
    s.sendall((head + "\r\n").encode())
    piece, sent = b"x" * (1 << 20), 0
    try:
        while sent < total:
            data = first + piece[len(first) :] if sent == 0 else piece
            s.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data)
            sent += len(data)
    except OSError:
        pass  # the server answered and closed: what we want
    reply = b""
    try:
        while b"\r\n" not in reply:
            more = s.recv(4096)
            if not more:
                break
            reply += more
    except OSError:
        pass
    s.close()
    return reply.split(b"\r\n")[0].decode(errors="replace")


@pytest.mark.slow
def test_a_500_mb_body_does_not_grow_a_real_servers_memory(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLLR_")}
    env.update(CLLR_API_KEYS=KEY_SPEC, CLLR_MAX_UPLOAD_MB="50")
    cli = Path(sys.executable).with_name("cllr")
    (tmp_path / "data").mkdir()
    # The server's log goes to a file: a pipe nobody reads fills at 64 KB (an access line per
    # readiness poll) and then blocks the server on its next log line.
    log_path = tmp_path / "serve.log"
    log_file = log_path.open("wb")
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, log_path.read_text(errors="replace")[-2000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (
                "cllr serve did not become ready: " + log_path.read_text(errors="replace")[-2000:]
            )
            time.sleep(0.5)
        peak = [_rss_mb(proc.pid)]
        before = peak[0]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _rss_mb(proc.pid))
                time.sleep(0.02)

        threading.Thread(target=watch, daemon=True).start()
        json_h = {"Content-Type": "application/json"}
        up_h = {"Content-Type": "multipart/form-data; boundary=b"}
        first = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'
        statuses = [
            _send_body(port, "/v1/ask", json_h, 500 << 20, chunked=False),  # no key
            _send_body(port, "/v1/ask", json_h, 500 << 20, chunked=True),  # no key, chunked
            _send_body(port, "/v1/ask", {**json_h, **bearer("member")}, 500 << 20, chunked=False),
            _send_body(port, "/v1/ask", {**json_h, **bearer("member")}, 500 << 20, chunked=True, first=b'{"q":"'),
            _send_body(port, "/v1/documents", {**up_h, **bearer("member")}, 500 << 20, chunked=True, first=first),
            _send_body(port, "/v1/documents", {**up_h, **bearer("admin")}, 500 << 20, chunked=True, first=first),
        ]
        done.set()
        assert [s.split(" ")[1] if " " in s else s for s in statuses] == ["401", "401", "413", "413", "403", "413"], (
            statuses
        )
        grew = peak[0] - before
        assert grew < 60, f"server memory grew {grew:.0f} MB ({before:.0f} → {peak[0]:.0f}) on 500 MB bodies"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log_file.close()


# ------------------------------------------------------------------ 3, live: every route, odd input, real index


@pytest.mark.slow
def test_every_route_answers_odd_input_with_a_4xx_never_a_500(secure, doc_ids):  # noqa: C901
    """Driven by the app's own OpenAPI: every query parameter of every GET route at 60,000
    characters (past SQLite's LIKE pattern limit, under the server's URL limit), and bodies that
    are not what the schema says. The index is the real one over the sample papers."""
    import socket

    pack = doc_ids[PACK]
    spec = httpx.get(secure.url + "/openapi.json").json()
    h = bearer("admin")
    problems: list[str] = []

    def raw_get(target: str) -> int:
        s = socket.create_connection(("127.0.0.1", secure.port), timeout=120)
        s.sendall(
            f"GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: {h['Authorization']}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        reply = b""
        while b"\r\n" not in reply and (more := s.recv(4096)):
            reply += more
        s.close()
        return int(reply.split(b" ")[1])

    checked = 0
    for path, ops in spec["paths"].items():
        concrete = path.replace("{doc_id}", pack).replace("{n}", "1").replace("{job_id}", "x")
        get = ops.get("get")
        if not get:
            continue
        for p in get.get("parameters", []):
            if p["in"] != "query":
                continue
            sep = "&" if "?" in concrete else "?"
            base = concrete + (
                "?q=transport"
                if p["name"] != "q" and any(x["name"] == "q" and x.get("required") for x in get["parameters"])
                else ""
            )
            sep = "&" if "?" in base else "?"
            for value in ("x" * 60_000, "%00%ff", "'%20OR%201=1--", "-1", "99999999999999999999"):
                status = raw_get(f"{base}{sep}{p['name']}={value}")
                checked += 1
                if status >= 500:
                    problems.append(f"GET {base} {p['name']}={value[:12]}… → {status}")
    odd_bodies: list[Any] = [
        "not json",
        "[]",
        "null",
        '{"question": 5}',
        '{"question": "x", "filters": 3}',
        '{"question": "x", "filters": {"committee": "' + "x" * 100_000 + '"}}',
        '{"question": "x", "filters": {"from": "2020-13-45"}}',
        '{"question": "x", "filters": {"from": "2021-01-01", "to": "2020-01-01"}}',
        '{"question": "x", "history": [{"role": "system", "content": "x"}]}',
        '{"question": "\\ud800"}',
        '{"question": "x\\u0000y"}',
        '{"messages": []}',
        '{"messages": [{"role": "user", "content": [{"type": "image"}]}]}',
        '{"messages": [{"role": "user", "content": "x"}], "filters": {"doc_ids": ["' + "y" * 5000 + '"]}}',
        '{"rating": 1, "answer_id": 99999999999999999999999}',
        "[" * 50_000 + "]" * 50_000,
    ]
    for path in ("/v1/ask", "/v1/chat/completions", "/v1/feedback"):
        for raw in odd_bodies:
            r = httpx.post(
                secure.url + path,
                content=raw.encode("utf-8", "surrogatepass"),
                headers={**h, "Content-Type": "application/json"},
                timeout=120,
            )
            checked += 1
            if r.status_code >= 500:
                problems.append(f"POST {path} {raw[:40]!r} → {r.status_code}")
    assert not problems, "\n".join(problems)
    assert checked > 100
