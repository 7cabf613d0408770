"""Developer loop for the answer engine: ask both dev gold sets over an already-indexed data dir
(`cllr eval ... --data-dir .cache/evaldata` makes one), score with evals.scoring, print the table
and the failing ids. Faster than `cllr eval` when only the engine changed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cllr.settings import Settings  # noqa: E402
from evals import scoring  # noqa: E402
from evals.answerers import EngineAnswerer  # noqa: E402
from evals.rows import read_questions, write_answers  # noqa: E402
from index.library import Library  # noqa: E402

GOLD = [ROOT / "../shared/evals/gold_dev.jsonl", ROOT / "../shared/evals/gold_dev_external.jsonl"]


def _memoise(lib: Library, path: Path) -> None:
    """--cache: keep search results and unit embeddings on disk between runs, so tuning the
    answerer's selection takes seconds (only valid while retrieval is unchanged)."""
    import atexit
    import pickle
    import numpy as np

    cache = pickle.loads(path.read_bytes()) if path.exists() else {"search": {}, "emb": {}}
    # the engine embeds its units with the bulk embedder; search embeds queries with the other
    search, emb, query_emb = lib.search, lib.bulk_embedder, lib.embedder

    def cached_search(query, **kw):
        key = (query, repr(kw.get("filters")), kw.get("role"), kw.get("k"))
        if key not in cache["search"]:
            cache["search"][key] = search(query, **kw)
        return cache["search"][key]

    class CachedEmbedder:
        def embed_query(self, text):
            return query_emb.embed_query(text)

        def embed_documents(self, texts):
            todo = [t for t in texts if t not in cache["emb"]]
            if todo:
                for t, v in zip(todo, emb.embed_documents(todo), strict=True):
                    cache["emb"][t] = v
            return np.stack([cache["emb"][t] for t in texts])

    lib.search = cached_search  # the loop's cache in front of the real search
    lib._embedder = lib._bulk_embedder = CachedEmbedder()
    atexit.register(lambda: path.write_bytes(pickle.dumps(cache)))


def cached_library(data: Path | None = None) -> Library:
    """The dev data dir's Library with retrieval and unit vectors memoised (the other dev scripts'
    common start)."""
    lib = Library(Settings(data_dir=data or ROOT / ".cache/evaldata"))
    _memoise(lib, ROOT / "out/loop-cache.pkl")
    return lib


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else ROOT / ".cache/evaldata"
    out = ROOT / "out/loop.jsonl"
    settings = Settings(data_dir=data)
    lib = Library(settings)
    if "--cache" in sys.argv:
        _memoise(lib, ROOT / "out/loop-cache.pkl")
    ans = EngineAnswerer(settings, lib)
    rows = [ans.answer(q) for _, q in read_questions(GOLD)]
    write_answers(out, rows)
    rep = scoring.score_files(GOLD, out)
    keys = [
        "correct",
        "hit@1",
        "hit@5",
        "cite_page",
        "cite_precision",
        "item_accuracy",
        "abstention",
        "false_abstention",
        "latency_ms_p50",
        "latency_ms_p95",
    ]
    print("overall", {k: round(rep.overall.get(k) or 0, 3) for k in keys})
    for c, m in rep.by_category.items():
        print(f"  {c:12s}", {k: round(m.get(k) or 0, 2) for k in keys[:8]})
    bad = [q.id for q in rep.per_question if (q.answerable and not q.correct) or (not q.answerable and not q.abstained)]
    print("failing:", " ".join(bad))


if __name__ == "__main__":
    main()
