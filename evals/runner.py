"""`cllr eval`: ingest a corpus, ask every gold question, write answers, score, report.

Only `id`, `question` and `history` of a gold row reach the answering side (evals.rows.QuestionRow);
the rest is read by the scorer. A questions-only file gets answers and no scores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402
from evals import corpus, report, scoring  # noqa: E402
from evals.answerers import Answerer, EngineAnswerer, RetrievalAnswerer  # noqa: E402
from evals.rows import AnswerRow, QuestionRow, read_jsonl, read_questions, write_answers  # noqa: E402

SUMMARY_KEYS = [
    "correct",
    "hit@1",
    "hit@5",
    "hit@10",
    "mrr",
    "cite_page",
    "cite_precision",
    "item_accuracy",
    "abstention",
    "false_abstention",
    "latency_ms_p50",
    "latency_ms_p95",
]


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="cllr eval",
        description="Ask gold questions of cllr over a corpus, write one answers row per question, "
        "score them (unless the file holds questions only) and compare with a plain "
        "llama-index baseline.",
    )
    ap.add_argument(
        "--gold",
        action="append",
        type=Path,
        required=True,
        metavar="FILE",
        help="gold or questions-only JSONL (repeatable)",
    )
    ap.add_argument(
        "--corpus",
        action="append",
        type=Path,
        required=True,
        metavar="PATH",
        help="PDF file or folder of PDFs (repeatable); exactly these are ingested",
    )
    ap.add_argument(
        "--answers",
        type=Path,
        required=True,
        metavar="OUT.jsonl",
        help="answers rows; with --baseline its rows go to OUT.baseline.jsonl",
    )
    ap.add_argument("--report", type=Path, metavar="OUT.md", help="markdown report: tables and failures")
    ap.add_argument("--json", type=Path, metavar="OUT.json", help="all metrics and per-question results")
    ap.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where the corpus is indexed; reused when it already holds the same files "
        "(default: a fresh temporary dir, removed afterwards)",
    )
    ap.add_argument("--baseline", action="store_true", help="also run the plain llama-index baseline")
    ap.add_argument(
        "--mode",
        choices=["engine", "retrieval"],
        default="engine",
        help="engine (default): the answer engine the service uses; retrieval: answer with "
        "cllr's top search passage (measures retrieval alone)",
    )
    ap.add_argument(
        "--max-words",
        type=int,
        default=scoring.DEFAULT_MAX_WORDS,
        metavar="N",
        help="a longer answer is not correct (default %(default)s)",
    )
    return ap


def open_library(settings: Settings) -> Any:
    from index.library import Library

    return Library(settings)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ingest(library: Any, files: list[Path]) -> int:
    failed = 0
    for i, result in enumerate(library.ingest_files(files), 1):
        if result.status == "failed":
            failed += 1
        log(f"[{i}/{len(files)}] {result.summary()}")
    return failed


def ask_all(answerer: Answerer, questions: list[QuestionRow]) -> tuple[list[AnswerRow], int]:
    """Every question gets a row; an exception is logged and scored as an abstention, and the run
    exits non-zero, rather than one bad question hiding the other figures."""
    rows, errors = [], 0
    for q in questions:
        try:
            rows.append(answerer.answer(q))
        except Exception as e:  # noqa: BLE001 - reported per question, run continues
            errors += 1
            log(f"{q.id}: {type(e).__name__}: {e}")
            rows.append(AnswerRow(id=q.id, answer="", abstained=True))
    return rows, errors


def baseline_path(answers: Path) -> Path:
    return answers.with_name(answers.stem + ".baseline" + answers.suffix)


def scorable(gold_paths: list[Path]) -> bool:
    return all(scoring.is_scorable(row) for p in gold_paths for _, row in read_jsonl(p))


def _short(key: str) -> str:
    return {
        "cite_precision": "cite_prec",
        "item_accuracy": "item_acc",
        "abstention": "abstain",
        "false_abstention": "false_abs",
        "latency_ms_p50": "p50 ms",
        "latency_ms_p95": "p95 ms",
    }.get(key, key)


def summary_table(reports: dict[str, scoring.ScoreReport]) -> str:
    head = "system".ljust(16) + " ".join(_short(k).rjust(9) for k in SUMMARY_KEYS)
    lines = [head]
    for name, r in reports.items():
        lines.append(name.ljust(16) + " ".join(report.fmt(k, r.overall.get(k)).rjust(9) for k in SUMMARY_KEYS))
    return "\n".join(lines)


@dataclass
class Options:
    gold: list[Path]
    corpus: list[Path]
    answers: Path
    report: Path | None
    json: Path | None
    data_dir: Path | None
    baseline: bool
    mode: str
    max_words: int


def run(o: Options) -> int:
    questions = [q for _, q in read_questions(o.gold)]
    files = corpus.expand_corpus(o.corpus)
    temp = o.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="cllr-eval-")) if temp else o.data_dir
    assert data_dir is not None
    try:
        settings = Settings(data_dir=data_dir)
        manifest = corpus.manifest_for(files, settings)
        reused = corpus.prepare_data_dir(data_dir, manifest)
        library = open_library(settings)
        started = time.perf_counter()
        failed = 0
        if reused:
            log(f"reusing {data_dir}: it holds the same {len(files)} files")
        else:
            failed = ingest(library, files)
            if not failed:  # a dir missing a paper is never reused: the next run ingests again
                corpus.record(data_dir, manifest)
        ingest_s = time.perf_counter() - started

        answerer: Answerer = EngineAnswerer(settings, library) if o.mode == "engine" else RetrievalAnswerer(library)
        started = time.perf_counter()
        rows, errors = ask_all(answerer, questions)
        write_answers(o.answers, rows)
        log(f"{answerer.label}: {len(rows)} answers in {time.perf_counter() - started:.1f}s -> {o.answers}")

        answer_files = {answerer.label: o.answers}
        if o.baseline:
            from evals.baseline import Baseline

            base = Baseline(files, data_dir / corpus.BASELINE_SUBDIR)
            log("baseline: " + ("reusing its stored index" if base.build() else "indexed the corpus"))
            base_rows, base_errors = ask_all(base, questions)
            errors += base_errors
            write_answers(baseline_path(o.answers), base_rows)
            answer_files["baseline"] = baseline_path(o.answers)

        notes = [
            f"gold: {', '.join(str(p) for p in o.gold)} ({len(questions)} questions)",
            f"corpus: {len(files)} files from {', '.join(str(p) for p in o.corpus)}"
            f" ({'reused index' if reused else f'ingested in {ingest_s:.0f}s'}; {failed} failed)",
            f"system: {answerer.label} (mode {o.mode}, role officer); answers: {o.answers}",
        ]
        if not scorable(o.gold):
            log("questions only (no answer key): answers written, scoring skipped")
            if o.report:
                o.report.parent.mkdir(parents=True, exist_ok=True)
                o.report.write_text(
                    "# cllr eval\n\n" + "\n".join(f"- {n}" for n in notes) + "\n\nQuestions only: no scores.\n",
                    encoding="utf-8",
                )
            return 1 if errors or failed else 0

        golds = scoring.load_gold(o.gold)
        reports = {
            name: scoring.score(golds, scoring.load_answers(path), o.max_words) for name, path in answer_files.items()
        }
        print(summary_table(reports))
        if o.report:
            o.report.parent.mkdir(parents=True, exist_ok=True)
            o.report.write_text(
                report.render("cllr eval", notes, golds, reports, scoring.load_answers(o.answers)), encoding="utf-8"
            )
            log(f"report -> {o.report}")
        if o.json:
            o.json.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "mode": o.mode,
                "notes": notes,
                "answers": {k: str(v) for k, v in answer_files.items()},
                "systems": {name: r.to_json() for name, r in reports.items()},
            }
            o.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return 1 if errors or failed else 0
    finally:
        if temp:
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str]) -> int:
    try:
        a = parser().parse_args(argv)
    except SystemExit as e:  # --help or a usage error: return the code, as the CLI shell expects
        return e.code if isinstance(e.code, int) else 2
    try:
        return run(
            Options(
                gold=a.gold,
                corpus=a.corpus,
                answers=a.answers,
                report=a.report,
                json=a.json,
                data_dir=a.data_dir,
                baseline=a.baseline,
                mode=a.mode,
                max_words=a.max_words,
            )
        )
    except (corpus.CorpusError, ValueError, OSError) as e:
        print(f"cllr eval: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
