"""Fit the answer scorer's weights (service/answer/scorer.py) from labelled questions.

`python -m evals.fit_scorer --gold evals/train/minutes.jsonl --gold ../shared/evals/gold_dev.jsonl
 --corpus ../shared/corpus/seeds --corpus ../shared/corpus/councils/minutes ... --data-dir out/fit
 [--folds 5] [--write service/answer/scorer_weights.json] [--report out/fit/report.md]`

Two models, both scikit-learn logistic regressions:
1. **Lines.** Every candidate line of every answerable training question is a row: its named
   features, labelled 1 when it is on an evidence page and holds one of the question's
   must-include strings. The weights say how much each cue is worth.
2. **Support.** With the line model in place, every question (the unanswerable ones too) is
   answered without abstaining; the answer's support features are labelled 1 when the answer is
   correct. Its probability is the calibrated P(right); the threshold is the highest that, out
   of fold, declines no more than FALSE_ABSTENTION_BUDGET of the answerable questions: every
   "the papers don't say" that budget allows, since a wrong answer is worse than one.

K-fold over questions (grouped, so a question's lines never sit on both sides) gives the
held-out figures: each fold is answered by models fitted on the other folds only. Keep
../shared/evals/gold_dev_external.jsonl out of --gold: it is the check never tuned on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cllr.settings import Settings
from evals import corpus, scoring
from evals.answerers import ROLE, citation_ref, hit_ref
from evals.matching import has_alternative, includes_all, source_key, words
from evals.rows import AnswerRow, read_jsonl, write_answers
from evals.runner import ingest, log, open_library
from service.answer.scorer import SUPPORT_FEATURES, UNIT_FEATURES, ScorerModel, Selection

# Share of answerable questions the support model may decline, out of fold. Issue 17's bound is .10
# on questions nobody has seen; a threshold set at exactly .10 on ~300 training questions (standard
# error of that rate ~.017) lands above it on a new set about half the time, as every refit at .10
# did on the dev files (.11-.14), so the fit aims a little more than one standard error under it.
FALSE_ABSTENTION_BUDGET = 0.08
C_UNIT = 1.0  # inverse L2 strength of the line model (scikit-learn's default)
C_SUPPORT = 1.0
PAIRS_PER_LINE = 20  # other lines of the same question each answering line is compared with
_FORCE_ANSWER = 40.0  # support intercept that answers everything (to see what the answer would be)


@dataclass
class Gold:
    id: str
    question: str
    history: list[dict[str, str]] | None
    category: str
    must: list[list[str]]
    evidence: set[tuple[str, int]]
    rows: list[tuple[dict[str, float], int]] = field(default_factory=list)  # line features, label


def load(paths: list[Path]) -> list[Gold]:
    out: list[Gold] = []
    for p in paths:
        for _, r in read_jsonl(p):
            ev = {
                (source_key(e.get("pdf")), int(n)) for e in r.get("evidence_pages") or [] for n in e.get("pages") or []
            }
            out.append(
                Gold(r["id"], r["question"], r.get("history"), r.get("category", ""), r.get("must_include") or [], ev)
            )
    return out


def line_rows(engine: Any, golds: list[Gold]) -> None:
    """Every candidate line of every answerable question, with its label."""
    for g in golds:
        if g.category == scoring.UNANSWERABLE:
            continue
        _, units = engine.candidates(g.question, g.history, role=ROLE)
        alts = [a for grp in g.must for a in grp]
        g.rows = [
            (
                u.features,
                int(
                    (source_key(u.hit.source), int(u.hit.pdf_page)) in g.evidence
                    and any(has_alternative(u.text, a) for a in alts)
                ),
            )
            for u in units
        ]


def _matrix(rows: list[tuple[dict[str, float], int]], names: tuple[str, ...]) -> tuple[Any, Any]:
    import numpy as np

    X = np.array([[f.get(n, 0.0) for n in names] for f, _ in rows], dtype=float)
    y = np.array([lab for _, lab in rows], dtype=int)
    return X, y


def fit_lines(golds: list[Gold], ranker: str = "pairwise") -> tuple[dict[str, float], float]:
    """The line model. `pairwise` (default) learns from (answering line - other line of the same
    question) differences, since what matters is which line of a question wins, not how a line
    compares with other questions' lines; the scale and offset then come from a one-feature
    logistic fit (Platt) of the learned score on all lines, so scores stay probabilities.
    `pointwise` fits the lines directly."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    usable = [g for g in golds if any(lab for _, lab in g.rows)]
    rows = [r for g in usable for r in g.rows]
    X, y = _matrix(rows, UNIT_FEATURES)
    if ranker == "pointwise":
        m = LogisticRegression(C=C_UNIT, class_weight="balanced", max_iter=2000).fit(X, y)
        return {n: float(w) for n, w in zip(UNIT_FEATURES, m.coef_[0], strict=True)}, float(m.intercept_[0])
    rng = np.random.default_rng(0)
    diffs: list[Any] = []
    for g in usable:
        gx, gy = _matrix(g.rows, UNIT_FEATURES)
        pos, neg = np.flatnonzero(gy == 1), np.flatnonzero(gy == 0)
        for i in pos:
            for j in rng.choice(neg, size=min(PAIRS_PER_LINE, len(neg)), replace=False) if len(neg) else []:
                diffs.append(gx[i] - gx[j])
    D = np.array(diffs)
    pair = LogisticRegression(C=C_UNIT, fit_intercept=False, max_iter=2000).fit(
        np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))]
    )
    w = pair.coef_[0]
    platt = LogisticRegression(class_weight="balanced", max_iter=2000).fit((X @ w).reshape(-1, 1), y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return {n: float(a * v) for n, v in zip(UNIT_FEATURES, w, strict=True)}, b


@dataclass
class Answered:
    gold: Gold
    row: AnswerRow  # the answer given when nothing abstains on support
    features: dict[str, float]
    gated: bool  # abstained by a convention (another council or year), whatever the support
    right: bool


def answer_all(engine: Any, golds: list[Gold]) -> list[Answered]:
    out = []
    for g in golds:
        t0 = time.perf_counter()
        res = engine.ask(g.question, history=g.history, role=ROLE, remember=False)
        row = AnswerRow(
            id=g.id,
            answer=res.answer or "",
            abstained=bool(res.abstained),
            citations=[citation_ref(c) for c in res.citations],
            retrieved=[hit_ref(h) for h in res.retrieved],
            latency_ms=round((time.perf_counter() - t0) * 1000, 1),
        )
        feats = dict((res.debug or {}).get("support_features") or {})
        right = (
            g.category != scoring.UNANSWERABLE
            and not res.abstained
            and includes_all(res.answer, g.must)
            and words(res.answer) <= scoring.DEFAULT_MAX_WORDS
        )
        out.append(Answered(g, row, feats, bool(res.abstained), right))
    return out


def fit_support(answered: list[Answered], curve: Path | None = None) -> tuple[dict[str, float], float, float]:
    """The support model and its threshold, chosen on out-of-fold probabilities (written to
    `curve` with each question's category, to see what another threshold would trade)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    kept = [a for a in answered if not a.gated and a.features]
    rows = [(a.features, int(a.right)) for a in kept]
    X, y = _matrix(rows, SUPPORT_FEATURES)
    model = LogisticRegression(C=C_SUPPORT, max_iter=2000)
    if len(set(y)) < 2:
        raise SystemExit("fit_scorer: the support model needs both right and wrong answers")
    folds = max(2, min(5, int(min(np.bincount(y)))))
    p = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    # The highest threshold that keeps out-of-fold false abstention (answerable questions
    # declined) within the budget: as much honest "the papers don't say" as that allows.
    answerable = np.array([a.gold.category != scoring.UNANSWERABLE for a in kept])
    n_answerable = max(
        1, int(answerable.sum()) + sum(1 for a in answered if a.gated and a.gold.category != scoring.UNANSWERABLE)
    )
    best_t = 0.0
    for t in sorted(set(np.round(p, 3))):
        if ((p < t) & answerable).sum() / n_answerable <= FALSE_ABSTENTION_BUDGET:
            best_t = float(t)
    if curve is not None:
        curve.write_text(
            json.dumps(
                [
                    {"id": a.gold.id, "category": a.gold.category, "right": a.right, "p": round(float(pi), 4)}
                    for a, pi in zip(kept, p, strict=True)
                ]
            )
        )
    model.fit(X, y)
    return (
        {n: float(w) for n, w in zip(SUPPORT_FEATURES, model.coef_[0], strict=True)},
        float(model.intercept_[0]),
        best_t,
    )


def with_support(a: Answered, model: ScorerModel) -> AnswerRow:
    if a.gated or not a.features or model.support(a.features) >= model.support_threshold:
        return a.row
    return AnswerRow(
        id=a.row.id, answer="", abstained=True, citations=[], retrieved=a.row.retrieved, latency_ms=a.row.latency_ms
    )


def fit(engine: Any, golds: list[Gold], note: str, ranker: str = "pairwise", curve: Path | None = None) -> ScorerModel:
    coef, icpt = fit_lines(golds, ranker)
    lines_only = ScorerModel(
        coef=coef,
        intercept=icpt,
        support_intercept=_FORCE_ANSWER,
        support_threshold=0.0,
        selection=Selection(),
        fitted_on=note,
    )
    engine._model = lines_only
    answered = answer_all(engine, golds)
    scoef, sicpt, thr = fit_support(answered, curve)
    return ScorerModel(
        coef=coef,
        intercept=icpt,
        support_coef=scoef,
        support_intercept=sicpt,
        support_threshold=thr,
        selection=Selection(),
        fitted_on=note,
    )


def kfold(engine: Any, golds: list[Gold], k: int, ranker: str = "pairwise", seed: int | None = None) -> list[AnswerRow]:
    """Each fold answered by models fitted on the other folds. The folds are every k-th question
    in file order, or, with `seed`, in a shuffled order: a refit moves a few questions across the
    support threshold, so comparing two versions on several seeds tells a change from that noise."""
    order = list(range(len(golds)))
    if seed is not None:
        random.Random(seed).shuffle(order)
    fold_of = {q: n % k for n, q in enumerate(order)}
    out: list[AnswerRow] = []
    for i in range(k):
        test = [g for n, g in enumerate(golds) if fold_of[n] == i]
        train = [g for n, g in enumerate(golds) if fold_of[n] != i]
        model = fit(engine, train, f"fold {i + 1}/{k}", ranker)
        engine._model = ScorerModel(**{**model.__dict__, "support_intercept": _FORCE_ANSWER, "support_threshold": 0.0})
        out += [with_support(a, model) for a in answer_all(engine, test)]
        log(f"fold {i + 1}/{k}: {len(test)} questions answered")
    return out


def open_engine(corpus_paths: list[Path], data_dir: Path, reuse: bool = False) -> Any:
    files = corpus.expand_corpus(corpus_paths)
    settings = Settings(data_dir=data_dir)
    manifest = corpus.manifest_for(files, settings)
    stored = data_dir / corpus.MANIFEST
    if reuse and stored.exists() and corpus.Manifest.model_validate_json(stored.read_text()).files == manifest.files:
        # While iterating on answering code: the same papers, indexed by an earlier ingest/index.
        log(f"reusing {data_dir} (same papers; its indexing code may be older)")
        library = open_library(settings)
    elif not corpus.prepare_data_dir(data_dir, manifest):
        library = open_library(settings)
        if failed := ingest(library, files):
            # Fitting without a paper labels every question about it unanswerable, silently; and a
            # recorded manifest would let --reuse-index keep the hole after the cause is fixed.
            raise SystemExit(
                f"fit_scorer: {failed} paper(s) failed to ingest (above); fix the cause "
                "(a scan needs Tesseract: make system-deps) and run again"
            )
        corpus.record(data_dir, manifest)
    else:
        library = open_library(settings)
    from service.engine import AnswerEngine

    return AnswerEngine(settings, library)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", action="append", type=Path, required=True)
    ap.add_argument("--corpus", action="append", type=Path, required=True)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", type=Path, help="where to write the fitted weights (JSON)")
    ap.add_argument("--ranker", choices=("pairwise", "pointwise"), default="pairwise")
    ap.add_argument("--curve", type=Path, help="write the support model's out-of-fold probabilities here")
    ap.add_argument("--reuse-index", action="store_true", help="reuse --data-dir if it holds the same papers")
    ap.add_argument("--kfold-answers", type=Path, help="write the out-of-fold answers here (answers.jsonl)")
    ap.add_argument("--seed", type=int, help="shuffle the questions into folds with this seed (default: file order)")
    args = ap.parse_args(argv)
    if any("external" in p.name for p in args.gold):
        log("warning: a gold file named 'external' is in --gold; the held-out check must not be fitted on")
    golds = load(args.gold)
    engine = open_engine(args.corpus, args.data_dir, args.reuse_index)
    t0 = time.perf_counter()
    line_rows(engine, golds)
    pos = sum(lab for g in golds for _, lab in g.rows)
    log(
        f"{len(golds)} questions, {sum(len(g.rows) for g in golds)} lines ({pos} answering) "
        f"in {time.perf_counter() - t0:.0f}s"
    )
    if args.folds > 1:
        rows = kfold(engine, golds, args.folds, args.ranker, args.seed)
        if args.kfold_answers:
            write_answers(args.kfold_answers, rows)
            report = scoring.score_files(args.gold, args.kfold_answers)
            print(json.dumps(report.overall, indent=1, default=str))
    note = f"{len(golds)} questions from {', '.join(p.name for p in args.gold)}; {time.strftime('%Y-%m-%d')}"
    model = fit(engine, golds, note + f"; {args.ranker} line model", args.ranker, args.curve)
    text = json.dumps(model.to_json(), indent=1) + "\n"
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        log(f"weights -> {args.write}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
