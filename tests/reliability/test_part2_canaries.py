"""The Part II canary suite: exempt text marked every way a paper or a system marks it, asked for
through every route, by every role. No canary may reach the public; every canary reaches a member.

The papers (tests/fixtures/part2_papers.py) put canary words in: a separate exempt report, an
exempt appendix from page 2, a page that continues a sentence from an open page, a mixed front
sheet, minutes after the public was excluded, a closed session, a report a publishing system lists
on a restricted item (the overrides the ModernGov importer passes), and papers an admin marks on
upload (whole, and one page). A real `cllr serve` app answers over HTTP with keys for each role,
and in open mode.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from pypdf import PdfReader

from cllr.settings import Settings
from tests.fixtures.part2_papers import CANARIES, OPEN_FACTS, write_all
from tests.fixtures.live import LiveServer, client, secure_settings, serve

pytestmark = pytest.mark.integration

ALL_WORDS = sorted({c.words for c in CANARIES} | {w for c in CANARIES for w in c.words.split() if len(w) > 6})
RATE = 100_000  # the suite asks hundreds of questions a minute; rate limits are tested elsewhere
ROUTES_CHECKED: dict[str, set[str]] = {"public": set(), "member": set(), "officer": set()}


@pytest.fixture(scope="module")
def canary_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The canary papers indexed with the real Library; the publishing system's restricted item is
    given as the ModernGov importer gives it (an `item` override with restricted: true)."""
    from index.library import Library

    data_dir = tmp_path_factory.mktemp("part2-data")
    papers = write_all(tmp_path_factory.mktemp("part2-papers"))
    lib = Library(Settings(data_dir=data_dir))
    try:
        for name, path in papers.items():
            if name.startswith("eastmarch_admin"):
                continue  # uploaded by an admin over HTTP below
            overrides = None
            if name == "eastmarch_mg_report.pdf":
                overrides = {
                    "committee": "Environment Committee",
                    "meeting_date": "2026-03-03",
                    "item": {"number": "6", "title": "Marrowfield Lodge", "restricted": True},
                }
            res = lib.ingest_bytes(path.read_bytes(), name, overrides)
            assert res.status == "added", res.summary()
    finally:
        lib.close()
    return data_dir, papers


@pytest.fixture(scope="module")
def server(canary_data, oidc) -> Iterator[LiveServer]:
    data_dir, papers = canary_data
    for s in serve(secure_settings(data_dir, oidc, rate_limit_per_minute=RATE)):
        with client(s, "admin") as admin:
            jobs = []
            for name, form in (
                ("eastmarch_admin_whole.pdf", {"restricted": "true"}),
                ("eastmarch_admin_pages.pdf", {"restricted_pages": "2"}),
            ):
                r = admin.post(
                    "/v1/documents", files={"file": (name, papers[name].read_bytes(), "application/pdf")}, data=form
                )
                assert r.status_code == 202, r.text
                jobs.append(r.json()["id"])
            for job in jobs:
                _wait(admin, job)
        yield s


@pytest.fixture(scope="module")
def open_server(canary_data, server) -> Iterator[LiveServer]:  # after the uploads
    data_dir, _ = canary_data
    yield from serve(Settings(data_dir=data_dir, rate_limit_per_minute=RATE))


