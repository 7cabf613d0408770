"""Embedding throughput per backend on the corpus's real chunks (docs/performance.md sections 0 and 1).

    .venv/bin/python -m evals.bench_embed [--corpus DIR ...] [--backends openvino-bf16,onnx-int8,onnx,torch] [--rounds 2]

Parses the corpus once (untimed), then embeds every chunk's header + text exactly as ingestion does
(one document's chunks per call), with each backend in turn, `--rounds` times interleaved so load
changes on a shared machine hit every backend alike. Prints chunks/s, word pieces/s and CPU seconds
(process time: less sensitive to other people's load than wall time) per round, the model load time,
and the load average, and each backend's least and mean cosine with the `onnx` (fp32) vectors when
`onnx` is among them. All backends share this process, so this is not an RSS measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from cllr.offline import ensure_offline

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = [REPO.parent / "shared" / "corpus" / "seeds", REPO.parent / "shared" / "corpus" / "external"]


def corpus_chunks(dirs: list[Path]) -> list[list[str]]:
    from cllr.settings import Settings
    from ingest.pipeline import parse_file

    settings = Settings()
    files = sorted(f for d in dirs for f in (d.glob("*.pdf") if d.is_dir() else [d]))
    return [[c.embed_text() for c in parse_file(f, settings).chunks] for f in files]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.bench_embed", description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, action="append", help="folder or PDF (repeatable)")
    p.add_argument(
        "--backends",
        default="openvino-bf16,onnx-int8,onnx,torch",
        help="comma-separated; loaded in this order (torch last, so the ONNX load times exclude torch)",
    )
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--json", type=Path, help="write the results here")
    a = p.parse_args(argv)
    ensure_offline()
    import numpy as np

    from index.embedder import get_embedder, minilm_model_path
    from index.minilm import token_ids, tokenizer

    docs = corpus_chunks(a.corpus or DEFAULT_CORPUS)
    n = sum(len(d) for d in docs)
    tok = tokenizer(minilm_model_path())
    pieces = sum(len(ids) for d in docs for ids in token_ids(tok, d))
    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    from index.cpu import this_cpu

    res: dict = {
        "chunks": n,
        "documents": len(docs),
        "word_pieces": pieces,
        "cpus": os.cpu_count(),
        "cpu": this_cpu().to_json(),
        "backends": {},
    }
    print(f"CPU: {this_cpu().describe()}", flush=True)
    models, vectors = {}, {}
    for b in backends:
        t = time.perf_counter()
        models[b] = get_embedder("minilm", 64, backend=b)
        models[b].embed_documents(["warm-up"])
        res["backends"][b] = {
            "actual": getattr(models[b], "backend", b),
            "load_s": round(time.perf_counter() - t, 2),
            "rounds": [],
        }
    for r in range(a.rounds):
        for b in backends:
            load0 = os.getloadavg()[0]
            t, c = time.perf_counter(), time.process_time()
            vectors[b] = np.vstack([models[b].embed_documents(d) for d in docs])
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            row = {
                "chunks_per_s": round(n / wall, 1),
                "word_pieces_per_s": round(pieces / wall),
                "wall_s": round(wall, 1),
                "cpu_s": round(cpu, 1),
                "load": [round(load0, 2), round(os.getloadavg()[0], 2)],
            }
            res["backends"][b]["rounds"].append(row)
            print(
                f"round {r + 1} {b:10s} {row['chunks_per_s']:7.1f} chunks/s {row['word_pieces_per_s']:7d} "
                f"pieces/s  wall {row['wall_s']:6.1f}s  cpu {row['cpu_s']:6.1f}s  load {row['load']}",
                flush=True,
            )
    if "onnx" in vectors:
        for b, v in vectors.items():
            cos = (v * vectors["onnx"]).sum(axis=1)
            res["backends"][b]["cosine_vs_onnx"] = {
                "least": round(float(cos.min()), 5),
                "mean": round(float(cos.mean()), 6),
            }
            print(f"{b:14s} cosine with onnx (fp32): least {cos.min():.5f}  mean {cos.mean():.6f}")
    print(
        f"{n} chunks in {len(docs)} documents, {pieces} word pieces (<= 256 each, specials included); "
        f"model load s: " + ", ".join(f"{b} {v['load_s']}" for b, v in res["backends"].items())
    )
    if a.json:
        a.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
