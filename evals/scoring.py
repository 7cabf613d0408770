"""Score an answers file against gold questions: overall, per category and per gold file.

Definitions (the same as ../shared/evals/score.py; tests/evals/test_scoring.py holds us to it):
- answered: all questions not abstained. abstention: unanswerable questions abstained.
  false_abstention: answerable questions abstained.
- contains: answerable, not abstained, every must_include group has an alternative in the answer
  (see evals.matching). correct: contains and at most `max_words` words ([bracketed] text not
  counted). A pasted passage may "contain" an answer; it is not a correct one.
- hit@k: a retrieved passage in the top k lands on a gold evidence page (same PDF base name,
  same 1-based page, no tolerance). mrr: 1/rank of the first such passage within the top 10.
- cite_page: at least one citation lands on an evidence page. cite_precision: over all citations
  on answerable questions, the share that land. item_accuracy: questions with a gold item, some
  citation names that item (normalised: "Item 7" == "7." == "7").
- unanswerable_clean: unanswerable questions abstained with no citations.
- latency p50/p95 (nearest rank) over the rows that carry latency_ms.
A gold question with no answers row counts as abstained with no citations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.matching import includes_all, item_key, page_number, source_key, words
from evals.rows import read_jsonl

UNANSWERABLE = "unanswerable"
DEFAULT_MAX_WORDS = 120
MRR_DEPTH = 10
HIT_KS = (1, 5, 10)


@dataclass
class GoldQuestion:
    id: str
    category: str
    file: str  # the gold file's base name
    question: str
    answer: str  # the gold's own wording, for the report
    must_include: list[list[str]]
    item: str | None  # normalised
    evidence: set[tuple[str, int]]  # (normalised PDF name, 1-based page)
    has_answer_key: bool = True  # False for a questions-only row

    @property
    def answerable(self) -> bool:
        return self.category != UNANSWERABLE


@dataclass
class Ref:
    source: str
    pdf_page: int | None
    item: str | None


@dataclass
class GivenAnswer:
    id: str
    answer: str = ""
    abstained: bool = True
    citations: list[Ref] = field(default_factory=list)
    retrieved: list[Ref] = field(default_factory=list)
    latency_ms: float | None = None


@dataclass
class QuestionScore:
    id: str
    category: str
    file: str
    answerable: bool
    missing: bool
    abstained: bool
    n_citations: int
    words: int
    latency_ms: float | None
    clean_abstention: bool = False
    contains: bool = False
    too_long: bool = False
    correct: bool = False
    first_hit_rank: int | None = None
    citation_hits: int = 0
    cite_page: bool = False
    gold_item: str | None = None
    item_hit: bool | None = None  # None when the gold has no item


# --------------------------------------------------------------------------- loading


def is_scorable(row: dict[str, Any]) -> bool:
    """A questions-only row (id, question, history, category) carries no answer key."""
    return "must_include" in row or "evidence_pages" in row


def load_gold(paths: list[Path], warnings: list[str] | None = None) -> list[GoldQuestion]:
    warnings = warnings if warnings is not None else []
    out: list[GoldQuestion] = []
    first_seen: dict[str, Path] = {}
    for path in paths:
        for n, row in read_jsonl(path):
            gid = row.get("id")
            if not isinstance(gid, str) or not gid:
                raise ValueError(f"{path}:{n}: gold row needs a string 'id'")
            if gid in first_seen:
                warnings.append(f"duplicate gold id {gid} in {path} (first in {first_seen[gid]}); kept the first")
                continue
            first_seen[gid] = path
            must = row.get("must_include") or []
            if not isinstance(must, list) or not all(isinstance(g, list) for g in must):
                raise ValueError(f"{path}:{n}: {gid}: must_include must be a list of lists of strings")
            evidence = {
                (source_key(ev.get("pdf")), p)
                for ev in row.get("evidence_pages") or []
                for p in (page_number(x) for x in ev.get("pages") or [])
                if source_key(ev.get("pdf")) and p is not None
            }
            out.append(
                GoldQuestion(
                    id=gid,
                    category=str(row.get("category") or "").strip() or "uncategorised",
                    file=Path(path).name,
                    question=str(row.get("question") or ""),
                    answer=str(row.get("answer") or ""),
                    must_include=[[str(a) for a in g] for g in must],
                    item=item_key(row.get("item")),
                    evidence=evidence,
                    has_answer_key=is_scorable(row),
                )
            )
    return out


def _refs(value: Any, where: str, warnings: list[str]) -> list[Ref]:
    if value is None:
        return []
    if not isinstance(value, list):
        warnings.append(f"{where}: expected a list; ignored")
        return []
    refs = []
    for i, p in enumerate(value):
        if not isinstance(p, dict):
            warnings.append(f"{where}[{i}]: not an object; ignored")
            continue
        refs.append(Ref(source_key(p.get("source")), page_number(p.get("pdf_page")), item_key(p.get("item"))))
    return refs


def load_answers(path: Path, warnings: list[str] | None = None) -> dict[str, GivenAnswer]:
    """Tolerant on purpose: a scorer must score someone else's slightly-off file, not crash."""
    warnings = warnings if warnings is not None else []
    out: dict[str, GivenAnswer] = {}
    for n, row in read_jsonl(path):
        aid = row.get("id")
        if not isinstance(aid, str):
            warnings.append(f"{path}:{n}: answers row without a string 'id'; skipped")
            continue
        latency = row.get("latency_ms")
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not math.isfinite(latency):
            latency = None
        text = row.get("answer")
        out[aid] = GivenAnswer(  # a repeated id: the later row wins
            id=aid,
            answer="" if text is None else str(text),
            abstained=bool(row.get("abstained", False)),
            citations=_refs(row.get("citations"), f"{aid}.citations", warnings),
            retrieved=_refs(row.get("retrieved"), f"{aid}.retrieved", warnings),
            latency_ms=None if latency is None else float(latency),
        )
    return out


