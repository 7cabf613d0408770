"""Structure of papers from councils the rules were not written for (../shared/corpus/councils), and
the seeds and external papers again, against values read off each paper by hand.

Every text paper gets: council, committee, meeting date, kind, and its minute numbers, agenda
items or Ofsted grades. The whole table is scored field by field (≥ 0.95 must match), and no
council may be wrong: an empty council is allowed (precision before recall) but counted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.pipeline import parse_file

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
pytestmark = [pytest.mark.integration, pytest.mark.shared]

RI, RIG = "Requires improvement", "Requires improvement to be good"
ILACS = ("The impact of leaders", "help and protection", "children in care", "care leavers", "Overall effectiveness")


def _r(a: int, b: int, fmt: str = "{}") -> list[str]:
    return [fmt.format(n) for n in range(a, b + 1)]


# file -> (council, committee, date, kind, {"minutes"|"items"|"grades": ...}); None = the paper prints none
EXPECTED: dict[str, tuple] = {
    "councils/minutes/hertingfordbury-pc_agenda_2018-09-12.pdf": (
        "Hertingfordbury Parish Council",
        "Council",
        "2018-09-12",
        "agenda_pack",
        {"items": _r(1, 11)},
    ),
    "councils/minutes/hertingfordbury-pc_minutes_2010-07-14.pdf": (
        "Hertingfordbury Parish Council",
        "Council",
        "2010-07-14",
        "minutes",
        {"minutes": _r(28, 39)},
    ),
    "councils/minutes/hertingfordbury-pc_minutes_2017-10-11.pdf": (
        "Hertingfordbury Parish Council",
        "Council",
        "2017-10-11",
        "minutes",
        {"minutes": _r(55, 65)},
    ),
    "councils/minutes/manordeilo-salem-cc_extraordinary-minutes_2019-02-06.pdf": (
        "Manordeilo and Salem Community Council",
        "Council",
        "2019-02-06",
        "minutes",
        {"minutes": _r(1, 3)},
    ),
    "councils/minutes/manordeilo-salem-cc_minutes-cy_2019-03-13.pdf": (
        "Cyngor Cymuned Manordeilo a Salem",
        "Council",
        "2019-03-13",
        "minutes",
        {"minutes": _r(1, 12)},
    ),
    "councils/minutes/manordeilo-salem-cc_minutes-en_2019-03-13.pdf": (
        "Manordeilo and Salem Community Council",
        "Council",
        "2019-03-13",
        "minutes",
        {"minutes": _r(1, 12)},
    ),
    "councils/minutes/milburn-pc_agenda_2019-03-05.pdf": (
        "Milburn Parish Council",
        "Council",
        "2019-03-05",
        "agenda_pack",
        {"items": _r(1, 12)},
    ),
    "councils/minutes/milburn-pc_agm-minutes_2018-05-08.pdf": (
        "Milburn Parish Council",
        "Council",
        "2018-05-08",
        "minutes",
        {"minutes": _r(1, 7, "18.05.{}") + ["1.05.8"] + _r(9, 15, "18.05.{}")},
    ),  # "1.05.8" as printed
    "councils/minutes/milburn-pc_minutes-remote_2021-01-26.pdf": (
        "Milburn Parish Council",
        "Council",
        "2021-01-26",
        "minutes",
        {"minutes": _r(1, 12, "21.01.{:02d}")},
    ),
    "councils/minutes/milburn-pc_minutes_2019-03-05.pdf": (
        "Milburn Parish Council",
        "Council",
        "2019-03-05",
        "minutes",
        {"minutes": ["19.03.1", "19.03.2", "19.03.3", "19.01.4"] + _r(5, 11, "19.03.{}") + ["19.3.12"]},
    ),
    "councils/minutes/newbiggin-pc_minutes_2019-09-03.pdf": (
        "Newbiggin Parish Council",
        "Council",
        "2019-09-03",
        "minutes",
        {"minutes": _r(1, 12, "19.09.{:02d}")},
    ),
    "councils/minutes/nipissing-twp_agenda_2023-02-07.pdf": (
        "Township of Nipissing",
        "Council",
        "2023-02-07",
        "agenda_pack",
        {"items": _r(1, 13)},
    ),
    "councils/minutes/nipissing-twp_minutes_2023-12-05.pdf": (
        "Township of Nipissing",
        "Council",
        "2023-12-05",
        "minutes",
        {"minutes": _r(217, 232, "R2023-{}")},
    ),
    "councils/minutes/tayport-cc_inaugural-minutes_2023-10-02.pdf": (
        "Tayport Ferryport-on-Craig Community Council",
        "Council",
        "2023-10-02",
        "minutes",
        {"minutes": _r(1, 5)},
    ),
    # these two minute by unnumbered "Heading:" lines; the numbered lines are lists inside them
    "councils/minutes/tayport-cc_minutes_2018-03-05.pdf": (
        "Tayport Ferryport-on-Craig Community Council",
        "Council",
        "2018-03-05",
        "minutes",
        {"minutes": []},
    ),
    "councils/minutes/tayport-cc_minutes_2023-12-04.pdf": (
        "Tayport Ferryport-on-Craig Community Council",
        "Council",
        "2023-12-04",
        "minutes",
        {"minutes": []},
    ),
    # --- Ofsted: the council is the authority inspected; no meeting, no committee
    "councils/ofsted/brightonhove_ilacs_2024-05-16.pdf": (
        "Brighton and Hove",
        None,
        None,
        "ofsted_report",
        {"grades": ["Outstanding", "Good", "Outstanding", "Outstanding", "Outstanding"]},
    ),
    "councils/ofsted/cambridgeshire_ilacs-standard_2024-05-16.pdf": (
        "Cambridgeshire",
        None,
        None,
        "ofsted_report",
        {"grades": [RIG] * 5},
    ),
    "councils/ofsted/cheshireeast_ilacs-standard_2024-05-16.pdf": (
        "Cheshire East",
        None,
        None,
        "ofsted_report",
        {"grades": [RIG, RIG, RIG, "Inadequate", "Inadequate"]},
    ),
    "councils/ofsted/cornwall_ilacs-short_2024-08-22.pdf": (
        "Cornwall",
        None,
        None,
        "ofsted_report",
        {"grades": ["Good", "Good", "Good", "Outstanding", "Good"]},
    ),
    "councils/ofsted/devon_ilacs-standard_2025-05-13.pdf": (
        "Devon",
        None,
        None,
        "ofsted_report",
        {"grades": [RIG, "Inadequate", "Inadequate", "Inadequate", "Inadequate"]},
    ),
    "councils/ofsted/islesofscilly_ilacs-short_2023-08-25.pdf": (
        "Isles of Scilly",
        None,
        None,
        "ofsted_report",
        {"grades": ["Inadequate", "Inadequate", RIG, RIG, "Inadequate"]},
    ),
    "councils/ofsted/liverpool_ilacs-standard_2023-05-25.pdf": (
        "Liverpool",
        None,
        None,
        "ofsted_report",
        {"grades": ["Inadequate", "Inadequate", RIG, "Inadequate", "Inadequate"]},
    ),
    # the 2026 framework has no overall effectiveness: four grades and no fifth
    "councils/ofsted/liverpool_ilacs-postreform_2026-07-07.pdf": (
        "Liverpool",
        None,
        None,
        "ofsted_report",
        {"grades": ["Good", "Good", "Good", RIG, None]},
    ),
    "councils/ofsted/trafford_ilacs-postreform_2026-08-03.pdf": (
        "Trafford",
        None,
        None,
        "ofsted_report",
        {"grades": ["Inadequate", "Inadequate", "Good", RIG, None]},
    ),
    "councils/ofsted/manchester_ilacs-standard_2025-11-11.pdf": (
        "Manchester",
        None,
        None,
        "ofsted_report",
        {"grades": ["Outstanding", "Good", "Outstanding", "Outstanding", "Outstanding"]},
    ),
    "councils/ofsted/nottingham_ilacs-early_2019-01-07.pdf": (
        "Nottingham City Council",
        None,
        None,
        "ofsted_report",
        {"grades": [RIG, RIG, RIG, RIG, RIG]},
    ),
    "councils/ofsted/manchester_sif-lscb_2014-09-03.pdf": (
        "Manchester City Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Inadequate"},
    ),
    "councils/ofsted/leeds_sif-lscb_2015-03-27.pdf": (
        "Leeds City Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Good"},
    ),
    "councils/ofsted/sunderland_sif-lscb_2015-07-20.pdf": (
        "Sunderland City Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Inadequate"},
    ),
    "councils/ofsted/surrey_lscb-review_2015-08-03.pdf": ("Surrey", None, None, "ofsted_report", {"overall": None}),
    "councils/ofsted/lambeth_sif_2018-05-09.pdf": (
        "London Borough of Lambeth",
        None,
        None,
        "ofsted_report",
        {"overall": RIG},
    ),
    "councils/ofsted/doncaster_sif-reinspection_2018-01-19.pdf": (
        "Doncaster Metropolitan Borough Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Good"},
    ),
    "councils/ofsted/norfolk_lac-inspection_2013-08-16.pdf": (
        "Norfolk County Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Inadequate"},
    ),
    # --- the seeds and the external papers
    "seeds/000_e7c76237b316faf7.pdf": (
        "Wiltshire Council",
        "Children's Select Committee",
        "2017-12-19",
        "agenda_pack",
        {"items": _r(1, 13)},
    ),
    "seeds/001_36758238c78a3e18.pdf": (
        "Wiltshire Council",
        "Children's Select Committee",
        "2012-05-31",
        "agenda_pack",
        {"items": _r(1, 19)},
    ),
    "seeds/002_8e5efe3db285e6d0.pdf": (None, "Cabinet", "2018-06-18", "officer_report", {}),
    # prints no council of its own (one is named only inside a sentence)
    "seeds/003_41d8144e8313e7e8.pdf": (
        None,
        "Children and Families Overview and Scrutiny Panel",
        "2019-09-11",
        "minutes",
        {"minutes": _r(389, 397)},
    ),
    "seeds/004_15078a5698217611.pdf": ("Wiltshire Council", "Cabinet", "2017-07-03", "officer_report", {}),
    "external/kent-cabinet-2025-01-30-agenda-frontsheet.pdf": (
        None,
        "Cabinet",
        "2025-01-30",
        "agenda_pack",
        {"items": _r(1, 9)},
    ),
    "external/kent-cabinet-2025-01-30-item07-supplement-pack.pdf": (
        None,
        "Cabinet",
        "2025-01-30",
        "agenda_pack",
        {"items": ["7"]},
    ),
    "external/kent-cabinet-2025-01-30-minutes.pdf": (
        "Kent County Council",
        "Cabinet",
        "2025-01-30",
        "minutes",
        {"minutes": _r(84, 92)},
    ),
    "external/kent-corporate-parenting-panel-2024-12-10-minutes.pdf": (
        None,
        "Corporate Parenting Panel",
        "2024-12-10",
        "minutes",
        {"items": _r(1, 10)},
    ),
    "external/kent-council-2025-01-09-item03-devolution-supplement-pack.pdf": (
        None,
        "County Council",
        "2025-01-09",
        "agenda_pack",
        {"items": ["3"]},
    ),
    "external/kent-council-2025-01-09-minutes.pdf": (
        "Kent County Council",
        "County Council",
        "2025-01-09",
        "minutes",
        {"minutes": _r(283, 285)},
    ),
    "external/kent-council-2025-03-13-agenda-frontsheet.pdf": (
        None,
        "County Council",
        "2025-03-13",
        "agenda_pack",
        {"items": _r(1, 17)},
    ),
    "external/kent-council-2025-03-13-item06-questions-pack.pdf": (
        None,
        "County Council",
        "2025-03-13",
        "questions_pack",
        {"items": ["6"]},
    ),
    "external/kent-council-2025-03-13-item09-family-hubs-callin-report.pdf": (
        None,
        "County Council",
        "2025-03-13",
        "officer_report",
        {"items": ["9"]},
    ),
    "external/kent-council-2025-03-13-item11-devolution-lgr-report.pdf": (
        None,
        "County Council",
        "2025-03-13",
        "officer_report",
        {"items": ["11"]},
    ),
    "external/kent-council-2025-03-13-minutes.pdf": (
        "Kent County Council",
        "County Council",
        "2025-03-13",
        "minutes",
        {"minutes": _r(292, 308)},
    ),
    "external/ofsted-area-send-medway-2024.pdf": ("Medway", None, None, "ofsted_report", {}),
    "external/ofsted-ilacs-kent-2022.pdf": (
        "Kent County Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Outstanding"},
    ),
    "external/ofsted-ilacs-north-northamptonshire-2026.pdf": (
        "North Northamptonshire",
        None,
        None,
        "ofsted_report",
        {"grades": ["Outstanding", "Good", "Good", "Good", None]},
    ),
    "external/ofsted-ilacs-worcestershire-2019.pdf": ("Worcestershire", None, None, "ofsted_report", {"overall": RIG}),
    "external/ofsted-school-farnham-heath-end-2016.pdf": (None, None, None, "ofsted_report", {"overall": RI}),
    "external/ofsted-sif-reinspection-buckinghamshire-2018.pdf": (
        "Buckinghamshire County Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Inadequate"},
    ),
    "external/ofsted-sif-worcestershire-2017.pdf": (
        "Worcestershire County Council",
        None,
        None,
        "ofsted_report",
        {"overall": "Inadequate"},
    ),
}


def _norm(s: str | None) -> str | None:
    return re.sub(r"[^a-z0-9]", "", s.lower()) if s else None


@lru_cache(maxsize=None)
def _doc(rel: str):
    return parse_file(SHARED / "corpus" / rel, Settings(parse_timeout_s=120))


def _ilacs_grades(d) -> list[str | None]:
    out: list[str | None] = []
    for key in ILACS:
        j = next((j for j in d.judgements if key.lower() in j.area.lower() and j.pdf_page == 1), None)
        out.append(j.grade if j else None)
    return out


def _overall(d) -> str | None:
    j = next((j for j in d.judgements if j.area.lower().startswith("overall effectiveness")), None)
    return j.grade if j else None


def _fields(rel: str) -> list[tuple[str, object, object]]:
    """(field, expected, got) for every field the table pins for this paper."""
    council, committee, when, kind, extra = EXPECTED[rel]
    d = _doc(rel)
    out = [
        ("council", _norm(council), _norm(d.council)),
        ("committee", committee, d.committee),
        ("date", when, d.meeting_date.isoformat() if d.meeting_date else None),
        ("kind", kind, d.doc_type),
    ]
    if "minutes" in extra:
        out.append(("minutes", extra["minutes"], [m.number for m in d.minutes]))
    if "items" in extra:
        out.append(("items", extra["items"], [i.number for i in d.items]))
    if "grades" in extra:
        out += [(f"grade {k}", g, got) for k, g, got in zip(ILACS, extra["grades"], _ilacs_grades(d), strict=False)]
    if "overall" in extra:
        out.append(("overall", extra["overall"], _overall(d)))
    return out


def test_every_text_paper_is_in_the_table(shared_dir):
    papers = {
        str(p.relative_to(SHARED / "corpus"))
        for sub in ("councils", "seeds", "external")
        for p in (SHARED / "corpus" / sub).rglob("*.pdf")
        if "scan" not in p.name
    }
    assert papers == set(EXPECTED)


def test_structure_matches_what_the_papers_print(shared_dir):
    checked = matched = 0
    misses = []
    for rel in EXPECTED:
        for name, want, got in _fields(rel):
            checked += 1
            if want == got:
                matched += 1
            else:
                misses.append(f"{rel} {name}: want {want!r} got {got!r}")
    print(f"\nstructure fields: {matched}/{checked} matched ({matched / checked:.3f})\n  " + "\n  ".join(misses))
    assert matched / checked >= 0.95, misses


def test_no_council_is_wrong(shared_dir):
    """A wrong council is worse than none: every council found is the paper's own."""
    wrong, empty = [], []
    for rel, (council, *_rest) in EXPECTED.items():
        got = _doc(rel).council
        if got is None:
            empty.append(rel)
        elif _norm(got) != _norm(council):
            wrong.append(f"{rel}: {got!r}")
    print(f"\ncouncil empty on {len(empty)} of {len(EXPECTED)} papers: {empty}")
    assert not wrong


