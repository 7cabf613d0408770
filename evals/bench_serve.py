"""`cllr serve` as a subprocess on loopback, driven with httpx: /v1/ask throughput and latency,
the first streamed token of /v1/chat/completions, and the serving process's RSS.

The server is the real command (not an in-process app), so its RSS is the serving process's own.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx

from evals.load import QUESTIONS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_rss_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, from /proc (Linux)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                out[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


@contextmanager
def serve(data_dir: Path, timeout_s: float = 180.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `cllr serve` over data_dir on a free loopback port; yield (base url, process); stop it."""
    port = _free_port()
    # the limits exist for shared use; here one client measures, so they would only measure themselves
    env = {**os.environ, "CLLR_RATE_LIMIT_PER_MINUTE": "1000000", "CLLR_API_KEYS": "", "CLLR_DATA_DIR": str(data_dir)}
    cmd = [
        sys.executable,
        "-m",
        "cllr.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    log = open(data_dir / "bench-serve.log", "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"cllr serve exited with {proc.returncode}; see {data_dir / 'bench-serve.log'}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"cllr serve not ready after {timeout_s:.0f}s")
            time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()  # our own child, by its handle
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _pcts(xs: list[float]) -> dict[str, float | None]:
    if not xs:
        return {"p50_ms": None, "p95_ms": None}
    import numpy as np

    a = np.asarray(xs)
    return {"p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1)}


def _ask_body(qs: list[str], i: int) -> dict[str, Any]:
    return {"question": qs[i % len(qs)]}


def sequential(base: str, n: int, qs: list[str]) -> dict[str, Any]:
    lat, errors = [], 0
    with httpx.Client(base_url=base, timeout=120) as c:
        t0 = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            r = c.post("/v1/ask", json=_ask_body(qs, i))
            if r.status_code == 200:
                lat.append((time.perf_counter() - t) * 1000)
            else:
                errors += 1
        wall = time.perf_counter() - t0
    return {"requests": n, "errors": errors, "req_per_s": round(n / wall, 2), **_pcts(lat)}


async def _concurrent(base: str, n: int, concurrency: int, qs: list[str]) -> dict[str, Any]:
    lat: list[float] = []
    errors = 0
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as c:

        async def one(i: int) -> None:
            nonlocal errors
            async with gate:
                t = time.perf_counter()
                r = await c.post("/v1/ask", json=_ask_body(qs, i))
                if r.status_code == 200:
                    lat.append((time.perf_counter() - t) * 1000)
                else:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - t0
    return {"requests": n, "concurrency": concurrency, "errors": errors, "req_per_s": round(n / wall, 2), **_pcts(lat)}


def first_token(base: str, n: int, qs: list[str]) -> dict[str, Any]:
    """Time to the first SSE event carrying answer text (not the empty role event), and to [DONE]."""
    firsts, totals = [], []
    with httpx.Client(base_url=base, timeout=120) as c:
        for i in range(n):
            body = {"model": "cllr", "stream": True, "messages": [{"role": "user", "content": qs[i % len(qs)]}]}
            t = time.perf_counter()
            first = None
            with c.stream("POST", "/v1/chat/completions", json=body) as r:
                for line in r.iter_lines():
                    if (
                        first is None
                        and line.startswith("data:")
                        and '"content": "' in line
                        and '"content": ""' not in line
                    ):
                        first = (time.perf_counter() - t) * 1000
            totals.append((time.perf_counter() - t) * 1000)
            if first is not None:
                firsts.append(first)
    return {"requests": n, "first_token": _pcts(firsts), "complete": _pcts(totals)}


def bench_service(data_dir: Path, n: int, concurrency: int, questions: list[str] | None = None) -> dict[str, Any]:
    """Throughput and latency of /v1/ask, first streamed token, and the server's RSS afterwards.

    Each stage gets its own slice of the questions when there are enough: the engine caches passage
    embeddings per process, so a question asked twice would measure the cache, not the answer."""
    qs = list(questions or QUESTIONS)
    m = max(5, n // 3)
    if len(qs) >= 2 * n + m + 1:
        warm, seq, conc, strm = qs[:1], qs[1 : n + 1], qs[n + 1 : 2 * n + 1], qs[2 * n + 1 : 2 * n + 1 + m]
    else:
        warm = seq = conc = strm = qs
    t = time.perf_counter()
    with serve(data_dir) as (base, proc):
        ready_s = time.perf_counter() - t
        with httpx.Client(base_url=base, timeout=120) as c:  # warm-up: model load, BM25 build
            t = time.perf_counter()
            c.post("/v1/ask", json=_ask_body(warm, 0))
            first_ms = (time.perf_counter() - t) * 1000
        out = {
            "ready_s": round(ready_s, 1),
            "first_answer_ms": round(first_ms, 1),
            "distinct_questions": len(set(seq) | set(conc) | set(strm)),
            "sequential": sequential(base, n, seq),
            "concurrent": asyncio.run(_concurrent(base, n, concurrency, conc)),
            "stream": first_token(base, m, strm),
        }
        out["server"] = proc_rss_mb(proc.pid)
    return out


def serving_rss(data_dir: Path, n: int = 20) -> dict[str, Any]:
    """RSS of `cllr serve` over a (large) index after it has answered and searched with filters."""
    with serve(data_dir, timeout_s=600) as (base, proc):
        idle = proc_rss_mb(proc.pid)
        lat = []
        with httpx.Client(base_url=base, timeout=300) as c:
            for i in range(n):
                t = time.perf_counter()
                c.post(
                    "/v1/ask",
                    json={
                        "question": f"{QUESTIONS[i % len(QUESTIONS)]} minute {100 + i}",
                        "filters": {"committee": "cabinet"} if i % 2 else None,
                    },
                )
                c.get("/v1/search", params={"q": f"budget minute {200 + i}", "k": 10})
                lat.append((time.perf_counter() - t) * 1000)
        return {"idle": idle, "after_queries": proc_rss_mb(proc.pid), "ask_plus_search": _pcts(lat)}
