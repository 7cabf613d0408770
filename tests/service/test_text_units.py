"""How a passage is cut into the lines an answer quotes (service/answer/text.split_units)."""

from __future__ import annotations

import pytest

from service.answer.abstain import _new_name
from service.answer.text import split_units

pytestmark = pytest.mark.unit


def test_a_name_written_with_initials_is_not_cut_at_the_initial():
    # the welsh community council convention: "proposed by Cllr. J. Davies", wrapped after the initial
    welsh = (
        "It was proposed by Cllr. J.\nDavies, seconded by Cllr. O.\nWilliams and agreed that the minutes were correct."
    )
    assert split_units(welsh) == [
        "It was proposed by Cllr. J. Davies, seconded by Cllr. O. Williams and agreed that the minutes were correct."
    ]
    # the Ontario township convention: resolution number, mover, seconder
    ontario = "R2023-101 A. Lemieux, K. Brandt:\nTHAT we approve the 2024 meeting schedule. Carried."
    assert split_units(ontario)[0] == "R2023-101 A. Lemieux, K. Brandt:"


def test_initials_and_a_surname_name_a_person_the_question_does_not_hold():
    assert _new_name("R2023-101 A. Lemieux, K. Brandt:", "who moved the meeting schedule?")
    assert _new_name("It was proposed by Cllr. J. Davies", "who proposed the minutes?")
    assert not _new_name("R2023-101 A. Lemieux, K. Brandt:", "did lemieux and brandt move it?")
