"""The decisions a paper asks for, its purpose, author and key figures, as printed: each convention
on real papers of two or more councils (../shared), and its edges on lines written here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.agenda_blocks import is_procedural, item_blocks
from ingest.layout import Line
from ingest.pipeline import parse_file
from ingest.printed import PageText, lines_of, printed_on
from ingest.recommendations import asks, marker, merge, report_recommendations
from ingest.report_facts import authors, figures, purpose

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@lru_cache(maxsize=None)
def _pages(rel: str) -> tuple[PageText, ...]:
    d = parse_file(SHARED / rel, Settings())
    return tuple(PageText(p.pdf_page, p.label, p.text) for p in d.pages)


@pytest.fixture
def pages(shared_dir):
    return _pages


def _lines(pages, a: int | None = None, b: int | None = None):
    ps = list(pages)
    return lines_of(ps[(a or 1) - 1 : b or len(ps)])


def _texts(found):
    return [(p.pdf_page, p.text) for p in found]


def _line(text: str, page: int = 1) -> list[Line]:
    return [Line(i, page, t) for i, t in enumerate(text.split("\n"))]


# ------------------------------------------------------------------------------------------ sections


@pytest.mark.integration
def test_a_lettered_list_after_a_lead_in_printed_twice_is_given_once_with_both_pages(pages):
    """'Recommendation(s):' / 'Cabinet is asked to:' / 'A. …; and' / 'B. DELEGATE …' in the
    summary box and again at the end (a county cabinet report, its supplement pack)."""
    p = pages("external/kent-cabinet-2025-01-30-item07-supplement-pack.pdf")
    found = report_recommendations(_lines(p, 3, 22))
    assert [(r.pdf_page, r.also_on, r.lead) for r in found] == [(4, (10,), "Cabinet is asked to:")] * 2
    assert found[0].text.startswith("A. Agree to TRANSFER the statutory functions")
    assert found[0].text.endswith("from 1 April 2025; and")
    # the second entry wraps over three lines, one ending "and": none of them is a heading
    assert found[1].text.startswith("B. DELEGATE authority") and found[1].text.endswith("to implement the decision.")


@pytest.mark.integration
def test_a_numbered_list_in_brackets_and_a_decimal_lead_in(pages):
    """'(1) Endorse …' under 'County Council is asked to:' (summary and section 5), and
    '4.1 County Council is asked to:' / '(1) Note …' ending at '5. Relevant Director:'."""
    sup = report_recommendations(
        _lines(pages("external/kent-council-2025-01-09-item03-devolution-supplement-pack.pdf"), 3, 20)
    )
    assert [r.text[:12] for r in sup] == ["(1) Endorse ", "(2) Endorse ", "(3) Note tha", "(4) Note tha"]
    assert all(r.pdf_page == 3 and r.also_on == (9,) for r in sup)
    upd = report_recommendations(_lines(pages("external/kent-council-2025-03-13-item11-devolution-lgr-report.pdf")))
    assert _texts(upd) == [(1, "(1) Note the update on devolution and local government reorganisation.")]
    assert upd[0].also_on == (6,)


@pytest.mark.integration
def test_a_proposal_section_in_another_councils_reports(pages):
    """'4. Proposal' / '4.1 That the Committee note …' ending at the director's name; a list whose
    second marker was lost in the text layer keeps that entry in the first; 'Proposals' at a
    page's foot with its list on the next page (a select committee's pack)."""
    p = pages("seeds/000_e7c76237b316faf7.pdf")
    assert _texts(report_recommendations(_lines(p, 15, 26))) == [
        (19, "4.1 That the Committee note the update from the Corporate Parenting Panel."),
        (19, "4.2 A full annual report will be presented to Children's Select at the end of the financial year."),
    ]
    camhs = report_recommendations(_lines(p, 27, 34))
    assert [r.text[:8] for r in camhs] == ["1. That ", "2. That "]
    assert "Explore and understand the new CAHMS model" in camhs[0].text and "d) Consider access" in camhs[0].text
    assert camhs[1].text.endswith("an improved uptake in young people accessing the service.")
    assert _texts(report_recommendations(_lines(p, 49, 56))) == [
        (51, "1. To note the update on task group activity provided.")
    ]


@pytest.mark.integration
def test_one_paragraph_recommendations_with_inline_letters(pages):
    """'Recommendation' / 'Cabinet to note: (a) … and' / '(b) …' is one recommendation, not two
    (a county cabinet report); 'Proposal' / 'The proposal to Cabinet is that …' (another)."""
    bucks = report_recommendations(_lines(pages("seeds/002_8e5efe3db285e6d0.pdf")))
    assert len(bucks) == 1 and bucks[0].text.startswith("Cabinet to note: (a) the key improvement activity")
    assert bucks[0].text.endswith("(b) the national and local developments in Children's Services.")
    wilts = report_recommendations(_lines(pages("seeds/004_15078a5698217611.pdf")))
    assert len(wilts) == 1 and wilts[0].text.startswith("The proposal to Cabinet is that delegated authority")


@pytest.mark.integration
def test_a_conclusions_section_keeps_only_its_asks_and_a_numbered_list_runs_over_a_page(pages):
    p = pages("seeds/001_36758238c78a3e18.pdf")
    assert _texts(report_recommendations(_lines(p, 12, 39))) == [
        (15, "18. The committee is invited to note the contents of the report.")
    ]
    task = report_recommendations(_lines(p, 134, 137))
    assert [r.text.split()[0] for r in task] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert all(r.lead == "The Committee is asked to agree that:" for r in task)
    # entry 3 runs on to the next page; entry 6's number is printed at the end of entry 5's line
    assert (task[2].pdf_page, task[2].to_page) == (135, 136)
    assert task[4].text.endswith("Cllr Bridget Wayman") and task[5].text.startswith("6. Note that the Chairman")


@pytest.mark.integration
def test_without_a_section_a_report_is_read_for_its_asks(pages):
    p = pages("seeds/001_36758238c78a3e18.pdf")
    found = report_recommendations(_lines(p, 40, 107))  # a report with an inspection report appended
    assert _texts(found) == [
        (
            45,
            "36. The Committee is asked to note the content of the report and the "
            "actions that are being taken to improve.",
        )
    ]


@pytest.mark.integration
def test_reports_that_ask_for_nothing_give_nothing(pages):
    assert report_recommendations(_lines(pages("seeds/000_e7c76237b316faf7.pdf"), 41, 48)) == []
    assert report_recommendations(_lines(pages("external/kent-council-2025-03-13-item06-questions-pack.pdf"))) == []


@pytest.mark.integration
def test_every_recommendation_is_printed_on_the_page_it_cites(pages):
    """Nothing is composed: every unit's words are on its page (through the page it runs on to)."""
    for rel, span in (
        ("seeds/000_e7c76237b316faf7.pdf", None),
        ("seeds/001_36758238c78a3e18.pdf", None),
        ("external/kent-cabinet-2025-01-30-item07-supplement-pack.pdf", (3, 22)),
        ("seeds/002_8e5efe3db285e6d0.pdf", None),
    ):
        p = pages(rel)
        by_page = {x.pdf_page: x.text for x in p}
        for r in report_recommendations(_lines(p, *(span or (None, None)))):
            text = "\n".join(by_page[n] for n in range(r.pdf_page, (r.to_page or r.pdf_page) + 1))
            assert printed_on(r.text, text), (rel, r.pdf_page, r.text[:80])


