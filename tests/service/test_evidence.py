"""Evidence lines built on the engine's side from the papers' role-gated primitives: single lines as
passages of their own, front sheets of a day's meetings, and the engine using them through the
EvidencePapers protocol the tests' fake implements as the real Library does."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from service.answer import evidence
from service.engine import build_engine

pytestmark = pytest.mark.unit

MEMBERSHIP = "Membership\nCllr Ann Hale (Chair)\nCllr Ben Orme\nCllr Cara Pike (Vice-Chair)"


def test_the_fake_library_is_evidence_papers_as_the_real_one_is(library):
    # the real Library: tests/service/test_engine_samples.py (it needs a store)
    assert isinstance(library, evidence.EvidencePapers)
    assert not isinstance(object(), evidence.EvidencePapers)


def test_a_matching_line_becomes_a_passage_of_its_own_with_its_pages_metadata(library):
    library.pages[("d1", 10)] = library.pages[("d1", 10)] + "\n" + MEMBERSHIP
    chair = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+ \(Chair\)")
    lines = evidence.lines_matching(library, ["d1"], ["chair"], chair)
    assert [h.text for h in lines] == ["Cllr Ann Hale (Chair)"]
    h = lines[0]
    assert (h.doc_id, h.pdf_page, h.pdf_pages, h.minute) == ("d1", 10, [10], "64")
    assert h.chunk_id == "c3#line10:0"
    assert library.hits[2].text != h.text  # the page's passage itself is left as it was


def test_lines_stop_at_the_limit_and_keep_to_the_pages_asked(library):
    library.pages[("d1", 10)] = library.pages[("d1", 10)] + "\n" + MEMBERSHIP
    cllr = re.compile(r"^Cllr ")
    assert len(evidence.lines_matching(library, ["d1"], ["cllr"], cllr, limit=2)) == 2
    assert evidence.lines_matching(library, ["d1"], ["cllr"], cllr, pages=[4]) == []


def test_front_sheets_are_the_opening_passages_of_each_paper_of_the_days_meetings(library):
    library.meetings = lambda **kw: [SimpleNamespace(doc_ids=["d1"])] if kw["date_from"] == "2017-12-19" else []
    assert [h.chunk_id for h in evidence.front_sheets(library, "2017-12-19", n=2)] == ["c1", "c2"]
    assert evidence.front_sheets(library, "2017-12-20") == []


def test_who_chairs_is_answered_from_the_line_that_prints_the_role(settings, library):
    # search ranks the front sheet's passage without the membership (its text predates it); the
    # page holds it, and the engine reads it as a line of its own
    library.pages[("d1", 1)] = library.pages[("d1", 1)] + "\n" + MEMBERSHIP
    r = build_engine(settings, library=library).ask("Who chairs the Children's Select Committee?")
    assert not r.abstained, r.debug
    assert r.answer.startswith("Cllr Ann Hale (Chair)")
    assert r.citations[0].pdf_page == 1


def test_without_the_papers_primitives_the_engine_answers_from_search_alone(settings, library):
    library.pages[("d1", 1)] = library.pages[("d1", 1)] + "\n" + MEMBERSHIP
    plain = SimpleNamespace(search=library.search, page_text=library.page_text)
    r = build_engine(settings, library=plain).ask("Who chairs the Children's Select Committee?")
    assert "Ann Hale" not in r.answer
