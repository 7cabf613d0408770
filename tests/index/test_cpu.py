"""The bulk embedding backend is chosen by what the CPU offers (index/cpu.py), and said."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.cpu import CpuInfo, bulk_backend_for, read_cpuinfo

# flag lines as Linux prints them (abridged to the SIMD part) for three generations of server CPU
AMX_XEON = "fpu sse sse2 avx avx2 fma avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8"
VNNI_XEON = "fpu sse sse2 avx avx2 fma avx512f avx512bw avx512_vnni"
ZEN4_EPYC = "fpu sse sse2 avx avx2 fma avx512f avx512bw avx512_vnni avx512_bf16"
ZEN3_EPYC = "fpu sse sse2 avx avx2 fma sha_ni"
HASWELL_XEON = "fpu sse sse2 avx avx2 fma"
ATOM = "fpu sse sse2 sse4_2"


def _cpuinfo(tmp_path: Path, model: str, flags: str) -> Path:
    p = tmp_path / "cpuinfo"
    p.write_text("".join(f"processor\t: {i}\nmodel name\t: {model}\nflags\t\t: {flags}\n\n" for i in range(2)))
    return p


@pytest.mark.unit
@pytest.mark.parametrize(
    "flags, kind, bulk",
    [
        (AMX_XEON, "amx", "openvino-bf16"),
        (VNNI_XEON, "avx512-vnni", "onnx-int8"),
        (ZEN4_EPYC, "avx512-vnni", "onnx-int8"),
        (ZEN3_EPYC, "avx2", "onnx-int8"),
        (HASWELL_XEON, "avx2", "onnx-int8"),
        (ATOM, "other", "onnx"),  # nothing measured for it: the query backend embeds everything
    ],
)
def test_each_kind_of_cpu_gets_its_backend(tmp_path: Path, flags: str, kind: str, bulk: str) -> None:
    cpu = read_cpuinfo(_cpuinfo(tmp_path, "Some Server CPU", flags))
    assert cpu.kind == kind and cpu.model == "Some Server CPU"
    assert bulk_backend_for(cpu, "onnx") == bulk


@pytest.mark.unit
def test_the_flags_that_explain_a_choice_are_reported_in_a_fixed_order(tmp_path: Path) -> None:
    cpu = read_cpuinfo(_cpuinfo(tmp_path, "Xeon", AMX_XEON))
    assert cpu.reported_flags() == [
        "avx2",
        "fma",
        "avx512f",
        "avx512_vnni",
        "avx512_bf16",
        "amx_tile",
        "amx_bf16",
        "amx_int8",
    ]
    assert cpu.to_json()["kind"] == "amx" and "amx_bf16" in cpu.describe()


@pytest.mark.unit
def test_no_cpuinfo_means_no_cpu_specific_backend(tmp_path: Path) -> None:
    cpu = read_cpuinfo(tmp_path / "absent")
    assert cpu.kind == "other" and cpu.flags == frozenset() and cpu.cores >= 1
    assert bulk_backend_for(cpu, "torch") == "torch"


@pytest.mark.unit
def test_cores_are_the_ones_this_process_may_use(monkeypatch) -> None:
    import os

    from index import cpu

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5})
    assert cpu.usable_cores() == 3


@pytest.mark.unit
def test_auto_follows_the_cpu_and_a_named_backend_wins(monkeypatch) -> None:
    from index import cpu
    from index.embedder import bulk_backend

    for flags, want in ((HASWELL_XEON, "onnx-int8"), (AMX_XEON, "openvino-bf16"), (ATOM, "onnx")):
        monkeypatch.setattr(cpu, "this_cpu", lambda f=flags: CpuInfo("x", frozenset(f.split()), 2))
        assert bulk_backend("auto", "onnx") == want
    assert bulk_backend("onnx", "onnx") == "onnx"  # named: as named, whatever the CPU


@pytest.mark.unit
def test_the_choice_is_said_in_one_line(monkeypatch) -> None:
    from index import cpu
    from index.embedder import describe_choice

    monkeypatch.setattr(cpu, "this_cpu", lambda: CpuInfo("AMD EPYC", frozenset(ZEN3_EPYC.split()), 2))
    line = describe_choice("onnx", "auto")
    assert line == (
        "embedding: onnx-int8 for documents and answer sentences (chosen for this CPU), onnx for "
        "queries; CPU: AMD EPYC, 2 cores, avx2 (avx2 fma)"
    )
    assert "(as set)" in describe_choice("onnx", "torch")


@pytest.mark.integration
def test_cllr_ingest_prints_the_choice(tmp_path: Path) -> None:
    import subprocess
    import sys
    from tests.fixtures.offline import REPO, offline_env

    sample = REPO / "ingest" / "samples"
    txt = sorted(sample.glob("*.txt"))[:1]
    env = offline_env(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "cllr.cli", "ingest", *map(str, txt), "--data-dir", str(tmp_path / "data")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "embedding: " in proc.stderr and "for documents and answer sentences" in proc.stderr
    assert f"CPU: {read_cpuinfo().describe()}" in proc.stderr