@pytest.mark.parametrize(
    "rel",
    [
        "councils/minutes/milburn-pc_minutes_2019-03-05.pdf",
        "councils/minutes/hertingfordbury-pc_minutes_2010-07-14.pdf",
        "councils/minutes/nipissing-twp_minutes_2023-12-05.pdf",
    ],
)
def test_minutes_record_decisions_in_their_own_convention(shared_dir, rel):
    d = _doc(rel)
    decided = {m.number: m.resolved for m in d.minutes if m.resolved}
    assert len(decided) >= 4
    for m in d.minutes:
        assert len(m.resolved) == len(m.resolved_pages)
        assert all(m.pdf_pages[0] <= p <= m.pdf_pages[1] for p in m.resolved_pages)


def test_decision_conventions(shared_dir):
    mil = {m.number: m for m in _doc("councils/minutes/milburn-pc_minutes_2019-03-05.pdf").minutes}
    assert mil["19.03.5"].resolved == ["After discussion, the Councillors resolved to adopt the seat."]
    her = {m.number: m for m in _doc("councils/minutes/hertingfordbury-pc_minutes_2010-07-14.pdf").minutes}
    assert her["34"].resolved[0].startswith("that Karen Murphy be reappointed internal auditor")
    nip = {m.number: m for m in _doc("councils/minutes/nipissing-twp_minutes_2023-12-05.pdf").minutes}
    assert nip["R2023-229"].resolved == ["That we accept the correspondence as presented. Carried."]
    man = {m.number: m for m in _doc("councils/minutes/manordeilo-salem-cc_minutes-en_2019-03-13.pdf").minutes}
    assert (
        man["2"]
        .resolved[0]
        .startswith("It was proposed by Cllr. J. Davies, seconded by Cllr. O. Williams and unanimously agreed")
    )


