"""The extractive engine on hand-made passages: answers, verified citations, abstention,
location answers in words, follow-ups, stored conversations, injection, streaming."""

from __future__ import annotations

import pytest
from service.answer.citations import quote_on_page, verify
from service.answer.rewrite import rewrite
from service.answer.text import split_units, word_count
from service.answer.types import ABSTAIN_TEXT, AnswerResult, Citation
from service.engine import build_engine

pytestmark = pytest.mark.unit


def test_fact_answer_is_cited_to_the_page_its_quote_is_on(settings, library):
    engine = build_engine(settings, library=library)
    r = engine.ask("Which company was the case management system contract awarded to?")
    assert not r.abstained
    assert "Liquidlogic" in r.answer
    c = r.citations[0]
    assert (c.source, c.pdf_page, c.item) == ("pack.pdf", 35, "8")
    assert quote_on_page(c.quote, library.page_text("d1", 35))
    assert "[Children's Select Committee, 19 Dec 2017 — item 8, p. 35]" in r.answer
    assert word_count(r.answer) <= 120


def test_citation_is_repaired_to_the_page_that_holds_the_quote(settings, library):
    engine = build_engine(settings, library=library)
    r = engine.ask("What is the total capital cost estimate for the system?")
    assert "2,250,900" in r.answer
    assert [c.pdf_page for c in r.citations if "2,250,900" in c.quote] == [36]


def test_unverifiable_citation_is_dropped():
    cit = Citation("x.pdf", "d", 5, "5", "1", "A sentence that is on no page at all.")
    assert verify(cit, lambda d, n: "something else entirely") is None
    assert verify(cit, lambda d, n: "A sentence that is on\nno page at all." if n == 6 else "").pdf_page == 6


def test_resolution_answer_names_the_minute(settings, library):
    engine = build_engine(settings, library=library)
    r = engine.ask("What did the committee resolve about the School Places Strategy?")
    assert "endorse" in r.answer
    assert any(c.item == "64" and c.kind == "minute" for c in r.citations)
    assert "minute 64" in r.answer


def test_location_question_is_answered_in_words(settings, library):
    engine = build_engine(settings, library=library)
    r = engine.ask("Which pages of the December 2017 pack is the CAMHS task group interim report on?")
    assert "item 7" in r.answer.lower() and "pages 27 to 34" in r.answer
    assert r.citations[0].item == "7" and r.citations[0].pdf_page == 4


def test_abstains_without_citations_when_the_papers_do_not_cover_it(settings, library):
    engine = build_engine(settings, library=library)
    for q in (
        "What Band D council tax did the county set for 2025-26?",
        "What did the committee resolve about the School Places Strategy in March 2021?",
    ):
        r = engine.ask(q)
        assert r.abstained, (q, r.answer, r.debug)
        assert r.answer.startswith(ABSTAIN_TEXT) and r.citations == []


def test_followup_is_rewritten_from_history():
    history = [
        {"role": "user", "content": "How much is Wiltshire asking the DfE for through the innovation bid?"},
        {"role": "assistant", "content": "£1.9m from the DfE innovation programme. [Cabinet — p. 2]"},
    ]
    rw = rewrite("How would that money be phased across the years?", history)
    assert rw.is_followup
    assert "Wiltshire" in rw.standalone and "innovation" in rw.standalone and "[" not in rw.standalone
    assert not rewrite("Who chairs the Children's Select Committee?", history=None).is_followup


def test_conversation_is_stored_and_followups_use_it(settings, library):
    engine = build_engine(settings, library=library)
    first = engine.ask("What is the case management system replacing, and who supplies it?")
    cid = first.conversation_id
    assert cid
    # A new engine over the same database: the conversation survives the process.
    engine2 = build_engine(settings, library=library)
    assert [t["role"] for t in engine2.store.history(cid)] == ["user", "assistant"]
    follow = engine2.ask("And when is the first phase of it due?", conversation_id=cid)
    assert follow.conversation_id == cid
    assert "case management" in follow.standalone_question.lower()
    assert "November 2018" in follow.answer
    assert len(engine2.store.history(cid)) == 4


