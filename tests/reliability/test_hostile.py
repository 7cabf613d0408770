"""Bad inputs in bulk (issue 9): every hostile file through Library.ingest_file, `cllr ingest` and
POST /v1/documents. Each ends in a clear one-line error naming the file (or is ingested where the
case says it must be), nothing crashes or hangs, and a failure leaves no trace in the store, Chroma,
BM25 or the kept files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cllr.settings import Settings
from tests.fixtures.hostile import HostileCase, _deflate_repeated, _one_page
from tests.fixtures.reports import write_report
from tests.reliability.consistency import HashEmbedder, counts, problems
from tests.fixtures.live import KEYS, LiveServer, secure_settings, serve

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PER_FILE_S = 20.0  # a generous ceiling; the slowest case (2 MB of text, ~2,000 chunks) takes ~3 s


def _clear(message: str | None, name: str) -> bool:
    return bool(message) and message.startswith(f"{name}: ") and "\n" not in message and "Traceback" not in message


def test_library_bulk(hostile: list[HostileCase], tmp_path: Path) -> None:
    from index.library import Library

    library = Library(Settings(data_dir=tmp_path / "data"), embedder=HashEmbedder())
    rows, failed_ok, ingested_bad = [], [], []
    try:
        for case in hostile:
            before = counts(library)
            t0 = time.monotonic()
            r = library.ingest_file(case.path)
            took = time.monotonic() - t0
            after = counts(library)
            assert took < PER_FILE_S, f"{case.name} took {took:.1f}s"
            if r.status == "failed":
                assert _clear(r.error, case.name), f"{case.name}: unclear error {r.error!r}"
                assert after == before, f"{case.name} failed but changed the index: {before} → {after}"
                if case.expect == "ok":
                    failed_ok.append(f"{case.name}: {r.error}")
            else:
                assert r.status == "added", (case.name, r.summary())
                assert after["chunks"] == before["chunks"] + r.chunks == after["vectors"] == after["keyword"]
                assert after["documents"] == before["documents"] + 1
                if case.expect == "error":
                    ingested_bad.append(case.name)
            rows.append(f"{case.name:40} {case.expect:6} {r.status:7} {took:5.2f}s  {r.error or r.summary()}")
        assert not failed_ok, f"refused files that must ingest: {failed_ok}"
        assert not ingested_bad, f"ingested files that must be refused: {ingested_bad}"
        assert problems(library) == []
        # the same bad files again: still refused, still nothing written
        before = counts(library)
        assert all(library.ingest_file(c.path).status == "failed" for c in hostile if c.expect == "error")
        assert counts(library) == before
    finally:
        library.close()
    n_failed = sum(" failed " in r for r in rows)
    write_report(
        "hostile_library",
        [f"files {len(hostile)} handled {len(rows)} refused {n_failed} ingested {len(rows) - n_failed}", *rows],
    )


def test_page_that_hangs_inside_pypdf_is_stopped(tmp_path: Path) -> None:
    """One page whose content stream inflates to ~190,000 text operators: pypdf spends seconds inside
    extract_text on it, so pdf.py's between-pages deadline cannot fire; the parse child is killed."""
    from index.library import Library

    data = _one_page(_deflate_repeated(b"BT /F1 1 Tf 1 1 Td (AAAA) Tj ET\n", 6 << 20), b"/Filter /FlateDecode ")
    assert len(data) < 20_000
    settings = Settings(data_dir=tmp_path / "data", parse_timeout_s=1.0)
    library = Library(settings, embedder=HashEmbedder())
    try:
        t0 = time.monotonic()
        r = library.ingest_bytes(data, "slow_page.pdf")
        took = time.monotonic() - t0
        assert r.status == "failed" and r.error and r.error.startswith("slow_page.pdf: parsing took longer than 1s")
        assert took < 1.0 + 5.0 + 3.0, took  # deadline + grace + a fresh worker's start
        assert library.store.stats()["documents"] == 0
        # the next file gets a fresh worker and is parsed normally
        ok = library.ingest_file(REPO / "ingest" / "samples" / "northshire_cssc_2025-01-14_minutes.pdf")
        assert ok.status == "added", ok.summary()
    finally:
        library.close()