def test_attendance_declarations_and_votes(shared_dir):
    her = _doc("councils/minutes/hertingfordbury-pc_minutes_2010-07-14.pdf")
    present = [a.name for a in her.attendance if a.role == "present"]
    assert present[:2] == ["R Lester", "D Bonner"] and len(present) == 8
    assert {a.name for a in her.attendance if a.role == "apologies"} == {"Bradbury", "Raymond"}
    cpp = _doc("external/kent-corporate-parenting-panel-2024-12-10-minutes.pdf")
    assert [a.name for a in cpp.attendance if a.role == "substitute"] == ["Roxanne Hills"]
    assert "Nancy Sayer" in {a.name for a in cpp.attendance if a.role == "apologies"}
    ext = _doc("councils/minutes/manordeilo-salem-cc_extraordinary-minutes_2019-02-06.pdf")
    decl = [(x.member, x.interest, x.minute, x.pdf_page) for x in ext.declarations if x.minute == "2"]
    assert ("W. Loynton", "Candidate Site SR/042/002 (Property adjacent to site)", "2", 1) in decl and len(decl) == 5
    kent = _doc("external/kent-council-2025-03-13-minutes.pdf")
    assert any(x.member == "Sole" and "Pay Policy" in x.interest for x in kent.declarations)
    v = next(v for v in kent.votes if v.minute == "299")
    assert (v.for_count, v.against_count, v.abstain_count, v.outcome, v.pdf_page) == (52, 0, 11, "carried", 7)
    assert len(v.for_names) == 52 and len(v.abstain_names) == 11 and "Chittenden" in v.abstain_names


