"""Embedded Chroma and a real Chroma server (started as a process) give identical results."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cllr.settings import Settings
from index.filters import SearchFilters
from index.library import Library
from tests.index.factories import CARE, TRANSPORT

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("chroma CLI not installed in the venv")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--port", str(port), "--host", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma server did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


QUERIES = [
    "looked after children",
    "School Places Strategy capital",
    "394",
    "bus passes cost",
    "contract award transport",
    "fostering households recruited",
]


def _results(lib: Library) -> list:
    out: list[list] = []
    for q in QUERIES:
        for role in ("public", "admin"):
            for mode in ("dense", "keyword", "hybrid"):
                out.append([(h.chunk_id, round(h.score, 5)) for h in lib.search(q, role=role, mode=mode, k=5)])
        out.append([h.chunk_id for h in lib.search(q, role="admin", filters=SearchFilters.parse(committee="cabinet"))])
    return out


def test_embedded_and_server_identical(tmp_path: Path, chroma_server: str, embedder) -> None:
    embedded = Library(Settings(data_dir=tmp_path / "embedded"), embedder=embedder)
    server = Library(Settings(data_dir=tmp_path / "viaserver", chroma_url=chroma_server), embedder=embedder)
    for lib in (embedded, server):
        for doc in (CARE, TRANSPORT):
            assert lib.ingest_parsed(doc).status == "added"
    assert not (tmp_path / "viaserver" / "chroma").exists(), "server mode must not create a local Chroma"
    assert server.vectors.count() == embedded.vectors.count() == 6
    assert _results(server) == _results(embedded)
    assert server.delete_document(CARE.doc_id) and embedded.delete_document(CARE.doc_id)
    assert server.vectors.count() == embedded.vectors.count() == 2
    assert _results(server) == _results(embedded)