def _wait(c: httpx.Client, job: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        j = c.get(f"/v1/jobs/{job}").json()
        if j["status"] in ("done", "failed"):
            assert j["status"] == "done", j
            return
        time.sleep(0.2)
    raise TimeoutError(job)


def _docs(c: httpx.Client) -> dict[str, dict]:
    return {d["source"]: d for d in c.get("/v1/documents", params={"limit": 200}).json()["results"]}


def _collect(c: httpx.Client, role: str, all_docs: dict[str, dict]) -> dict[str, list[str]]:
    """Every route, asked about every canary: route -> the response texts."""
    out: dict[str, list[str]] = {}

    def add(route: str, text: str) -> None:
        out.setdefault(route, []).append(text)

    for canary in CANARIES:
        for q in (canary.question, canary.words):
            r = c.post("/v1/ask", json={"question": q})
            assert r.status_code == 200, r.text
            add("ask", json.dumps(r.json(), ensure_ascii=False))
            r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": q}]})
            assert r.status_code == 200, r.text
            add("chat", json.dumps(r.json(), ensure_ascii=False))
            with c.stream(
                "POST", "/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": q}]}
            ) as s:
                assert s.status_code == 200
                add("stream", "".join(s.iter_text()))
            r = c.get("/v1/search", params={"q": q, "k": 50})
            assert r.status_code == 200, r.text
            add("search", json.dumps(r.json()["results"], ensure_ascii=False))
            r = c.get("/v1/resolutions", params={"q": canary.words.split()[0]})
            add("resolutions", json.dumps(r.json().get("results", []), ensure_ascii=False))
            r = c.get("/v1/decisions", params={"q": q, "limit": 200})
            assert r.status_code == 200, r.text
            add("decisions", json.dumps(r.json()["results"], ensure_ascii=False))
        r = c.get("/v1/decisions/timeline", params={"q": canary.words})
        assert r.status_code == 200, r.text
        add("decisions", json.dumps(r.json()["steps"], ensure_ascii=False))  # not the echoed question
        # the chat answers "what has been decided about ..." from the register's timeline
        r = c.post("/v1/ask", json={"question": f"What has been decided about {canary.words}?"})
        assert r.status_code == 200, r.text
        add("ask", json.dumps(r.json(), ensure_ascii=False))
    add("resolutions", c.get("/v1/resolutions", params={"limit": 200}).text)
    add("decisions", c.get("/v1/decisions", params={"limit": 200}).text)
    add("decisions", c.get("/v1/decisions", params={"format": "csv"}).text)
    add("meetings", c.get("/v1/meetings", params={"limit": 200}).text)
    add("documents", c.get("/v1/documents", params={"limit": 200}).text)
    for doc in all_docs.values():
        doc_id = doc["doc_id"]
        add("documents", c.get(f"/v1/documents/{doc_id}").text)
        for n in range(1, doc["page_count"] + 1):
            r = c.get(f"/v1/documents/{doc_id}/pages/{n}")
            add("page", r.text if r.status_code == 200 else "")
        r = c.get(f"/v1/documents/{doc_id}/file")
        if r.status_code == 200:
            add("file", "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(r.content)).pages))
    return out


def _collect_views(c: httpx.Client, all_docs: dict[str, dict]) -> dict[str, list[str]]:
    """The briefing and the cited-page viewer (issue 19): every meeting's briefing in each of its
    forms, every page's viewer, and every page's image asked to highlight each canary of its paper.
    A canary found whole on an image is a canary shown: the highlight reads PDFium's own words of
    the page it drew."""
    out: dict[str, list[str]] = {}

    def add(route: str, text: str) -> None:
        out.setdefault(route, []).append(text)

    listed = c.get("/v1/briefings", params={"limit": 200})
    assert listed.status_code == 200, listed.text
    add("briefing", listed.text)
    for m in listed.json()["results"]:
        for fmt in ("json", "md", "html"):
            r = c.get(m["briefing_url"], params={"format": fmt})
            assert r.status_code == 200, r.text
            add("briefing", r.text)
    for doc in all_docs.values():
        doc_id = doc["doc_id"]
        for n in range(1, doc["page_count"] + 1):
            r = c.get(f"/v1/documents/{doc_id}/pages/{n}/view")
            add("viewer", r.text if r.status_code == 200 else "")
            for canary in (x for x in CANARIES if x.paper == doc["source"]):
                r = c.get(f"/v1/documents/{doc_id}/pages/{n}.png", params={"highlight": canary.words})
                found = int(r.headers["x-cllr-highlight"].split("/")[0]) if r.status_code == 200 else 0
                add("image", canary.words if found == len(canary.words.split()) else "")
    return out


@pytest.fixture(scope="module")
def all_docs(server) -> dict[str, dict]:
    with client(server, "admin") as c:
        return _docs(c)


def _public_clients(server: LiveServer, open_server: LiveServer) -> list[httpx.Client]:
    return [client(server, "public"), client(open_server)]


def test_no_canary_reaches_the_public_by_any_route(server, open_server, all_docs):
    assert len(all_docs) == 7
    for c in _public_clients(server, open_server):
        with c:
            got = _collect(c, "public", all_docs)
        assert set(got) == {
            "ask",
            "chat",
            "stream",
            "search",
            "resolutions",
            "decisions",
            "meetings",
            "documents",
            "page",
            "file",
        }
        for route, texts in got.items():
            ROUTES_CHECKED["public"].add(route)
            for text in texts:
                for w in ALL_WORDS:
                    assert w not in text, f"Part II canary {w!r} reached the public through {route}"


@pytest.mark.parametrize("role", ["member", "officer"])
def test_every_canary_reaches_members_and_officers(server, all_docs, role):
    with client(server, role) as c:
        got = _collect(c, role, all_docs)
    for canary in CANARIES:
        for route in ("search", "page", "file"):
            assert any(canary.words in t for t in got[route]), (
                f"{canary.words!r} ({canary.how}) not in {route} for {role}"
            )
        # the engine may word its answer as it likes; it must be able to draw on the passage
        assert any(canary.words in t for t in got["ask"] + got["stream"]), f"{canary.words!r} not answered to {role}"
    # the exempt resolution is a decision of the register, in the list, the timeline and the CSV
    pellingham = [t for t in got["decisions"] if "Pellingham Surfacing" in t]
    assert len(pellingham) >= 3, f"the exempt resolution is not a decision for {role}"
    ROUTES_CHECKED[role].update(got)


def test_a_part_ii_decision_is_not_there_for_the_public(server, open_server):
    """An exempt resolution is a decision members see (Part II, flagged so), and for the public it
    does not exist: not by id, not in the list, the timeline or the CSV."""
    with client(server, "member") as m:
        found = m.get("/v1/decisions", params={"q": "resurfacing contract"}).json()["results"]
    exempt = next(d for d in found if "Pellingham Surfacing" in d["text"])
    assert exempt["restricted"] is True and exempt["outcome"] == "agreed"
    for c in _public_clients(server, open_server):
        with c:
            r = c.get(f"/v1/decisions/{exempt['id']}")
            assert r.status_code == 404 and "Pellingham" not in r.text
            ids = [d["id"] for d in c.get("/v1/decisions", params={"limit": 200}).json()["results"]]
            assert ids and exempt["id"] not in ids
            assert "Pellingham" not in c.get("/v1/decisions", params={"format": "csv"}).text


def test_no_canary_reaches_the_public_through_a_briefing_the_viewer_or_a_page_image(server, open_server, all_docs):
    for c in _public_clients(server, open_server):
        with c:
            got = _collect_views(c, all_docs)
        assert set(got) == {"briefing", "viewer", "image"}
        for route, texts in got.items():
            ROUTES_CHECKED["public"].add(route)
            for text in texts:
                for w in ALL_WORDS:
                    assert w not in text, f"Part II canary {w!r} reached the public through {route}"


@pytest.mark.parametrize("role", ["member", "officer"])
def test_every_canary_reaches_members_and_officers_in_the_viewer_and_its_image(server, all_docs, role):
    with client(server, role) as c:
        got = _collect_views(c, all_docs)
    for canary in CANARIES:
        for route in ("viewer", "image"):
            assert any(canary.words in t for t in got[route]), (
                f"{canary.words!r} ({canary.how}) not in {route} for {role}"
            )
    ROUTES_CHECKED[role].update(got)


def test_a_members_briefing_holds_the_exempt_items_the_publics_does_not(server):
    """The briefing is read as the caller may read it: the exempt item is there, flagged Part II,
    for a member, and absent for the public, whose briefing still has the open business."""
    meeting = "/v1/meetings/2026-03-03-environment-committee/briefing"
    with client(server, "member") as c:
        items = c.get(meeting).json()["items"]
    exempt = [i for i in items if i["part2"]]
    assert exempt and any("Quillfeather Estates" in json.dumps(i) for i in exempt)
    with client(server, "public") as c:
        items = c.get(meeting).json()["items"]
    assert items and not any(i["part2"] for i in items)
    assert "Garden Waste Charges 2026/27" in [i["title"] for i in items]


def test_the_publics_image_of_a_part_ii_page_is_the_public_copys_page(server, all_docs, tmp_path):
    """A page holding Part II lines is rendered for the public from the public copy of the paper
    (a notice and the page's open text), never from the original: the route says so, and the image
    is pixel for pixel that copy's page. Which pages those are is read from a member's text."""
    from PIL import Image

    from service.page_images import render

    checked = 0
    with client(server, "public") as pub, client(server, "member") as mem:
        for doc in all_docs.values():
            doc_id = doc["doc_id"]
            f = pub.get(f"/v1/documents/{doc_id}/file")
            if f.status_code != 200:
                continue  # a paper that is Part II throughout is not served at all
            copy = tmp_path / f"{doc_id}.pdf"
            copy.write_bytes(f.content)
            for n in range(1, doc["page_count"] + 1):
                full = mem.get(f"/v1/documents/{doc_id}/pages/{n}").json()["text"]
                seen = pub.get(f"/v1/documents/{doc_id}/pages/{n}")
                status = (
                    "withheld"
                    if seen.status_code == 404
                    else "open"
                    if seen.json()["text"] == full
                    else "partly-withheld"
                )
                img = pub.get(f"/v1/documents/{doc_id}/pages/{n}.png")
                assert img.status_code == 200 and img.headers["x-cllr-page"] == status, (doc["source"], n)
                if status != "open":
                    got = Image.open(io.BytesIO(img.content)).convert("RGB").tobytes()
                    want = Image.open(io.BytesIO(render(copy, n))).convert("RGB").tobytes()
                    assert got == want, (doc["source"], n)
                    checked += 1
    assert checked >= 4


def test_open_answers_still_reach_the_public(server):
    """The check withholds Part II, not the open papers around it."""
    with client(server, "public") as c:
        for question, fact in OPEN_FACTS:
            r = c.post("/v1/ask", json={"question": question}).json()
            assert not r["abstained"] and fact in r["answer"], r


def test_reading_on_stops_at_a_restricted_page(server, all_docs):
    """The open report's last sentence runs on to the exempt report's first line (no blank page
    between them): a public answer about it must stop where the open page does."""
    q = "What is the direct line of the report author Dana Whitlock?"
    with client(server, "public") as c:
        r = c.post("/v1/ask", json={"question": q}).json()
    text = json.dumps(r)
    assert "960441" not in text and "Admund" not in text and "NOT FOR PUBLICATION" not in text, r
    assert all(x["pdf_page"] != 4 for x in r["citations"]), r
    with client(server, "member") as c:
        r = c.post("/v1/ask", json={"question": q}).json()
    # a member's answer reads on to the next page, as it did before for everyone
    assert any(x["pdf_page"] == 4 for x in r["citations"]), r


def test_a_mixed_front_sheet_is_served_without_its_part_ii_lines(server, all_docs):
    pack = all_docs["eastmarch_pack.pdf"]["doc_id"]
    with client(server, "public") as c:
        page = c.get(f"/v1/documents/{pack}/pages/1").json()["text"]
        pdf = PdfReader(io.BytesIO(c.get(f"/v1/documents/{pack}/file").content))
    assert "Garden Waste Charges" in page and "Exempt information withheld" in page
    assert "Quillfeather" not in page and "Orrington" not in page
    first = pdf.pages[0].extract_text() or ""
    assert "Garden Waste Charges" in first and "Quillfeather" not in first and "withheld" in first
    assert len(pdf.pages) == 5


def test_an_exempt_appendix_from_page_2_is_part_ii(server, all_docs):
    report = all_docs["eastmarch_report.pdf"]["doc_id"]
    with client(server, "public") as c:
        assert c.get(f"/v1/documents/{report}/pages/1").status_code == 200
        assert c.get(f"/v1/documents/{report}/pages/2").status_code == 404
    with client(server, "member") as c:
        assert "Brindlecombe House" in c.get(f"/v1/documents/{report}/pages/2").json()["text"]


def test_an_admin_flag_on_upload_restricts_the_paper_or_its_pages(server, all_docs):
    with client(server, "public") as c:
        sources = set(_docs(c))
        assert "eastmarch_admin_whole.pdf" not in sources  # the whole paper is Part II
        pages_doc = all_docs["eastmarch_admin_pages.pdf"]["doc_id"]
        assert c.get(f"/v1/documents/{pages_doc}/pages/1").status_code == 200
        assert c.get(f"/v1/documents/{pages_doc}/pages/2").status_code == 404


def test_a_bad_restriction_on_upload_is_refused_not_ignored(server, canary_data):
    _, papers = canary_data
    with client(server, "admin") as c:
        for form in ({"restricted": "perhaps"}, {"restricted_pages": "two"}, {"restricted_pages": "5-3"}):
            r = c.post(
                "/v1/documents",
                files={"file": ("x.pdf", papers["eastmarch_report.pdf"].read_bytes(), "application/pdf")},
                data=form,
            )
            assert r.status_code == 422, (form, r.text)


def test_the_same_paper_uploaded_again_restricted_becomes_restricted(server, canary_data, all_docs):
    """An admin who forgot the flag uploads the paper again with it: the paper is restricted, not 'unchanged'."""
    _, papers = canary_data
    with client(server, "admin") as c:
        paper = ("eastmarch_minutes.pdf", papers["eastmarch_minutes.pdf"].read_bytes(), "application/pdf")
        r = c.post("/v1/documents", files={"file": paper}, data={"restricted_pages": "2"})
        job = r.json()["id"]
        _wait(c, job)
        assert c.get(f"/v1/jobs/{job}").json()["result"] == "restricted"
    minutes = all_docs["eastmarch_minutes.pdf"]["doc_id"]
    with client(server, "public") as c:
        assert c.get(f"/v1/documents/{minutes}/pages/2").status_code == 404
        assert c.get(f"/v1/documents/{minutes}/pages/1").status_code == 200


def test_a_conversation_belongs_to_its_caller(server):
    canary = CANARIES[3]
    with client(server, "member") as m:
        first = m.post("/v1/ask", json={"question": canary.question}).json()
        cid = first["conversation_id"]
        assert canary.words in first["answer"], first
        answer_id = first["answer_id"]
    with client(server, "public") as p:
        r = p.post("/v1/ask", json={"question": "And for how much?", "conversation_id": cid})
        assert r.status_code == 404 and canary.words not in r.text
        r = p.post(
            "/v1/chat/completions",
            json={"conversation_id": cid, "messages": [{"role": "user", "content": "And for how much?"}]},
        )
        assert r.status_code == 404
        r = p.post("/v1/feedback", json={"answer_id": answer_id, "rating": -1})
        assert r.status_code == 404
        r = p.post("/v1/feedback", json={"conversation_id": cid, "rating": -1})
        assert r.status_code == 404
    with client(server, "officer") as o:  # another member-level caller: still not theirs
        r = o.post("/v1/ask", json={"question": "And for how much?", "conversation_id": cid})
        assert r.status_code == 404
    with client(server, "member") as m:  # the owner carries on
        r = m.post("/v1/ask", json={"question": "And for how much?", "conversation_id": cid})
        assert r.status_code == 200
        assert m.post("/v1/feedback", json={"answer_id": answer_id, "rating": 1}).status_code == 201


def test_routes_and_roles_counted(server):
    """Runs last in this module: how many route x role pairs the suite checked (for the note)."""
    print(
        f"\ncanary suite: {len(CANARIES)} canaries; routes checked per role: "
        + "; ".join(f"{r} {sorted(v)}" for r, v in ROUTES_CHECKED.items())
    )
    assert ROUTES_CHECKED["public"] >= {"ask", "chat", "stream", "search", "resolutions", "decisions", "page", "file"}
