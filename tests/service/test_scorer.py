"""The one scorer: named features, fitted weights read from one file, abstention decided in one place."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from service.answer import abstain, extractive, scorer
from service.answer.question import analyse

pytestmark = pytest.mark.unit


def _units(text: str, doc: str = "d", page: int = 1, rank: int = 0):
    hit = SimpleNamespace(
        text=text,
        doc_id=doc,
        pdf_page=page,
        chunk_id=f"{doc}-{page}",
        header="",
        meeting_date=None,
        minute=None,
        source=f"{doc}.pdf",
    )
    units = extractive.units_from_hits([hit])
    for u in units:
        u.rank = rank
    return units


def test_the_shipped_weights_name_only_known_features_and_were_fitted():
    model = scorer.load_model()
    assert set(model.coef) <= set(scorer.UNIT_FEATURES)
    assert set(model.support_coef) <= set(scorer.SUPPORT_FEATURES)
    assert 0.0 < model.support_threshold < 1.0
    assert model.fitted_on and "bootstrap" not in model.fitted_on.lower()


def test_a_lines_score_is_the_sigmoid_of_its_features_contributions():
    model = scorer.ScorerModel(coef={"lexical": 2.0, "figure_new": 1.0, "restates_question": -1.0}, intercept=-1.0)
    q = analyse("How many foster carers does the council have?")
    units = _units("There are 217 foster carers approved by the council today.")
    idf = extractive.idf_table(units, q)
    scorer.score_units(units, q, idf, None, {}, lambda u: None, model)
    u = units[0]
    contrib = model.contributions(u.features)
    assert contrib["figure_new"] == 1.0
    assert u.logit == pytest.approx(model.intercept + sum(contrib.values()), abs=1e-3)
    assert u.score == pytest.approx(1 / (1 + 2.718281828**-u.logit), abs=1e-6)


def test_what_a_council_says_of_a_planning_application_is_a_decision():
    q = analyse("What did the council decide on the application for stables?")
    for outcome in ("Refuse", "No objection", "Object on the following grounds:", "Permitted", "Granted"):
        assert "decision_word" in scorer.kind_features(q, outcome), outcome
    assert "decision_word" not in scorer.kind_features(q, "Stables for six horses, land opposite the chapel")


def test_features_are_facts_about_the_line_and_the_questions_shape():
    q = analyse("Who chaired the meeting?")
    assert scorer.kind_features(q, "Present: Councillor A Example (Chair), Councillor B Sample") == {
        "name_new": 1.0,
        "role_beside_name": 1.0,
    }
    assert scorer.kind_features(q, "The meeting opened with prayers.") == {"name_missing": 1.0}
    vote = analyse("How did members vote, and who was against?")
    assert scorer.kind_features(vote, "For: Cllrs Able, Baker. Against: Cllr Cole. The motion was carried.") == {
        "name_new": 1.0,
        "vote_line": 1.0,
        "vote_names": 1.0,
    }
    decided = analyse("What did the council finally decide on the budget?")
    assert "amendment_line" in scorer.kind_features(decided, "The amendment moved by Cllr Able was lost.")


def test_weights_round_trip_through_their_json_file(tmp_path):
    model = scorer.ScorerModel(
        coef={"lexical": 1.5},
        intercept=-0.5,
        support_coef={"best_logit": 1.0},
        support_intercept=0.2,
        support_threshold=0.6,
        fitted_on="test rows",
    )
    again = scorer.ScorerModel.from_json(model.to_json())
    assert again == model


def test_low_support_abstains_and_says_why_a_convention_gate_abstains_whatever_the_support():
    q = analyse("What did the panel decide about the library in 2019?")
    units = _units("RESOLVED that the library consultation be noted and the report deferred.")
    idf = extractive.idf_table(units, q)
    sure = scorer.ScorerModel(coef={"lexical": 1.0}, intercept=0.0, support_intercept=10.0, support_threshold=0.5)
    unsure = scorer.ScorerModel(coef={"lexical": 1.0}, intercept=0.0, support_intercept=-10.0, support_threshold=0.5)
    scorer.score_units(units, q, idf, None, {}, lambda u: None, sure)
    assert abstain.decide(q, units, units, idf, sure, lambda d: "Minutes of 4 March 2019").ok
    low = abstain.decide(q, units, units, idf, unsure, lambda d: "Minutes of 4 March 2019")
    assert not low.ok and low.reason.startswith("support") and low.p < 0.5
    other_year = abstain.decide(q, units, units, idf, sure, lambda d: "Minutes of 4 March 2017")
    assert not other_year.ok and "2019" in other_year.reason


def test_an_abstention_says_what_the_papers_cover_nearby_without_citing_it():
    from service.engine import _abstention
    from service.answer.types import ABSTAIN_TEXT

    hit = SimpleNamespace(
        minute_title="Library services review",
        item_title=None,
        source="m.pdf",
        committee="Communities Panel",
        meeting_date="2019-03-04",
        page_label="7",
        pdf_page=9,
    )
    text = _abstention([SimpleNamespace(hit=hit)])
    assert text.startswith(ABSTAIN_TEXT)
    assert "Library services review (Communities Panel, 4 Mar 2019), page 7" in text
    assert _abstention([]) == ABSTAIN_TEXT


def test_fitting_learns_which_feature_marks_the_answering_line():
    from evals.fit_scorer import Gold, fit_lines

    rows = []
    for i in range(30):
        rows += [
            ({"lexical": 0.5, "figure_new": 1.0}, 1),
            ({"lexical": 0.5, "figure_missing": 1.0}, 0),
            ({"lexical": 0.1 * (i % 3)}, 0),
        ]
    g = Gold("g", "q", None, "number", [["x"]], set(), rows)
    coef, _ = fit_lines([g])
    assert coef["figure_new"] > 0 > coef["figure_missing"]


def _dated(text: str, meeting_date: str | None, header: str = ""):
    hit = SimpleNamespace(meeting_date=meeting_date, header=header)
    return SimpleNamespace(text=text, hit=hit)


def test_a_day_the_question_names_must_be_the_meetings_or_in_the_lines():
    q = analyse("What did the council decide at its meeting on 19 December 2023?")
    assert scorer._date_support(q, [_dated("Resolved to adopt the plan.", "2023-12-05")])["day_unmatched"] == 1.0
    assert scorer._date_support(q, [_dated("Resolved to adopt the plan.", "2023-12-19")])["day_unmatched"] == 0.0
    said = _dated("The meeting on 19th December agreed the schedule.", "2024-01-09")
    assert scorer._date_support(q, [said])["day_unmatched"] == 0.0


def test_a_year_the_question_names_must_be_the_meetings_its_headers_or_the_lines():
    q = analyse("What precept was set for 2023/24?")
    assert scorer._date_support(q, [_dated("The precept was set at £9,000.", "2019-03-05")])["year_unmatched"] == 1.0
    assert (
        scorer._date_support(q, [_dated("The precept for 2023/24 is £9,000.", "2019-03-05")])["year_unmatched"] == 0.0
    )
    assert scorer._date_support(analyse("Who chaired it?"), [_dated("Cllr A chaired.", None)]) == {}


def test_a_question_asking_what_something_is_called_wants_a_name_the_question_does_not_hold():
    for asked in (
        "What is the parish council's new youth scheme called?",
        "What is the name of the company that runs the county's children's services?",
        "What was the community council's newsletter known as?",
    ):
        assert "name" in analyse(asked).kinds, asked
    assert "name" not in analyse("What was the extraordinary meeting called to consider?").kinds
    q = analyse("What is the borough's new housing company called?")
    named = _units("Cabinet agreed to set up a wholly owned company, Riverside Homes Ltd (RHL).")
    unnamed = _units("Progress on the new arrangements is now tangible, with early signs of improvement.")
    assert abstain.missing_kind(q, named) is None
    assert abstain.missing_kind(q, unnamed) == "no name in evidence"


def test_a_vote_count_or_who_voted_is_answered_only_by_a_recorded_vote():
    carried = _units("Moved by S. Foote, seconded by D. Yemm. That the tender be awarded. Carried.")
    counted = _units("The motion was carried by 7 votes to 3.")
    unanimous = _units("It was proposed by Cllr. J. Davies and unanimously agreed to object.")
    for asked in (
        "How many councillors voted for the tender?",
        "Who voted against the tender?",
        "How did each councillor vote on the tender?",
    ):
        q = analyse(asked)
        assert abstain.missing_kind(q, carried) is not None, asked
        assert abstain.missing_kind(q, unanimous) != "no vote recorded in evidence", asked
    assert abstain.missing_kind(analyse("Who voted against the tender?"), carried) == "no vote recorded in evidence"
    assert abstain.missing_kind(analyse("How many councillors voted for the tender?"), counted) is None
    # was it carried? is answered by "Carried"
    assert abstain.missing_kind(analyse("Was the tender vote carried?"), carried) is None


def test_who_moved_a_motion_is_answered_only_where_the_minutes_record_a_mover():
    # The conventions: "It was proposed by Cllr A, seconded by Cllr B" (a Welsh community
    # council), "Mr A proposed that …" (a Scottish one), "Moved by: A Seconded by: B" and a
    # resolution number with the movers' initials and names (Ontario).
    recorded = (
        "It was proposed by Cllr. A. Example, seconded by Cllr. B. Other and unanimously agreed to donate £50.",
        "Mr A Example proposed that a community councillor lay the wreath.",
        "Moved by: Alex Example Seconded by: Bo Other That the meeting be adjourned.",
        "R2099-101 A. Example, B. Other:",
    )
    unrecorded = _units("Mrs Example was invited to speak about the council adopting the bench.")
    adjective = _units("Pre-Application Consultation on Proposed Residential Development, Mr A Example.")
    for asked in ("Who proposed that the council adopt the bench?", "Who moved and seconded it?"):
        q = analyse(asked)
        assert abstain.missing_kind(q, unrecorded) == "no mover or seconder recorded in evidence", asked
        assert abstain.missing_kind(q, adjective) == "no mover or seconder recorded in evidence", asked
        for line in recorded:
            assert abstain.missing_kind(q, _units(line)) is None, (asked, line)
    # "the proposed development" is not a question about a mover
    for other in ("Who objected to the proposed development?", "Who raised the proposed housing scheme?"):
        assert abstain.missing_kind(analyse(other), unrecorded) is None, other
    assert abstain.missing_kind(analyse("Who moved adjourning the meeting?"), unrecorded) is not None


def test_who_was_elected_at_a_later_meeting_is_not_answered_by_an_earlier_paper():
    # An earlier meeting's minutes announce the annual meeting ("Dates of the next meetings 7th
    # May (AGM)"); they cannot say who was elected or appointed at it.
    units = _units("Dates of the next meetings: 7th May (AGM), 2nd July and 3rd September.")
    units[0].hit.meeting_date = "2019-03-05"
    for asked in ("Who was elected chair at the AGM on 7 May 2019?", "Who was appointed clerk in May 2019?"):
        assert abstain._after_papers(analyse(asked), units), asked
    units[0].hit.meeting_date = "2019-05-07"
    assert abstain._after_papers(analyse("Who was elected chair at the AGM on 7 May 2019?"), units) is None
    # to the day when the question gives one: a schedule in the 5 December minutes lists the
    # 19 December meeting, and cannot say what it decided
    units[0].hit.meeting_date = "2023-12-05"
    assert abstain._after_papers(analyse("What did the council decide at its meeting of 19 December 2023?"), units)
    units[0].hit.meeting_date = "2023-12-19"
    assert (
        abstain._after_papers(analyse("What did the council decide at its meeting of 19 December 2023?"), units) is None
    )
    # a date that is not a meeting's: what was agreed on 5 December is about the 21st
    units[0].hit.meeting_date = "2023-12-05"
    assert (
        abstain._after_papers(analyse("Did the council agree to close the office on 21 December 2023?"), units) is None
    )


def test_an_overall_grade_is_answered_only_where_the_paper_gives_one():
    q = analyse("What overall effectiveness grade did the county get at its 2026 inspection?")
    table = _units(
        "The impact of leaders on social work practice with children and families Good "
        "The experiences and progress of children in care Requires improvement to be good"
    )
    assert abstain.missing_kind(q, table) == "no overall grade in evidence"
    for printed in (
        "Overall effectiveness: Requires improvement to be good",
        "The overall judgement is that children's services are inadequate.",
        "Children's services in the borough are good.",
    ):
        assert abstain.missing_kind(q, _units(printed)) is None, printed


def test_how_long_is_answered_by_a_duration_or_a_start_date():
    q = analyse("How long has the trust's chief executive been in post?")
    assert abstain.missing_kind(q, _units("The chief executive of the trust has been in post since July 2014.")) is None
    assert abstain.missing_kind(q, _units("The youth forum has been running for over a year.")) is None
    assert abstain.missing_kind(q, _units("The chief executive of the trust is well regarded by staff.")) == (
        "no figure in evidence"
    )


def test_a_figure_in_the_sentence_after_the_subject_stands_beside_it():
    q = analyse("How many care leavers over 21 only get help if they contact a duty worker?")
    units = _units(
        "Over 21, care leavers get no adviser unless they contact a duty worker. "
        "At the time of this inspection, there were over 200 young people in this category."
    )
    assert len(units) == 2
    assert abstain.missing_kind(q, units, focus=["duti", "worker"]) is None
    # not when the figure is in a sentence before the subject, or further on
    assert abstain.missing_kind(q, units[::-1][:1], focus=["duti", "worker"]) == "no figure in evidence"


def test_a_change_between_two_years_is_asked_as_one_part_per_year():
    assert extractive.question_parts(
        "How did the inspectors' view of care leaver services change between the 2019 and 2024 inspections?"
    ) == [
        "How did the inspectors' view of care leaver services change in 2019 inspections",
        "How did the inspectors' view of care leaver services change in 2024 inspections",
    ]
    assert len(extractive.question_parts("How has the parish precept moved from 2017 to 2021?")) == 2
    # a span that is not a comparison stays one question
    assert extractive.question_parts("How many children were adopted from 2016 to 2019?") == [
        "How many children were adopted from 2016 to 2019?"
    ]


def test_a_verdict_is_a_judgement():
    q = analyse("What was Ofsted's overall verdict on the borough in 2025?")
    assert "judgement" in q.kinds and abstain.asks_rating(q)
    assert abstain.missing_kind(q, _units("Overall effectiveness Outstanding")) is None
    assert abstain.missing_kind(q, _units("The impact of leaders on social work practice Good")) == (
        "no overall grade in evidence"
    )


def test_people_nouns_after_which_ask_for_a_person_and_ending_a_body_is_a_decision():
    assert "person" in analyse("Which residents spoke in the public forum?").kinds
    assert "person" in analyse("Which care leavers did the panel thank?").kinds
    assert "resolution" in analyse("Was the task and finish group disbanded?").kinds
    assert "resolution" in analyse("Was the trust wound up in the end?").kinds


def test_dates_times_and_minute_references_are_not_the_figures_a_how_many_question_wants():
    assert abstain.figures_in("21.03.4 Election of Chair: all members agreed that Cllr Moss be Chair.") == set()
    assert abstain.figures_in("17.11.02 Village hall: a letter from the hall committee was read.") == set()
    assert abstain.figures_in("The meeting began at 7.30pm on the 2nd of June in the Reading Room.") == set()
    assert abstain.figures_in("HELD IN THE HALL ON MONDAY 4 TH JUNE AT 19:00 HRS") == set()
    assert abstain.figures_in("4. Budget monitoring (Pages 9 - 14)") == set()
    assert abstain.figures_in("The grant of £2,500 was agreed, 9 for and 2 against.") == {"2500", "9", "2"}
    assert abstain.figures_in("Hall hire rises to £11.50 an hour from 1 April.") == {"11.50"}
    q = analyse("How many votes did the new chair receive?")
    assert abstain.missing_kind(q, _units("21.03.4 Election of Chair: Cllr Moss was elected Chair.")) == (
        "no figure in evidence"
    )


def test_a_count_that_opens_a_line_is_still_a_figure():
    assert abstain.figures_in("14 Clients this month and 2 emergency calls.") == {"14", "2"}
    assert abstain.figures_in("52. The council agreed 7 new posts.") == {"7"}
    assert abstain.figures_in("4.1 Caseloads are too high.") == set()


def _agenda_line(text: str, date: str, doc_type: str = "agenda_pack", minute: str | None = None):
    u = _units(text)[0]
    u.hit.doc_type, u.hit.meeting_date, u.hit.minute = doc_type, date, minute
    return u


def test_what_a_meeting_decided_is_not_read_from_its_own_agenda():
    q = analyse("What did the council decide about the hall donation on 16 April 2024?")
    agenda = _agenda_line("Consideration of the donation request from the community hall.", "2024-04-16")
    assert (
        abstain._agenda_before_outcome(q, agenda) == "evidence is the meeting's own agenda, written before the outcome"
    )
    # the minutes of that meeting, or an agenda of another day (a later meeting reporting back), may say
    assert abstain._agenda_before_outcome(q, _agenda_line("Donation agreed.", "2024-04-16", "minutes")) is None
    assert abstain._agenda_before_outcome(q, _agenda_line("Donation agreed.", "2024-05-07")) is None
    # previous minutes printed inside a pack carry their minute number
    assert abstain._agenda_before_outcome(q, _agenda_line("Donation agreed.", "2024-04-16", minute="R2024-88")) is None
    elected = analyse("Who was elected chair at the meeting on 8 May 2018?")
    assert abstain._agenda_before_outcome(elected, _agenda_line("Election of Chair", "2018-05-08"))
    where = analyse(
        "On which pages was the budget at the meeting on 16 April 2024, and where was the decision minuted?"
    )
    assert abstain._agenda_before_outcome(where, _agenda_line("Budget 2024-25 (Pages 9 - 40)", "2024-04-16")) is None


def test_reference_codes_and_numbers_are_not_figures():
    assert abstain.figures_in("P/21045 Garage conversion, land behind the school.") == set()
    assert abstain.figures_in("R2024-031 A. Lemieux, K. Brandt:") == set()
    assert abstain.figures_in("iv) Village hall hire, Chq No 2210 40.00") == {"40.00"}
    assert abstain.figures_in("That we pass By-Law No. 2024-12 to confirm the proceedings.") == set()


def test_a_date_written_month_first_is_a_date():
    # An Ontario township's "December 19, 2023" and a county's "on December 18th" are dates as
    # "19 December" is; "December 2023" is a month, not a day.
    q = analyse("When is the next meeting?")
    for line in ("Next regular meeting to be held December 19, 2023.", "He visited the school on December 18th, 2024."):
        assert "date_new" in scorer.kind_features(q, line), line
    assert analyse("What did the board decide on December 19?").days == {("19", "dec")}
    assert analyse("What did the board decide in December 2023?").days == set()


def test_the_next_meeting_is_answered_by_the_line_that_dates_it():
    # the closing lines of minutes in three councils' wordings, against a line that only mentions it
    q = analyse("When is that next meeting?")
    for line in (
        "The next meeting will be held on Wednesday 13th December 2017",
        "Next Meeting Tuesday, 3rd July 2018",
        "Next regular meeting to be held April 16, 2024.",
        "12 Date of Next Meeting To note that the next scheduled meeting is due to be held on Tuesday 19 December",
    ):
        assert "next_meeting_line" in scorer.kind_features(q, line), line
    assert "next_meeting_line" not in scorer.kind_features(q, "This will be discussed at the next meeting.")
    assert "next_meeting_line" not in scorer.kind_features(
        analyse("When was the road closed?"), "The next meeting will be held on 5 May"
    )


def test_when_a_meeting_ended_is_answered_by_the_line_it_closed_on():
    # the last line of minutes as four councils write it (English and Welsh parish and community
    # councils, a Scottish community council, an Ontario township), against lines that are not it
    for asked in ("What time did the meeting end?", "When did the council meeting finish?", "And when did it close?"):
        q = analyse(asked)
        assert scorer.asks_closing_time(q), asked
        for line in (
            "The Chairman brought the meeting to a close at 8.35pm",
            "As there was no further business, the Chairperson thanked members and closed the meeting at 9.45pm.",
            "The Meeting closed at 8.55 pm",
            "That the meeting be adjourned. Time: 7:54 p.m.",
        ):
            assert "closing_time_line" in scorer.kind_features(q, line), line
        for line in (
            "Manordeilo and Salem Community Council held their meeting at 7.30pm on the 13th March 2019",
            "December 24, 2023 Closed at 2:00 p.m.",  # the office's holiday hours, not the meeting
            "The meeting closed on 12.03.2019",  # a date, not a time
        ):
            assert "closing_time_line" not in scorer.kind_features(q, line), line
    assert not scorer.asks_closing_time(analyse("When is the next meeting?"))
    assert not scorer.asks_closing_time(analyse("Is the school closing?"))  # not a when-question


def test_a_chair_written_with_one_bare_initial_in_a_members_list_is_a_person():
    # two parish councils' lists of those present: the chair is the name beside "(Chair)"
    q = analyse("Who chaired the parish council meeting of 3 September 2019?")
    for line in (
        "Councillors D Thompson (Chair) , N Armstrong, M Atkinson, R Robson and P Clarke",
        "PRESENT: Cllrs R Lester (Chairman), D Bonner, S Edgell, C Edwards",
    ):
        assert abstain.missing_kind(q, _units(line)) is None, line
    assert abstain.missing_kind(q, _units("The Chairman welcomed everyone to the meeting.")) is not None
    # the question already names that chair: the line adds no one
    named = analyse("Who chaired the parish council after D Thompson?")
    assert abstain.missing_kind(named, _units("Councillors D Thompson (Chair)")) is not None


def test_page_furniture_is_dropped_unless_it_is_what_the_question_asks():
    # two councils with one clerk close their minutes in the same words: as a shape on two pages
    # it looks like a running footer, but it answers "when did the meeting end?"
    hits = [
        SimpleNamespace(
            text=f"Item {n}.\nThe Chairman brought the meeting to a close at 8.{n}5pm",
            doc_id=d,
            pdf_page=3,
            chunk_id=d,
            header="",
            meeting_date=None,
            minute=None,
            source=f"{d}.pdf",
        )
        for n, d in ((2, "a"), (3, "b"))
    ]
    closing = [u.text for u in extractive.units_from_hits(hits) if "close" in u.text]
    assert closing == []
    kept = extractive.units_from_hits(hits, asked=scorer.CLOSING_LINE.search)
    assert [u.text for u in kept if "close" in u.text] == [
        "The Chairman brought the meeting to a close at 8.25pm",
        "The Chairman brought the meeting to a close at 8.35pm",
    ]


def test_a_mover_written_with_initials_is_a_person():
    # resolution-numbered minutes (an Ontario township) and a Welsh community council's minutes
    q = analyse("Who moved and seconded the meeting schedule?")
    for line in ("R2023-218 S. Kirkey, T. Butler:", "It was proposed by J. Davies and seconded by O. Williams."):
        assert "name_new" in scorer.kind_features(q, line), line
    assert "name_missing" in scorer.kind_features(q, "The schedule was adopted as published.")
