"""Where an extractive answer's time goes on a synthetic archive (the bench's generator).

    .venv/bin/python scripts/answer_profile.py DATA_DIR [--chunks 100000] [--answers 40] [--profile]

Builds the archive into DATA_DIR once (kept for the next run), then asks the bench's questions as
`cllr bench` does (officer, no filter; then the committee filter, public) and prints p50/p95, and with
--profile the top cumulative entries of one config's answers.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np

from cllr.offline import ensure_offline


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--answers", type=int, default=40)
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args(argv)
    ensure_offline()
    from cllr.settings import Settings
    from evals.bench_retrieval import bench_queries, load_synthetic
    from index.filters import SearchFilters
    from index.library import Library
    from service import engine as engine_mod

    lib = Library(Settings(data_dir=a.data_dir))
    if lib.store.chunk_count() < a.chunks:
        t = time.perf_counter()
        load_synthetic(lib, a.chunks)
        print(f"built {a.chunks} chunks in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    lib.refresh_keyword()
    queries = bench_queries(a.answers)
    engine = engine_mod.build_engine(lib.settings, library=lib)
    engine.ask(queries[0], role="officer")
    prof = cProfile.Profile() if a.profile else None
    for name, (filters, role) in {
        "no filter, officer": (None, "officer"),
        "committee filter, public": (SearchFilters.parse(committee="cabinet"), "public"),
    }.items():
        lat = []
        for q in queries:
            if prof and name.startswith("no filter"):
                prof.enable()
            t = time.perf_counter()
            engine.ask(q, filters=filters, role=role)
            lat.append((time.perf_counter() - t) * 1000)
            if prof:
                prof.disable()
        print(
            f"{name:28s} answer p50 {np.percentile(lat, 50):6.0f}  p95 {np.percentile(lat, 95):6.0f} ms  "
            f"(n={len(lat)}, embedder for units: {type(engine_mod.unit_embedder(lib)).__name__})"
        )
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
