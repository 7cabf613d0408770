"""Check hand-written training questions against the papers they cite.

`python -m evals.train_check evals/train/*.jsonl --corpus DIR [--corpus DIR ...]`

Every row is in the gold format (../shared/evals/README.md). For an answerable row, every
must_include group must have an alternative on one of its evidence pages (the same matching
the scorer uses, so a question that passes here can be answered correctly from those pages),
and each evidence page must exist in its PDF. Unanswerable rows carry no evidence and no
must_include. Image-only pages are read through the project's own OCR. Prints one line per
problem and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from evals.corpus import expand_corpus
from evals.matching import has_alternative

CATEGORIES = {
    "fact",
    "number",
    "resolution",
    "ofsted",
    "agenda",
    "people",
    "cross_doc",
    "followup",
    "unanswerable",
    "paraphrase",
}


@lru_cache(maxsize=64)
def _pages(path: Path) -> tuple[str, ...]:
    from ingest.pdf import OcrOptions, read_pdf_pages  # the product's reader; OCRs image-only pages

    return tuple(read_pdf_pages(path.read_bytes(), path.name, ocr=OcrOptions()))


def _fields(row: dict[str, Any], rid: str) -> list[str]:
    problems = [
        f"{rid}: missing {key}"
        for key in ("id", "category", "question", "answer")
        if not isinstance(row.get(key), str) or not row[key].strip()
    ]
    if row.get("category") not in CATEGORIES:
        problems.append(f"{rid}: category {row.get('category')!r} not one of {sorted(CATEGORIES)}")
    return problems


def _evidence_text(evidence: list[dict[str, Any]], files: dict[str, Path], rid: str) -> tuple[str, list[str]]:
    texts: list[str] = []
    problems: list[str] = []
    for ev in evidence:
        pdf = files.get(str(ev.get("pdf")))
        if pdf is None:
            problems.append(f"{rid}: {ev.get('pdf')!r} is not in the corpus")
            continue
        pages = _pages(pdf)
        for n in ev.get("pages") or []:
            if not isinstance(n, int) or not 1 <= n <= len(pages):
                problems.append(f"{rid}: {pdf.name} has no page {n}")
            else:
                texts.append(pages[n - 1])
    return "\n".join(texts), problems


def check_row(row: dict[str, Any], files: dict[str, Path]) -> list[str]:
    rid = row.get("id", "?")
    problems = _fields(row, rid)
    evidence = row.get("evidence_pages") or []
    must = row.get("must_include") or []
    if row.get("category") == "unanswerable":
        if evidence or must:
            problems.append(f"{rid}: unanswerable rows carry no evidence_pages or must_include")
        return problems
    if not evidence or not must:
        return problems + [f"{rid}: answerable rows need evidence_pages and must_include"]
    joined, more = _evidence_text(evidence, files, rid)
    problems += more
    for group in must:
        if not isinstance(group, list) or not group:
            problems.append(f"{rid}: must_include groups are lists of alternatives")
        elif not any(has_alternative(joined, alt) for alt in group):
            problems.append(f"{rid}: none of {group} is on the evidence pages")
    if not any(has_alternative(row.get("answer", ""), alt) for alt in must[0]):
        problems.append(f"{rid}: the written answer does not contain its own first must_include group")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--corpus", action="append", type=Path, required=True)
    args = ap.parse_args(argv)
    files = {p.name: p for p in expand_corpus(args.corpus)}
    problems: list[str] = []
    ids: set[str] = set()
    rows = 0
    for path in args.files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"{path}:{n}: not JSON ({e.msg})")
                continue
            rows += 1
            if row.get("id") in ids:
                problems.append(f"{path}:{n}: duplicate id {row.get('id')}")
            ids.add(row.get("id"))
            problems += [f"{path}:{n}: {p}" for p in check_row(row, files)]
    for p in problems:
        print(p)
    print(f"{rows} rows, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
