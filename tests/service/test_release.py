"""The release check on its own: if the engine or a route ever put Part II text into a public
response, the check withholds it and logs a security event (service/release.py).

Real Library over two of the canary papers (tests/fixtures/part2_papers.py); no HTTP.
"""

from __future__ import annotations

import logging

import pytest

from cllr.settings import Settings
from service.answer.types import ABSTAIN_TEXT, AnswerResult, Citation
from service.release import ReleaseCheck
from tests.fixtures.part2_papers import write_all

pytestmark = pytest.mark.unit

APPENDIX = "Brindlecombe House, the adjoining office building, has been valued at £815,500 by the district valuer"
OPEN = "Mill Lane car park will close for resurfacing from 6 April 2026 for six weeks."


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory):
    from index.library import Library

    papers = write_all(tmp_path_factory.mktemp("papers"))
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("data")))
    for name in ("eastmarch_report.pdf", "eastmarch_pack.pdf"):
        assert library.ingest_file(papers[name]).status == "added"
    yield library
    library.close()


@pytest.fixture(scope="module")
def ids(lib) -> dict[str, str]:
    return {d.source: d.doc_id for d in lib.documents(role="admin")}


def test_a_copied_run_of_restricted_words_is_withheld_from_the_public(lib, ids):
    check = ReleaseCheck(lib)
    v = check.texts([f"The valuation: {APPENDIX}."], sources=[ids["eastmarch_report.pdf"]], role="public")
    assert not v.ok and ids["eastmarch_report.pdf"] in v.docs
    assert check.texts([APPENDIX], sources=[], role="member").ok


def test_a_name_found_only_in_part_ii_is_withheld_even_paraphrased(lib, ids):
    check = ReleaseCheck(lib)
    assert not check.texts(["The owner of Brindlecombe wants more."], sources=[], role="public").ok
    # unless the caller typed it: echoing a question's own words discloses nothing
    assert check.texts(
        ["The owner of Brindlecombe wants more."], sources=[], role="public", asked="Who owns Brindlecombe?"
    ).ok


def test_open_text_and_statutory_boilerplate_pass(lib, ids):
    check = ReleaseCheck(lib)
    assert check.texts([OPEN], sources=[ids["eastmarch_report.pdf"]], role="public").ok
    # the statutory wording is printed in the open front sheet too: quoting it there is not a leak
    motion = "the likely disclosure of information which is exempt by virtue of paragraph 3 of Part 1 of Schedule 12A"
    assert check.texts([motion], sources=[ids["eastmarch_pack.pdf"]], role="public").ok


def test_a_citation_to_a_page_the_caller_may_not_read_is_refused(lib, ids):
    check = ReleaseCheck(lib)
    doc = ids["eastmarch_report.pdf"]
    on_p2 = Citation("eastmarch_report.pdf", doc, 2, "2", None, "has been valued at £815,500")
    on_p1 = Citation("eastmarch_report.pdf", doc, 1, "1", None, OPEN)
    assert not check.citation(on_p2, "public") and check.citation(on_p2, "member")
    assert check.citation(on_p1, "public")
    # a quote that is not on the page as the public reads it (it was taken from the full text)
    moved = Citation("eastmarch_report.pdf", doc, 1, "1", None, "has been valued at £815,500")
    assert not check.citation(moved, "public")


def test_the_service_withholds_a_leaking_answer_and_logs_a_security_event(lib, ids, caplog):
    from service.answering import AnswerService
    from service.auth import AnswerSlots, Caller, FileLinks
    from service.db import ServiceDB

    doc = ids["eastmarch_report.pdf"]

    class LeakyEngine:  # an engine bug: it read the appendix and cited it as the open page
        library = lib
        remembered: list[str] = []

        def ask(self, question, **kw):
            return AnswerResult(
                answer=f"{APPENDIX}. [p. 1]",
                abstained=False,
                retrieved=[],
                citations=[Citation("eastmarch_report.pdf", doc, 1, "1", None, APPENDIX)],
            )

        def remember(self, question, result):
            self.remembered.append(result.answer)

    engine = LeakyEngine()
    db = ServiceDB(lib.settings.sqlalchemy_url)
    db.create_tables()
    service = AnswerService(engine, db, AnswerSlots(2), FileLinks(open_mode=True))
    with caplog.at_level(logging.ERROR, logger="cllr.security"):
        out = service.ask("What is the site worth?", caller=Caller("anonymous", "public", "open"), route="ask")
    assert out.answer == ABSTAIN_TEXT and out.abstained and out.citations == []
    assert "Brindlecombe" not in " ".join(engine.remembered)  # not kept as history either
    assert any("SECURITY" in r.getMessage() and "Brindlecombe" not in r.getMessage() for r in caplog.records)
    member = service.ask("What is the site worth?", caller=Caller("key:m", "member", "api_key"), route="ask")
    assert "Brindlecombe" in member.answer


def test_the_services_own_withheld_notice_is_not_a_leak(lib, ids):
    """A mixed page as the public reads it carries the notice in place of its Part II lines; the
    notice's words ("Exempt") may otherwise occur only in Part II text."""
    from index.library import WITHHELD_NOTICE

    check = ReleaseCheck(lib)
    pack = ids["eastmarch_pack.pdf"]
    _, text = lib.page(pack, 1, "public")
    assert WITHHELD_NOTICE in text
    assert check.records([{"doc_id": pack, "pdf_page": 1, "text": text}], role="public", route="page")
    assert check.texts([WITHHELD_NOTICE], sources=[], role="public").ok

    class OnlyInPartII:  # a library whose Part II text alone says "Exempt" (as a front sheet's heading can)
        def __getattr__(self, name):
            return getattr(lib, name)

        def restricted_only_terms(self):
            from index.keyword import tokenize

            return lib.restricted_only_terms() | frozenset(tokenize("Exempt Withheld"))

    strict = ReleaseCheck(OnlyInPartII())
    assert not strict.texts(["Exempt matters"], sources=[], role="public").ok  # the check is live
    assert strict.records([{"doc_id": pack, "pdf_page": 1, "text": text}], role="public", route="page")
