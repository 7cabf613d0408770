"""Decision search at scale: p50/p95/p99 of `Library.decisions` over 100k synthetic decision records.

    .venv/bin/python -m evals.bench_decisions DATA_DIR --build 100000     # once (a few minutes)
    flock /tmp/cllr-heavy.lock .venv/bin/python -m evals.bench_decisions DATA_DIR [--queries 300]

The archive: minutes papers of 50 minutes each, every minute one decision (a Resolved block of one to
four parts, outcomes of every kind, some Part II), written through the store exactly as ingest writes
a paper (Store.put_document builds the decision rows with ingest/register.py), with one passage per
minute carrying a random unit vector in Chroma (as evals/bench_retrieval.py: an archive at scale
without embedding it). Decision texts mix common council topics with Zipf-distributed filler words,
so a topic query matches hundreds to thousands of decisions, as in a real archive.

What is timed is what an HTTP request pays inside the index: the query embedded by the real model
(ONNX), BM25 over the decisions, the dense search over their minutes' passages through the catalog's
allow-list, fusion, filters and the role mask. Configurations: topic alone (public and officer),
topic + committee, topic + date range, topic + outcome, and a timeline. The register is built once
per store generation; that build is reported apart (it is not a per-query cost).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402
from index.library import Library  # noqa: E402
from ingest.models import Chunk, Minute, Page, ParsedDocument  # noqa: E402

COMMITTEES = [
    "Cabinet",
    "Children's Select Committee",
    "Planning Committee",
    "Full Council",
    "Audit Committee",
    "Corporate Parenting Panel",
    "Health Overview and Scrutiny Committee",
    "Licensing Committee",
]
TOPICS = [
    "school transport policy",
    "library opening hours",
    "highways maintenance programme",
    "adult social care charging",
    "council tax reduction scheme",
    "home to school transport",
    "special educational needs provision",
    "waste collection contract",
    "local plan consultation",
    "children's homes sufficiency",
    "capital programme",
    "treasury management strategy",
    "parking charges review",
    "youth services",
    "care leavers offer",
    "flood risk management",
    "devolution and local government reorganisation",
    "pay policy statement",
    "family hubs",
    "minerals and waste plan",
    "bus service improvement plan",
    "school places strategy",
    "early help services",
    "foster carer recruitment",
    "budget monitoring",
]
VERBS = [
    ("That the {t} be noted.", "noted"),
    ("That the {t} be approved.", "agreed"),
    ("That the {t} be endorsed for public consultation.", "agreed"),
    ("That the Cabinet be recommended to adopt the {t}.", "recommended"),
    ("To note the update on the {t}.", "noted"),
    ("That the report on the {t} be considered at the meeting on 11 March 2025.", "agreed"),
]
PER_DOC = 50


def _filler(rng: np.random.Generator, n_vocab: int = 6000) -> np.ndarray:
    syll = ["ka", "lo", "mi", "ren", "tor", "sal", "ve", "din", "pra", "gus", "el", "ost", "man", "ith"]
    out: set[str] = set()
    while len(out) < n_vocab:
        out.add("".join(rng.choice(syll, size=int(rng.integers(2, 5)))))
    return np.array(sorted(out))


def synthetic_minutes(n_decisions: int, seed: int = 0):
    """(ParsedDocument, vectors): minutes papers of PER_DOC minutes, one decision and one passage each."""
    rng = np.random.default_rng(seed)
    vocab = _filler(rng)
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    for d in range(n_decisions // PER_DOC):
        doc_id = f"d{d:015x}"
        committee = COMMITTEES[d % len(COMMITTEES)]
        day = date(2010, 1, 4) + timedelta(days=int(d * 2))
        minutes, chunks, pages = [], [], []
        for s in range(PER_DOC):
            number = str(100 + s)
            topic = TOPICS[int(rng.integers(len(TOPICS)))]
            lines = []
            for k in range(int(rng.integers(1, 5))):
                text, _ = VERBS[int(rng.integers(len(VERBS)))]
                filler = " ".join(rng.choice(vocab, size=int(rng.integers(4, 14)), p=p))
                lines.append((f"({'abcd'[k]}) " if k else "") + text.format(t=topic).rstrip(".") + f", {filler}.")
            page = s // 2 + 1
            minutes.append(
                Minute(
                    number=number,
                    title=topic.title(),
                    pdf_pages=(page, page),
                    resolved=lines,
                    resolved_pages=[page] * len(lines),
                    resolved_blocks=[0] * len(lines),
                )
            )
            body = " ".join(rng.choice(vocab, size=80, p=p))
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}-{s:04d}",
                    doc_id=doc_id,
                    source=f"min{d}.pdf",
                    seq=s,
                    text=f"{number} {topic.title()}. {body} RESOLVED " + " ".join(lines),
                    header=f"{committee} · {day} · minute {number}",
                    pdf_pages=[page],
                    page_labels=[str(page)],
                    token_count=150,
                    minute=number,
                    minute_title=topic.title(),
                    restricted=(s % 25 == 24),
                    doc_type="minutes",
                    council="Benchshire",
                    committee=committee,
                    meeting_date=day.isoformat(),
                )
            )
        for n in range(PER_DOC // 2):
            text = "\n".join(c.text for c in chunks[2 * n : 2 * n + 2])
            restricted = [(1, 1)] if any(c.restricted for c in chunks[2 * n : 2 * n + 2]) else []
            pages.append(Page(n + 1, str(n + 1), "x\n" + text, restricted_lines=restricted))
        yield (
            ParsedDocument(
                doc_id=doc_id,
                source=f"min{d}.pdf",
                sha256=doc_id * 4,
                doc_type="minutes",
                title=f"{committee} minutes {day}",
                council="Benchshire",
                committee=committee,
                meeting_date=day,
                pages=pages,
                minutes=minutes,
                chunks=chunks,
            ),
            rng.standard_normal((PER_DOC, 384)).astype(np.float32),
        )


def build(data_dir: Path, n: int) -> None:
    shutil.rmtree(data_dir, ignore_errors=True)
    lib = Library(Settings(data_dir=data_dir))
    t = time.perf_counter()
    for doc, vecs in synthetic_minutes(n):
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        lib.store.put_document(doc, file_path=None)
        lib.vectors.upsert(doc.chunks, vecs)
    print(f"wrote {n} decisions in {time.perf_counter() - t:.0f} s", flush=True)
    lib.close()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                flags = Path("/proc/cpuinfo").read_text()
                ext = [f for f in ("avx512f", "amx_bf16", "avx2") if f" {f}" in flags]
                return f"{line.split(':', 1)[1].strip()} ({', '.join(ext) or 'no AVX2'}), {os.cpu_count()} cores"
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def run(data_dir: Path, n_queries: int) -> None:
    lib = Library(Settings(data_dir=data_dir))
    t = time.perf_counter()
    lib.embedder.embed_query("warm up")
    t_model = time.perf_counter() - t
    t = time.perf_counter()
    n = len(lib.register.index().records)
    t_build = time.perf_counter() - t
    print(
        f"CPU: {_cpu()}\n{n} decisions; model loaded in {t_model:.1f} s; register built in {t_build:.1f} s "
        f"(once per store generation)"
    )
    rng = np.random.default_rng(11)
    queries = [
        TOPICS[int(rng.integers(len(TOPICS)))]
        if i % 3
        else " ".join(TOPICS[int(rng.integers(len(TOPICS)))].split()[:2])
        for i in range(n_queries)
    ]
    configs = {
        "topic, public": lambda q: lib.decisions(q, role="public", limit=50),
        "topic, officer": lambda q: lib.decisions(q, role="officer", limit=50),
        "topic + committee": lambda q: lib.decisions(q, committee="cabinet", role="public", limit=50),
        "topic + date range": lambda q: lib.decisions(
            q, date_from="2012-01-01", date_to="2013-12-31", role="public", limit=50
        ),
        "topic + outcome": lambda q: lib.decisions(q, outcome="noted", role="public", limit=50),
        "timeline": lambda q: lib.decision_timeline(q, role="public"),
    }
    for name, fn in configs.items():
        fn(queries[0])  # warm
        times, counts = [], []
        for q in queries:
            t = time.perf_counter()
            got = fn(q)
            times.append((time.perf_counter() - t) * 1000)
            counts.append(len(got))
        print(
            f"{name:20} p50 {pct(times, 50):6.1f} ms  p95 {pct(times, 95):6.1f} ms  p99 {pct(times, 99):6.1f} ms"
            f"  ({len(queries)} queries, median {int(np.median(counts))} results)"
        )
    lib.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--build", type=int, default=0, help="write this many synthetic decisions first")
    ap.add_argument("--queries", type=int, default=300)
    a = ap.parse_args()
    if a.build:
        build(a.data_dir, a.build)
    run(a.data_dir, a.queries)


if __name__ == "__main__":
    main()
