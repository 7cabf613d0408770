"""Developer diagnostic for the extractive answerer: for each answerable gold question, where does
the best 'oracle' unit (one that holds a must_include alternative) rank under our unit scoring?
Uses the same --cache as engine_loop.py."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.argv.append("--cache")
import scripts.engine_loop as loop  # noqa: E402
from evals.matching import has_alternative  # noqa: E402
from service.answer import extractive  # noqa: E402
from service.answer.question import Question, analyse  # noqa: E402
from service.answer.rewrite import rewrite  # noqa: E402
from service.answer.text import content_stems  # noqa: E402
from service.engine import unit_embedder  # noqa: E402


def main() -> None:
    lib = loop.cached_library()
    only = set(a for a in sys.argv[1:] if not a.startswith("--"))
    for gp in loop.GOLD:
        for g in map(json.loads, open(gp)):
            if g["category"] == "unanswerable" or (only and g["id"] not in only):
                continue
            rw = rewrite(g["question"], g.get("history"))
            q = analyse(g["question"])
            hits = lib.search(rw.standalone, role="officer", k=15)
            ctx = [s for s in dict.fromkeys(content_stems(rw.context)) if s not in q.stems]
            sq = Question(q.text, q.stems + ctx, q.kinds, q.years, q.months, q.days)
            units = extractive.units_from_hits(hits)
            idf = extractive.idf_table(units, sq)
            sims = extractive.semantic_similarities(units, [rw.standalone], unit_embedder(lib))[0]
            extractive.score_units(units, sq, idf, sims)
            ranked = sorted(units, key=lambda u: -u.score)
            groups = g["must_include"]
            rank = None
            for i, u in enumerate(ranked):
                if any(has_alternative(u.text, a) for grp in groups for a in grp):
                    rank = i
                    break
            print(f"\n{g['id']} kinds={sorted(q.kinds)} oracle_rank={rank} must={groups}")
            for i, u in enumerate(ranked[:3]):
                print(f"  #{i} {u.score:.2f} lex={u.lexical:.2f} sim={u.sim:.2f} r={u.rank} {u.text[:110]!r}")
            if rank is not None and rank >= 3:
                u = ranked[rank]
                print(f"  *{rank} {u.score:.2f} lex={u.lexical:.2f} sim={u.sim:.2f} r={u.rank} {u.text[:110]!r}")


if __name__ == "__main__":
    main()
