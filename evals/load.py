"""A bounded load test over loopback: concurrent ask/chat requests mixed with searches, with an
upload in progress. Re-runnable against any running cllr:

    .venv/bin/python -m evals.load --url http://127.0.0.1:8000 --key MEMBER-KEY --admin-key ADMIN-KEY \
        --requests 200 --concurrency 200 --upload ingest/samples/northshire_cssc_2025-01-14_minutes.pdf

Every request is sent once (no retries). Outcomes: ok (2xx with the expected body), shed (429 or
503 with Retry-After: the service saying "not now", which is what it should do past its limits) and
error (anything else: transport errors, timeouts, other statuses, malformed bodies). Prints a JSON
summary with p50/p95 latencies of the ok requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

QUESTIONS = (
    "What did the committee resolve about the School Transport Policy?",
    "What is the forecast overspend for children's services?",
    "What was the Ofsted overall effectiveness grade?",
    "Who is the chairman of the committee?",
    "What was agreed about the work programme?",
)
SEARCHES = ("school transport", "minute 45", "£6.4 million", "Ofsted", "children's homes", "care leavers")


@dataclass
class Summary:
    requests: int = 0
    ok: int = 0
    shed: int = 0
    errors: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    upload: str | None = None
    wall_s: float = 0.0

    def p(self, q: float) -> float | None:
        xs = sorted(self.latencies_ms)
        if not xs:
            return None
        return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "ok": self.ok,
            "shed": self.shed,
            "errors": self.errors,
            "p50_ms": self.p(0.50),
            "p95_ms": self.p(0.95),
            "max_ms": self.p(1.0),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
            "by_kind": self.by_kind,
            "statuses": self.statuses,
            "upload": self.upload,
            "wall_s": round(self.wall_s, 2),
            "error_samples": self.error_samples[:10],
        }


def _check(kind: str, r: httpx.Response, body: str) -> str | None:
    """None if the 2xx body is what the route promises, else what is wrong."""
    try:
        if kind == "stream":
            return None if body.rstrip().endswith("data: [DONE]") else "stream did not end with [DONE]"
        data = json.loads(body)
        if kind == "ask":
            return None if "answer" in data and "citations" in data else "ask body lacks answer/citations"
        if kind == "chat":
            return None if data["choices"][0]["message"]["content"] else "empty chat content"
        if kind == "search":
            return None if "results" in data else "search body lacks results"
    except (ValueError, KeyError, IndexError) as e:
        return f"malformed {kind} body: {e}"
    return None


async def _one(c: httpx.AsyncClient, kind: str, rng: random.Random, s: Summary) -> None:
    q = rng.choice(QUESTIONS)
    t0 = time.perf_counter()
    try:
        if kind == "search":
            req = c.build_request("GET", "/v1/search", params={"q": rng.choice(SEARCHES), "k": 5})
        elif kind == "ask":
            req = c.build_request("POST", "/v1/ask", json={"question": q})
        else:
            req = c.build_request(
                "POST",
                "/v1/chat/completions",
                json={"model": "cllr", "stream": kind == "stream", "messages": [{"role": "user", "content": q}]},
            )
        r = await c.send(req, stream=True)
        try:
            body = (await r.aread()).decode("utf-8", "replace")
        finally:
            await r.aclose()
    except httpx.HTTPError as e:
        s.errors += 1
        s.statuses["transport"] = s.statuses.get("transport", 0) + 1
        s.error_samples.append(f"{kind}: {type(e).__name__}: {e}")
        return
    ms = (time.perf_counter() - t0) * 1000
    s.statuses[str(r.status_code)] = s.statuses.get(str(r.status_code), 0) + 1
    if r.status_code in (429, 503) and r.headers.get("retry-after"):
        s.shed += 1
        return
    problem = _check(kind, r, body) if r.status_code == 200 else f"status {r.status_code}: {body[:200]}"
    if problem:
        s.errors += 1
        s.error_samples.append(f"{kind}: {problem}")
        return
    s.ok += 1
    s.latencies_ms.append(ms)


async def _upload(base: str, admin_key: str, path: Path, s: Summary, timeout: float) -> None:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {admin_key}"}, timeout=timeout) as c:
        # new bytes each run (a comment after %%EOF), so the upload really indexes while the load runs
        data = path.read_bytes() + f"\n% load {time.time_ns()}\n".encode()
        r = await c.post("/v1/documents", files={"file": (f"load-{path.name}", data, "application/pdf")})
        if r.status_code != 202:
            s.upload = f"http {r.status_code}"
            return
        url = r.json()["url"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = (await c.get(url)).json()
            if job.get("status") in ("done", "failed"):
                s.upload = f"{job['status']}:{job.get('result')}:{job.get('doc_id')}"
                return
            await asyncio.sleep(0.25)
        s.upload = "timeout"


async def run_load(
    base: str,
    key: str,
    *,
    requests: int = 200,
    concurrency: int = 200,
    seed: int = 9,
    mix: tuple[float, float, float, float] = (0.35, 0.15, 0.1, 0.4),
    timeout: float = 120.0,
    admin_key: str | None = None,
    upload: Path | None = None,
) -> Summary:
    """mix: shares of ask, chat, streamed chat, search. Bounded: exactly `requests` requests."""
    rng = random.Random(seed)
    kinds = rng.choices(["ask", "chat", "stream", "search"], weights=mix, k=requests)
    s = Summary(requests=requests)
    for k in kinds:
        s.by_kind[k] = s.by_kind.get(k, 0) + 1
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    t0 = time.perf_counter()
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=timeout, limits=limits
    ) as c:

        async def go(kind: str) -> None:
            async with gate:
                await _one(c, kind, rng, s)

        tasks = [asyncio.create_task(go(k)) for k in kinds]
        if upload is not None and admin_key:
            tasks.append(asyncio.create_task(_upload(base, admin_key, upload, s, timeout)))
        await asyncio.gather(*tasks)
    s.wall_s = time.perf_counter() - t0
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--key", default="", help="API key for the questions and searches")
    ap.add_argument("--admin-key", default=None)
    ap.add_argument("--upload", type=Path, default=None, help="a PDF to upload while the load runs")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=9)
    a = ap.parse_args(argv)
    if not a.url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        ap.error("load tests run against loopback only")
    s = asyncio.run(
        run_load(
            a.url,
            a.key,
            requests=a.requests,
            concurrency=a.concurrency,
            seed=a.seed,
            timeout=a.timeout,
            admin_key=a.admin_key,
            upload=a.upload,
        )
    )
    print(json.dumps(s.to_json(), indent=2))
    return 1 if s.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