# ------------------------------------------------------------------------------------------ asks and front sheets


@pytest.mark.integration
def test_front_sheet_asks_of_three_councils(pages):
    """The agenda's own asks under an item: "Members are asked to …", "The report recommends that
    … to:" with its list, "To elect …", and a parish summons' "To approve the minutes …"."""
    p = pages("seeds/000_e7c76237b316faf7.pdf")
    front = _lines(p, 1, 6)
    blocks = item_blocks(
        front,
        [
            ("6", "Corporate Parenting Panel Six-Month Update"),
            ("7", "Child and Adolescent Mental Health Services (CAMHS) Task Group Interim Report"),
            ("8", "Children's Services Case Management System"),
            ("9", "DfE Changes - Update from Department for Education"),
        ],
    )
    assert _texts(asks(blocks["8"][1:], agenda=True)) == [(5, "Members are asked to comment on the reported progress.")]
    camhs = asks(blocks["7"][1:], agenda=True)
    assert len(camhs) == 1 and camhs[0].text.startswith("The report recommends that")
    assert "d) Consider access and referral points" in camhs[0].text and camhs[0].pdf_page == 5
    parish = _lines(pages("councils/minutes/milburn-pc_agenda_2019-03-05.pdf"))
    heading = [line for line in parish if line.text.startswith("3. ")]
    assert _texts(asks(heading, agenda=True)) == [
        (1, "3. To approve the minutes of the last meeting held on 8th January 2019")
    ]
    herts = _lines(pages("councils/minutes/hertingfordbury-pc_agenda_2018-09-12.pdf"))
    got = [p.text for p in asks(herts, agenda=True)]
    assert "b) To approve payment of accounts due" in got and "a) To receive the financial statement" in got


@pytest.mark.unit
def test_infinitives_are_asks_only_on_a_front_sheet():
    lines = _line(
        "Purpose of Report\nTo provide an update on the programme.\nThe Committee is asked to note the report."
    )
    assert [p.text for p in asks(lines)] == ["The Committee is asked to note the report."]
    assert [p.text for p in asks(_line("To approve the minutes of the last meeting."), agenda=True)] == [
        "To approve the minutes of the last meeting."
    ]
    # running text that merely opens with "That" is not a recommendation
    assert asks(_line("That said, the closure will be reviewed in May.")) == []


@pytest.mark.unit
def test_an_ask_ending_in_a_colon_takes_its_list_and_stops_after_it():
    lines = _line("Members are asked to:\na) note the update;\nb) agree the timetable.\nThe next meeting is in May.")
    got = asks(lines)
    assert [p.text for p in got] == ["Members are asked to: a) note the update; b) agree the timetable."]


