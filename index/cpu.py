"""What this CPU offers the embedding model, read once from /proc/cpuinfo, and the bulk backend it gets.

Three kinds matter for a BERT encoder on a CPU (docs/performance.md has a table for each):
  - `amx`: Intel AMX with bfloat16 tiles (Sapphire Rapids and later): OpenVINO in bfloat16;
  - `avx512-vnni`: AVX-512 with VNNI (Cascade Lake and later Xeons, AMD Zen 4+): int8 dot products in
    one instruction: ONNX Runtime int8;
  - `avx2`: AVX2 and FMA only (older Xeons, AMD EPYC up to Zen 3, most small cloud VMs): int8 through
    a pairwise 16-bit sum (VPMADDUBSW): ONNX Runtime int8 too, whose weights are 7-bit so that sum
    cannot saturate (index/onnx_embedder.py), which makes its vectors the same on both kinds.
Anything else (no AVX2) keeps the query backend. Linux lists a flag only when the kernel supports it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# the flags reported beside every benchmark figure: what decides a kind, and what explains one
REPORTED_FLAGS = (
    "avx2",
    "fma",
    "avx_vnni",
    "avx512f",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)
KINDS = ("amx", "avx512-vnni", "avx2", "other")
# the bulk backend `auto` picks per kind (measured: docs/performance.md section 0)
BULK_BACKEND = {"amx": "openvino-bf16", "avx512-vnni": "onnx-int8", "avx2": "onnx-int8"}


@dataclass(frozen=True)
class CpuInfo:
    model: str  # "model name" as the kernel reports it ("" when unknown)
    flags: frozenset[str]
    cores: int  # CPUs this process may run on (affinity / cgroup cpuset), not the host's

    @property
    def kind(self) -> str:
        if {"amx_bf16", "amx_tile"} <= self.flags:
            return "amx"
        if {"avx512f", "avx512_vnni"} <= self.flags:
            return "avx512-vnni"
        if {"avx2", "fma"} <= self.flags:
            return "avx2"
        return "other"

    def reported_flags(self) -> list[str]:
        return [f for f in REPORTED_FLAGS if f in self.flags]

    def describe(self) -> str:
        return f"{self.model or 'unknown CPU'}, {self.cores} cores, {self.kind} ({' '.join(self.reported_flags()) or 'no SIMD flags read'})"

    def to_json(self) -> dict[str, object]:
        return {"model": self.model, "kind": self.kind, "cores": self.cores, "flags": self.reported_flags()}


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def read_cpuinfo(path: Path = CPUINFO) -> CpuInfo:
    model, flags = "", frozenset[str]()
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and not model:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = frozenset(value.split())
                if model and flags:
                    break
    except OSError:  # no /proc (not Linux): no flags, so no CPU-specific backend
        pass
    return CpuInfo(model, flags, usable_cores())


@lru_cache(maxsize=1)
def this_cpu() -> CpuInfo:
    return read_cpuinfo()


def bulk_backend_for(cpu: CpuInfo, query_backend: str) -> str:
    return BULK_BACKEND.get(cpu.kind, query_backend)
