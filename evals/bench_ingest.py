"""Ingestion benchmark: parse + chunk every PDF under a folder N times; print pages/s and chunks/s.

    .venv/bin/python -m evals.bench_ingest ../shared/corpus [--runs 3]

Single process: cProfile on seeds/001 (143 pages) puts ~95% of parse time in pypdf's extract_text,
our structure parsing and chunking in the remaining ~5%. A page-level process pool could at best
halve wall time on this 2-core machine that other jobs share, at the cost of pickling pypdf state; not
done until ingestion throughput matters more than a few seconds per corpus.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from cllr.offline import ensure_offline


def main(argv: list[str] | None = None) -> int:
    ensure_offline()
    ap = argparse.ArgumentParser(prog="bench_ingest")
    ap.add_argument("path", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    from cllr.settings import Settings
    from ingest.chunker import encoder
    from ingest.errors import IngestError
    from ingest.pipeline import parse_file

    files = sorted(args.path.rglob("*.pdf"))
    if not files:
        print(f"no PDFs under {args.path}", file=sys.stderr)
        return 2
    settings = Settings()
    encoder()  # load the BPE tables outside the timed region
    page_rates, chunk_rates, walls = [], [], []
    for run in range(args.runs):
        pages = chunks = failed = 0
        t0 = time.perf_counter()
        for f in files:
            try:
                d = parse_file(f, settings)
            except IngestError:
                failed += 1
                continue
            pages += len(d.pages)
            chunks += len(d.chunks)
        wall = time.perf_counter() - t0
        walls.append(wall)
        page_rates.append(pages / wall)
        chunk_rates.append(chunks / wall)
        print(
            f"run {run + 1}: {len(files)} files ({failed} failed), {pages} pages, {chunks} chunks in {wall:.2f}s "
            f"-> {pages / wall:.1f} pages/s, {chunks / wall:.1f} chunks/s"
        )
    print(
        f"median: {statistics.median(page_rates):.1f} pages/s, {statistics.median(chunk_rates):.1f} chunks/s, "
        f"{statistics.median(walls):.2f}s per pass"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