@pytest.mark.unit
def test_procedure_is_told_by_its_title():
    for title in (
        "Apologies for Absence",
        "Declarations of Disclosable Pecuniary Interests or Other Significant Interests in items on the agenda",
        "Minutes of the Previous Meeting",
        "Chairman's Announcements",
        "Public Participation",
        "Date of Next Meeting",
        "Urgent Items",
        "Questions",
        "THE MINUTES",
        "To register an interest in any item on the Agenda",
        "Exclusion of the Press and Public",
    ):
        assert is_procedural(title), title
    for title in (
        "Election of Chairman",
        "Forward Work Programme",
        "Children's Services Case Management System",
        "Review of Decision 24/00093 - Commissioned Family Hubs",
        "Terms of Reference",
    ):
        assert not is_procedural(title), title


@pytest.mark.unit
def test_markers_and_merging():
    assert marker("A. Agree to transfer") == ("alpha-upper.", "A")
    assert marker("(1) Endorse the work") == ("(num)", "1")
    assert marker("ii) To receive details") == ("roman)", "ii")
    assert marker("4.1 That the Committee note") == ("dec", "4.1")
    assert marker("A full annual report") is None
    from ingest.printed import Printed

    a = Printed("(1) Endorse the joint work to respond to the White Paper", 3)
    b = Printed("(1) Endorse the joint work to respond to the White Paper", 9)
    c = Printed("(2) Note the timetable for elections", 3)
    assert merge([a, c, b]) == [Printed(a.text, 3, also_on=(9,)), c]


# ------------------------------------------------------------------------------------------ facts


@pytest.mark.integration
def test_purpose_from_three_conventions(pages):
    kent = purpose(_lines(pages("external/kent-council-2025-03-13-item09-family-hubs-callin-report.pdf")))
    # the second sentence opens the list of options ("the Council may: (a) …"): the purpose stops before it
    assert _texts(kent) == [
        (
            1,
            "Full Council is required, in accordance with the call-in arrangements detailed in "
            "section 17.73 of the Constitution, to review or scrutinise Executive Decision 24/00093.",
        )
    ]
    wilts = purpose(_lines(pages("seeds/000_e7c76237b316faf7.pdf"), 35, 40))
    assert (
        wilts[0].text.startswith("To update the Committee on the progress with the procurement")
        and wilts[0].pdf_page == 35
    )
    bucks = purpose(_lines(pages("seeds/002_8e5efe3db285e6d0.pdf")))
    assert bucks[0].text.startswith("The purpose of this report is to provide an update to Cabinet")


@pytest.mark.integration
def test_authors_and_contacts_of_three_councils(pages):
    w = authors(_lines(pages("seeds/000_e7c76237b316faf7.pdf"), 27, 34))
    assert [(a.kind, a.text) for a in w] == [
        ("author", "Report author: Natalie Heritage, Senior Scrutiny Officer. T: 01225 718062 E:"),
        ("contact", "01225 718062"),
        ("contact", "natalie.heritage@wiltshire.gov.uk"),
    ]
    k = authors(_lines(pages("external/kent-council-2025-03-13-item09-family-hubs-callin-report.pdf")))
    assert ("from", "By: Anna Taylor - Scrutiny Research Officer") in [(a.kind, a.text) for a in k]
    assert "anna.taylor@kent.gov.uk" in [a.text for a in k if a.kind == "contact"]
    b = authors(_lines(pages("seeds/002_8e5efe3db285e6d0.pdf")))
    assert any(a.text.startswith("Contact officer: Tolis Vouyioukas") for a in b)


@pytest.mark.integration
def test_key_figures_say_what_they_are_money_first(pages):
    f = figures(_lines(pages("external/kent-cabinet-2025-01-30-item07-supplement-pack.pdf"), 3, 22))
    assert f[0].kind == "money" and f[0].lead == "£59m, £56m, £3m" and f[0].pdf_page == 8
    assert "indicative total budget to be transferred" in f[0].text
    assert ("count", "925 young adults") in [(x.kind, x.lead) for x in f]
    w = figures(_lines(pages("seeds/000_e7c76237b316faf7.pdf"), 27, 34))
    assert [(x.lead, x.pdf_page) for x in w] == [("£518,000", 30), ("£4 million", 30)]
    # the inspection report appended to a report is not read for its figures
    o = figures(_lines(pages("seeds/001_36758238c78a3e18.pdf"), 40, 107))
    assert all(x.pdf_page <= 45 for x in o)


@pytest.mark.unit
def test_a_purpose_stops_at_the_next_numbered_heading():
    lines = _line(
        "1. Purpose\n1.1 To seek the Committee's views on the award of the contract.\n"
        "2. Tender evaluation\n2.1 Four bids were received."
    )
    assert [p.text for p in purpose(lines)] == ["1.1 To seek the Committee's views on the award of the contract."]