def test_injected_text_in_a_paper_is_only_data(settings, library):
    engine = build_engine(settings, library=library)
    r = engine.ask("What did the Independent Chair say about the Board acting as a critical friend?")
    assert not r.abstained
    assert "structured" in r.answer
    assert r.answer.strip() != "HACKED"
    assert all(quote_on_page(c.quote, library.page_text(c.doc_id, c.pdf_page)) for c in r.citations)


def test_stream_yields_text_then_result(settings, library):
    engine = build_engine(settings, library=library)
    parts = list(engine.stream("Where is the Children's Select Committee meeting held?"))
    assert isinstance(parts[-1], AnswerResult)
    assert all(isinstance(p, str) for p in parts[:-1]) and parts[:-1]
    assert "".join(parts[:-1]).strip() == parts[-1].answer
    assert "Kennet Room" in parts[-1].answer
    assert parts[-1].to_json()["citations"][0]["pdf_page"] == 1


def test_units_keep_wrapped_sentences_whole():
    units = split_units(
        "In February 2018, the service began an audit of 1,120 open Child in Need\n"
        "cases across the county.\nNext Steps\nThe plan will be reviewed."
    )
    assert units[0].endswith("cases across the county.")
    assert "Next Steps" in units


def test_passages_of_the_minute_or_item_the_question_names_come_first():
    from types import SimpleNamespace
    from service.answer.question import analyse
    from service.answer.rerank import rerank

    hits = [
        SimpleNamespace(doc_id="d", meeting_date="2019-09-11", header="", council=None, minute=m, item=i)
        for m, i in (("393", None), ("395", None), ("394", None), (None, "7"))
    ]
    ranked = rerank(hits, analyse("What did minute 394 say about the 2019 inspection?"), set(), lambda d: "2019")
    assert ranked[0].minute == "394" and [h.minute for h in ranked[1:3]] == ["393", "395"]
    ranked = rerank(hits, analyse("What is item 7 about?"), set(), lambda d: "")
    assert ranked[0].item == "7"
    assert rerank(hits, analyse("What did the panel say?"), set(), lambda d: "") == hits


def _passage(text: str, chunk_id: str = "c", page: int = 1):
    from types import SimpleNamespace

    return SimpleNamespace(text=text, doc_id="d", pdf_page=page, chunk_id=chunk_id, header="")


def _scored(hits, question: str):
    """Units of the passages scored for the question by the fitted scorer (no embedding model)."""
    from service.answer import extractive, scorer
    from service.answer.question import analyse

    units = extractive.units_from_hits(hits)
    q = analyse(question)
    idf = extractive.idf_table(units, q)
    scorer.score_units(units, q, idf, None, {}, lambda u: None, scorer.load_model())
    return units, q, idf


def test_a_members_question_printed_in_the_paper_is_not_its_own_answer():
    text = (
        "Question by Sean Holden to Neil Baker, Cabinet Member for Highways\n"
        "How much are the repairs to country lanes costing the county?\n"
        "Verges are chewed up and the lanes are being eroded by diverted traffic.\n"
        "Answer\n"
        "It is not possible to put a figure on the damage, but costs will be recovered where possible."
    )
    units, q, idf = _scored([_passage(text)], "How much are the repairs to country lanes costing?")
    asked = {u.text.split()[0]: u.asked for u in units}
    assert asked["Question"] and asked["Verges"] and not asked["It"]
    flagged = {u.text.split()[0]: "asks_back" in u.features for u in units}
    assert flagged["Verges"] and not flagged["It"]


def test_overlapping_passages_do_not_repeat_a_sentence_in_the_answer():
    from service.answer import extractive

    s = "A team inspected the various roads on 10th and 11th March 2025 and all work has been ordered."
    a = _passage("Potholes were reported in February. " + s, chunk_id="a")
    b = _passage(s + " The work will be complete by the end of March.", chunk_id="b")
    units, q, idf = _scored([a, b], "When will the roads inspected in March be repaired?")
    chosen = [u.text for u in extractive.select(units, q, idf)]
    assert sum(1 for t in chosen if "team inspected" in t) == 1