def test_meeting_time_and_venue(shared_dir):
    d = _doc("councils/minutes/hertingfordbury-pc_minutes_2010-07-14.pdf")
    assert (d.meeting_time, d.venue) == ("8.00pm", "Hertingfordbury Cowper JMI School, Birch Green")
    k = _doc("external/kent-council-2025-03-13-minutes.pdf")
    assert k.venue == "Council Chamber, Sessions House, County Hall, Maidstone"
    s = _doc("seeds/000_e7c76237b316faf7.pdf")
    assert (s.meeting_time, s.venue) == ("10.30 am", "The Kennet Room - County Hall, Trowbridge BA14 8JN")
    # a dated heading line: the place follows the date, the time ends the line
    m = _doc("seeds/003_41d8144e8313e7e8.pdf")
    assert m.venue == "County Hall, Worcester" and m.council is None
    # a paper that names no council is located by where it met, in every chunk's context line
    assert all(c.header.startswith("County Hall, Worcester · Children and Families") for c in m.chunks)


def test_ofsted_inspection_records(shared_dir):
    b = _doc("councils/ofsted/brightonhove_ilacs_2024-05-16.pdf").inspection
    assert (b.authority, b.kind, str(b.start_date), str(b.end_date), b.lead_inspector) == (
        "Brighton and Hove",
        "ILACS",
        "2024-03-11",
        "2024-03-15",
        "Máire Atherton",
    )
    dev = _doc("councils/ofsted/devon_ilacs-standard_2025-05-13.pdf").inspection
    assert (str(dev.start_date), str(dev.end_date)) == ("2024-09-30", "2025-01-16")
    don = _doc("councils/ofsted/doncaster_sif-reinspection_2018-01-19.pdf").inspection
    assert (str(don.start_date), str(don.end_date), don.lead_inspector) == ("2017-11-09", "2017-11-24", "Neil Penswick")
    nor = _doc("councils/ofsted/norfolk_lac-inspection_2013-08-16.pdf").inspection
    assert nor.lead_inspector == "Gary Lamb" and nor.authority == "Norfolk County Council"
    send = _doc("external/ofsted-area-send-medway-2024.pdf")
    assert send.inspection.kind == "area SEND" and send.authority == "Medway Local Area Partnership"
    # the LSCB's own grade, beside the local authority's
    leeds = {j.area: j.grade for j in _doc("councils/ofsted/leeds_sif-lscb_2015-03-27.pdf").judgements}
    assert leeds["Local Safeguarding Children Board"] == "Good"
    # the 2026 framework: no overall effectiveness invented
    for rel in (
        "councils/ofsted/trafford_ilacs-postreform_2026-08-03.pdf",
        "external/ofsted-ilacs-north-northamptonshire-2026.pdf",
    ):
        assert not any("overall" in j.area.lower() for j in _doc(rel).judgements)
