"""The markdown report: cllr and the baseline side by side, then why each failure failed."""

from __future__ import annotations

from typing import Any

from evals.scoring import GivenAnswer, GoldQuestion, QuestionScore, ScoreReport

COLUMNS: list[tuple[str, str]] = [
    ("n", "n"),
    ("answered", "answered"),
    ("abstention", "abstain"),
    ("false_abstention", "false_abst"),
    ("correct", "correct"),
    ("contains", "contains"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr", "mrr"),
    ("cite_page", "cite_page"),
    ("cite_precision", "cite_prec"),
    ("item_accuracy", "item_acc"),
    ("latency_ms_p50", "p50 ms"),
    ("latency_ms_p95", "p95 ms"),
]
GOT_CHARS = 300


def fmt(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "n":
        return str(value)
    if key.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.3f}"


def _table(title: str, groups: list[str], runs: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """One row per (group, system), the systems of a group adjacent so they read side by side."""
    lines = [
        f"### {title}",
        "",
        "| group | system | " + " | ".join(h for _, h in COLUMNS) + " |",
        "|---|---|" + "|".join("---:" for _ in COLUMNS) + "|",
    ]
    for g in groups:
        for system, by_group in runs.items():
            m = by_group.get(g)
            if m is not None:
                lines.append(f"| {g} | {system} | " + " | ".join(fmt(k, m.get(k)) for k, _ in COLUMNS) + " |")
    return lines + [""]


def tables(reports: dict[str, ScoreReport]) -> list[str]:
    first = next(iter(reports.values()))
    out = _table("Overall", ["overall"], {s: {"overall": r.overall} for s, r in reports.items()})
    out += _table("Per category", list(first.by_category), {s: r.by_category for s, r in reports.items()})
    out += _table("Per gold file", list(first.by_file), {s: r.by_file for s, r in reports.items()})
    return out


def _pages(refs: list[Any]) -> str:
    return ", ".join(f"{r.source} p{r.pdf_page}" + (f" (item {r.item})" if r.item else "") for r in refs) or "none"


def _gold_pages(g: GoldQuestion) -> str:
    pages = ", ".join(f"{src} p{p}" for src, p in sorted(g.evidence)) or "none"
    return pages + (f" (item {g.item})" if g.item else "")


def _failed(q: QuestionScore) -> bool:
    return (not q.correct or not q.cite_page) if q.answerable else not q.abstained


def _why(q: QuestionScore) -> str:
    if not q.answerable:
        return "answered an unanswerable question"
    reasons = []
    if q.abstained:
        reasons.append("abstained")
    elif q.too_long and q.contains:
        reasons.append(f"too long ({q.words} words)")
    elif not q.contains:
        reasons.append("missing required words")
    if not q.cite_page:
        reasons.append("no citation on a gold page")
    if q.item_hit is False:
        reasons.append("wrong item")
    return "; ".join(reasons)


def failures(
    golds: list[GoldQuestion],
    report: ScoreReport,
    answers: dict[str, GivenAnswer],
    other: ScoreReport | None,
    other_name: str,
) -> list[str]:
    by_id = {q.id: q for q in report.per_question}
    other_rank = {q.id: q.first_hit_rank for q in other.per_question} if other else {}
    out = [
        "## Failures",
        "",
        "Answerable questions not correct or not cited to a gold page, and unanswerable questions answered.",
        "",
    ]
    n = 0
    for g in golds:
        q = by_id[g.id]
        if not _failed(q):
            continue
        n += 1
        a = answers.get(g.id) or GivenAnswer(id=g.id)
        got = " ".join(a.answer.split())
        got = got if len(got) <= GOT_CHARS else got[:GOT_CHARS] + " …"
        out += [
            f"### {g.id} ({g.category}): {_why(q)}",
            "",
            f"- question: {g.question}",
            f"- expected: {g.answer or '(the papers do not say)'}",
            f"- got{' (abstained)' if a.abstained else ''}: {got or '(empty)'}",
            f"- cited: {_pages(a.citations)}",
            f"- gold pages: {_gold_pages(g)}",
        ]
        if q.answerable:
            rank = f"- first hit rank: {q.first_hit_rank or 'none in top 10'}"
            if other:
                rank += f" ({other_name}: {other_rank.get(g.id) or 'none'})"
            out.append(rank)
        out.append("")
    if not n:
        out.append("None.")
    return out


def render(
    title: str,
    notes: list[str],
    golds: list[GoldQuestion],
    reports: dict[str, ScoreReport],
    primary_answers: dict[str, GivenAnswer],
) -> str:
    names = list(reports)
    primary = reports[names[0]]
    other = reports[names[1]] if len(names) > 1 else None
    lines = [f"# {title}", "", *[f"- {n}" for n in notes], "", "## Scores", "", *tables(reports)]
    lines += failures(golds, primary, primary_answers, other, names[1] if other else "")
    return "\n".join(lines) + "\n"
