"""Structure recovered from the real papers in ../shared (seeds and external). Skips without ../shared."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.pipeline import parse_file

pytestmark = pytest.mark.integration

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@lru_cache(maxsize=None)
def _doc(rel: str):
    return parse_file(SHARED / "corpus" / rel, Settings())


@pytest.fixture
def doc(shared_dir):
    return _doc


def _items(d):
    return {i.number: i for i in d.items}


def test_wiltshire_pack_000(doc):
    d = doc("seeds/000_e7c76237b316faf7.pdf")
    assert (d.doc_type, d.council, d.committee, str(d.meeting_date)) == (
        "agenda_pack",
        "Wiltshire Council",
        "Children's Select Committee",
        "2017-12-19",
    )
    assert [p.label for p in d.pages[:7]] == [None] * 6 + ["7"]
    it = _items(d)
    assert [i.number for i in d.items] == [str(n) for n in range(1, 14)]
    assert it["6"].title == "Corporate Parenting Panel Six-Month Update"
    assert it["6"].page_labels == ("15", "26") and it["6"].pdf_pages == (15, 26)
    assert it["2"].pdf_pages == (7, 14) and it["8"].pdf_pages == (35, 40)
    assert not any(i.restricted for i in d.items)
    # Wiltshire 57-73 inside item 2, with minute 65's lost number recovered
    assert [m.number for m in d.minutes] == [str(n) for n in range(57, 74)]
    mins = {m.number: m for m in d.minutes}
    assert mins["64"].resolved[0] == "To note and endorse the School Places Strategy 2017-2022."
    assert mins["64"].pdf_pages == (10, 10) and mins["64"].resolved_pages[0] == 10
    assert mins["65"].title.startswith("Post 16 Area Wide Review")
    assert all(m.agenda_item == "2" for m in d.minutes)
    assert len(mins["68"].resolved) == 3
    # a Resolved block that runs over the page break keeps its second line, on the next page
    assert mins["67"].resolved[1].startswith("To receive the data set") and mins["67"].resolved_pages == [12, 13]
    # every page after the front sheet belongs to an item; minutes chunks carry both numbers
    assert all(c.item for c in d.chunks if c.pdf_page > 6)
    c64 = [c for c in d.chunks if c.minute == "64"]
    assert c64 and all(c.item == "2" and c.cite_item == "64" for c in c64)


def test_wiltshire_pack_001_labels_offset(doc):
    d = doc("seeds/001_36758238c78a3e18.pdf")
    assert d.pages[5].label == "1" and all(p.label is None for p in d.pages[:5])
    it = _items(d)
    assert it["12"].page_labels == ("35", "102") and it["12"].pdf_pages == (40, 107)
    assert it["11"].page_labels == ("7", "34")  # the range wraps over two lines on the front sheet
    assert it["8"].pdf_pages == (6, 9)
    grades = {(j.area, j.grade) for j in d.judgements}
    assert ("Capacity for improvement", "Adequate") in grades
    assert any(j.area.endswith("Overall effectiveness") and j.grade == "Inadequate" for j in d.judgements)
    assert {c.item for c in d.chunks if c.pdf_page == 49} == {"12"}


def test_worcestershire_minutes_003(doc):
    d = doc("seeds/003_41d8144e8313e7e8.pdf")
    assert d.doc_type == "minutes" and str(d.meeting_date) == "2019-09-11"
    assert d.committee == "Children and Families Overview and Scrutiny Panel"
    assert [m.number for m in d.minutes] == [str(n) for n in range(389, 398)]
    mins = {m.number: m for m in d.minutes}
    assert mins["394"].pdf_pages == (4, 5)  # lost heading
    assert mins["395"].pdf_pages == (5, 7)  # misplaced heading, mid-sentence on p5
    # the sentence the misplaced 395 heading interrupted still belongs to 394
    interrupted = [c for c in d.chunks if "information passed on when a child moved" in c.text]
    assert interrupted and all(c.minute == "394" for c in interrupted)
    assert any(c.minute == "395" and "The Panel was updated on performance" in c.text for c in d.chunks)
    assert [p.label for p in d.pages] == [str(n) for n in range(1, 9)]


def test_reports_002_004(doc):
    d2 = doc("seeds/002_8e5efe3db285e6d0.pdf")
    d4 = doc("seeds/004_15078a5698217611.pdf")
    assert d2.doc_type == d4.doc_type == "officer_report"
    assert d4.council == "Wiltshire Council" and d4.committee == "Cabinet" and str(d4.meeting_date) == "2017-07-03"
    assert d2.council is None  # the report never names its council
    assert not d2.items and not d2.minutes
    nums = [p.number for p in d2.paragraphs]
    assert "39" in nums and "40" in nums
    assert any(c.paragraph == "39" and c.pdf_page == 6 for c in d2.chunks)


def test_kent_supplement_pack_restarts_labels(doc):
    d = doc("external/kent-cabinet-2025-01-30-item07-supplement-pack.pdf")
    assert d.doc_type == "agenda_pack"
    assert [p.label for p in d.pages[:4]] == [None, None, "1", "2"]
    it = _items(d)
    assert list(it) == ["7"] and it["7"].page_labels == ("1", "20") and it["7"].pdf_pages == (3, 22)
    assert {c.item for c in d.chunks if c.pdf_page >= 3} == {"7"}


def test_kent_frontsheet_items(doc):
    d = doc("external/kent-cabinet-2025-01-30-agenda-frontsheet.pdf")
    it = _items(d)
    assert [i.number for i in d.items] == [str(n) for n in range(1, 10)]
    assert it["7"].page_labels == ("277", "326") and it["7"].pdf_pages is None  # pages are in another file
    assert it["9"].page_labels == ("461", "610")
    assert it["6"].title.endswith("and Treasury Management Strategy")


def test_kent_minutes_styles(doc):
    d = doc("external/kent-council-2025-03-13-minutes.pdf")
    assert d.doc_type == "minutes" and str(d.meeting_date) == "2025-03-13"
    assert [m.number for m in d.minutes] == [str(n) for n in range(292, 309)]
    mins = {m.number: m for m in d.minutes}
    assert mins["295"].agenda_item == "4" and mins["304"].agenda_item == "13"
    assert mins["294"].resolved[0].startswith("that the minutes of the Council meeting held on 13")
    assert any(c.minute == "304" and c.item == "13" for c in d.chunks)
    cab = doc("external/kent-cabinet-2025-01-30-minutes.pdf")
    assert [m.number for m in cab.minutes] == [str(n) for n in range(84, 93)]
    assert [m.agenda_item for m in cab.minutes] == [str(n) for n in range(1, 10)]
    assert cab.pages[2].label == "3"
    # unnumbered minutes: only "(Item N)" headings; a section that resolved something is a minute
    # without a number of its own, cited by its item (item 9 resolved nothing)
    cpp = doc("external/kent-corporate-parenting-panel-2024-12-10-minutes.pdf")
    assert [i.number for i in cpp.items] == [str(n) for n in range(1, 11)]
    assert [(m.number, m.agenda_item) for m in cpp.minutes] == [("", n) for n in ("3", "4", "5", "6", "7", "8", "10")]
    assert cpp.minutes[1].resolved == ["that the update be noted."] and cpp.minutes[1].resolved_pages == [2]
    assert _items(cpp)["8"].title.startswith("Corporate Parenting Annual Rep")
    assert cpp.committee == "Corporate Parenting Panel" and str(cpp.meeting_date) == "2024-12-10"


def test_ofsted_judgements(doc):
    k = doc("external/ofsted-ilacs-kent-2022.pdf")
    assert k.doc_type == "ofsted_report" and k.council == "Kent County Council" and k.meeting_date is None
    g = {j.area: j.grade for j in k.judgements}
    assert g["Overall effectiveness"] == "Outstanding"
    assert g["The experiences and progress of children who need help and protection"] == "Good"
    w = doc("external/ofsted-ilacs-worcestershire-2019.pdf")
    assert {j.area: j.grade for j in w.judgements}["Overall effectiveness"] == "Requires improvement to be good"
    b = doc("external/ofsted-sif-reinspection-buckinghamshire-2018.pdf")
    gb = {j.area: j.grade for j in b.judgements}
    assert gb["Adoption performance"] == "Good" and gb["Leadership, management and governance"] == "Inadequate"
    f = doc("external/ofsted-school-farnham-heath-end-2016.pdf")
    gf = {j.area: j.grade for j in f.judgements}
    assert gf["Overall effectiveness"] == "Requires improvement"
    assert gf["Personal development, behaviour and welfare"] == "Good"
    assert f.pages[1].label == "2"
    assert all(c.item is None and c.minute is None for c in f.chunks)


def test_chunks_respect_budget_and_header(doc):
    from ingest.chunker import count_tokens

    for rel in ("seeds/000_e7c76237b316faf7.pdf", "external/kent-council-2025-03-13-minutes.pdf"):
        d = doc(rel)
        for c in d.chunks:
            assert len(c.pdf_pages) == 1 and c.token_count <= 200
            assert count_tokens(c.header) <= 40
        c = next(c for c in d.chunks if c.minute)
        assert f"minute {c.minute}" in c.header and d.council in c.header
