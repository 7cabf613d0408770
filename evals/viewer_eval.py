"""Does the cited-page viewer highlight the quoted words? (issue 19)

    flock /tmp/cllr-heavy.lock .venv/bin/python -m evals.viewer_eval \\
        --gold ../shared/evals/gold_dev.jsonl --gold ../shared/evals/gold_dev_external.jsonl \\
        --data-dir out/eval-data [--briefings] --report out/viewer.md

Asks the dev gold questions as `cllr eval` does (the engine, role officer) over a data dir that
`cllr eval --data-dir` indexed, and for every citation of a PDF page takes the highlight its
viewer link carries (the quote, cut as the link cuts it) and finds it on the page as the viewer
does (service/page_images.py). A citation is highlighted when the highlighted boxes hold at least
HIGHLIGHTED of the quote's words, in order; the share of citations that are is the figure
(target >= 0.95). With --briefings the lines of every meeting's briefing are measured too.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402

HIGHLIGHTED = 0.9  # share of the quote's words the boxes must hold
TARGET = 0.95  # share of citations highlighted (issue 19)


@dataclass
class Tally:
    name: str
    citations: int = 0
    highlighted: int = 0
    whole: int = 0  # every word of the quote highlighted
    coverage_sum: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, where: str, quote: str, hl: Any) -> None:
        self.citations += 1
        self.coverage_sum += hl.coverage
        if hl.coverage >= HIGHLIGHTED:
            self.highlighted += 1
        else:
            self.misses.append(f"{where}: {hl.found}/{hl.quote_words} words — {quote[:110]}")
        if hl.quote_words and hl.found == hl.quote_words:
            self.whole += 1

    def to_json(self) -> dict[str, Any]:
        n = self.citations or 1
        return {
            "name": self.name,
            "citations": self.citations,
            "highlighted": self.highlighted / n,
            "whole": self.whole / n,
            "mean_coverage": self.coverage_sum / n,
            "misses": self.misses,
        }


class Pages:
    """Word boxes per (document, page), read once, through the library's own copy of each file."""

    def __init__(self, library: Any):
        self.library = library
        self.cache: dict[tuple[str, int], list[Any]] = {}

    def highlight(self, doc_id: str, n: int, quote: str) -> Any:
        from service.page_images import find_quote, page_words

        key = (doc_id, n)
        if key not in self.cache:
            path = self.library.file_path(doc_id, "officer")
            self.cache[key] = page_words(path, n) if path is not None and path.suffix.lower() == ".pdf" else []
        return find_quote(self.cache[key], quote)


def link_quote(quote: str) -> str:
    """The highlight a viewer link carries for this quote (service/auth.py FileLinks.view_url)."""
    from service.auth import VIEW_HIGHLIGHT_CHARS

    return " ".join((quote or "").split())[:VIEW_HIGHLIGHT_CHARS]


def answers(library: Any, settings: Settings, gold: list[Path], pages: Pages) -> Tally:
    from evals.rows import read_questions
    from service.engine import build_engine

    engine = build_engine(settings, library)
    tally = Tally("answers")
    for _, q in read_questions(gold):
        res = engine.ask(q.question, history=q.history_dicts(), role="officer")
        for c in res.citations:
            if not c.pdf_page or not c.quote:
                continue
            doc = library.document(c.doc_id, "officer")
            if doc is None or not doc.source.lower().endswith(".pdf"):
                continue
            quote = link_quote(c.quote)
            tally.add(f"{q.id} {doc.source} p{c.pdf_page}", quote, pages.highlight(c.doc_id, c.pdf_page, quote))
    return tally


def briefings(library: Any, pages: Pages) -> Tally:
    from service.briefing.build import build_briefing
    from service.briefing.meetings import meetings

    tally = Tally("briefing lines")
    for m in meetings(library, "officer"):
        data = build_briefing(library, m, "officer").to_json()
        for item in data["items"]:
            for key in ("purpose", "recommendations", "authors", "figures", "earlier"):
                for line in item[key]:
                    if not line["source"].lower().endswith(".pdf"):
                        continue
                    quote = link_quote(line["text"])
                    tally.add(
                        f"{m.meeting_id} item {item['number']} {key} p{line['pdf_page']}",
                        quote,
                        pages.highlight(line["doc_id"], line["pdf_page"], quote),
                    )
    return tally


def report(tallies: list[Tally]) -> str:
    rows = ["| citations of | n | highlighted (≥ 90% of words) | every word | mean coverage |", "|---|---|---|---|---|"]
    for t in tallies:
        j = t.to_json()
        rows.append(
            f"| {t.name} | {t.citations} | {j['highlighted']:.3f} | {j['whole']:.3f} | {j['mean_coverage']:.3f} |"
        )
    out = ["# Viewer highlight eval", "", "\n".join(rows), "", f"Target: highlighted ≥ {TARGET}.", ""]
    for t in tallies:
        if t.misses:
            out += [f"## {t.name}: not highlighted", *[f"- {m}" for m in t.misses], ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.viewer_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", action="append", type=Path, default=[], help="gold questions (repeatable)")
    ap.add_argument("--data-dir", type=Path, required=True, help="a data dir `cllr eval --data-dir` indexed")
    ap.add_argument("--briefings", action="store_true", help="measure every meeting's briefing lines too")
    ap.add_argument("--report", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not (args.data_dir / "cllr.db").is_file():
        print(
            f"viewer eval: {args.data_dir} holds no index (run cllr eval --data-dir {args.data_dir} first)",
            file=sys.stderr,
        )
        return 2
    from index.library import Library

    settings = Settings(data_dir=args.data_dir)
    library = Library(settings)
    try:
        pages = Pages(library)
        tallies = [answers(library, settings, args.gold, pages)] if args.gold else []
        if args.briefings:
            tallies.append(briefings(library, pages))
    finally:
        library.close()
    text = report(tallies)
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([t.to_json() for t in tallies], indent=1))
    first = tallies[0].to_json() if tallies else {"highlighted": 0.0}
    return 0 if first["highlighted"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
