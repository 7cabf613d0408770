"""Two-part questions over real papers: a change between two years is answered from each year's
own paper of the council the question names (../shared's Ofsted reports, and a sample council's
papers of one of those years beside them)."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"
pytestmark = [pytest.mark.integration, pytest.mark.shared]


@pytest.fixture(scope="module")
def engine(engine_over, shared_dir):
    ofsted = shared_dir / "corpus" / "councils" / "ofsted"
    papers = [
        ofsted / "manchester_sif-lscb_2014-09-03.pdf",
        ofsted / "manchester_ilacs-standard_2025-11-11.pdf",
        *sorted(SAMPLES.glob("*.pdf")),  # another council's papers of 2025, Ofsted findings among them
    ]
    return engine_over(papers, "parts")


def test_a_change_between_two_inspections_quotes_each_years_grade_from_its_own_report(engine):
    r = engine.ask(
        "How did Manchester's overall Ofsted verdict change between the 2014 and 2025 inspections?", role="public"
    )
    assert not r.abstained, r.debug
    assert "inadequate" in r.answer.lower() and "outstanding" in r.answer.lower(), r.answer
    cited = {c.source for c in r.citations}
    assert cited == {"manchester_sif-lscb_2014-09-03.pdf", "manchester_ilacs-standard_2025-11-11.pdf"}, cited


def test_which_council_is_answered_with_the_council_whose_paper_says_it(engine):
    # the report's line says only "the local authority"-style things; the answer names whose report it is
    r = engine.ask("Which council has a team for newly arrived unaccompanied asylum-seeking children?", role="public")
    assert not r.abstained, r.debug
    assert r.answer.startswith("Manchester"), r.answer
    assert {c.source for c in r.citations} == {"manchester_ilacs-standard_2025-11-11.pdf"}
