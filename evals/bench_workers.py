"""The measured phases of `cllr bench`, each run in its own spawned child process.

Why a child per phase: peak RSS (ru_maxrss) is a per-process high-water mark, so the plain pipeline
and cllr must not share a process, and a phase's imports and model load belong to its own wall time.
Each function takes and returns plain JSON-able dicts (they cross a process boundary).
"""

from __future__ import annotations

import os
import resource
import shutil
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

from cllr.offline import ensure_offline

# MiniLM's window is 256 word pieces including [CLS] and [SEP]; the rest of a text is never embedded.
MODEL_WINDOW = 256
CONTENT_WINDOW = MODEL_WINDOW - 2


def rss() -> dict[str, float]:
    """Peak RSS in MB of this process and of its largest finished child (cllr parses in children)."""
    kb_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_rss_mb": round(kb_self / 1024, 1), "peak_rss_children_mb": round(kb_children / 1024, 1)}


def token_share(texts: list[str]) -> dict[str, Any]:
    """Word pieces per embedded text (model tokenizer) and how many fall past the model's window."""
    from transformers import AutoTokenizer

    from index.embedder import minilm_model_path

    tok = AutoTokenizer.from_pretrained(str(minilm_model_path()))
    counts: list[int] = []
    for i in range(0, len(texts), 256):
        enc = tok(texts[i : i + 256], add_special_tokens=False, truncation=False)["input_ids"]
        counts.extend(len(ids) for ids in enc)
    total = sum(counts)
    beyond = sum(max(0, n - CONTENT_WINDOW) for n in counts)
    return {
        "tokens": total,
        "tokens_beyond_window": beyond,
        "embedded_share": round(1 - beyond / total, 4) if total else 1.0,
        "chunks_truncated": sum(n > CONTENT_WINDOW for n in counts),
        "max_chunk_tokens": max(counts, default=0),
    }


