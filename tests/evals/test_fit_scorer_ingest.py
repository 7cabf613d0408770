"""A fit never runs on a corpus with a paper missing: a paper that failed to ingest (a scan on a
machine without Tesseract) would make every question about it look unanswerable, and a recorded
manifest would let --reuse-index keep the hole after the cause was fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from evals import corpus, fit_scorer
from tests.evals.test_runner import FakeResult

pytestmark = pytest.mark.unit


class _LibraryWithoutOcr:
    def __init__(self, settings: object) -> None:
        pass

    def ingest_files(self, paths: list[Path]):
        return (FakeResult("failed" if "scan" in p.name else "added", p.name) for p in paths)


def _pdf(path: Path) -> None:
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, path.stem)
    c.save()


def test_a_paper_that_failed_to_ingest_stops_the_fit_and_is_not_recorded(tmp_path, monkeypatch):
    papers = tmp_path / "papers"
    papers.mkdir()
    _pdf(papers / "minutes.pdf")
    _pdf(papers / "agenda-scan.pdf")
    monkeypatch.setattr(fit_scorer, "open_library", _LibraryWithoutOcr)
    data = tmp_path / "data"
    with pytest.raises(SystemExit, match="1 paper"):
        fit_scorer.open_engine([papers], data)
    assert not (data / corpus.MANIFEST).exists()