# --------------------------------------------------------------------------- scoring


def _lands(gold: GoldQuestion, ref: Ref) -> bool:
    return ref.pdf_page is not None and (ref.source, ref.pdf_page) in gold.evidence


def score_question(gold: GoldQuestion, given: GivenAnswer | None, max_words: int = DEFAULT_MAX_WORDS) -> QuestionScore:
    a = given or GivenAnswer(id=gold.id)
    s = QuestionScore(
        id=gold.id,
        category=gold.category,
        file=gold.file,
        answerable=gold.answerable,
        missing=given is None,
        abstained=a.abstained,
        n_citations=len(a.citations),
        words=words(a.answer),
        latency_ms=a.latency_ms,
    )
    if not gold.answerable:
        s.clean_abstention = a.abstained and not a.citations
        return s
    s.contains = not a.abstained and includes_all(a.answer, gold.must_include)
    s.too_long = max_words > 0 and s.words > max_words
    s.correct = s.contains and not s.too_long
    s.first_hit_rank = next((rank for rank, r in enumerate(a.retrieved[:MRR_DEPTH], 1) if _lands(gold, r)), None)
    s.citation_hits = sum(_lands(gold, c) for c in a.citations)
    s.cite_page = s.citation_hits > 0
    if gold.item is not None:
        s.gold_item = gold.item
        s.item_hit = any(c.item == gold.item for c in a.citations)
    return s


def _share(num: float, den: int) -> float | None:
    return num / den if den else None


def nearest_rank(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = math.ceil(pct / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def aggregate(scores: list[QuestionScore]) -> dict[str, Any]:
    ans = [s for s in scores if s.answerable]
    una = [s for s in scores if not s.answerable]
    itemed = [s for s in ans if s.item_hit is not None]
    n_cites = sum(s.n_citations for s in ans)
    lat = [s.latency_ms for s in scores if s.latency_ms is not None]
    m: dict[str, Any] = {
        "n": len(scores),
        "n_answerable": len(ans),
        "n_unanswerable": len(una),
        "n_with_item": len(itemed),
        "n_missing": sum(s.missing for s in scores),
        "answered": _share(sum(not s.abstained for s in scores), len(scores)),
        "abstention": _share(sum(s.abstained for s in una), len(una)),
        "false_abstention": _share(sum(s.abstained for s in ans), len(ans)),
        "correct": _share(sum(s.correct for s in ans), len(ans)),
        "contains": _share(sum(s.contains for s in ans), len(ans)),
        "n_too_long": sum(s.too_long for s in ans if not s.abstained),
    }
    for k in HIT_KS:
        m[f"hit@{k}"] = _share(sum(s.first_hit_rank is not None and s.first_hit_rank <= k for s in ans), len(ans))
    m["mrr"] = _share(sum(1.0 / s.first_hit_rank for s in ans if s.first_hit_rank), len(ans))
    m["cite_page"] = _share(sum(s.cite_page for s in ans), len(ans))
    m["n_citations"] = n_cites
    m["cite_precision"] = _share(sum(s.citation_hits for s in ans), n_cites)
    m["item_accuracy"] = _share(sum(bool(s.item_hit) for s in itemed), len(itemed))
    m["unanswerable_clean"] = _share(sum(s.clean_abstention for s in una), len(una))
    m["n_latency"] = len(lat)
    m["latency_ms_p50"] = nearest_rank(lat, 50)
    m["latency_ms_p95"] = nearest_rank(lat, 95)
    return m


@dataclass
class ScoreReport:
    overall: dict[str, Any]
    by_category: dict[str, dict[str, Any]]
    by_file: dict[str, dict[str, Any]]
    per_question: list[QuestionScore]
    missing_ids: list[str]
    unknown_ids: list[str]

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {
            "overall": self.overall,
            "by_category": self.by_category,
            "by_file": self.by_file,
            "missing_ids": self.missing_ids,
            "unknown_ids": self.unknown_ids,
            "per_question": [asdict(q) for q in self.per_question],
        }


def score(
    golds: list[GoldQuestion], answers: dict[str, GivenAnswer], max_words: int = DEFAULT_MAX_WORDS
) -> ScoreReport:
    per_q = [score_question(g, answers.get(g.id), max_words) for g in golds]
    files = list(dict.fromkeys(g.file for g in golds))
    return ScoreReport(
        overall=aggregate(per_q),
        by_category={c: aggregate([s for s in per_q if s.category == c]) for c in sorted({s.category for s in per_q})},
        by_file={f: aggregate([s for s in per_q if s.file == f]) for f in files},
        per_question=per_q,
        missing_ids=[s.id for s in per_q if s.missing],
        unknown_ids=sorted(set(answers) - {g.id for g in golds}),
    )


def score_files(gold_paths: list[Path], answers_path: Path, max_words: int = DEFAULT_MAX_WORDS) -> ScoreReport:
    return score(load_gold(gold_paths), load_answers(answers_path), max_words)
