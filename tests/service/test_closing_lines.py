""" "What time did the meeting end?" over real minutes: search seldom finds the line a meeting
closed on (it shares only "meeting" with the question), so the engine reads it from the top papers
(two councils' minutes from ../shared, each closing in its own words)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.shared]


@pytest.fixture(scope="module")
def engine(engine_over, shared_dir):
    minutes = shared_dir / "corpus" / "councils" / "minutes"
    names = ("milburn-pc_minutes_2019-03-05.pdf", "tayport-cc_minutes_2023-12-04.pdf")
    return engine_over([minutes / n for n in names], "closing")


@pytest.mark.parametrize(
    ("question", "closing"),
    [
        ("What time did the parish council meeting of 5 March 2019 end?", "8.25pm"),
        ("When did the community council's December 2023 meeting close?", "8.55 pm"),
    ],
)
def test_the_line_a_meeting_closed_on_joins_passages_that_lacked_it(engine, question, closing):
    from service.answer.question import analyse

    q = analyse(question)
    opening = [h for h in engine.library.search(question, role="public", k=40) if h.pdf_page == 1]
    assert not any(closing in h.text for h in opening)  # the front page alone does not say
    added = engine._with_asked_lines(opening, q, "public")
    assert any(closing in h.text for h in added), [h.text[:80] for h in added]
    _, units = engine.candidates(question, role="public")
    assert any(closing in u.text for u in units if u.features.get("closing_time_line"))


def test_a_question_not_about_when_a_meeting_ended_reads_no_closing_lines(engine):
    _, units = engine.candidates("Who chaired the parish council meeting of 5 March 2019?", role="public")
    assert not any(u.features.get("closing_time_line") for u in units)
