"""Live HTTP servers over a real index of the shipped sample papers, for the service tests.

Imported by the test modules that need them (not from conftest.py: that one belongs to the engine
tests and its `library`/`settings` fixtures are fakes). The index is built once per session from
ingest/samples/ into a temp data dir with the real Library (embedded Chroma, BM25, SQLite); each
server is a real uvicorn on 127.0.0.1 with a free port, in a thread, so the tests go through
HTTP exactly as a client would.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

from cllr.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "ingest" / "samples"
PACK = "northshire_cssc_2025-01-14_agenda_pack.pdf"
MINUTES = "northshire_cssc_2025-01-14_minutes.pdf"
# Words that occur only in the pack's Part II item 9 (ingest/samples/README.md): any of them in a
# public response is a leak.
CANARIES = ("Harbourside Care Partnership", "£4,812", "Elmgrove Residential Services", "Elmgrove")
DEMO_QUESTION = "What did the committee resolve about the School Transport Policy?"

KEYS = {"public": "pub-6f1c2a", "member": "mem-9b7d3e", "officer": "off-2c8a41", "admin": "adm-5e0f77"}
OIDC_ISSUER = "https://idp.northshire.test"
OIDC_AUDIENCE = "cllr"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving one app on 127.0.0.1:<free port> in a thread; ready when /readyz says so."""

    def __init__(self, app: Any):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on", timeout_graceful_shutdown=5))
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    def start(self, timeout: float = 180) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("server failed to start (see the log above)")
            if time.monotonic() > deadline:
                raise TimeoutError("server did not start")
            time.sleep(0.05)
        while True:   # readiness: the index is warmed up (model, Chroma, BM25 loaded)
            r = httpx.get(self.url + "/readyz", timeout=30)
            if r.status_code == 200:
                return self
            if "failed" in r.text or time.monotonic() > deadline:
                raise RuntimeError(f"server not ready: {r.text}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@dataclass
class Oidc:
    private_key: Any
    jwks_file: Path

    def token(self, role: str | None = "member", *, sub: str = "cllr.ashworth", exp_in: int = 300,
              audience: str = OIDC_AUDIENCE, issuer: str = OIDC_ISSUER, key: Any = None, kid: str = "test-1") -> str:
        claims: dict[str, Any] = {"sub": sub, "aud": audience, "iss": issuer, "exp": int(time.time()) + exp_in,
                                  "iat": int(time.time())}
        if role is not None:
            claims["cllr_role"] = role
        return jwt.encode(claims, key or self.private_key, algorithm="RS256", headers={"kid": kid})


def make_oidc(directory: Path) -> Oidc:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "test-1", "use": "sig", "alg": "RS256"})
    path = directory / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return Oidc(key, path)


def sample_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.pdf"))
    if not files:
        pytest.fail(f"no sample papers in {SAMPLES}: run `.venv/bin/python -m ingest.samples.generate`")
    return files


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir indexed from the shipped samples with the real Library, once per session."""
    from index.library import Library
    data_dir = tmp_path_factory.mktemp("cllr-data")
    library = Library(Settings(data_dir=data_dir))
    try:
        for path in sample_files():
            result = library.ingest_file(path)
            assert result.status == "added", result.summary()
    finally:
        library.close()
    return data_dir


@pytest.fixture(scope="session")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Oidc:
    return make_oidc(tmp_path_factory.mktemp("oidc"))


def secure_settings(data_dir: Path, oidc: Oidc, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, api_keys=",".join(f"{r}:{k}" for r, k in KEYS.items()),
                    oidc_jwks_file=oidc.jwks_file, oidc_audience=OIDC_AUDIENCE, oidc_issuer=OIDC_ISSUER,
                    cors_origins="https://intranet.northshire.test", max_upload_mb=2, **overrides)


def serve(settings: Settings, configure: Callable[[Any], None] | None = None) -> Iterator[LiveServer]:
    from service.app import create_app
    app = create_app(settings)
    if configure:
        configure(app)
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def secure(sample_data_dir: Path, oidc: Oidc) -> Iterator[LiveServer]:
    """Credentials configured: API keys for every role, and OIDC via a JWKS file."""
    yield from serve(secure_settings(sample_data_dir, oidc))


@pytest.fixture(scope="session")
def open_server(sample_data_dir: Path) -> Iterator[LiveServer]:
    """Nothing configured: the embedded demo, every caller public."""
    yield from serve(Settings(data_dir=sample_data_dir))


def client(server: LiveServer, role: str | None = None, **kw: Any) -> httpx.Client:
    headers = {"Authorization": f"Bearer {KEYS[role]}"} if role else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=120, **kw)


@pytest.fixture(scope="session")
def doc_ids(secure: LiveServer) -> dict[str, str]:
    """source → doc_id, as the service lists them to an officer."""
    with client(secure, "officer") as c:
        r = c.get("/v1/documents", params={"limit": 200})
        r.raise_for_status()
        return {d["source"]: d["doc_id"] for d in r.json()["results"]}


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"restricted text {canary!r} leaked to a public caller"
