"""Ingestion over HTTP: upload (admin, size and type checks) → job → document; delete."""

from __future__ import annotations

import pytest
import io
import time

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.fixtures.live import MINUTES, SAMPLES, client

pytestmark = pytest.mark.integration


def _wait(c, job_url: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = c.get(job_url).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def _fresh_pdf() -> bytes:
    """A small paper no other test knows, so adding and deleting it leaves the sample index as it was."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    lines = [
        "Northshire County Council",
        "Highways and Transport Committee",
        "Minutes of the meeting held on",
        "Thursday 6 March 2025",
        "",
        "60 Quayside Footbridge Repairs",
        "The Committee considered the condition survey of the Quayside footbridge.",
        "RESOLVED:",
        "That the repair of the Quayside footbridge be approved at a cost of £318,000.",
        "",
        "Page 1",
    ]
    y = 800
    for line in lines:
        c.drawString(72, y, line)
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


def test_same_file_twice_creates_nothing_new(secure):
    data = (SAMPLES / MINUTES).read_bytes()
    with client(secure, "admin") as c:
        before = c.get("/v1/documents").json()["pagination"]["total"]
        r = c.post("/v1/documents", files={"file": (MINUTES, data, "application/pdf")})
        assert r.status_code == 202, r.text
        job = _wait(c, r.json()["url"])
        assert (job["status"], job["result"], job["progress"]) == ("done", "unchanged", 1.0)
        r2 = c.post("/v1/documents", files={"file": (MINUTES, data, "application/pdf")})
        assert _wait(c, r2.json()["url"])["result"] == "unchanged"
        assert c.get("/v1/documents").json()["pagination"]["total"] == before


def test_upload_search_then_delete(secure):
    with client(secure, "admin") as c:
        r = c.post(
            "/v1/documents", files={"file": ("highways_2025-03-06_minutes.pdf", _fresh_pdf(), "application/pdf")}
        )
        assert r.status_code == 202, r.text
        assert r.json()["status"] in ("queued", "running", "done")
        job = _wait(c, r.json()["url"])
        assert job["status"] == "done" and job["result"] == "added", job
        doc_id = job["doc_id"]
        assert c.get(f"/v1/documents/{doc_id}").status_code == 200
        hits = c.get("/v1/search", params={"q": "Quayside footbridge repair"}).json()["results"]
        assert hits and hits[0]["doc_id"] == doc_id
        d = c.delete(f"/v1/documents/{doc_id}")
        assert d.status_code == 200 and d.json() == {"doc_id": doc_id, "deleted": True}
        assert c.get(f"/v1/documents/{doc_id}").status_code == 404
        assert c.get(f"/v1/documents/{doc_id}/file").status_code == 404
        hits = c.get("/v1/search", params={"q": "Quayside footbridge repair"}).json()["results"]
        assert doc_id not in {h["doc_id"] for h in hits}
        assert c.delete(f"/v1/documents/{doc_id}").status_code == 404


def test_upload_and_delete_need_admin(secure, doc_ids):
    for role in ("public", "member", "officer"):
        with client(secure, role) as c:
            r = c.post("/v1/documents", files={"file": ("x.pdf", _fresh_pdf(), "application/pdf")})
            assert r.status_code == 403 and "admin" in r.json()["detail"], role
            assert c.delete(f"/v1/documents/{doc_ids[MINUTES]}").status_code == 403


def test_oversize_and_wrong_type(secure):
    with client(secure, "admin") as c:
        big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024 + 10)  # the test server's limit is 2 MB
        r = c.post("/v1/documents", files={"file": ("big.pdf", big, "application/pdf")})
        assert r.status_code == 413 and "2 MB" in r.json()["detail"]
        r = c.post("/v1/documents", files={"file": ("notes.docx", b"PK\x03\x04 word", "application/msword")})
        assert r.status_code == 415
        r = c.post("/v1/documents", files={"file": ("fake.pdf", b"hello, not a pdf", "application/pdf")})
        assert r.status_code == 415 and "not a PDF" in r.json()["detail"]
        r = c.post("/v1/documents", files={"file": ("empty.pdf", b"", "application/pdf")})
        assert r.status_code == 400
        r = c.post("/v1/documents", json={"file": "x"})
        assert r.status_code == 422
        r = c.post("/v1/documents", files={"other": ("x.pdf", _fresh_pdf(), "application/pdf")})
        assert r.status_code == 422 and "file" in r.json()["detail"]


def test_a_broken_pdf_is_a_failed_job_not_a_crash(secure):
    with client(secure, "admin") as c:
        r = c.post("/v1/documents", files={"file": ("broken.pdf", b"%PDF-1.4\n%%garbage only", "application/pdf")})
        assert r.status_code == 202
        job = _wait(c, r.json()["url"])
        assert job["status"] == "failed" and job["result"] == "failed" and "broken.pdf" in job["error"]


def test_jobs_are_private_to_their_uploader(secure):
    with client(secure, "admin") as c:
        url = c.post(
            "/v1/documents", files={"file": (MINUTES, (SAMPLES / MINUTES).read_bytes(), "application/pdf")}
        ).json()["url"]
        _wait(c, url)
    with client(secure, "member") as c:
        assert c.get(url).status_code == 404
        assert c.get("/v1/jobs/nope").status_code == 404
