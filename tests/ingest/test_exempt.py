"""Which lines of a paper are Part II, and by which rule (ingest/exempt.py). Each convention with
papers written in two styles: English/Welsh committee papers (Schedule 12A), a municipality's
closed session, and the project's own sample pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.exempt import line_rules, private_title, withheld
from ingest.layout import to_lines
from ingest.pipeline import parse_file
from tests.fixtures.part2_papers import write_all


SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("papers"))


def _hidden(doc, n: int) -> list[str]:
    p = doc.pages[n - 1]
    lines = p.text.split("\n")
    return [lines[k] for a, b in p.restricted_lines for k in range(a, b + 1)]


def _rules(text: str, **kw) -> list[str | None]:
    lines = to_lines([text])
    return line_rules(
        lines,
        item_of_line=[None] * len(lines),
        exempt_items=set(),
        front_last=0,
        boundaries=kw.get("boundaries", set()),
    )


@pytest.mark.unit
def test_a_marker_page_is_restricted_from_its_top_to_the_end(papers):
    doc = parse_file(papers["eastmarch_report.pdf"], Settings())
    assert not doc.pages[0].restricted_lines and doc.pages[1].fully_restricted
    assert doc.restriction_summary()["pages_by_rule"] == {"marker": 1}
    assert not doc.restricted  # page 1 is open: the paper is listed, its appendix withheld


@pytest.mark.unit
def test_a_front_sheet_part_ii_section_is_withheld_line_by_line(papers):
    doc = parse_file(papers["eastmarch_pack.pdf"], Settings())
    front = "\n".join(_hidden(doc, 1))
    assert "Quillfeather" in front and "Garden Waste" not in front
    assert doc.pages[3].fully_restricted and doc.pages[4].fully_restricted
    assert not doc.pages[1].restricted_lines and not doc.pages[2].restricted_lines
    assert [i.number for i in doc.items if i.restricted] == ["5"]


@pytest.mark.unit
def test_the_sample_pack_front_sheet_hides_the_exempt_items_description():
    doc = parse_file(SAMPLES / "northshire_cssc_2025-01-14_agenda_pack.pdf", Settings())
    hidden = "\n".join(_hidden(doc, 2))
    assert "Residential Placement Framework" in hidden and "Ofsted Inspection" not in hidden
    assert doc.pages[12].fully_restricted and doc.pages[13].fully_restricted


@pytest.mark.unit
def test_an_exclusion_motion_stays_open_and_what_follows_is_restricted_until_readmission(papers):
    doc = parse_file(papers["eastmarch_minutes.pdf"], Settings())
    hidden = "\n".join(_hidden(doc, 1))
    assert "Pellingham" in hidden
    assert "excluded" not in hidden and "Street Lighting" not in hidden
    assert not doc.pages[1].restricted_lines  # re-admitted: the next minute is open
    assert doc.restriction_summary()["pages_by_rule"] == {"exclusion": 1}


@pytest.mark.unit
def test_a_closed_session_ends_when_council_rises_from_it(papers):
    doc = parse_file(papers["township_minutes.pdf"], Settings())
    hidden = "\n".join(_hidden(doc, 1))
    assert "Vornholt" in hidden and "Adjournment" not in hidden and "winter sand" not in hidden


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        "RESOLVED that the press and public be excluded for the following item as it involves exempt information "
        "under paragraph 3 of Part 1 of Schedule 12A.",
        "That under Section 50A(4) of the Local Government (Scotland) Act 1973 the public be excluded from the meeting "
        "for the following item on the grounds that it involves the likely disclosure of exempt information as "
        "defined in paragraph 6 of Part I of Schedule 7A to the Act.",
    ],
)
def test_the_motion_itself_is_open_business(text):
    rules = _rules(text + "\n9 Next business\nThe contract price was agreed.", boundaries={1})
    assert rules[0] is None and rules[1] == "exclusion" and rules[2] == "exclusion"


@pytest.mark.unit
@pytest.mark.parametrize(
    "line", ["PART II", "Part 2 - Exempt items", "CONFIDENTIAL APPENDIX A", "Closed Session:", "11. In Camera"]
)
def test_headings_that_open_a_private_part(line):
    assert _rules(f"Open matters.\n{line}\nThe private matter.")[1:] == ["heading", "heading"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "line",
    [
        "PART II\nItems during whose consideration the public should be excluded\nNone",
        "the 38 responses to confidential questionnaires received from staff",
        "it would be best if a separate or Part II task group were established",
        "Appropriate professional standards for information-sharing and confidentiality are not in place.",
    ],
)
def test_words_that_only_sound_private_restrict_nothing(line):
    assert set(_rules(line)) == {None}


@pytest.mark.unit
def test_item_titles_that_are_private_and_those_that_are_not():
    assert private_title("Closed Session") and private_title("Confidential: staffing restructure")
    assert not private_title("Exclusion of the Press and Public")
    assert not private_title("Confidential Reporting (Whistleblowing) Policy review")


@pytest.mark.unit
def test_withheld_keeps_the_open_lines_and_one_notice_per_gap():
    text = "open 1\nsecret 1\nsecret 2\nopen 2"
    assert withheld(text, [(1, 2)], "[withheld]") == "open 1\n[withheld]\nopen 2"


@pytest.mark.integration
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared not beside the checkout")
def test_no_shared_paper_is_restricted_except_front_sheet_part_ii_sections():
    """The shared papers are public papers: nothing in them is withheld but the boilerplate of a
    front sheet's (empty or listed) Part II section and a closed-session agenda item."""
    for path in sorted(SHARED.rglob("*.pdf")):
        try:
            doc = parse_file(path, Settings(ocr_enabled=False))
        except Exception:
            continue  # scans without OCR, covered elsewhere
        by_rule = doc.restriction_summary()["pages_by_rule"]
        assert set(by_rule) <= {"agenda"} and not doc.restricted, (path.name, by_rule)
        assert sum(by_rule.values()) <= 1, (path.name, by_rule)
