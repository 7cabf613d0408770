"""The startup warm-up tries again when the index is not yet reachable, and /readyz reports a
failure only once every attempt has failed."""

from __future__ import annotations

import pytest

from service import app as app_mod
from service.app import Warmup

pytestmark = pytest.mark.unit


class Embedder:
    def embed_documents(self, texts):
        return [[0.0] for _ in texts]


class FlakyLibrary:
    """Its store answers after `failures` failed attempts."""

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0
        self.bulk_embedder = Embedder()

    def documents(self, role="public"):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("database is locked")
        return []

    def search(self, query, k=10):
        return []


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(app_mod, "WARMUP_PAUSE_S", 0.0)


def test_a_passing_failure_at_startup_is_tried_again_until_ready():
    w = Warmup(FlakyLibrary(failures=2))
    w._run()
    assert w.status == "ok"


def test_readiness_reports_the_failure_after_the_last_attempt():
    lib = FlakyLibrary(failures=99)
    w = Warmup(lib)
    w._run()
    assert lib.calls == app_mod.WARMUP_ATTEMPTS
    assert w.status == "failed: RuntimeError: database is locked"
