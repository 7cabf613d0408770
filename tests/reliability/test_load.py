"""Load (issue 9), through evals/load.py against live servers on 127.0.0.1: within the limits every
request succeeds with an upload indexing meanwhile; past them the service sheds with 429/503 (with
Retry-After) and stays up. The full 200-request run is `slow`; a 40-request one runs always."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import httpx
import pytest

from evals.load import run_load
from tests.fixtures.reports import write_report
from tests.fixtures.live import KEYS, LiveServer, MINUTES, SAMPLES, secure_settings, serve

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def roomy(sample_data_dir: Path, oidc, tmp_path_factory):
    """Limits set above the offered load: 0 errors and 0 sheds are expected."""
    data_dir = tmp_path_factory.mktemp("load") / "data"
    shutil.copytree(sample_data_dir, data_dir)
    yield from serve(
        secure_settings(data_dir, oidc).model_copy(update={"max_concurrent_answers": 256, "rate_limit_per_minute": 0})
    )


@pytest.fixture(scope="module")
def tight(sample_data_dir: Path, oidc):
    """Small limits, so the same load is well past them."""
    yield from serve(
        secure_settings(sample_data_dir, oidc).model_copy(
            update={"max_concurrent_answers": 2, "rate_limit_per_minute": 30}
        )
    )


def _run(server: LiveServer, n: int, **kw) -> dict:
    s = asyncio.run(run_load(server.url, KEYS["member"], requests=n, concurrency=n, **kw))
    return s.to_json()


def _within_limits(server: LiveServer, n: int) -> dict:
    out = _run(server, n, admin_key=KEYS["admin"], upload=SAMPLES / MINUTES, timeout=300)
    assert out["errors"] == 0 and out["shed"] == 0 and out["ok"] == n, json.dumps(out, indent=1)
    # new bytes each run under one name: the first run adds the paper, a later one on the same
    # server replaces it; either way it was indexed while the load ran
    assert out["upload"] and out["upload"].startswith(("done:added", "done:replaced")), out["upload"]
    assert httpx.get(server.url + "/healthz").status_code == 200
    return out


def test_load_small(roomy: LiveServer) -> None:
    out = _within_limits(roomy, 40)
    write_report("load_small", [json.dumps(out)])


@pytest.mark.slow
def test_load_200_concurrent(roomy: LiveServer) -> None:
    out = _within_limits(roomy, 200)
    write_report("load_200", [json.dumps(out)])


def test_past_the_limits_sheds_not_falls_over(tight: LiveServer) -> None:
    out = _run(tight, 80, timeout=300)
    assert out["errors"] == 0, json.dumps(out, indent=1)  # every non-2xx is a 429/503 with Retry-After
    assert out["shed"] > 0 and out["ok"] > 0, out
    assert set(out["statuses"]) <= {"200", "429", "503"}, out["statuses"]
    assert httpx.get(tight.url + "/healthz").status_code == 200
    assert httpx.get(tight.url + "/readyz").status_code == 200
    write_report("load_past_limits", [json.dumps(out)])


def test_oversized_upload_refused_before_reading(tight: LiveServer) -> None:
    """max_upload_mb=2 on this server: a 3 MB body is a 413, and the server is still up."""
    big = b"%PDF-1.7\n" + b"0" * (3 << 20)
    r = httpx.post(
        tight.url + "/v1/documents",
        headers={"Authorization": f"Bearer {KEYS['admin']}"},
        files={"file": ("big.pdf", big, "application/pdf")},
        timeout=60,
    )
    assert r.status_code == 413, r.text
    assert httpx.get(tight.url + "/healthz").status_code == 200