@pytest.mark.slow
def test_cli_bulk(hostile: list[HostileCase], tmp_path: Path) -> None:
    """`cllr ingest` over them in one run: one line per file, exit 2, no traceback, in time.
    Minus the 2 MB one-line text (2,000 chunks through MiniLM is minutes of CPU and tests the
    embedder, not bad input; test_library_bulk covers it)."""
    hostile = [c for c in hostile if c.name != "single_line_2mb.txt"]
    cli = Path(sys.executable).with_name("cllr")
    t0 = time.monotonic()
    proc = subprocess.run(
        [str(cli), "ingest", *[str(c.path) for c in hostile], "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=600,
        env={**_env(), "COLUMNS": "400"},
    )
    took = time.monotonic() - t0
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    out = proc.stdout
    for case in hostile:
        line = next((ln for ln in out.splitlines() if case.name in ln), None)
        assert line is not None, f"no line for {case.name}"
        if case.expect == "error":
            assert line.startswith("failed") and f"{case.name}: " in line, line
        if case.expect == "ok":
            assert line.startswith("added"), line
    n_failed = sum(ln.startswith("failed") for ln in out.splitlines())
    assert f"{n_failed} of {len(hostile)} files failed" in proc.stderr
    from index.library import Library

    library = Library(Settings(data_dir=tmp_path / "d"))
    try:
        assert problems(library) == []
    finally:
        library.close()
    write_report(
        "hostile_cli",
        [
            f"files {len(hostile)} lines {len(out.splitlines())} failed {n_failed} "
            f"exit {proc.returncode} seconds {took:.1f}"
        ],
    )


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("CLLR_")}


@pytest.fixture(scope="module")
def upload_server(sample_data_dir: Path, oidc, tmp_path_factory):
    """Its own copy of the sample index: the hostile uploads that do ingest must not change the
    index the other service tests read."""
    data_dir = tmp_path_factory.mktemp("upload") / "data"
    shutil.copytree(sample_data_dir, data_dir)
    yield from serve(
        secure_settings(data_dir, oidc).model_copy(update={"max_upload_mb": 64, "rate_limit_per_minute": 0})
    )


def test_upload_bulk(hostile: list[HostileCase], upload_server: LiveServer) -> None:
    rows = []
    h = {"Authorization": f"Bearer {KEYS['admin']}"}
    with httpx.Client(base_url=upload_server.url, headers=h, timeout=60) as c:
        library = upload_server.app.state.library
        for case in hostile:
            before = counts(library)
            r = c.post("/v1/documents", files={"file": (case.name, case.path.read_bytes(), "application/pdf")})
            if r.status_code == 202:
                job = _wait(c, r.json()["url"])
                outcome, message = job["result"], job["error"]
                assert job["status"] in ("done", "failed"), job
                if outcome == "failed":
                    assert message and "internal error" not in message and "\n" not in message, job
                    assert case.name.removesuffix(".pdf") in message
            else:
                assert r.status_code in (400, 413, 415), (case.name, r.status_code, r.text)
                outcome, message = f"http {r.status_code}", r.json()["error"]["message"]
                assert case.name in message or "upload" in message, message
            after = counts(library)
            if outcome in ("added",):
                assert case.expect != "error", f"{case.name} must be refused, was ingested"
                assert after["chunks"] > before["chunks"] and after["chunks"] == after["vectors"]
            else:
                assert case.expect != "ok" or not case.name.endswith(".pdf"), f"{case.name}: {message}"
                assert after == before, f"{case.name}: {before} → {after}"
            assert c.get("/healthz").status_code == 200
            rows.append(f"{case.name:40} {case.expect:6} {outcome:9} {message or ''}")
        assert problems(library) == []
    refused = sum(1 for r in rows if re.search(r" (failed|http \d+) ", r))
    write_report(
        "hostile_upload",
        [f"files {len(hostile)} handled {len(rows)} refused {refused} ingested {len(rows) - refused}", *rows],
    )


def _wait(c: httpx.Client, url: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(url)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job hung: {job}"
        time.sleep(0.1)
