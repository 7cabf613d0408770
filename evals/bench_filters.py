"""Filtered search at scale: the old Chroma-`where` dense path beside the catalog path, in one process.

    .venv/bin/python -m evals.bench_filters DATA_DIR --build 100000     # once (~3-5 min at 100k)
    .venv/bin/python -m evals.bench_filters DATA_DIR [--queries 100] [--cached] [--recall]

The archive is evals/bench_retrieval.py's synthetic generator (as `cllr bench`), kept in DATA_DIR so
it can be reused while iterating. For each configuration the two dense paths alternate query by
query (same load for both); `--cached` embeds each query once beforehand so only retrieval is timed.
`--recall` compares each path's dense top 50 with brute force over every vector (the exact filtered
top 50). Figures: docs/performance.md section 3.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402
from index.filters import SearchFilters, may_see_restricted  # noqa: E402
from index.library import Library  # noqa: E402
from index.vectors import where_clause  # noqa: E402

CONFIGS = {
    "no filter, officer": (None, "officer"),
    "no filter, public": (None, "public"),
    "committee filter, public": (SearchFilters.parse(committee="cabinet"), "public"),
    "committee + date range, public": (
        SearchFilters.parse(committee="cabinet", date_from="2015-03-01", date_to="2015-06-30"),
        "public",
    ),
    "date range, officer": (SearchFilters.parse(date_from="2015-03-01", date_to="2015-03-31"), "officer"),
}


def build(data_dir: Path, n_chunks: int) -> None:
    from evals.bench_retrieval import load_synthetic

    shutil.rmtree(data_dir, ignore_errors=True)
    lib = Library(Settings(data_dir=data_dir))
    t = time.perf_counter()
    load_synthetic(lib, n_chunks)
    print(f"loaded {n_chunks} chunks in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    lib.refresh_keyword()
    print(f"BM25 built in {time.perf_counter() - t:.1f} s")
    lib.close()


def queries(n: int) -> list[str]:
    from evals.bench_retrieval import bench_queries

    return bench_queries(n)


class _CachedQueries:
    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.cache: dict[str, Any] = {}

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self.cache:
            self.cache[text] = self.embedder.embed_query(text)
        return self.cache[text]

    def embed_documents(self, texts):
        return self.embedder.embed_documents(texts)


def load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "?"


def ab(lib: Library, qs: list[str]) -> None:
    new_path = lib.vectors.query_allowed
    current: dict = {}

    def old_path(qv, depth, cat, allowed):
        f, allow = current["filters"], current["allow"]
        doc_ids = lib.store.matching_doc_ids(f, allow_restricted=allow)
        return lib.vectors.query(qv, depth, where_clause(f, allow_restricted=allow, doc_ids=doc_ids))

    print(f"load {load()} at start")
    same = total = 0
    for name, (f, role) in CONFIGS.items():
        current.update(filters=f, allow=may_see_restricted(role))
        lat: dict[str, list[float]] = {"old": [], "new": []}
        for i, q in enumerate(qs):
            got = {}
            for which in ("old", "new") if i % 2 == 0 else ("new", "old"):
                lib.vectors.query_allowed = old_path if which == "old" else new_path  # type: ignore[method-assign]
                t = time.perf_counter()
                hits = lib.search(q, filters=f, role=role, k=10)
                lat[which].append((time.perf_counter() - t) * 1000)
                got[which] = [h.chunk_id for h in hits]
            total += 1
            same += got["old"] == got["new"]
        for which in ("old", "new"):
            a = np.asarray(lat[which])
            print(
                f"{name:<32} {which}: p50 {np.percentile(a, 50):7.1f}  p95 {np.percentile(a, 95):7.1f}  "
                f"p99 {np.percentile(a, 99):7.1f} ms",
                flush=True,
            )
    lib.vectors.query_allowed = new_path  # type: ignore[method-assign]
    print(f"identical top 10, old vs new: {same} of {total}; load {load()} at end")


def recall(lib: Library, qs: list[str], k: int = 50) -> None:
    cat = lib.catalog()
    ids, mat = lib.vectors.embeddings(cat.ids)
    row = {c: i for i, c in enumerate(ids)}
    mat = mat[np.asarray([row[c] for c in cat.ids])]
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    for name, (f, role) in CONFIGS.items():
        allow = may_see_restricted(role)
        doc_ids = lib.store.matching_doc_ids(f, allow_restricted=allow)
        mask = cat.mask(f, allow_restricted=allow, doc_ids=doc_ids)
        where = where_clause(f, allow_restricted=allow, doc_ids=doc_ids)
        r_old, r_new = [], []
        for q in qs:
            qv = lib.embedder.embed_query(q)
            sims = mat @ (qv / np.linalg.norm(qv))
            if mask is not None:
                sims = np.where(mask, sims, -9.0)
            truth = {cat.ids[i] for i in np.argsort(-sims)[:k]}
            old = {h.chunk_id for h in lib.vectors.query(qv, k, where)}
            new = {
                h.chunk_id
                for h in (
                    lib.vectors.query_allowed(qv, k, cat, mask) if mask is not None else lib.vectors.query(qv, k, None)
                )
            }
            r_old.append(len(old & truth) / k)
            r_new.append(len(new & truth) / k)
        n_allowed = int(mask.sum()) if mask is not None else len(cat)
        print(f"{name:<32} allowed {n_allowed:>7}  recall@{k} old {np.mean(r_old):.3f}  new {np.mean(r_new):.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--build", type=int, metavar="N", help="(re)create the synthetic archive of N chunks first")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--cached", action="store_true", help="embed each query once beforehand: time retrieval only")
    ap.add_argument("--recall", action="store_true", help="dense recall@50 of both paths against brute force")
    args = ap.parse_args(argv)
    if args.build:
        build(args.data_dir, args.build)
    lib = Library(Settings(data_dir=args.data_dir))
    lib.embedder.embed_query("warm-up")
    if args.cached:
        lib._embedder = _CachedQueries(lib.embedder)
    qs = queries(args.queries)
    for q in qs if args.cached else qs[:3]:
        lib.search(q, k=10)  # warm-up (and the cache): model, Chroma, BM25, catalog
    if args.recall:
        recall(lib, qs[:30])
    else:
        ab(lib, qs)
    lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
