"""`cllr bench`: ingest and query speed at council scale, cllr beside the plain llama-index pipeline.

    .venv/bin/cllr bench [--corpus DIR ...] [--sizes 10000,100000] [--with-300k] [--json OUT]

One run, this machine, in this order (each measured phase in its own child process, so peak RSS is
per pipeline and imports + model load count in the wall time):
  1. ingest the corpus with evals/baseline.py's pipeline and with cllr (Library.ingest_files into a
     fresh data dir): pages/s, chunks/s, wall, peak RSS, cllr/plain ratios, and the share of chunk
     word pieces that MiniLM actually embeds (it stops at 256, [CLS]/[SEP] included);
  2. incremental: one more pack added to the archive cllr just built (the largest corpus PDF under a
     new name with one byte changed after %%EOF, or --extra-pack), timed alone;
  3. /v1/ask on loopback against `cllr serve` over that data dir: sequential and concurrent req/s,
     p50/p95, and the first streamed token of /v1/chat/completions;
  4. hybrid search and extractive answers p50/p95/p99 on synthetic archives (--sizes), with filters,
     and `cllr serve`'s RSS over the largest of them.
Figures are wall-clock on a shared 2-core machine: the load average is recorded with each phase.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = [REPO.parent / "shared" / "corpus" / "seeds", REPO.parent / "shared" / "corpus" / "external"]


def run_child(phase: str, timeout_s: float, **kwargs: Any) -> dict[str, Any]:
    """Run evals.bench_workers.<phase> in a fresh spawned interpreter; wall time is the whole child."""
    from evals.bench_workers import child_entry

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    p = ctx.Process(target=child_entry, args=(phase, kwargs, child), name=f"bench-{phase}")
    p.start()
    child.close()
    msg: dict[str, Any] | None = None
    if parent.poll(timeout_s):
        try:
            msg = parent.recv()
        except EOFError:
            msg = None
    p.join(30)
    if p.is_alive():
        p.kill()  # our own child, by its handle
        p.join()
    wall = time.perf_counter() - t
    print(f"cllr bench: {phase} {kwargs.get('n_chunks', '')} done in {wall:.0f}s", file=sys.stderr, flush=True)
    if msg is None:
        raise RuntimeError(f"{phase}: child gave no result (exit {p.exitcode}, {wall:.0f}s)")
    if not msg["ok"]:
        raise RuntimeError(f"{phase}: {msg['error']}\n{msg['traceback']}")
    return {**msg["result"], "wall_s": round(wall, 2), "load_avg": [round(load0, 2), round(os.getloadavg()[0], 2)]}


def count_pages(files: list[Path]) -> dict[str, int]:
    from pypdf import PdfReader

    out = {}
    for f in files:
        try:
            out[str(f)] = len(PdfReader(str(f)).pages) if f.suffix.lower() == ".pdf" else 1
        except Exception:  # an unreadable file counts no pages for either pipeline
            out[str(f)] = 0
    return out


def corpus_files(dirs: list[Path]) -> list[Path]:
    from index.library import supported_suffixes

    out: list[Path] = []
    for d in dirs:
        if d.is_file():
            out.append(d)
        elif d.is_dir():
            out.extend(
                sorted(
                    f
                    for f in d.rglob("*")
                    if f.is_file() and f.suffix.lower() in supported_suffixes() and not f.name.startswith(".")
                )
            )
    return out


def make_extra_pack(files: list[Path], pages: dict[str, int], into: Path) -> Path:
    """A new pack with real content: the largest corpus PDF, bytes changed after %%EOF (a new sha256,
    so it is a new document, not "unchanged"), under a name the archive has not seen."""
    biggest = max((f for f in files if f.suffix.lower() == ".pdf"), key=lambda f: pages[str(f)])
    extra = into / f"bench-extra-{biggest.name}"
    extra.write_bytes(biggest.read_bytes() + b"\n% cllr bench: an extra pack\n")
    pages[str(extra)] = pages[str(biggest)]
    return extra


def load_questions(paths: list[Path] | None) -> list[str] | None:
    paths = paths or sorted((REPO.parent / "shared" / "evals").glob("gold_dev*.jsonl"))
    qs = [
        json.loads(line)["question"]
        for p in paths
        if p.is_file()
        for line in p.read_text().splitlines()
        if line.strip()
    ]
    return qs or None


def ingest_row(r: dict[str, Any], pages: int) -> dict[str, Any]:
    """wall_s: the child process from spawn to the end of its ingest (interpreter, imports, model load,
    parse, embed, write), without the word-piece count the bench takes afterwards (measure_s)."""
    r = {**r, "child_wall_s": r["wall_s"], "wall_s": round(r["wall_s"] - r.get("measure_s", 0.0), 2)}
    return {
        **r,
        "pages": pages,
        "pages_per_s": round(pages / r["wall_s"], 2),
        "chunks_per_s": round(r["chunks"] / r["wall_s"], 2),
        "pages_per_s_ingest_only": round(pages / r["ingest_s"], 2) if r["ingest_s"] else None,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def print_table(res: dict[str, Any], out=None) -> None:
    out = out or sys.stdout  # looked up per call: a default bound at import misses redirection

    def w(s: str = "") -> None:
        print(s, file=out)

    cpu = res["machine"].get("cpu") or {}
    tag = f"[{cpu.get('kind', '?')}: {' '.join(cpu.get('flags', [])) or 'no flags read'}]"
    w(
        f"\ncllr bench — {cpu.get('model') or 'unknown CPU'}, {res['machine']['cpus']} cpus, flags "
        f"{' '.join(cpu.get('flags', []))}; load {res['machine']['load_avg_start']} at start "
        f"(shared machine: figures are under that load)"
    )
    ing = res.get("ingest")
    if ing:
        w(
            f"\nIngest: {ing['files']} files, {ing['pages']} pages; cllr embeds with "
            f"{ing['cllr'].get('embed_backend', '?')} {tag}"
        )
        w(
            f"  {'':<16}{'wall s':>9}{'pages/s':>9}{'chunks':>8}{'chunks/s':>9}{'RSS MB':>8}{'+child':>8}"
            f"{'tokens':>9}{'embedded':>10}{'trunc':>7}"
        )
        for name in ("plain", "cllr"):
            r = ing[name]
            w(
                f"  {name:<16}{r['wall_s']:>9.1f}{r['pages_per_s']:>9.2f}{r['chunks']:>8}{r['chunks_per_s']:>9.2f}"
                f"{r['peak_rss_mb']:>8.0f}{r['peak_rss_children_mb']:>8.0f}{r['tokens']:>9}"
                f"{r['embedded_share'] * 100:>9.1f}%{r['chunks_truncated']:>7}"
            )
        rt = ing["ratio_cllr_over_plain"]
        w(
            f"  {'cllr / plain':<16}{rt['wall_s']:>9}{rt['pages_per_s']:>9}{'':>8}{rt['chunks_per_s']:>9}"
            f"{rt['peak_rss_mb']:>8}"
        )
    inc = res.get("incremental")
    if inc:
        w(
            f"\nIncremental {tag}: +1 pack ({inc['pages']} pages, {inc['add_chunks']} chunks) into an archive of "
            f"{inc['archive_pages']} pages: {inc['total_s']:.1f}s ({inc['pages_per_s']:.2f} pages/s, "
            f"BM25 refresh {inc['bm25_refresh_s']:.2f}s); re-offering the {inc['reoffer_files']} indexed files: "
            f"{inc['reoffer_unchanged_s']:.2f}s ({inc['reoffer_unchanged']} unchanged)"
        )
    svc = res.get("service")
    if svc:
        s, c, st = svc["sequential"], svc["concurrent"], svc["stream"]
        w(
            f"\n/v1/ask on loopback {tag} (ready in {svc['ready_s']}s, first answer {svc['first_answer_ms']} ms, "
            f"{svc['distinct_questions']} distinct questions, server RSS {svc['server'].get('rss_mb')} MB):"
        )
        w(
            f"  sequential   {s['requests']:>4} req  {s['req_per_s']:>6} req/s  p50 {s['p50_ms']} ms  p95 {s['p95_ms']} ms"
            f"  errors {s['errors']}"
        )
        w(
            f"  concurrent×{c['concurrency']:<2}{c['requests']:>4} req  {c['req_per_s']:>6} req/s  p50 {c['p50_ms']} ms"
            f"  p95 {c['p95_ms']} ms  errors {c['errors']}"
        )
        w(
            f"  stream first token p50 {st['first_token']['p50_ms']} ms  p95 {st['first_token']['p95_ms']} ms "
            f"(complete p50 {st['complete']['p50_ms']} ms)"
        )
    for size, r in (res.get("retrieval") or {}).items():
        w(
            f"\n{size} synthetic chunks {tag} (load {r['load_s']}s, BM25 {r['bm25_build_s']}s, bench process RSS "
            f"{r['peak_rss_mb']:.0f} MB; answer sentences embedded by {r.get('embed_backend', '?')}):"
        )
        w(f"  {'config':<32}{'search p50':>11}{'p95':>8}{'p99':>8}{'answer p50':>12}{'p95':>8}{'p99':>8}")
        for name in r["search"]:
            a, b = r["search"][name], r["answer"][name]
            w(
                f"  {name:<32}{a['p50_ms']:>11}{a['p95_ms']:>8}{a['p99_ms']:>8}{b['p50_ms']:>12}{b['p95_ms']:>8}"
                f"{b['p99_ms']:>8}"
            )
    if res.get("serving_rss"):
        sr = res["serving_rss"]
        w(
            f"\ncllr serve over {sr['chunks']} chunks {tag}: RSS {sr['after_queries'].get('rss_mb')} MB after queries, "
            f"peak {sr['after_queries'].get('peak_rss_mb')} MB (idle {sr['idle'].get('rss_mb')} MB)"
        )
    for name, err in res.get("errors", {}).items():
        w(f"\n{name}: FAILED {err.splitlines()[0]}")


def main(argv: list[str] | None = None) -> int:  # noqa: C901
    ap = argparse.ArgumentParser(prog="cllr bench", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="folder or file (repeatable); default ../shared/corpus/seeds and ../shared/corpus/external",
    )
    ap.add_argument("--extra-pack", type=Path, help="the pack to add incrementally (default: see above)")
    ap.add_argument("--sizes", default="10000,100000", help="synthetic archive sizes in chunks, comma-separated")
    ap.add_argument("--with-300k", action="store_true", help="also 300000 chunks (long: tens of minutes here)")
    ap.add_argument("--queries", type=int, default=100, help="searches per filter configuration and size")
    ap.add_argument("--answers", type=int, default=40, help="extractive answers per configuration and size")
    ap.add_argument("--requests", type=int, default=30, help="/v1/ask requests, sequential and concurrent")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="JSONL with a 'question' field for the "
        "service phase (default: ../shared/evals/gold_dev*.jsonl when present)",
    )
    ap.add_argument("--skip", default="", help="phases to skip: ingest,incremental,service,retrieval,serving-rss")
    ap.add_argument("--profile", type=Path, help="also cProfile cllr's ingest (in-process parse) to this file")
    ap.add_argument("--work-dir", type=Path, help="keep data dirs here (default: a temp dir, removed)")
    ap.add_argument("--json", dest="json_out", type=Path, help="write the results here")
    ap.add_argument("--timeout", type=float, default=7200, help="seconds allowed per phase")
    a = ap.parse_args(argv)
    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    sizes = [int(x) for x in a.sizes.split(",") if x.strip()] + ([300_000] if a.with_300k else [])

    dirs = a.corpus or DEFAULT_CORPUS
    files = corpus_files(dirs)
    if not files:
        print(
            f"cllr bench: no corpus files under {', '.join(map(str, dirs))} — skipping the ingest, incremental "
            "and service phases (pass --corpus)",
            file=sys.stderr,
        )
        skip |= {"ingest", "incremental", "service"}
    if a.work_dir is not None:
        a.work_dir.mkdir(parents=True, exist_ok=True)  # a new folder is a fine place to work, not an error
    tmp = Path(tempfile.mkdtemp(prefix="cllr-bench-", dir=a.work_dir))
    from index.cpu import this_cpu

    res: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": this_cpu().to_json(),
            "embed_bulk_backend": os.environ.get("CLLR_EMBED_BULK_BACKEND", "auto"),
            "load_avg_start": round(os.getloadavg()[0], 2),
        },
        "corpus": [str(d) for d in dirs],
        "errors": {},
    }
    cllr_dir = tmp / "cllr-data"
    try:
        pages = count_pages(files) if files else {}
        total_pages = sum(pages.values())
        if "ingest" not in skip:
            plain = run_child("ingest_plain", a.timeout, files=[str(f) for f in files], work_dir=str(tmp / "plain"))
            ours = run_child("ingest_cllr", a.timeout, files=[str(f) for f in files], data_dir=str(cllr_dir))
            rows = {"plain": ingest_row(plain, total_pages), "cllr": ingest_row(ours, total_pages)}
            keys = ("wall_s", "pages_per_s", "chunks_per_s", "peak_rss_mb", "embedded_share")
            res["ingest"] = {
                "files": len(files),
                "pages": total_pages,
                **rows,
                "ratio_cllr_over_plain": {k: _ratio(rows["cllr"][k], rows["plain"][k]) for k in keys},
            }
            if a.profile:
                run_child(
                    "ingest_cllr",
                    a.timeout,
                    files=[str(f) for f in files],
                    data_dir=str(tmp / "profiled"),
                    profile_out=str(a.profile),
                )
                res["profile"] = str(a.profile)
        if "incremental" not in skip and cllr_dir.exists():
            extra = a.extra_pack or make_extra_pack(files, pages, tmp)
            pages.setdefault(str(extra), count_pages([extra])[str(extra)])
            r = run_child(
                "incremental", a.timeout, files=[str(f) for f in files], data_dir=str(cllr_dir), extra=str(extra)
            )
            res["incremental"] = {
                **r,
                "pack": extra.name,
                "pages": pages[str(extra)],
                "archive_pages": total_pages,
                "pages_per_s": round(pages[str(extra)] / r["total_s"], 2) if r["total_s"] else None,
            }
        if "service" not in skip and cllr_dir.exists():
            from evals.bench_serve import bench_service

            res["service"] = {
                **bench_service(cllr_dir, a.requests, a.concurrency, load_questions(a.questions)),
                "load_avg_end": round(os.getloadavg()[0], 2),
            }
        res["retrieval"] = {}
        if "retrieval" not in skip:
            for n in sizes:
                d = tmp / f"syn-{n}"
                try:
                    res["retrieval"][str(n)] = run_child(
                        "retrieval", a.timeout, n_chunks=n, data_dir=str(d), n_queries=a.queries, n_answers=a.answers
                    )
                except RuntimeError as e:
                    res["errors"][f"retrieval {n}"] = str(e)
                    continue
                # the serving process's RSS over the largest archive asked for (the 100k ceiling)
                if "serving-rss" not in skip and n == max(sizes):
                    from evals.bench_serve import serving_rss

                    res["serving_rss"] = {"chunks": n, **serving_rss(d)}
                if n != max(sizes):
                    shutil.rmtree(d, ignore_errors=True)
        res["machine"]["load_avg_end"] = round(os.getloadavg()[0], 2)
    finally:
        if a.work_dir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    print_table(res)
    if a.json_out:
        a.json_out.parent.mkdir(parents=True, exist_ok=True)
        a.json_out.write_text(json.dumps(res, indent=2))
        print(f"\nwrote {a.json_out}")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
