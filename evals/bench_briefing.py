"""Benchmarks for issue 19 (figures, not timed tests): a pack's briefing after ingest, and page images.

    flock /tmp/cllr-heavy.lock .venv/bin/python -m evals.bench_briefing --pack ../shared/corpus/seeds/000_e7c76237b316faf7.pdf

1. Briefing: the pack is ingested into a fresh data dir, then its meeting's briefing is asked of
   the service (an app over that data dir, in process, through HTTP's routing, the release check
   and JSON): the first request after ingest (the decision register and the release check are
   built then), and warm repeats. Target: ready <= 5 s after ingest.
2. Page images: GET /v1/documents/{id}/pages/{n}.png?highlight= for every page, each with a
   quotation from that page: cold (nothing cached on disk: render, word boxes, highlight, PNG) and
   warm (served from the disk cache). Targets: cold <= 1 s, warm <= 300 ms. The public image of a
   page holding Part II lines (rendered from the public copy) is timed the same way when the pack
   has one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402

TARGETS = {"briefing_after_ingest_s": 5.0, "image_cold_ms": 1000.0, "image_warm_ms": 300.0}


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else 0.0


def _quote(text: str) -> str:
    """A quotation from the page: its longest line of ordinary words (as a citation would quote)."""
    lines = [line.strip() for line in text.split("\n") if len(line.split()) >= 6]
    return max(lines, key=len) if lines else ""


_FRESH = """
import sys, time
t0 = time.perf_counter()
from cllr.offline import ensure_offline; ensure_offline()
from cllr.settings import Settings
from index.library import Library
from service.briefing.build import build_briefing
from service.briefing.meetings import find
lib = Library(Settings(data_dir=sys.argv[1]))
build_briefing(lib, find(lib, sys.argv[2], "officer"), "officer")
print(round(time.perf_counter() - t0, 2))
"""


def _fresh_process(data_dir: Path, meeting_id: str) -> float:
    """A briefing made by a process that has loaded nothing yet (cllr brief MEETING_ID): imports,
    the store, the decision register and the query model included."""
    import subprocess

    r = subprocess.run(
        [sys.executable, "-c", _FRESH, str(data_dir), meeting_id],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return float(r.stdout.strip().splitlines()[-1])


def run(pack: Path, data_dir: Path, warm_repeats: int = 5) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from index.library import Library
    from service.app import create_app
    from service.briefing.meetings import meetings

    settings = Settings(data_dir=data_dir)
    lib = Library(settings)
    t0 = time.perf_counter()
    result = lib.ingest_file(pack)
    ingest_s = time.perf_counter() - t0
    doc = lib.document(result.doc_id, "officer") if result.doc_id else None
    if result.status == "failed" or doc is None:
        raise SystemExit(f"bench: {result.error or pack.name + ': not indexed'}")
    meeting = next(m for m in meetings(lib, "officer") if doc.doc_id in m.doc_ids)
    lib.close()
    out: dict[str, Any] = {"pack": pack.name, "pages": doc.page_count, "ingest_s": round(ingest_s, 2)}
    # as a member (a key): the public path adds the release check, timed by the tests, not here
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 1_000_000, "api_keys": "member:bench-key"}))
    with TestClient(app, headers={"Authorization": "Bearer bench-key"}) as c:
        while c.get("/readyz").status_code != 200:  # the service's own warm-up (models, indexes)
            time.sleep(0.1)
        url = f"/v1/meetings/{meeting.meeting_id}/briefing"
        t = time.perf_counter()
        r = c.get(url)
        first = time.perf_counter() - t
        assert r.status_code == 200, r.text
        warm = []
        for _ in range(warm_repeats):
            t = time.perf_counter()
            assert c.get(url).status_code == 200
            warm.append(time.perf_counter() - t)
        out["briefing"] = {
            "first_after_ingest_s": round(first, 3),
            "warm_p50_s": round(statistics.median(warm), 3),
            "items": len(r.json()["items"]),
            "recommendations": r.json()["counts"]["recommendations"],
        }

        cold, hot = [], []
        for n in range(1, doc.page_count + 1):
            text = c.get(f"/v1/documents/{doc.doc_id}/pages/{n}").json().get("text", "")
            q = {"highlight": _quote(text)} if _quote(text) else {}
            t = time.perf_counter()
            r = c.get(f"/v1/documents/{doc.doc_id}/pages/{n}.png", params=q)
            cold.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.headers["content-type"] == "image/png"
            for _ in range(warm_repeats):
                t = time.perf_counter()
                c.get(f"/v1/documents/{doc.doc_id}/pages/{n}.png", params=q)
                hot.append((time.perf_counter() - t) * 1000)
        out["image"] = {
            "pages": doc.page_count,
            "cold_ms_p50": round(_pct(cold, 0.5), 1),
            "cold_ms_p95": round(_pct(cold, 0.95), 1),
            "cold_ms_max": round(max(cold), 1),
            "warm_ms_p50": round(_pct(hot, 0.5), 1),
            "warm_ms_p95": round(_pct(hot, 0.95), 1),
            "warm_ms_max": round(max(hot), 1),
        }
    out["briefing"]["fresh_process_s"] = _fresh_process(data_dir, meeting.meeting_id)
    b, i = out["briefing"], out["image"]
    out["meets"] = {
        "briefing_after_ingest": b["first_after_ingest_s"] <= TARGETS["briefing_after_ingest_s"],
        "image_cold": i["cold_ms_max"] <= TARGETS["image_cold_ms"],
        "image_warm": i["warm_ms_p95"] <= TARGETS["image_warm_ms"],
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench_briefing", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pack", type=Path, default=Path("../shared/corpus/seeds/000_e7c76237b316faf7.pdf"))
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    if not args.pack.is_file():
        print(f"bench: {args.pack}: no such file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cllr-bench-briefing-") as tmp:
        out = run(args.pack, Path(tmp))
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1))
    return 0 if all(out["meets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
