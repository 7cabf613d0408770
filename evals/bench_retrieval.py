"""Retrieval benchmark: embedding throughput, and search latency at 10k and 100k chunks.

    .venv/bin/python -m evals.bench_retrieval [--sizes 10000,100000] [--queries 60]

Embedding speed uses the real model on chunk-sized texts. For scale, chunks are synthetic (Zipf-
distributed words, minute numbers, sums of money) with random unit vectors, written through the
same store / Chroma / BM25 code paths as real documents; queries are embedded by the real model, so
the latencies include query embedding. Prints medians (p50) and p95 per configuration.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402
from ingest.models import Chunk, Page, ParsedDocument  # noqa: E402
from index.filters import SearchFilters  # noqa: E402
from index.library import Library  # noqa: E402

COMMITTEES = ["Cabinet", "Children's Select Committee", "Planning Committee", "Full Council", "Audit Committee"]


def _words(rng: np.random.Generator, n_vocab: int = 8000) -> list[str]:
    syll = ["ka", "lo", "mi", "ren", "tor", "sal", "ve", "din", "pra", "gus", "el", "ost", "man", "ith"]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n_vocab:
        w = "".join(rng.choice(syll, size=int(rng.integers(2, 5))))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def synthetic_docs(n_chunks: int, per_doc: int = 100, seed: int = 0):
    rng = np.random.default_rng(seed)
    vocab = np.array(_words(rng))
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    for d in range(n_chunks // per_doc):
        doc_id = f"{d:016x}"
        committee = COMMITTEES[d % len(COMMITTEES)]
        day = date(2015, 1, 1) + timedelta(days=int(d * 3))
        chunks = []
        for s in range(per_doc):
            words = rng.choice(vocab, size=120, p=p).tolist()
            words[5] = str(100 + (d * per_doc + s) % 900)
            words[40] = f"£{int(rng.integers(1, 99))}.{int(rng.integers(0, 9))}m"
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}-{s:04d}",
                    doc_id=doc_id,
                    source=f"syn{d}.pdf",
                    seq=s,
                    text=" ".join(words),
                    header=f"{committee} · {day} · item {s // 10 + 1}",
                    pdf_pages=[s // 4 + 1],
                    page_labels=[str(s // 4 + 1)],
                    token_count=150,
                    item=str(s // 10 + 1),
                    restricted=(s % 20 == 19),
                    doc_type="agenda_pack",
                    council="Benchshire",
                    committee=committee,
                    meeting_date=day.isoformat(),
                )
            )
        yield (
            ParsedDocument(
                doc_id=doc_id,
                source=f"syn{d}.pdf",
                sha256=doc_id * 4,
                doc_type="agenda_pack",
                title=f"{committee} {day}",
                council="Benchshire",
                committee=committee,
                meeting_date=day,
                pages=[Page(i + 1, str(i + 1), "") for i in range(per_doc // 4)],
                chunks=chunks,
            ),
            rng.standard_normal((per_doc, 384)).astype(np.float32),
        )


def load_synthetic(lib: Library, n_chunks: int) -> None:
    """Write `synthetic_docs(n_chunks)` through the library's store and Chroma (store first, as
    Library._write does), with their random unit vectors: an archive at scale without embedding it."""
    for doc, vecs in synthetic_docs(n_chunks, per_doc=min(100, n_chunks)):
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        lib.store.put_document(doc, file_path=None)
        lib.vectors.upsert(doc.chunks, vecs)


def bench_queries(n: int) -> list[str]:
    """The scale benches' questions: a few of the archive's common words and a minute number."""
    rng = np.random.default_rng(7)
    vocab = _words(np.random.default_rng(0))
    return [" ".join(rng.choice(vocab[:2000], size=int(rng.integers(3, 8)))) + f" minute {100 + i}" for i in range(n)]


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def bench_embedding(lib: Library, n: int = 256, runs: int = 3) -> float:
    rng = np.random.default_rng(1)
    vocab = _words(rng, 3000)
    texts = [" ".join(rng.choice(vocab, size=150)) for _ in range(n)]
    lib.embedder.embed_documents(texts[:8])  # warm-up (model load)
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        lib.embedder.embed_documents(texts)
        rates.append(n / (time.perf_counter() - t))
    return statistics.median(rates)


def bench_size(n_chunks: int, n_queries: int, embedder) -> None:
    with tempfile.TemporaryDirectory(prefix="cllr-bench-") as tmp:
        lib = Library(Settings(data_dir=Path(tmp)), embedder=embedder)
        t0 = time.perf_counter()
        load_synthetic(lib, n_chunks)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        lib.refresh_keyword()
        t_bm25_first = time.perf_counter() - t0
        # the steady-state cost of keeping BM25 in step: one more document, tokens already cached
        doc, vecs = next(synthetic_docs(100, seed=99))
        doc.doc_id, doc.sha256, doc.source = "f" * 16, "f" * 64, "extra.pdf"
        for c in doc.chunks:
            c.doc_id, c.chunk_id, c.source = doc.doc_id, f"{doc.doc_id}-{c.seq:04d}", doc.source
        lib.keyword.prime((c.chunk_id, c.embed_text()) for c in doc.chunks)
        lib.vectors.upsert(doc.chunks, vecs / np.linalg.norm(vecs, axis=1, keepdims=True))
        lib.store.put_document(doc, file_path=None)
        t0 = time.perf_counter()
        lib.refresh_keyword()
        t_bm25_step = time.perf_counter() - t0
        print(
            f"\n{n_chunks} chunks: loaded in {t_load:.1f}s; BM25 first build {t_bm25_first:.2f}s, "
            f"rebuild after adding one document {t_bm25_step:.2f}s"
        )
        rng = np.random.default_rng(7)
        vocab = _words(np.random.default_rng(0))
        queries = [
            " ".join(rng.choice(vocab[:2000], size=int(rng.integers(3, 8)))) + f" {100 + i}" for i in range(n_queries)
        ]
        configs = {
            "no filter, officer": (None, "officer"),
            "public (restriction)": (None, "public"),
            "committee filter, public": (SearchFilters.parse(committee="cabinet"), "public"),
            # the synthetic meetings run every 3 days from 2015-01-01: this range holds about a tenth
            "date range, officer": (SearchFilters.parse(date_from="2015-03-01", date_to="2015-03-31"), "officer"),
        }
        lib.search(queries[0], k=10)  # warm-up
        print(f"  {'config':<28} {'mode':<8} {'p50 ms':>8} {'p95 ms':>8}")
        for name, (filters, role) in configs.items():
            for mode in ("dense", "keyword", "hybrid"):
                lat = []
                for q in queries:
                    t = time.perf_counter()
                    lib.search(q, filters=filters, role=role, k=10, mode=mode)
                    lat.append((time.perf_counter() - t) * 1000)
                print(f"  {name:<28} {mode:<8} {pct(lat, 50):8.1f} {pct(lat, 95):8.1f}")
        lib.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=60)
    args = ap.parse_args(argv)
    from index.embedder import get_embedder

    embedder = get_embedder("minilm")
    with tempfile.TemporaryDirectory() as tmp:
        rate = bench_embedding(Library(Settings(data_dir=Path(tmp)), embedder=embedder))
    import os

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (others' jobs inflate these figures)")
    print(f"embedding (MiniLM, 150-word chunks, batch 64): median {rate:.1f} chunks/s")
    for n in (int(x) for x in args.sizes.split(",")):
        bench_size(n, args.queries, embedder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
