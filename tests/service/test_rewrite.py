"""Follow-ups carry the earlier turns' entities, never an abstention or a refusal (issue 23): those
name nothing a follow-up leans on, and their words would steer the search and the model."""

from __future__ import annotations

import pytest

from service.answer.rewrite import rewrite, says_nothing
from service.answer.types import ABSTAIN_TEXT

pytestmark = pytest.mark.unit

ASKED = {"role": "user", "content": "What did the cabinet decide about the bus depot?"}


@pytest.mark.parametrize(
    "answer",
    [
        ABSTAIN_TEXT,
        f"{ABSTAIN_TEXT} [no citation]",
        "I'm sorry, I can't help with that.",
        "Sorry, I cannot answer questions about that.",
        "I don't know.",
        "Unfortunately the papers are silent.",
        "  ",
    ],
)
def test_an_answer_that_says_nothing_is_not_context(answer):
    rw = rewrite("And how much did it cost?", [ASKED, {"role": "assistant", "content": answer}])
    assert rw.is_followup and rw.context == ASKED["content"]
    assert says_nothing(answer)


def test_a_real_answer_is_context():
    answer = "Cabinet approved the sale of the bus depot for £1.2 million. [Cabinet, 4 Mar 2025 — item 7, p. 12]"
    rw = rewrite("And how much did it cost?", [ASKED, {"role": "assistant", "content": answer}])
    assert "sale of the bus depot" in rw.context and "Cabinet, 4 Mar" not in rw.context
    assert not says_nothing(answer)
    assert not says_nothing("I can see three options in the report, of which the second was chosen.")