def ingest_plain(files: list[str], work_dir: str) -> dict[str, Any]:
    """evals/baseline.py's pipeline, built from scratch (a fresh work dir, so nothing is reused)."""
    t0 = time.perf_counter()
    ensure_offline()
    from evals.baseline import COLLECTION, Baseline

    shutil.rmtree(work_dir, ignore_errors=True)
    t_build = time.perf_counter()
    reused = Baseline([Path(f) for f in files], Path(work_dir)).build()
    t_end = time.perf_counter()
    out = {"ingest_s": round(t_end - t_build, 2), "imports_s": round(t_build - t0, 2), "reused": reused, **rss()}
    # outside the timed region (measure_s, taken off the wall): what was embedded, exactly as
    # llama-index built it (metadata included)
    import chromadb
    from llama_index.core.schema import MetadataMode
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    client = chromadb.PersistentClient(
        path=str(Path(work_dir) / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
    )
    got = client.get_collection(COLLECTION).get(include=["metadatas", "documents"])
    texts = [
        metadata_dict_to_node(dict(m), text=d).get_content(metadata_mode=MetadataMode.EMBED)
        for m, d in zip(got["metadatas"] or [], got["documents"] or [], strict=True)
    ]
    out["chunks"] = len(texts)
    out.update(token_share(texts))
    out["measure_s"] = round(time.perf_counter() - t_end, 2)
    return out


def _library(data_dir: str):
    from cllr.settings import Settings
    from index.library import Library

    return Library(Settings(data_dir=Path(data_dir)))


def ingest_cllr(files: list[str], data_dir: str, profile_out: str | None = None) -> dict[str, Any]:
    """Library.ingest_files over the same files into a fresh data dir, then BM25 once (as `cllr ingest`)."""
    t0 = time.perf_counter()
    ensure_offline()
    shutil.rmtree(data_dir, ignore_errors=True)
    lib = _library(data_dir)
    if profile_out:
        # cProfile sees only this process: parse in-process so the profile shows parsing too
        lib.settings.parse_isolated = False
    t_build = time.perf_counter()
    prof = None
    if profile_out:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    results = list(lib.ingest_files([Path(f) for f in files]))  # as `cllr ingest`
    lib.refresh_keyword()
    if prof is not None:
        prof.disable()
        prof.dump_stats(str(profile_out))
    t_end = time.perf_counter()
    _reap_parse_worker()
    out = {
        "ingest_s": round(t_end - t_build, 2),
        "imports_s": round(t_build - t0, 2),
        **rss(),
        "chunks": sum(r.chunks for r in results),
        "embed_backend": _backend(lib.bulk_embedder),
        "failed": [r.error for r in results if r.status == "failed"],
    }
    t_measure = time.perf_counter()  # the bench's own bookkeeping from here: taken off the wall
    chunks = lib.store.chunks(sorted(lib.store.chunk_ids())).values()
    out.update(token_share([c.embed_text() for c in chunks]))
    lib.close()
    out["measure_s"] = round(time.perf_counter() - t_measure, 2)
    return out


def _backend(embedder: Any) -> str:
    return f"{getattr(embedder, 'backend', type(embedder).__name__)}"


def _reap_parse_worker() -> None:
    """ingest/isolated.py keeps one parse worker alive until exit; RUSAGE_CHILDREN counts only reaped
    children, so close it first or the parse's memory would be missing from the figure."""
    from ingest import isolated

    isolated._shutdown()


def incremental(files: list[str], data_dir: str, extra: str) -> dict[str, Any]:
    """An already-indexed archive gains one pack: re-offer every old file (hash skip), then add it."""
    ensure_offline()
    lib = _library(data_dir)
    t = time.perf_counter()
    lib.embedder.embed_documents(["warm-up"])  # model load is paid once per process, not per pack
    lib.refresh_keyword()
    t_open = time.perf_counter() - t
    t = time.perf_counter()
    unchanged = [lib.ingest_file(Path(f)).status for f in files]
    t_skip = time.perf_counter() - t
    t = time.perf_counter()
    res = lib.ingest_file(Path(extra))
    t_add = time.perf_counter() - t
    t = time.perf_counter()
    lib.refresh_keyword()
    t_bm25 = time.perf_counter() - t
    lib.close()
    _reap_parse_worker()
    return {
        "open_and_model_load_s": round(t_open, 2),
        "reoffer_unchanged_s": round(t_skip, 2),
        "reoffer_unchanged": sum(s == "unchanged" for s in unchanged),
        "reoffer_files": len(unchanged),
        "add_status": res.status,
        "add_chunks": res.chunks,
        "add_s": round(t_add, 2),
        "bm25_refresh_s": round(t_bm25, 2),
        "total_s": round(t_add + t_bm25, 2),
        **rss(),
    }


def _pcts(xs: list[float]) -> dict[str, float]:
    import numpy as np

    a = np.asarray(xs)
    return {
        "p50_ms": round(float(np.percentile(a, 50)), 1),
        "p95_ms": round(float(np.percentile(a, 95)), 1),
        "p99_ms": round(float(np.percentile(a, 99)), 1),
        "n": len(xs),
    }


def _next_search(lib: Any, qs: Iterator[str], filters: Any, role: str) -> Any:
    return lib.search(next(qs), filters=filters, role=role, k=10)


def _next_answer(engine: Any, qs: Iterator[str], filters: Any, role: str) -> Any:
    return engine.ask(next(qs), filters=filters, role=role)


def _timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def retrieval(n_chunks: int, data_dir: str, n_queries: int, n_answers: int) -> dict[str, Any]:
    """Synthetic archive of n_chunks (evals/bench_retrieval.py's generator), then hybrid search and
    extractive answers with and without filters, as the service runs them (officer and public)."""
    ensure_offline()
    from evals.bench_retrieval import bench_queries, load_synthetic
    from index.filters import SearchFilters
    from service.engine import build_engine

    shutil.rmtree(data_dir, ignore_errors=True)
    lib = _library(data_dir)
    lib.embedder.embed_query("warm-up")
    t = time.perf_counter()
    load_synthetic(lib, n_chunks)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    lib.refresh_keyword()
    t_bm25 = time.perf_counter() - t
    queries = bench_queries(max(n_queries, n_answers))
    configs = {
        "no filter, officer": (None, "officer"),
        "committee filter, public": (SearchFilters.parse(committee="cabinet"), "public"),
        # synthetic meetings run every 3 days from 2015-01-01: a month holds about ten of them
        "committee + date range, public": (
            SearchFilters.parse(committee="cabinet", date_from="2015-03-01", date_to="2015-06-30"),
            "public",
        ),
    }
    engine = build_engine(lib.settings, library=lib)
    lib.search(queries[0], k=10)
    engine.ask(queries[0], role="officer")  # warm-up: first-call caches are not steady state
    search, answer = {}, {}
    for name, (filters, role) in configs.items():
        search[name] = _pcts(_timed(partial(_next_search, lib, iter(queries * 2), filters, role), n_queries))
        answer[name] = _pcts(_timed(partial(_next_answer, engine, iter(queries * 2), filters, role), n_answers))
    out = {
        "chunks": lib.store.chunk_count(),
        "load_s": round(t_load, 1),
        "bm25_build_s": round(t_bm25, 2),
        "embed_backend": _backend(lib.bulk_embedder),
        "query_backend": _backend(lib.embedder),
        "search": search,
        "answer": answer,
        **rss(),
    }
    lib.close()
    return out


PHASES: dict[str, Callable[..., dict[str, Any]]] = {
    "ingest_plain": ingest_plain,
    "ingest_cllr": ingest_cllr,
    "incremental": incremental,
    "retrieval": retrieval,
}


def child_entry(phase: str, kwargs: dict[str, Any], conn: Any) -> None:
    """Run one phase and send back its result, or the error, through the pipe."""
    try:
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        conn.send({"ok": True, "result": PHASES[phase](**kwargs)})
    except BaseException as e:  # the parent reports it; a child must never die silently
        import traceback

        conn.send({"ok": False, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()})
    finally:
        conn.close()