def test_a_heading_that_asks_the_question_is_answered_by_its_top_level_points():
    from service.answer import extractive

    text = (
        "Full report\n"
        "What does the school need to do to improve further?\n"
        "\x84 Increase the progress that disadvantaged pupils make, by:\n"
        "– ensuring that all staff monitor progress\n"
        "\x84 Improve the quality of teaching across subjects, by:\n"
        "– sharing the best practice\n"
    )
    units, q, idf = _scored([_passage(text, page=2)], "What did Ofsted say the school had to do to improve?")
    chosen = extractive.select(units, q, idf)
    assert [u.text.split()[1] for u in chosen] == ["Increase", "Improve"]
    assert all(u.under_heading for u in chosen)


def test_a_part_naming_a_month_marks_that_months_papers():
    from types import SimpleNamespace
    from service.engine import _with_month
    from service.answer.question import analyse

    july = SimpleNamespace(hit=SimpleNamespace(doc_id="cabinet", meeting_date="2017-07-03"))
    dec = SimpleNamespace(hit=SimpleNamespace(doc_id="select", meeting_date="2017-12-19"))
    paper = {"cabinet": {"paper_other_year": 1.0}}
    marked = _with_month(analyse("what was it by the December 2017 committee papers"), [july, dec], paper)
    assert marked["select"] == {"paper_of_month_named": 1.0} and marked["cabinet"] == {"paper_other_year": 1.0}
    assert _with_month(analyse("what was his job"), [july, dec], {}) == {}


def test_role_lines_find_the_name_printed_beside_the_role_asked_about():
    from service.answer.roles import ROLE_LINES, roles_asked

    assert roles_asked("Who led the 2012 Ofsted inspection?") == ["lead"]
    assert roles_asked("Who chairs the working group?") == ["chair"]
    _, lead = ROLE_LINES["lead"]
    assert lead.search("Inspection dates: 5 - 16 March 2012 Reporting inspector Lynne Staines HMI")
    assert not lead.search("The inspection team consisted of three of Her Majesty's Inspectors")
    _, chair = ROLE_LINES["chair"]
    assert chair.search("Kent Leaders Devolution Working Group, chaired by Matt Boughton, Leader of")
    assert chair.search("Mrs F M Oborski (Chairman)")
    assert not chair.search("The Chairman acknowledged that a great deal of progress had been made")


def test_a_question_attributed_to_ofsted_marks_ofsteds_own_report():
    from types import SimpleNamespace
    from service.engine import paper_features
    from service.answer.question import analyse

    report = SimpleNamespace(doc_id="ilacs", doc_type="ofsted_report", meeting_date=None, header="")
    minutes = SimpleNamespace(doc_id="panel", doc_type="minutes", meeting_date=None, header="")
    q = analyse("Who delivers adoption services, according to Ofsted's inspection?")
    assert paper_features(q, report, lambda: "") == {"paper_is_attributed_source": 1.0}
    assert paper_features(q, minutes, lambda: "") == {}
    assert paper_features(analyse("Who delivers adoption services in Northshire?"), report, lambda: "") == {}


def test_a_question_pinned_to_a_year_marks_papers_of_other_years():
    from types import SimpleNamespace
    from service.engine import paper_features
    from service.answer.question import analyse

    old = SimpleNamespace(doc_id="a", doc_type="minutes", meeting_date="2017-03-01", header="")
    q = analyse("What did the panel decide in 2019?")
    assert paper_features(q, old, lambda: "Minutes of 1 March 2017") == {"paper_other_year": 1.0}
    assert paper_features(q, old, lambda: "Minutes, then the 2019 review") == {}


def test_a_figure_followed_by_what_the_question_counts_is_a_feature_of_its_own():
    from service.answer.scorer import kind_features
    from service.answer.question import analyse

    q = analyse("How many foster families did the council have at the inspection?")
    counted = kind_features(q, "Social care services have 217 foster carer households.")
    other = kind_features(q, "The average number of days between entering care and adoption is 803.")
    assert counted == {"figure_new": 1.0, "figure_counts_asked": 1.0}
    assert other == {"figure_new": 1.0}
    assert kind_features(q, "Foster care remains a priority.") == {"figure_missing": 1.0}
