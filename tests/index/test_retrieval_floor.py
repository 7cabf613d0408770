"""Retrieval floor on the shared corpus: hit@k of hybrid search against the gold evidence pages."""

from __future__ import annotations

import pytest

from evals.retrieval_eval import library_ranker, load_gold, score

pytestmark = [pytest.mark.integration, pytest.mark.shared, pytest.mark.slow]  # setup indexes the whole corpus (minutes)

# Floors = figures reached when written (see the report / evals.retrieval_eval), so a regression fails.
# Lowered once, said why (issue 15): a council now comes only from what a paper prints about itself.
# Seed 003's minutes never print theirs (the old code took it from a sentence), so their context line
# lost "Worcestershire County Council" while the Ofsted reports gained the authority they inspect:
# two questions naming the county now reach an Ofsted report first (dev .583/.778 -> .556/.750), and
# two Kent questions the agenda front sheet, which names its council only in an item title
# (external hit@5 .926 -> .852). Issue 17's answer work is where to win them back, not a guessed council.
FLOORS = {
    # reached: hybrid .556/.750 (dense .361/.528, keyword .528/.861); targets are .80/.95 (not yet met)
    "gold_dev.jsonl": {"hit@1": 0.55, "hit@5": 0.75},
    # reached: hybrid .556/.852 (dense .407/.778, keyword .481/.815)
    "gold_dev_external.jsonl": {"hit@1": 0.55, "hit@5": 0.85},
}


@pytest.mark.parametrize("gold_name", list(FLOORS))
def test_retrieval_floor(corpus_library, shared_dir, gold_name: str) -> None:
    gold = load_gold(shared_dir / "evals" / gold_name)
    assert gold, "no answerable questions"
    results = {m: score(library_ranker(corpus_library, m), gold) for m in ("hybrid", "dense", "keyword")}
    for mode, s in results.items():
        print(
            f"{gold_name} {mode:<8} n={s['n']} hit@1={s['hit@1']:.3f} hit@5={s['hit@5']:.3f} "
            f"hit@10={s['hit@10']:.3f} mrr={s['mrr']:.3f}"
        )
    for metric, floor in FLOORS[gold_name].items():
        assert results["hybrid"][metric] >= floor, (metric, results["hybrid"])


def test_reingest_leaves_counts_unchanged(corpus_library, shared_dir) -> None:
    from evals.retrieval_eval import corpus_files

    before = corpus_library.store.stats()
    files = corpus_files([shared_dir / "corpus" / "seeds"])[:3]
    assert {corpus_library.ingest_file(f).status for f in files} == {"unchanged"}
    assert corpus_library.store.stats() == before
    assert corpus_library.vectors.count() == before["chunks"]
