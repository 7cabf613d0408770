"""The cited-page viewer (issue 19): a page as a PNG with the quoted words highlighted, cached on
disk; the viewer page around it; signed links from citations; Part II pages as the public copy
shows them. Live servers over the shipped sample papers."""

from __future__ import annotations

import io
import re

import httpx
import pytest
from PIL import Image

from service.page_images import CONFIG, find_quote, page_words, quote_words, render
from tests.fixtures.live import DEMO_QUESTION, PACK, client

pytestmark = pytest.mark.integration

QUOTE = "That the Committee notes the projected overspend of £6.4 million and comments on the recovery actions"


def _png(r: httpx.Response) -> Image.Image:
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(r.content)).convert("RGB")


def test_a_page_image_highlights_the_quoted_words(secure, doc_ids, sample_data_dir):
    pack = doc_ids[PACK]
    with client(secure, "member") as c:
        plain = _png(c.get(f"/v1/documents/{pack}/pages/6.png"))
        r = c.get(f"/v1/documents/{pack}/pages/6.png", params={"highlight": QUOTE})
        marked = _png(r)
    assert r.headers["x-cllr-page"] == "open"
    found, total = map(int, r.headers["x-cllr-highlight"].split("/"))
    assert found == total == len(quote_words(QUOTE))
    assert plain.size == marked.size == (round(595.28 * CONFIG.scale), round(841.89 * CONFIG.scale))
    # the mark is where PDFium draws the quoted words, and only there
    pdf = next((sample_data_dir / "files").glob(f"{pack}*.pdf"))
    hl = find_quote(page_words(pdf, 6), QUOTE)
    assert list(hl.words) == quote_words(QUOTE)
    x0, y0, x1, y1 = (round(v) for v in hl.boxes[0])
    changed = [
        (x, y)
        for x in range(0, plain.size[0], 4)
        for y in range(0, plain.size[1], 4)
        if plain.getpixel((x, y)) != marked.getpixel((x, y))
    ]
    assert changed and all(
        min(b[1] for b in hl.boxes) - 10 <= y <= max(b[3] for b in hl.boxes) + 10 for _, y in changed
    )
    assert marked.getpixel(((x0 + x1) // 2, y1 + 1)) != plain.getpixel(((x0 + x1) // 2, y1 + 1)) or any(
        marked.getpixel((x, (y0 + y1) // 2)) != plain.getpixel((x, (y0 + y1) // 2)) for x in range(x0, x1)
    )


def test_images_are_cached_on_disk_and_words_not_on_the_page_mark_nothing(secure, doc_ids, sample_data_dir):
    pack = doc_ids[PACK]
    cache = sample_data_dir / "page-images" / pack
    with client(secure, "member") as c:
        r1 = c.get(f"/v1/documents/{pack}/pages/7.png", params={"highlight": "parking permits at the airport"})
        files = set(cache.glob("p7-*.png"))
        r2 = c.get(f"/v1/documents/{pack}/pages/7.png", params={"highlight": "parking permits at the airport"})
    assert r1.content == r2.content and files == set(cache.glob("p7-*.png")) and len(files) == 1
    found, total = map(int, r1.headers["x-cllr-highlight"].split("/"))
    assert total == 5 and found <= 1  # "the", at most: never a passage the quote is not


def test_the_public_image_of_a_part_ii_page_is_the_public_copys_page(secure, doc_ids, tmp_path):
    """A page with Part II lines is rendered for the public from the public PDF (a notice and the
    page's open text), never from the original: the image equals that copy's page, and differs
    from a member's image; a page that is Part II throughout is the notice."""
    pack = doc_ids[PACK]
    with client(secure, "public") as pub, client(secure, "member") as mem:
        copy = tmp_path / "public.pdf"
        copy.write_bytes(pub.get(f"/v1/documents/{pack}/file").content)
        for n, status in ((2, "partly-withheld"), (13, "withheld"), (14, "withheld"), (6, "open")):
            r = pub.get(f"/v1/documents/{pack}/pages/{n}.png", params={"highlight": "Harbourside Care Partnership"})
            public = _png(r)
            assert r.headers["x-cllr-page"] == status, n
            assert r.headers["x-cllr-highlight"].startswith("0/"), n  # the exempt words are not on it
            member = _png(mem.get(f"/v1/documents/{pack}/pages/{n}.png"))
            expected = Image.open(io.BytesIO(render(copy, n))).convert("RGB")
            assert public.tobytes() == expected.tobytes(), n
            assert (public.tobytes() == member.tobytes()) == (status == "open"), n
        view = pub.get(f"/v1/documents/{pack}/pages/13/view")
        assert view.status_code == 200 and "This page is withheld" in view.text and "Harbourside" not in view.text
        assert "Harbourside" in mem.get(f"/v1/documents/{pack}/pages/13/view").text


def test_the_viewer_page_shows_title_label_text_and_links(secure, doc_ids):
    pack = doc_ids[PACK]
    with client(secure, "officer") as c:
        r = c.get(f"/v1/documents/{pack}/pages/6/view", params={"highlight": QUOTE})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "img-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    html = r.text
    assert "<h1>Agenda: Children&#39;s Services Scrutiny Committee – 14 January 2025</h1>" in html
    assert "Page 4 (PDF page 6 of 14)" in html and "Item 5" in html
    assert f"Highlighted on the page: {len(quote_words(QUOTE))} of {len(quote_words(QUOTE))} words." in html
    links = dict(re.findall(r'<a id="(prev|next)" href="([^"]+)"', html))
    assert links["prev"].startswith(f"/v1/documents/{pack}/pages/5/view?") and "sig=" in links["prev"]
    assert links["next"].startswith(f"/v1/documents/{pack}/pages/7/view?")
    img = re.search(r'<img src="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert img.startswith(f"/v1/documents/{pack}/pages/6.png?") and "highlight=" in img
    whole = re.search(r'href="(/v1/documents/[^"]+/file[^"]*)"', html).group(1).replace("&amp;", "&")
    assert whole.endswith("#page=6")
    # the links open without a key: what a new browser tab sends
    assert httpx.get(secure.url + img).status_code == 200
    assert httpx.get(secure.url + whole.split("#")[0]).content.startswith(b"%PDF-")
    assert httpx.get(secure.url + links["next"].replace("&amp;", "&")).status_code == 200
    assert not re.search(r"<script>|<script(?![^>]*\bsrc=)|\sstyle=|<style|\son[a-z]+=", html)


def test_citation_links_open_the_viewer_and_a_forged_link_does_not(secure):
    with client(secure, "member") as c:
        cites = c.post("/v1/ask", json={"question": DEMO_QUESTION}).json()["citations"]
    view = next(x for x in cites if x.get("viewer_url"))
    assert (
        re.match(r"^/v1/documents/[0-9a-f]+/pages/\d+/view\?", view["viewer_url"])
        and "highlight=" in view["viewer_url"]
    )
    r = httpx.get(secure.url + view["viewer_url"])
    assert r.status_code == 200 and "Highlighted on the page" in r.text
    forged = re.sub(r"sig=[^&]+", "sig=AAAAAAAAAAAAAAAAAAAAAAAA", view["viewer_url"])
    assert httpx.get(secure.url + forged).status_code == 401
    other_role = view["viewer_url"].replace("role=member", "role=admin")
    assert httpx.get(secure.url + other_role).status_code == 401


def test_pages_that_are_not_there_are_not_found(secure, doc_ids):
    pack = doc_ids[PACK]
    with client(secure, "member") as c:
        assert c.get(f"/v1/documents/{pack}/pages/15.png").status_code == 404
        assert c.get(f"/v1/documents/{pack}/pages/0.png").status_code == 422
        assert c.get("/v1/documents/0123456789abcdef/pages/1.png").status_code == 404
        assert c.get(f"/v1/documents/{pack}/pages/1.png", params={"highlight": "x" * 1001}).status_code == 422
        assert c.get(f"/v1/documents/{pack}/pages/2").status_code == 200  # the page text route still answers


@pytest.mark.slow
def test_a_mixed_page_whose_only_exempt_text_is_a_part_ii_heading_is_shown_to_the_public(shared_dir, tmp_path):
    """A pack whose only restricted lines are its front sheet's Part II heading: the withheld
    notice that replaces them says "Exempt", a word then found only in restricted text. The viewer
    checks the page's printed words, not the service's own notice, so the page is shown."""
    from fastapi.testclient import TestClient

    from cllr.settings import Settings
    from index.library import Library
    from service.app import create_app

    settings = Settings(data_dir=tmp_path / "data")
    lib = Library(settings)
    res = lib.ingest_file(shared_dir / "corpus" / "seeds" / "000_e7c76237b316faf7.pdf")
    hidden = lib.restricted_pages(res.doc_id)
    lib.close()
    assert list(hidden) == [6]
    with TestClient(create_app(settings)) as c:  # open mode: the public
        view = c.get(f"/v1/documents/{res.doc_id}/pages/6/view")
        img = c.get(
            f"/v1/documents/{res.doc_id}/pages/6.png", params={"highlight": "To note that the next scheduled meeting"}
        )
    assert view.status_code == 200 and "Part of this page is withheld" in view.text
    assert "Items during whose consideration" not in view.text
    assert img.status_code == 200 and img.headers["x-cllr-page"] == "partly-withheld"
    assert img.headers["x-cllr-highlight"] == "7/7"


def test_a_viewer_link_leaves_neither_its_signature_nor_its_quote_in_the_logs():
    """A member's viewer link carries the quoted words (Part II ones, on an exempt page) and a
    signature: the access log keeps the document, page and role; the audit keeps neither link."""
    from service.access_log import scrub
    from service.auth import Caller, FileLinks
    from service.db import UNAUDITED

    url = FileLinks(open_mode=False).view_url(
        "abcd1234abcd1234",
        Caller("key:x", "member", "api_key"),
        13,
        "awarded to Harbourside Care Partnership at £4,812 a week",
    )
    assert "sig=" in url and "Harbourside" in url
    assert scrub(url) == "/v1/documents/abcd1234abcd1234/pages/13/view?role=member"
    assert scrub(url.replace("/view?", ".png?")) == "/v1/documents/abcd1234abcd1234/pages/13.png?role=member"
    assert {"url", "viewer_url"} <= UNAUDITED
