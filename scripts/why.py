"""Developer diagnostic: the engine's answer, its calibrated support and abstention reason, and
each chosen line with every named feature's contribution to its score, for given gold ids.
Uses engine_loop's --cache."""

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
            d = r.debug or {}
            print(
                f"\n{g['id']} must={g['must_include']} abst={r.abstained} {d.get('support')} "
                f"P(right)={d.get('p_right')} best={d.get('best')} cov={d.get('coverage')}\n"
                f"  Q: {g['question']}\n  A: {r.answer[:500]}"
            )
            print(f"  support features: {d.get('support_features')}")
            for text, contrib in zip(d.get("chosen", []), d.get("why", []), strict=False):
                # Each named feature's contribution to the line's logit (service/answer/scorer.py).
                top = sorted(contrib.items(), key=lambda kv: -abs(kv[1]))
                print(f"  line {text[:90]!r}\n    " + ", ".join(f"{k} {v:+.2f}" for k, v in top))


if __name__ == "__main__":
    main()
