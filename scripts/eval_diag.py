"""Developer diagnostic: for each answerable gold question the engine got wrong, show whether the
must_include strings were anywhere in the top-k retrieved passages (a retrieval miss) or were
retrieved but not picked (a selection miss). Reads a `cllr eval` answers file and its data dir."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from evals.matching import has_alternative as contains_alternative  # noqa: E402


def main(gold_paths: list[str], answers: str, data_dir: str) -> None:  # data_dir: kept for the command line
    rows = {r["id"]: r for r in map(json.loads, open(answers))}
    for gp in gold_paths:
        for g in map(json.loads, open(gp)):
            a = rows[g["id"]]
            if g["category"] == "unanswerable":
                if not a["abstained"]:
                    print(f"\n## {g['id']} UNANSWERABLE answered: {g['question']}\n  got: {a['answer'][:300]}")
                continue
            ok = not a["abstained"] and all(
                any(contains_alternative(a["answer"], alt) for alt in grp) for grp in g["must_include"]
            )
            if ok:
                continue
            ev = [(e["pdf"], e["pages"]) for e in g["evidence_pages"]]
            print(f"\n## {g['id']} [{g['category']}] {g['question']}")
            if g.get("history"):
                print("  history:", [h["content"][:80] for h in g["history"]])
            print(f"  must: {g['must_include']}  gold: {ev} item {g.get('item')}")
            print(f"  abstained={a['abstained']} got: {a['answer'][:400]}")
            print(f"  retrieved: {[(r['source'][:14], r['pdf_page'], r['item']) for r in a['retrieved'][:6]]}")


if __name__ == "__main__":
    main(sys.argv[1:-2], sys.argv[-2], sys.argv[-1])
