"""Part II (restricted) material: never to public, through any route; members and officers see it."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from tests.fixtures.live import PACK, assert_no_canary, client

pytestmark = pytest.mark.integration

PART_II_QUESTION = "Which provider was the residential placement framework contract awarded to, and at what cost?"


@pytest.fixture(params=["secure-public-key", "open-mode"])
def public(request, secure, open_server):
    return client(secure, "public") if request.param == "secure-public-key" else client(open_server)


def test_public_never_sees_part_ii(public, doc_ids):
    pack = doc_ids[PACK]
    with public as c:
        texts = []
        r = c.post("/v1/ask", json={"question": PART_II_QUESTION})
        assert r.status_code == 200
        texts.append(r.text)
        r = c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": PART_II_QUESTION}]})
        texts.append(r.text)
        with c.stream(
            "POST",
            "/v1/chat/completions",
            json={"stream": True, "messages": [{"role": "user", "content": PART_II_QUESTION}]},
        ) as s:
            texts.append("".join(s.iter_text()))
        for q in ("Harbourside Care Partnership", "residential placement framework contract award", "Elmgrove"):
            # the results only: the response echoes the caller's own query back
            texts.append(
                json.dumps(c.get("/v1/search", params={"q": q, "k": 50}).json()["results"], ensure_ascii=False)
            )
        texts.append(c.get("/v1/documents").text)
        detail = c.get(f"/v1/documents/{pack}")
        assert detail.status_code == 200
        assert "9" not in {i["number"] for i in detail.json()["items"]}
        texts.append(detail.text)
        for n in (13, 14):
            assert c.get(f"/v1/documents/{pack}/pages/{n}").status_code == 404
        texts.append(c.get("/v1/resolutions").text)
        texts.append(c.get("/v1/resolutions", params={"q": "contract"}).text)
        texts.append(c.get("/v1/meetings").text)
        f = c.get(f"/v1/documents/{pack}/file")
        assert f.status_code == 200 and f.content.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(f.content))
        assert len(reader.pages) == 14  # same page count: #page=N still lines up
        texts.extend(p.extract_text() or "" for p in reader.pages)
        assert "withheld" in (reader.pages[12].extract_text() or "")
        assert "School Transport Policy" in (reader.pages[3].extract_text() or "")
    for t in texts:
        assert_no_canary(t)


@pytest.mark.parametrize("role", ["member", "officer"])
def test_members_and_officers_see_part_ii(secure, doc_ids, role):
    pack = doc_ids[PACK]
    with client(secure, role) as c:
        hits = c.get("/v1/search", params={"q": "Harbourside Care Partnership contract award", "k": 5}).json()
        assert any("Harbourside Care Partnership" in h["text"] and h["restricted"] for h in hits["results"])
        page = c.get(f"/v1/documents/{pack}/pages/13")
        assert page.status_code == 200
        f = c.get(f"/v1/documents/{pack}/file")
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(f.content)).pages)
        assert "Harbourside Care Partnership" in text
        detail = c.get(f"/v1/documents/{pack}").json()
        assert "9" in {i["number"] for i in detail["items"]}
        answer = c.post("/v1/ask", json={"question": PART_II_QUESTION}).json()
        # how well it answers is the engine's business; that it may draw on item 9 is ours
        assert any(x["doc_id"] == pack and x["item"] == "9" for x in answer["citations"]), answer


def test_oidc_member_token_sees_part_ii(secure, oidc, doc_ids):
    import httpx

    token = oidc.token("member")
    r = httpx.get(f"{secure.url}/v1/documents/{doc_ids[PACK]}/pages/13", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and "Harbourside Care Partnership" in r.text
