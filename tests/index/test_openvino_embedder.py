"""Many texts at once embedded by OpenVINO in bfloat16 (index/openvino_embedder.py): the same vectors
as fp32 to 1e-4, chosen only where the CPU has AMX, and never for a search query unless asked for."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cllr.settings import Settings
from index.library import Library
from tests.fixtures.offline import INGEST_AND_SEARCH, REPO, offline_env
from tests.fixtures.offline import SENTENCES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bf16():
    from index.embedder import get_embedder

    return get_embedder("minilm", backend="openvino-bf16")


def test_bf16_vectors_match_fp32(bf16) -> None:
    from index.embedder import get_embedder

    fp32 = get_embedder("minilm", backend="onnx")
    assert type(bf16).__name__ == "OpenVinoMiniLMEmbedder" and bf16.backend == "openvino-bf16" and bf16.dim == 384
    want, got = fp32.embed_documents(SENTENCES), bf16.embed_documents(SENTENCES)
    assert got.shape == (len(SENTENCES), 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)  # pooled in fp32
    assert float((got * want).sum(axis=1).min()) >= 0.999
    assert float(bf16.embed_query(SENTENCES[0]) @ fp32.embed_query(SENTENCES[0])) >= 0.999
    # sorted by length into batches inside, returned in the caller's order
    one_by_one = np.vstack([bf16.embed_documents([s]) for s in SENTENCES])
    assert float((one_by_one * got).sum(axis=1).min()) >= 0.999
    assert bf16.embed_documents([]).shape == (0, 384)


def test_text_past_the_window_is_cut_as_fp32_cuts_it(bf16) -> None:
    from index.embedder import get_embedder

    long = " ".join(f"paragraph {i} of the budget monitoring report" for i in range(200))  # > 256 pieces
    assert float(bf16.embed_documents([long])[0] @ get_embedder("minilm", backend="onnx").embed_query(long)) >= 0.999


def test_threads_share_one_compiled_model(bf16) -> None:
    from concurrent.futures import ThreadPoolExecutor

    want = bf16.embed_documents(SENTENCES)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: bf16.embed_documents(SENTENCES), range(8)))
    for g in got:
        np.testing.assert_allclose(g, want, atol=1e-6)
    assert 1 <= len(bf16._idle) <= 4  # one infer request per caller at once, not one per thread


@pytest.mark.parametrize(
    "flags, amx",
    [
        ("fpu sse avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8", True),
        ("fpu sse avx2 avx512f avx512_bf16", False),  # bf16 without the tiles: not measured, so not chosen
        ("fpu sse avx2", False),
    ],
)
def test_amx_is_read_from_the_cpu_flags(tmp_path: Path, flags: str, amx: bool) -> None:
    from index.openvino_embedder import amx_bf16_available

    info = tmp_path / "cpuinfo"
    info.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\n")
    assert amx_bf16_available.__wrapped__(info) is amx
    assert amx_bf16_available.__wrapped__(tmp_path / "absent") is False


def test_auto_embeds_in_bulk_with_bf16_only_on_amx(monkeypatch) -> None:
    from index import cpu
    from index.embedder import bulk_backend

    monkeypatch.setattr(
        cpu, "this_cpu", lambda: cpu.CpuInfo("x", frozenset({"avx2", "fma", "amx_bf16", "amx_tile"}), 2)
    )
    assert bulk_backend("auto", "onnx") == "openvino-bf16"
    monkeypatch.setattr(
        cpu, "this_cpu", lambda: cpu.CpuInfo("x", frozenset({"avx2", "fma", "avx512f", "avx512_bf16"}), 2)
    )
    assert bulk_backend("auto", "onnx") != "openvino-bf16"  # bf16 without the tiles: not measured, so not chosen
    assert bulk_backend("onnx-int8", "onnx") == "onnx-int8"  # named: as named, whatever the CPU


def test_library_embeds_in_bulk_and_queries_each_with_its_own_backend(tmp_path: Path) -> None:
    same = Library(Settings(data_dir=tmp_path / "a", embed_bulk_backend="onnx"))
    assert same.bulk_embedder is same.embedder
    split = Library(Settings(data_dir=tmp_path / "b", embed_bulk_backend="openvino-bf16"))
    assert type(split.bulk_embedder).__name__ == "OpenVinoMiniLMEmbedder"
    assert type(split.embedder).__name__ == "OnnxMiniLMEmbedder"
    from tests.index.factories import CARE

    assert split.ingest_parsed(CARE).status == "added"
    assert split.search("looked after children numbers", role="officer", mode="dense", k=1)[0].minute == "390"


def test_the_engine_embeds_units_with_the_bulk_embedder(tmp_path: Path) -> None:
    from service.engine import unit_embedder

    lib = Library(Settings(data_dir=tmp_path / "c", embed_bulk_backend="openvino-bf16"))
    assert unit_embedder(lib) is lib.bulk_embedder

    class QueriesOnly:  # a library without a bulk embedder (a test double, an older facade)
        embedder = object()

    assert unit_embedder(QueriesOnly()) is QueriesOnly.embedder


def test_a_caller_given_embedder_embeds_in_bulk_too(tmp_path: Path) -> None:
    from tests.reliability.consistency import HashEmbedder

    e = HashEmbedder()
    assert Library(Settings(data_dir=tmp_path / "d"), embedder=e).bulk_embedder is e


def test_missing_openvino_falls_back_to_onnx_with_a_log_line(monkeypatch, caplog) -> None:
    import builtins

    real_import = builtins.__import__

    def no_openvino(name, *a, **k):
        if name == "openvino" or name.startswith("openvino."):
            raise ImportError("No module named 'openvino'")
        return real_import(name, *a, **k)

    from index import embedder as emb

    monkeypatch.setattr(builtins, "__import__", no_openvino)
    with caplog.at_level(logging.WARNING, logger="cllr.embedder"):
        got = emb._minilm(64, "openvino-bf16", None)
    assert type(got).__name__ == "OnnxMiniLMEmbedder" and getattr(got, "backend", None) == "onnx"
    assert "embed_backend=openvino-bf16 unavailable, using onnx instead: No module named 'openvino'" in caplog.text


def test_a_damaged_model_file_is_named(tmp_path: Path) -> None:
    from index.openvino_embedder import OpenVinoMiniLMEmbedder, OpenVinoUnavailableError

    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not an onnx file")
    with pytest.raises(OpenVinoUnavailableError, match="OpenVINO cannot compile .*model.onnx"):
        OpenVinoMiniLMEmbedder(model_file=bad)


def test_bulk_ingest_works_with_the_network_disabled(tmp_path: Path) -> None:
    env = offline_env(tmp_path, CLLR_EMBED_BULK_BACKEND="openvino-bf16")
    script = INGEST_AND_SEARCH + textwrap.dedent('''
        print(json.dumps({"results": results, "top": hits[0].minute, "bulk": type(lib.bulk_embedder).__name__,
                          "queries": type(lib.embedder).__name__, "torch_imported": "torch" in sys.modules}))
    ''')
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {
        "results": ["added", "added"],
        "top": "390",
        "bulk": "OpenVinoMiniLMEmbedder",
        "queries": "OnnxMiniLMEmbedder",
        "torch_imported": False,
    }
