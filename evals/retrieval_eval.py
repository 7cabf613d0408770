"""Retrieval quality on the gold sets: hit@1/@5/@10 and MRR for hybrid, dense-only and keyword-only,
and for a plain llama-index pipeline (SimpleDirectoryReader → SentenceSplitter → VectorStoreIndex on
Chroma, same embedding model) as the baseline to beat.

    .venv/bin/python -m evals.retrieval_eval [--data-dir DIR] [--baseline]

A question is a hit at k when one of the top-k passages is on a gold evidence page (same PDF,
pdf_page in the evidence pages). Only answerable questions count. Follow-ups are searched with the
earlier user turns prepended (the only context a system may read besides the question).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@dataclass(frozen=True)
class GoldQuery:
    id: str
    query: str
    evidence: tuple[tuple[str, frozenset[int]], ...]


def load_gold(path: Path) -> list[GoldQuery]:
    out = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        ev = tuple((e["pdf"], frozenset(e["pages"])) for e in r.get("evidence_pages") or [] if e.get("pdf"))
        if not ev:
            continue  # unanswerable
        prior = [t["content"] for t in r.get("history") or [] if t.get("role") == "user"]
        out.append(GoldQuery(r["id"], " ".join(prior + [r["question"]]), ev))
    return out


def is_hit(source: str, pdf_page: int, q: GoldQuery) -> bool:
    return any(source == pdf and pdf_page in pages for pdf, pages in q.evidence)


def score(ranked: Callable[[str], Sequence[tuple[str, int]]], gold: list[GoldQuery]) -> dict[str, float]:
    h1 = h5 = h10 = rr = 0.0
    for q in gold:
        res = list(ranked(q.query))[:10]
        first = next((i for i, (s, p) in enumerate(res, 1) if is_hit(s, p, q)), None)
        if first:
            h1 += first <= 1
            h5 += first <= 5
            h10 += first <= 10
            rr += 1 / first
    n = max(len(gold), 1)
    return {"n": len(gold), "hit@1": h1 / n, "hit@5": h5 / n, "hit@10": h10 / n, "mrr": rr / n}


def corpus_files(dirs: Sequence[Path]) -> list[Path]:
    return sorted(f for d in dirs for f in d.glob("*.pdf"))


def cache_key(files: Sequence[Path], backend: str | None = None) -> str:
    """Changes when a corpus file, the code that decides chunks and their vectors/tokens, or the
    embedding backend (CLLR_EMBED_BACKEND unless given) changes."""
    h = hashlib.sha256()
    h.update(f"embed_backend={backend or Settings().embed_backend}".encode())
    for f in files:
        h.update(f.name.encode() + hashlib.sha256(f.read_bytes()).digest())
    for code in sorted((REPO / "ingest").glob("*.py")) + [
        REPO / "index" / n for n in ("store.py", "embedder.py", "keyword.py")
    ]:
        if code.is_file():
            h.update(code.name.encode() + code.read_bytes())
    return h.hexdigest()[:16]


def build_library(files: Sequence[Path], data_dir: Path, *, embedder=None):
    """Ingest files into data_dir unless a complete build is already there (marker file)."""
    from index.library import Library

    marker = data_dir / ".complete"
    if data_dir.exists() and not marker.exists():
        shutil.rmtree(data_dir)  # an interrupted build: start again rather than trust it
    lib = Library(Settings(data_dir=data_dir), embedder=embedder)
    if not marker.exists():
        failed = [r for r in (lib.ingest_file(f) for f in files) if r.status == "failed"]
        if failed:
            raise RuntimeError("; ".join(r.error or r.source for r in failed))
        lib.refresh_keyword()
        marker.write_text(json.dumps({"files": [f.name for f in files]}))
    return lib


def library_ranker(lib, mode: str) -> Callable[[str], list[tuple[str, int]]]:
    return lambda q: [(h.source, h.pdf_page) for h in lib.search(q, role="admin", k=10, mode=mode)]


def baseline_ranker(files: Sequence[Path], work_dir: Path) -> Callable[[str], list[tuple[str, int]]]:
    """The plain llama-index pipeline of evals/baseline.py (shared with `cllr eval`), top 10 passages."""
    from evals.baseline import Baseline

    base = Baseline(list(files), work_dir)
    base.build()

    def rank(q: str) -> list[tuple[str, int]]:
        return [
            (n.node.metadata.get("file_name", ""), int(n.node.metadata.get("page") or 0))
            for n in base._retriever.retrieve(q)
        ]

    return rank


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="retrieval hit@k on the gold dev sets")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--data-dir", type=Path, default=None, help="default: .cache/index-corpus/<key>")
    ap.add_argument("--baseline", action="store_true")
    args = ap.parse_args(argv)
    files = corpus_files([args.shared / "corpus" / "seeds", args.shared / "corpus" / "external"])
    data_dir = args.data_dir or REPO / ".cache" / "index-corpus" / cache_key(files)
    lib = build_library(files, data_dir)
    golds = {n: load_gold(args.shared / "evals" / n) for n in ("gold_dev.jsonl", "gold_dev_external.jsonl")}
    rankers = {m: library_ranker(lib, m) for m in ("hybrid", "dense", "keyword")}
    if args.baseline:
        rankers["llama-index baseline"] = baseline_ranker(files, REPO / ".cache" / "baseline-retrieval")
    print(f"{'gold':<24} {'mode':<22} {'n':>3} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'mrr':>6}")
    for gname, gold in golds.items():
        for mname, rank in rankers.items():
            s = score(rank, gold)
            print(
                f"{gname:<24} {mname:<22} {s['n']:>3} {s['hit@1']:6.3f} {s['hit@5']:6.3f} {s['hit@10']:6.3f} "
                f"{s['mrr']:6.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
