"""Score briefings against hand-written gold (evals/briefing_gold.json, issue 19).

    .venv/bin/python -m evals.briefing_eval --corpus ../shared/corpus --report out/briefing.md [--check]

Ingests every pack's files into a data dir (a temporary one unless --data-dir), builds the
meeting's briefing as an officer reads it, and measures, over the recommendations the gold lists:

- **found**: the briefing gives the recommendation under its item: some recommendation line of
  that item holds at least FOUND_COVERAGE of the gold text's words;
- **pages right**: of those found, the line cites the gold's file and one of the pages printing it
  (its page, or a page in `also_on`);
- **invented**: recommendation lines (of every item, procedure included) whose words are not
  printed, in order, on the page they cite (through the page they say they run on to). Must be none.
- **extra**: lines of a scored item that match no gold recommendation and no `acceptable` line
  (reported: precision, not a target).

Targets (issue 19): found >= 0.90, pages right >= 0.95, invented == 0; `--check` exits 1 below them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cllr.offline import ensure_offline

ensure_offline()

from cllr.settings import Settings  # noqa: E402
from ingest.printed import printed_on, words  # noqa: E402

GOLD = Path(__file__).resolve().parent / "briefing_gold.json"
FOUND_COVERAGE = 0.8
TARGETS = {"found": 0.90, "pages_right": 0.95, "invented": 0}
ROLE = "officer"


@dataclass
class PackScore:
    pack: str
    gold: int = 0
    found: int = 0
    pages_right: int = 0
    invented: int = 0
    extra: int = 0
    lines: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def coverage(gold: str, line: str) -> float:
    """Share of the gold text's words (with repeats) that the line holds."""
    g, ln = Counter(words(gold)), Counter(words(line))
    total = sum(g.values())
    return sum(min(n, ln[w]) for w, n in g.items()) / total if total else 0.0


def score_pack(library: Any, pack: dict[str, Any], sources: dict[str, str]) -> tuple[PackScore, dict[str, Any]]:  # noqa: C901
    from service.briefing.build import build_briefing
    from service.briefing.meetings import meetings, slug

    out = PackScore(pack["id"])
    found = [
        m
        for m in meetings(library, ROLE)
        if m.meeting_date.isoformat() == pack["meeting_date"] and slug(m.committee) == slug(pack["committee"])
    ]
    if not found:
        out.misses.append(f"no meeting {pack['committee']} {pack['meeting_date']} in the library")
        out.gold = sum(len(i.get("recommendations", [])) for i in pack["items"] if not i.get("procedural"))
        return out, {}
    t0 = time.perf_counter()
    briefing = build_briefing(library, found[0], ROLE)
    out.seconds = time.perf_counter() - t0
    data = briefing.to_json()
    by_number = {i["number"]: i for i in data["items"]}
    page_cache: dict[tuple[str, int], str] = {}

    def page_text(doc_id: str, n: int) -> str:
        if (doc_id, n) not in page_cache:
            got = library.page(doc_id, n, ROLE)
            page_cache[(doc_id, n)] = got[1] if got else ""
        return page_cache[(doc_id, n)]

    for item in data["items"]:
        for line in item["recommendations"]:
            out.lines += 1
            span = range(line["pdf_page"], (line.get("to_page") or line["pdf_page"]) + 1)
            if not printed_on(line["text"], "\n".join(page_text(line["doc_id"], n) for n in span)):
                out.invented += 1
                out.misses.append(f"INVENTED item {item['number']} p{line['pdf_page']}: {line['text'][:120]}")
    for gold_item in pack["items"]:
        if gold_item.get("procedural"):
            continue
        got = by_number.get(gold_item["number"], {})
        lines = [] if got.get("procedural") else got.get("recommendations", [])
        golds = gold_item.get("recommendations", [])
        for g in golds:
            out.gold += 1
            best = max(lines, key=lambda ln: coverage(g["text"], ln["text"]), default=None)
            if best is None or coverage(g["text"], best["text"]) < FOUND_COVERAGE:
                out.misses.append(f"missed item {gold_item['number']}: {g['text'][:120]}")
                continue
            out.found += 1
            pages = {best["pdf_page"], *best.get("also_on", [])}
            if sources.get(best["doc_id"]) == Path(g["file"]).name and pages & set(g["pages"]):
                out.pages_right += 1
            else:
                out.misses.append(
                    f"wrong page item {gold_item['number']}: cited {sources.get(best['doc_id'])} "
                    f"p{sorted(pages)}, gold {Path(g['file']).name} p{g['pages']}"
                )
        allowed = [g["text"] for g in golds] + gold_item.get("acceptable", [])
        for ln in lines:
            if not any(
                coverage(a, ln["text"]) >= FOUND_COVERAGE or coverage(ln["text"], a) >= FOUND_COVERAGE for a in allowed
            ):
                out.extra += 1
                out.misses.append(f"extra item {gold_item['number']} p{ln['pdf_page']}: {ln['text'][:120]}")
    return out, data


