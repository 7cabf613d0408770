"""The docker-compose topology as processes on loopback: Chroma's server (from the chromadb package),
PostgreSQL (Debian's binaries, a temporary cluster) and two `cllr serve` processes sharing both.

A paper uploaded to API 1 is indexed by whichever process claims the job, answered from via API 2,
and its original is served by API 2 although API 2's data directory never saw the file (originals
live in the database). A second upload through API 2 is then found through API 1, whose BM25 index
was built before it and must notice the corpus generation moved. Every process is stopped by PID.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "ingest" / "samples"
PACK = "northshire_cssc_2025-01-14_agenda_pack.pdf"
MINUTES = "northshire_cssc_2025-01-14_minutes.pdf"
DEMO_QUESTION = "What did the committee resolve about the School Transport Policy?"
ADMIN, MEMBER = "topology-admin-key-0123456789", "topology-member-key-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen | None, log: Path, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not become ready: {log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.skip("PostgreSQL binaries absent (/usr/lib/postgresql/*/bin); `make system-deps` installs them")
    bindir = Path(bins[-1]).parent
    as_root = os.geteuid() == 0
    # initdb refuses root: run the cluster as the `postgres` system user, in a directory it owns
    # (pytest's tmp_path is root-only).
    base = Path(tempfile.mkdtemp(prefix="cllr-pg-"))
    data, sock, log = base / "data", base / "sock", base / "postgres.log"
    sock.mkdir()
    prefix: list[str] = []
    if as_root:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        prefix
        + [str(bindir / "initdb"), "-D", str(data), "-U", "cllr", "--auth=trust", "--encoding=UTF8", "--no-sync"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        prefix
        + [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    try:
        yield f"postgresql+psycopg://cllr@127.0.0.1:{port}/postgres"
    finally:
        os.kill(pid, signal.SIGINT)  # "fast" shutdown of the postmaster we started, by its PID
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        pytest.skip("chroma CLI not installed in the venv")
    d = tmp_path_factory.mktemp("chroma")
    port, log = _free_port(), d / "chroma.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe), "run", "--path", str(d / "server"), "--port", str(port), "--host", "127.0.0.1"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/api/v2/heartbeat", proc, log, 60, "chroma server")
        yield url
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def apis(postgres: str, chroma: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    exe = Path(sys.executable).parent / "cllr"
    procs, urls = [], []
    try:
        # started together on purpose: both run the migrations against the same empty database
        for n in (1, 2):
            d = tmp_path_factory.mktemp(f"api{n}")
            port, log = _free_port(), d / "api.log"
            env = {
                **os.environ,
                "CLLR_DATABASE_URL": postgres,
                "CLLR_CHROMA_URL": chroma,
                "CLLR_DATA_DIR": str(d / "data"),
                "CLLR_API_KEYS": f"admin:{ADMIN},member:{MEMBER}",
                "CLLR_CHROMA_COLLECTION": "topology",
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "ANONYMIZED_TELEMETRY": "False",
            }
            with log.open("wb") as out:
                procs.append(
                    (
                        subprocess.Popen(
                            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=out,
                            stderr=subprocess.STDOUT,
                            env=env,
                            cwd=d,
                        ),
                        log,
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for (proc, log), url in zip(procs, urls, strict=True):
            _wait(f"{url}/readyz", proc, log, 240, f"API {url}")
        yield urls
    finally:
        for proc, _ in procs:
            _stop(proc)


def _upload(api: str, name: str) -> str:
    with (SAMPLES / name).open("rb") as f:
        r = httpx.post(
            f"{api}/v1/documents",
            headers={"Authorization": f"Bearer {ADMIN}"},
            files={"file": (name, f, "application/pdf")},
            timeout=60,
        )
    assert r.status_code == 202, r.text
    return r.json()["id"]


def _wait_job(api: str, job_id: str) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        r = httpx.get(f"{api}/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return r.json()
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_to_one_api_answer_from_the_other(apis: list[str], postgres: str) -> None:
    api1, api2 = apis
    member = {"Authorization": f"Bearer {MEMBER}"}
    job = _wait_job(api2, _upload(api1, PACK))  # the job is visible from either process
    assert job["status"] == "done" and job["result"] == "added", job
    doc_id = job["doc_id"]

    r = httpx.post(f"{api2}/v1/ask", headers=member, json={"question": DEMO_QUESTION}, timeout=120)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["abstained"] is False, body
    pack = [c for c in body["citations"] if c["doc_id"] == doc_id]
    # the answer's exact wording and page are the engine's tests' business; here: cited to this paper
    assert pack and all(c["pdf_page"] >= 1 and c["page_label"] for c in pack), body["citations"]
    assert "transport" in body["answer"].lower(), body["answer"]

    # API 2 never had the file on its disk: the original comes from the database
    f = httpx.get(f"{api2}/v1/documents/{doc_id}/file", headers=member, timeout=60)
    assert f.status_code == 200 and f.content == (SAMPLES / PACK).read_bytes()

    # the other way round: API 1 built its BM25 index before this upload and must notice the change
    job2 = _wait_job(api1, _upload(api2, MINUTES))
    assert job2["status"] == "done" and job2["result"] == "added", job2
    hits = httpx.get(f"{api1}/v1/search", headers=member, params={"q": "minutes 49 to 57", "k": 20}, timeout=60).json()
    assert job2["doc_id"] in {h["doc_id"] for h in hits["results"]}, hits

    # each job was run exactly once, by one worker, and its upload bytes were cleared afterwards
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres)
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, worker, status, payload IS NULL FROM svc_jobs")).all()
        rev = c.execute(text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert {r[0] for r in rows} == {job["id"], job2["id"]}
    assert all(r[1] and r[2] == "done" and r[3] for r in rows), rows
    from index.migrate import head

    assert rev == head()
