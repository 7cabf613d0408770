"""Developer diagnostic: the engine's answer, abstention reason and chosen units for given gold ids
(or all failing ones from out/loop.jsonl). Uses engine_loop's --cache."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import scripts.engine_loop as loop  # noqa: E402
from service.engine import build_engine  # noqa: E402


def main() -> None:
    lib = loop.cached_library()
    eng = build_engine(lib.settings, lib)
    eng.store = None
    ids = set(sys.argv[1:])
    for gp in loop.GOLD:
        for g in map(json.loads, open(gp)):
            if ids and g["id"] not in ids:
                continue
            r = eng.ask(g["question"], history=g.get("history"), role="officer")
            print(f"\n{g['id']} must={g['must_include']} abst={r.abstained} {r.debug.get('support')} "
                  f"best={r.debug.get('best')} cov={r.debug.get('coverage')}\n  Q: {g['question']}\n  A: {r.answer[:500]}")


if __name__ == "__main__":
    main()
