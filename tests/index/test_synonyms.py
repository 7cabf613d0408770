"""Keyword search is widened with the papers' own names for what a question mentions."""

import pytest
from index.synonyms import widen

pytestmark = pytest.mark.unit


def test_children_in_care_also_searches_the_papers_term_looked_after():
    q = "How many children did Wiltshire have in care in 2012?"
    assert widen(q).startswith(q) and "looked after" in widen(q)


def test_a_question_without_such_terms_is_left_as_asked():
    q = "What did the committee resolve about the School Places Strategy?"
    assert widen(q) == q


def test_a_term_already_asked_is_not_added_again():
    q = "looked after children in care"
    added = widen(q)[len(q) :]
    assert "looked after children" not in added and "children in care" not in added
