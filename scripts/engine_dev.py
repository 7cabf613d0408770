"""Developer harness for the answer engine while index.library is not available (or to iterate
fast): a throwaway page-chunked BM25 library over a folder of PDFs, then the dev questions.

    .venv/bin/python scripts/engine_dev.py [--real] > out/dev.jsonl
Not used by the product: the engine only ever talks to index.library.Library.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARED = Path(__file__).resolve().parents[2] / "shared"


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    source: str
    text: str
    header: str
    pdf_page: int
    page_label: str | None = None
    item: str | None = None
    minute: str | None = None
    cite_item: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    doc_type: str = "other"
    score: float = 0.0

    def to_json(self) -> dict:
        return {"source": self.source, "pdf_page": self.pdf_page, "page_label": self.page_label, "item": self.cite_item}


class DevLibrary:
    def __init__(self, folders: list[Path], cache: Path):
        if cache.exists():
            self.pages, self.chunks = pickle.loads(cache.read_bytes())
        else:
            from pypdf import PdfReader
            self.pages, self.chunks = {}, []
            for folder in folders:
                for pdf in sorted(folder.glob("*.pdf")):
                    for n, page in enumerate(PdfReader(pdf).pages, 1):
                        text = page.extract_text() or ""
                        self.pages[(pdf.name, n)] = text
                        lines = text.splitlines()
                        buf: list[str] = []
                        for line in lines + [None]:
                            if line is not None:
                                buf.append(line)
                            if buf and (line is None or sum(len(b.split()) for b in buf) > 120):
                                self.chunks.append(Hit(f"{pdf.name}:{n}:{len(self.chunks)}", pdf.name, pdf.name,
                                                       "\n".join(buf), pdf.stem, n))
                                buf = []
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps((self.pages, self.chunks)))
        import bm25s
        import Stemmer
        self.stemmer = Stemmer.Stemmer("english")
        self.bm = bm25s.BM25()
        self.bm.index(bm25s.tokenize([c.header + "\n" + c.text for c in self.chunks], stopwords="en",
                                     stemmer=self.stemmer, show_progress=False), show_progress=False)

    def search(self, query, *, filters=None, role="public", k=10):
        import bm25s
        res, scores = self.bm.retrieve(bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer,
                                                      show_progress=False), k=k, show_progress=False)
        return [self.chunks[i] for i in res[0]]

    def page_text(self, doc_id, pdf_page):
        return self.pages.get((doc_id, pdf_page))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="store_true", help="use index.library.Library over .cache/evaldata")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    from cllr.settings import Settings
    from service.engine import build_engine
    settings = Settings(data_dir=Path(".cache/enginedev"))
    lib = None if args.real else DevLibrary([SHARED / "corpus/seeds", SHARED / "corpus/external"],
                                             Path(".cache/enginedev/devlib.pkl"))
    if args.real:
        settings = Settings(data_dir=Path(".cache/evaldata"))
    engine = build_engine(settings, library=lib)
    engine.store = None
    for gold in ("gold_dev.jsonl", "gold_dev_external.jsonl"):
        for line in open(SHARED / "evals" / gold):
            g = json.loads(line)
            if args.only and args.only not in g["id"]:
                continue
            t = time.perf_counter()
            r = engine.ask(g["question"], history=g.get("history"))
            row = {"id": g["id"], "answer": r.answer, "abstained": r.abstained,
                   "citations": [{"source": c.source, "pdf_page": c.pdf_page, "page_label": c.page_label,
                                  "item": c.item} for c in r.citations],
                   "retrieved": [h.to_json() for h in r.retrieved],
                   "latency_ms": (time.perf_counter() - t) * 1000, "debug": r.debug}
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
