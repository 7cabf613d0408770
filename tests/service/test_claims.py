"""The claim check's parts on neutral passages: how papers write figures, dates, grades and names,
negation in either direction, rises and falls, and shared padding that supports nothing."""

from __future__ import annotations

import pytest

from service.answer.claims import check, dates, figures, grades, names

pytestmark = pytest.mark.unit

PASSAGE = (
    "Following procurement the contract was awarded to Northgate Systems to deliver a hosted solution "
    "replacing up to five legacy databases. The total capital cost is £1,900,000 over three years "
    "(2024/25 to 2026/27). Phase 1 is due to be delivered on 14 November 2025. Cllr Anna Price, the "
    "Cabinet Member, said that 72% of staff had been trained."
)


def values(text: str) -> list[float]:
    return [f.value for f in figures(text)]


@pytest.mark.parametrize("written", ["£1.9m", "£1.9 million", "£1,900,000", "£1.9M", "1.9 million pounds", "£1900k"])
def test_money_is_one_figure_however_written(written):
    assert check(f"The total capital cost is {written}.", PASSAGE).ok


@pytest.mark.parametrize("written", ["£19m", "£1.8 million", "£190,000", "£1.9bn", "£2.5m"])
def test_a_different_sum_is_not_the_paper_s(written):
    r = check(f"The total capital cost is {written}.", PASSAGE)
    assert not r.ok and r.reason.startswith("figure")


def test_rounding_is_allowed_to_the_claim_s_own_precision():
    passage = "The forecast overspend is £2,250,900 this year."
    assert check("The forecast overspend is £2.25m this year.", passage).ok
    assert check("The forecast overspend is £2.3 million this year.", passage).ok
    assert not check("The forecast overspend is £2,250,000 this year.", passage).ok  # exact, and wrong


def test_percentages_years_and_number_words():
    assert values("72 per cent") == [72.0] and values("72%") == [72.0]
    assert values("2024/25") == [2024.0, 2025.0] and values("2024-2025") == [2024.0, 2025.0]
    assert check("Seventy-two per cent of staff had been trained, Cllr Anna Price said.", PASSAGE).ok is False
    assert check("Cllr Anna Price said 72 per cent of staff had been trained.", PASSAGE).ok
    assert check("The hosted solution replaces up to 5 legacy databases.", PASSAGE).ok
    assert not check("The hosted solution replaces up to six legacy databases.", PASSAGE).ok
    assert check("The cost is spread over three years, 2024-25 to 2026-27.", PASSAGE).ok
    assert not check("The cost is spread over three years from 2023/24.", PASSAGE).ok


def test_dates_must_match_day_month_and_year():
    assert [(d.day, d.month, d.year) for d in dates("on 14 November 2025, Nov 2025 and 14/11/2025")] == [
        (14, 11, 2025),
        (None, 11, 2025),
        (14, 11, 2025),
    ]
    assert check("Phase 1 is due to be delivered in November 2025.", PASSAGE).ok
    assert check("Phase 1 is due on 14/11/2025.", PASSAGE).ok
    for wrong in ("on 14 December 2025", "on 15 November 2025", "on 14 November 2026", "in October 2025"):
        r = check(f"Phase 1 is due to be delivered {wrong}.", PASSAGE)
        assert not r.ok and r.reason.startswith(("date", "figure")), wrong


def test_a_header_s_iso_meeting_date_counts():
    header = "Northshire County Council · Cabinet · 2025-01-14 · item 6 · p. 12"
    assert check("On 14 January 2025 the contract was awarded to Northgate Systems.", PASSAGE, header=header).ok
    assert not check("On 14 February 2025 the contract was awarded to Northgate Systems.", PASSAGE, header=header).ok


def test_may_is_a_month_only_beside_a_day_or_year():
    assert dates("Members may ask questions") == []
    assert [(d.month, d.year) for d in dates("in May 2024")] == [(5, 2024)]


def test_grades():
    report = "Overall effectiveness: Good. The experiences of children in care require improvement to be good."
    assert grades(report, strict=False) == {"good", "requires improvement"}
    assert grades("The service made good progress", strict=True) == set()
    assert grades("The service was judged good", strict=True) == {"good"}
    assert check("Overall effectiveness was judged good.", report).ok
    r = check("Overall effectiveness was judged outstanding.", report)
    assert not r.ok and r.reason == "grade 'outstanding' is not in the passage"
    plain = "The service made good progress with its improvement plan this year."
    assert not check("The service was rated good for its improvement plan this year.", plain).ok


def test_names_include_the_first_word_and_titles_alias():
    assert names("Northgate Systems won. However, Cllr Price agreed.") == ["Northgate", "Systems", "Cllr", "Price"]
    assert check("Councillor Anna Price said 72% of staff had been trained.", PASSAGE).ok
    r = check("Capita was awarded the contract to deliver a hosted solution.", PASSAGE)
    assert not r.ok and r.reason == "name 'Capita' is not in the passage"
    r = check("The contract was awarded to Northgate Systems by Cllr Mark Hughes.", PASSAGE)
    assert not r.ok and "Mark" in r.reason


def test_negation_either_way():
    r = check("The contract was not awarded to Northgate Systems.", PASSAGE)
    assert not r.ok and r.reason.startswith("negates what the passage states")
    refused = "The committee refused the application for a late licence at the Mill Street premises."
    r = check("The committee granted the application for a late licence at the Mill Street premises.", refused)
    assert not r.ok and r.reason.startswith("states what the passage denies")
    assert check("The committee did not grant the late licence application at Mill Street.", refused).ok
    none = "No objections were received during the consultation on the parking order."
    assert not check("Objections were received during the consultation on the parking order.", none).ok
    assert check("There were no objections to the parking order consultation.", none).ok


def test_phrases_that_negate_nothing():
    passage = "The report must be published no later than 30 June 2025 and will cover not only costs but staffing."
    assert check("The report must be published by 30 June 2025 and will cover costs and staffing.", passage).ok


def test_a_rise_is_not_a_fall():
    passage = "Attendance at primary schools increased to 95.1% while attendance at secondary schools fell to 91.2%."
    assert check("Secondary school attendance fell to 91.2%.", passage).ok
    r = check("Secondary school attendance increased to 91.2%.", passage)
    assert not r.ok and r.reason.startswith("reverses")
    assert not check("Attendance at primary schools decreased to 95.1%.", passage).ok


def test_shared_padding_is_not_support():
    r = check("The committee report noted the council meeting papers.", PASSAGE)
    assert not r.ok
    r = check("The council's report said the contract was awarded for a new helicopter fleet and airport.", PASSAGE)
    assert not r.ok and r.reason.startswith("shares too little")


def test_support_must_be_found_together():
    passage = (
        "The library in the north of the county will close in March. "
        + "Unrelated matters were discussed at length. " * 4
        + "A new swimming pool opened in the south of the county."
    )
    r = check("A new library opened in the south of the county.", passage)
    assert r.ok is False or r.evidence != passage


def test_evidence_is_the_closest_sentence():
    r = check("The contract was awarded to Northgate Systems.", PASSAGE)
    assert r.ok and r.evidence.startswith("Following procurement the contract was awarded")
