"""The runner end to end over a tiny generated corpus, with a stand-in Library.

The stand-in is a real (if naive) word-overlap retriever over the PDFs' pages, so the scores
below follow from what the files say; the real Library is exercised by test_dev_floors.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from evals import runner
from evals.scoring import score_files

pytestmark = pytest.mark.unit

PAGES = {
    "alpha.pdf": [
        "The meeting is held in the Kennet Room at County Hall, Trowbridge.",
        "Item 7. The contract was awarded to Liquidlogic for the case management system.",
    ],
    "beta.pdf": ["Minute 394. The committee resolved to approve the School Transport Policy."],
}
GOLD = [
    {
        "id": "q-room",
        "category": "fact",
        "question": "Which room is the meeting held in?",
        "answer": "Kennet Room",
        "must_include": [["Kennet Room"]],
        "item": None,
        "evidence_pages": [{"pdf": "alpha.pdf", "pages": [1]}],
    },
    {
        "id": "q-contract",
        "category": "fact",
        "question": "Who was the contract awarded to?",
        "answer": "Liquidlogic",
        "must_include": [["Liquidlogic"]],
        "item": "7",
        "evidence_pages": [{"pdf": "alpha.pdf", "pages": [2]}],
    },
    {
        "id": "q-policy",
        "category": "resolution",
        "question": "What did the committee resolve about school transport?",
        "history": [{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "reply"}],
        "answer": "approved",
        "must_include": [["approve"]],
        "item": "Minute 394",
        "evidence_pages": [{"pdf": "beta.pdf", "pages": [1]}],
    },
    {
        "id": "q-none",
        "category": "unanswerable",
        "question": "What colour is the carpet at County Hall?",
        "answer": "",
        "must_include": [],
        "item": None,
        "evidence_pages": [],
    },
]


@dataclass
class FakeHit:
    source: str
    pdf_page: int
    page_label: str | None
    cite_item: str | None
    text: str


@dataclass
class FakeResult:
    status: str
    source: str

    def summary(self) -> str:
        return f"{self.status} {self.source}"


class FakeLibrary:
    ingested: list[str] = []
    queries: list[str] = []

    def __init__(self, settings: object) -> None:
        self.pages: list[FakeHit] = []
        store = Path(settings.data_dir) / "fake.json"  # type: ignore[attr-defined]
        if store.exists():
            self.pages = [FakeHit(**h) for h in json.loads(store.read_text())]
        self.store = store

    def ingest_file(self, path: Path) -> FakeResult:
        FakeLibrary.ingested.append(path.name)
        for n, page in enumerate(PdfReader(str(path)).pages, 1):
            text = page.extract_text() or ""
            item = "7" if "Item 7" in text else "394" if "Minute 394" in text else None
            self.pages.append(FakeHit(path.name, n, str(n), item, text))
        self.store.write_text(json.dumps([h.__dict__ for h in self.pages]))
        return FakeResult("added", path.name)

    def ingest_files(self, paths: list[Path]) -> Iterator[FakeResult]:
        return (self.ingest_file(p) for p in paths)

    def search(self, query: str, *, filters: object = None, role: str = "public", k: int = 10) -> list[FakeHit]:
        FakeLibrary.queries.append(query)
        words = {w.strip("?.,'").lower() for w in query.split() if len(w) > 3}
        scored = [(sum(w in h.text.lower() for w in words), h) for h in self.pages]
        return [h for s, h in sorted(scored, key=lambda x: -x[0]) if s > 0][:k]


def _pdf(path: Path, pages: list[str]) -> None:
    c = canvas.Canvas(str(path))
    for text in pages:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, pages in PAGES.items():
        _pdf(corpus / name, pages)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in GOLD))
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        "".join(json.dumps({k: r[k] for k in ("id", "question", "history", "category") if k in r}) + "\n" for r in GOLD)
    )
    monkeypatch.setattr(runner, "open_library", FakeLibrary)
    FakeLibrary.ingested, FakeLibrary.queries = [], []
    return {"corpus": corpus, "gold": gold, "questions": questions, "tmp": tmp_path}


def _argv(s: dict[str, Path], gold: Path, *extra: str) -> list[str]:
    return [
        "--gold",
        str(gold),
        "--corpus",
        str(s["corpus"]),
        "--answers",
        str(s["tmp"] / "a.jsonl"),
        "--mode",
        "retrieval",
        *extra,
    ]


def test_answers_rows_have_the_exact_shape(setup: dict[str, Path]) -> None:
    assert runner.main(_argv(setup, setup["gold"])) == 0
    rows = [json.loads(line) for line in (setup["tmp"] / "a.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [g["id"] for g in GOLD]
    for r in rows:
        assert list(r) == ["id", "answer", "abstained", "citations", "retrieved", "latency_ms"]
        for p in r["citations"] + r["retrieved"]:
            assert list(p) == ["source", "pdf_page", "page_label", "item"]
            assert p["source"] in PAGES and isinstance(p["pdf_page"], int) and p["pdf_page"] >= 1
    contract = rows[1]
    assert "Liquidlogic" in contract["answer"]
    assert contract["citations"] == [{"source": "alpha.pdf", "pdf_page": 2, "page_label": "2", "item": "7"}]
    # Only the question text went to the retriever: never the gold answer or evidence.
    assert FakeLibrary.queries == [g["question"] for g in GOLD]


def test_report_and_json_agree_with_scoring(setup: dict[str, Path]) -> None:
    rep, js = setup["tmp"] / "r.md", setup["tmp"] / "r.json"
    assert runner.main(_argv(setup, setup["gold"], "--report", str(rep), "--json", str(js))) == 0
    data = json.loads(js.read_text())
    ours = data["systems"]["cllr-retrieval"]["overall"]
    direct = score_files([setup["gold"]], setup["tmp"] / "a.jsonl").overall
    assert ours == direct
    assert direct["hit@1"] == 1.0 and direct["item_accuracy"] == 1.0
    assert direct["abstention"] == 0.0  # the top-passage rule never abstains when anything matches
    text = rep.read_text()
    assert "### Overall" in text and "### Per category" in text and "### Per gold file" in text
    assert "| overall | cllr-retrieval |" in text
    assert "### q-none (unanswerable): answered an unanswerable question" in text


def test_questions_only_file_writes_answers_and_skips_scores(setup: dict[str, Path]) -> None:
    js = setup["tmp"] / "r.json"
    assert runner.main(_argv(setup, setup["questions"], "--json", str(js))) == 0
    assert len((setup["tmp"] / "a.jsonl").read_text().splitlines()) == len(GOLD)
    assert not js.exists()


def test_a_data_dir_missing_a_paper_is_ingested_again_next_time(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a scan fails without OCR: the run says so (exit 1), and the next run does not reuse the hole
    data = setup["tmp"] / "data"
    real = FakeLibrary.ingest_file

    def without_beta(self: FakeLibrary, path: Path) -> FakeResult:
        return FakeResult("failed", path.name) if path.name == "beta.pdf" else real(self, path)

    monkeypatch.setattr(FakeLibrary, "ingest_file", without_beta)
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(data))) == 1
    monkeypatch.setattr(FakeLibrary, "ingest_file", real)
    FakeLibrary.ingested = []
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(data))) == 0
    assert sorted(FakeLibrary.ingested) == ["alpha.pdf", "beta.pdf"]


def test_data_dir_is_reused_only_for_the_same_files(setup: dict[str, Path]) -> None:
    data = setup["tmp"] / "data"
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(data))) == 0
    assert sorted(FakeLibrary.ingested) == sorted(PAGES)
    FakeLibrary.ingested = []
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(data))) == 0
    assert FakeLibrary.ingested == []  # same bytes: reused
    _pdf(setup["corpus"] / "beta.pdf", ["Minute 394. The committee resolved to defer the policy."])
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(data))) == 0
    assert sorted(FakeLibrary.ingested) == sorted(PAGES)  # changed file: rebuilt from scratch


def test_refuses_a_data_dir_it_did_not_make(setup: dict[str, Path]) -> None:
    foreign = setup["tmp"] / "mine"
    foreign.mkdir()
    (foreign / "precious.db").write_text("x")
    assert runner.main(_argv(setup, setup["gold"], "--data-dir", str(foreign))) == 2
    assert (foreign / "precious.db").exists()


def test_cli_passes_help_through() -> None:
    from typer.testing import CliRunner

    from cllr.cli import app

    result = CliRunner().invoke(app, ["eval", "--help"])
    assert result.exit_code == 0 and "--gold" in result.output and "--baseline" in result.output
