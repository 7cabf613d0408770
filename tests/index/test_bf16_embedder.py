"""Documents embedded in bfloat16 (index/bf16_embedder.py): the same vectors as fp32 to 1e-4, chosen
for ingestion only where the CPU has AMX, and never in the query path unless asked for."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cllr.settings import Settings
from index.library import Library
from tests.index.test_offline import INGEST_AND_SEARCH, REPO, SITECUSTOMIZE
from tests.index.test_onnx_embedder import SENTENCES


@pytest.fixture(scope="module")
def bf16():
    from index.embedder import get_embedder
    return get_embedder("minilm", backend="torch-bf16")


def test_bf16_vectors_match_fp32(bf16) -> None:
    from index.embedder import get_embedder
    fp32 = get_embedder("minilm", backend="onnx")
    assert type(bf16).__name__ == "Bf16MiniLMEmbedder" and bf16.backend == "torch-bf16" and bf16.dim == 384
    want, got = fp32.embed_documents(SENTENCES), bf16.embed_documents(SENTENCES)
    assert got.shape == (len(SENTENCES), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)   # pooled in fp32
    assert float((got * want).sum(axis=1).min()) >= 0.999
    assert float(bf16.embed_query(SENTENCES[0]) @ fp32.embed_query(SENTENCES[0])) >= 0.999
    # sorted by length into batches inside, returned in the caller's order
    one_by_one = np.vstack([bf16.embed_documents([s]) for s in SENTENCES])
    assert float((one_by_one * got).sum(axis=1).min()) >= 0.999
    assert bf16.embed_documents([]).shape == (0, 384)


def test_text_past_the_window_is_cut_as_fp32_cuts_it(bf16) -> None:
    from index.embedder import get_embedder
    long = " ".join(f"paragraph {i} of the budget monitoring report" for i in range(200))   # > 256 pieces
    assert float(bf16.embed_documents([long])[0] @ get_embedder("minilm", backend="onnx").embed_query(long)) >= 0.999


@pytest.mark.parametrize("flags, amx", [
    ("fpu sse avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8", True),
    ("fpu sse avx2 avx512f avx512_bf16", False),       # bf16 without the tiles is slower than fp32
    ("fpu sse avx2", False),
])
def test_amx_is_read_from_the_cpu_flags(tmp_path: Path, flags: str, amx: bool) -> None:
    from index.bf16_embedder import amx_bf16_available
    info = tmp_path / "cpuinfo"
    info.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\n")
    assert amx_bf16_available.__wrapped__(info) is amx
    assert amx_bf16_available.__wrapped__(tmp_path / "absent") is False


def test_auto_embeds_documents_in_bf16_only_on_amx(monkeypatch) -> None:
    from index import bf16_embedder
    from index.embedder import bulk_backend
    monkeypatch.setattr(bf16_embedder, "amx_bf16_available", lambda: True)
    assert bulk_backend("auto", "onnx") == "torch-bf16"
    monkeypatch.setattr(bf16_embedder, "amx_bf16_available", lambda: False)
    assert bulk_backend("auto", "onnx") == "onnx" and bulk_backend("auto", "torch") == "torch"
    assert bulk_backend("onnx-int8", "onnx") == "onnx-int8"   # named: as named, whatever the CPU


def test_library_embeds_documents_and_queries_each_with_its_own_backend(tmp_path: Path) -> None:
    same = Library(Settings(data_dir=tmp_path / "a", embed_bulk_backend="onnx"))
    assert same.bulk_embedder is same.embedder
    split = Library(Settings(data_dir=tmp_path / "b", embed_bulk_backend="torch-bf16"))
    assert type(split.bulk_embedder).__name__ == "Bf16MiniLMEmbedder"
    assert type(split.embedder).__name__ == "OnnxMiniLMEmbedder"
    from tests.index.factories import CARE
    assert split.ingest_parsed(CARE).status == "added"
    assert split.search("looked after children numbers", role="officer", mode="dense", k=1)[0].minute == "390"


def test_a_caller_given_embedder_embeds_documents_too(tmp_path: Path) -> None:
    from tests.reliability.consistency import HashEmbedder
    e = HashEmbedder()
    assert Library(Settings(data_dir=tmp_path / "d"), embedder=e).bulk_embedder is e


def test_missing_torch_falls_back_to_onnx_with_a_log_line(monkeypatch, caplog) -> None:
    import logging
    from index import bf16_embedder
    from index import embedder as emb

    class NoTorch:
        def __init__(self, *a, **k):
            raise ImportError("No module named 'torch'")

    monkeypatch.setattr(bf16_embedder, "Bf16MiniLMEmbedder", NoTorch)
    with caplog.at_level(logging.WARNING, logger="cllr.embedder"):
        got = emb._minilm(64, "torch-bf16", None)
    assert type(got).__name__ == "OnnxMiniLMEmbedder" and got.backend == "onnx"
    assert "embed_backend=torch-bf16 unavailable, using onnx instead: No module named 'torch'" in caplog.text


def test_bf16_ingest_works_with_the_network_disabled(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {k: v for k, v in os.environ.items()
           if k not in {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY"}}
    env.update(PYTHONPATH=os.pathsep.join([str(site), str(REPO)]), CLLR_EMBED_BULK_BACKEND="torch-bf16")
    script = INGEST_AND_SEARCH + textwrap.dedent('''
        print(json.dumps({"results": results, "top": hits[0].minute,
                          "documents": type(lib.bulk_embedder).__name__, "queries": type(lib.embedder).__name__}))
    ''')
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {
        "results": ["added", "added"], "top": "390", "documents": "Bf16MiniLMEmbedder",
        "queries": "OnnxMiniLMEmbedder"}