def totals(scores: list[PackScore]) -> dict[str, Any]:
    gold = sum(s.gold for s in scores)
    found = sum(s.found for s in scores)
    lines = sum(s.lines for s in scores)
    return {
        "gold": gold,
        "found": found / gold if gold else 0.0,
        "pages_right": sum(s.pages_right for s in scores) / found if found else 0.0,
        "invented": sum(s.invented for s in scores),
        "extra": sum(s.extra for s in scores),
        "precision": 1 - sum(s.extra for s in scores) / lines if lines else 0.0,
        "seconds_max": max((s.seconds for s in scores), default=0.0),
    }


def meets(total: dict[str, Any]) -> bool:
    return (
        total["found"] >= TARGETS["found"]
        and total["pages_right"] >= TARGETS["pages_right"]
        and total["invented"] <= TARGETS["invented"]
    )


def report(scores: list[PackScore], total: dict[str, Any]) -> str:
    rows = ["| pack | gold | found | pages right | invented | extra | briefing s |", "|---|---|---|---|---|---|---|"]
    for s in scores:
        rows.append(
            f"| {s.pack} | {s.gold} | {s.found} | {s.pages_right} | {s.invented} | {s.extra} | {s.seconds:.2f} |"
        )
    rows.append(
        f"| **all** | {total['gold']} | **{total['found']:.3f}** | **{total['pages_right']:.3f}** | "
        f"**{total['invented']}** | {total['extra']} | {total['seconds_max']:.2f} (max) |"
    )
    verdict = "meets" if meets(total) else "DOES NOT meet"
    out = [
        "# Briefing eval",
        "",
        "\n".join(rows),
        "",
        f"Targets: found ≥ {TARGETS['found']}, pages right ≥ {TARGETS['pages_right']}, invented = 0: "
        f"**{verdict}**. Precision (lines matching gold or acceptable): {total['precision']:.3f}.",
        "",
    ]
    for s in scores:
        if s.misses:
            out.append(f"## {s.pack}")
            out += [f"- {m}" for m in s.misses]
            out.append("")
    return "\n".join(out)


def run(gold_path: Path, corpus: Path, data_dir: Path) -> tuple[list[PackScore], dict[str, Any], dict[str, Any]]:
    from index.library import Library

    gold = json.loads(gold_path.read_text())
    library = Library(Settings(data_dir=data_dir))
    sources: dict[str, str] = {}
    try:
        files = sorted({corpus / f for p in gold["packs"] for f in p["files"]})
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise SystemExit(f"briefing eval: corpus file(s) missing: {', '.join(missing)}")
        for f in files:
            r = library.ingest_file(f)
            if r.status == "failed" or r.doc_id is None:
                raise SystemExit(f"briefing eval: {r.error}")
            sources[r.doc_id] = f.name
        scores, briefings = [], {}
        for pack in gold["packs"]:
            s, data = score_pack(library, pack, sources)
            scores.append(s)
            briefings[pack["id"]] = data
        return scores, totals(scores), briefings
    finally:
        library.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.briefing_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    ap.add_argument("--data-dir", type=Path, help="index here (reused); default a temporary dir")
    ap.add_argument("--report", type=Path, help="markdown report")
    ap.add_argument("--json", type=Path, help="scores and the briefings scored")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cllr-briefing-") as tmp:
        scores, total, briefings = run(args.gold, args.corpus, args.data_dir or Path(tmp))
    text = report(scores, total)
    print(text)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"total": total, "packs": [s.to_json() for s in scores], "briefings": briefings}, indent=1)
        )
    return 0 if meets(total) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
