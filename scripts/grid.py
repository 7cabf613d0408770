"""Developer tool: coarse grid over the extractive answerer's weights on the dev sets (cached
retrieval). Coarse on purpose: 70 questions can't support fine tuning."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import scripts.engine_loop as loop  # noqa: E402
from evals import scoring  # noqa: E402
from evals.answerers import EngineAnswerer  # noqa: E402
from evals.rows import read_questions, write_answers  # noqa: E402
from service.answer import extractive  # noqa: E402


def main() -> None:
    lib = loop.cached_library()
    ans = EngineAnswerer(lib.settings, lib)
    ans.engine.store = None
    qs = [q for _, q in read_questions(loop.GOLD)]
    out = ROOT / "out/grid.jsonl"
    for wl, ws, wr in [(0.6, 0.5, 0.5), (1.0, 0.5, 0.5), (0.6, 0.3, 0.3), (0.6, 0.5, 0.4), (0.8, 0.5, 0.3), (0.6, 0.5, 0.7)]:
        extractive.W_LEXICAL, extractive.W_SEMANTIC, extractive.W_RANK = wl, ws, wr
        write_answers(out, [ans.answer(q) for q in qs])
        o = scoring.score_files(loop.GOLD, out).overall
        print(f"lex={wl} sem={ws} rank={wr}  correct={o['correct']:.3f} hit1={o['hit@1']:.3f} "
              f"cite_prec={o['cite_precision']:.3f} abst={o['abstention']:.2f} fa={o['false_abstention']:.3f}", flush=True)


if __name__ == "__main__":
    main()
