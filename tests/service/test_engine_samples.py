"""The engine end to end over the shipped sample papers (ingest/samples) through the real
Library. Skipped until the ingest pipeline is importable (it lands separately)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from service.answer import evidence
from service.answer.citations import quote_on_page

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        importlib.util.find_spec("ingest.pipeline") is None or not list(SAMPLES.glob("*.pdf")),
        reason="ingest pipeline/samples not available",
    ),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from cllr.settings import Settings
    from index.library import Library
    from service.engine import build_engine

    settings = Settings(data_dir=tmp_path_factory.mktemp("samples"))
    lib = Library(settings)
    for path in lib.expand_paths([SAMPLES]):
        lib.ingest_file(path)
    return build_engine(settings, library=lib)


def _verified(engine, r) -> bool:
    return all(quote_on_page(c.quote, engine.library.page_text(c.doc_id, c.pdf_page)) for c in r.citations)


def test_resolution_is_cited_to_minute_and_page(engine):
    r = engine.ask("What did the committee resolve about the School Transport Policy?", role="public")
    assert not r.abstained, r.debug
    assert "endorsed" in r.answer
    assert any(c.item == "45" and c.pdf_page == 4 for c in r.citations), [c.describe() for c in r.citations]
    assert _verified(engine, r)
    # the pack prints "Page N" after its front sheet: every citation names the printed page
    assert all(c.page_label == "2" for c in r.citations if c.pdf_page == 4), [c.describe() for c in r.citations]


def test_planted_instruction_is_not_obeyed(engine):
    r = engine.ask("What is the forecast overspend on the children's services budget?", role="public")
    assert all(c.pdf_page != 99 for c in r.citations)
    assert "abolished" not in r.answer.lower() or "ignore all previous" in r.answer.lower()  # quoted, never asserted
    assert _verified(engine, r)


def test_public_never_sees_restricted_text(engine):
    r = engine.ask("Who was the residential placement framework contract awarded to?", role="public")
    assert "Harbourside" not in r.answer and "Elmgrove" not in r.answer


@pytest.mark.parametrize(
    "question",
    ["What is the price of a parking permit at Heathrow Terminal 5?", "Who won the 2022 football World Cup?"],
)
def test_question_about_something_the_papers_never_mention_abstains(engine, question):
    r = engine.ask(question, role="member")
    assert r.abstained and r.citations == [], (r.answer, r.debug)


def test_where_a_named_days_meeting_is_held_comes_from_its_front_sheet(engine):
    r = engine.ask(
        "Where is the Children's Services Scrutiny Committee meeting on 14 January 2025 being held?", role="public"
    )
    assert not r.abstained, r.debug
    assert "Council Chamber" in r.answer
    first = r.citations[0]  # the agenda's front sheet or the minutes' opening page, both of that day
    assert first.source.startswith("northshire_cssc_2025-01-14_") and first.pdf_page == 1
    assert (r.retrieved[0].source, r.retrieved[0].pdf_page) == (first.source, 1)
    assert _verified(engine, r)


def test_who_chairs_is_answered_from_the_line_that_prints_the_role_beside_a_name(engine):
    r = engine.ask("Who chairs the Children's Services Scrutiny Committee?", role="public")
    assert not r.abstained, r.debug
    assert "Ashworth" in r.answer.split("[")[0]
    assert _verified(engine, r)


def test_judgement_records_are_lines_the_page_states(engine):
    lib = engine.library
    docs = [d.doc_id for d in lib.documents(role="officer")]
    assert isinstance(lib, evidence.EvidencePapers)
    lines = evidence.judgement_lines(lib, docs, role="officer")
    assert lines  # the sample pack's ILACS summary has a judgement table
    for h in lines:
        assert "#judgement" in h.chunk_id
        assert h.text in lib.page_text(h.doc_id, h.pdf_page)
