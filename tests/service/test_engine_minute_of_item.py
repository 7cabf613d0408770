"""A "which agenda item, which pages, which minute" question answered from the front sheet names the
minute that records the item: the same committee's minutes of the same day say which item each
minute took ("(Item 9)")."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
pytestmark = [pytest.mark.integration, pytest.mark.shared]


@pytest.fixture(scope="module")
def engine(engine_over):
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    names = ("kent-cabinet-2025-01-30-agenda-frontsheet.pdf", "kent-cabinet-2025-01-30-minutes.pdf")
    return engine_over([SHARED / "corpus" / "external" / n for n in names], "front-and-minutes")


def test_front_sheet_item_names_the_minute_that_records_it(engine):
    hit = next(
        h
        for h in engine.library.search("Commissioning Plan for Education Provision 2025-29 pages", k=10)
        if h.source.endswith("frontsheet.pdf") and h.item == "9"
    )
    assert engine._minute_recording(hit, "public").number == "92"
    where = engine._where(_cit(hit), hit, "public", with_minute=True)
    assert "item 9" in where and "pages 461 to 610 of the pack" in where and "minute 92 records it" in where


def _cit(hit):
    from service.answer.citations import citation_for

    return citation_for(hit, "Commissioning Plan for Education Provision")


def test_the_minute_named_is_cited_on_its_own_page(engine):
    r = engine.ask(
        "Which agenda item was the education commissioning plan at the Cabinet meeting, which pages, "
        "and which minute records it?",
        role="public",
    )
    assert not r.abstained and "minute 92" in r.answer.lower()
    assert any(c.item == "92" and c.kind == "minute" and c.pdf_page in (16, 17) for c in r.citations), [
        c.describe() for c in r.citations
    ]


def test_a_page_question_names_no_minute(engine):
    r = engine.ask("On which pages of the Cabinet pack was the education commissioning plan?", role="public")
    assert "minute 92" not in r.answer.lower() and not any(c.item == "92" for c in r.citations)
