"""The <cllr-chat> widget in real headless Chromium (Debian's), driven by Playwright, against a live
server over the sample index: type a question, watch the answer stream in, follow a citation link."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.fixtures.live import DEMO_QUESTION, KEYS

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _external_requests(page, base: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith(base) else None)
    return seen


def test_widget_streams_an_answer_with_a_working_page_link(browser, open_server, tmp_path):
    page = browser.new_page(viewport={"width": 900, "height": 900})
    external = _external_requests(page, open_server.url)
    deltas: list[int] = []
    page.on("response", lambda r: deltas.append(r.status) if r.url.endswith("/v1/chat/completions") else None)
    page.goto(open_server.url + "/")
    box = page.get_by_label("Your question")
    box.click()
    box.fill(DEMO_QUESTION)
    # count how many times the answer text grows: streamed means more than one step
    page.evaluate("""() => { window.__answerSteps = 0;
        new MutationObserver((ms) => { for (const m of ms) if (m.target.classList?.contains('a')) window.__answerSteps++; })
          .observe(document.querySelector('cllr-chat').shadowRoot.querySelector('.log'),
                   {subtree: true, childList: true, characterData: true}); }""")
    box.press("Enter")  # keyboard: Enter submits the form

    answer = page.locator("cllr-chat .a").first
    answer.wait_for(state="attached")
    link = page.locator("cllr-chat ol.sources a").first
    link.wait_for(timeout=60_000)
    assert deltas == [200]
    text = answer.inner_text()
    assert "consultation" in text.lower(), text
    assert page.evaluate("window.__answerSteps") >= 2, "the answer did not arrive in pieces"
    assert page.locator("cllr-chat .log").get_attribute("aria-live") == "polite"
    assert page.locator("cllr-chat .abstained").count() == 0

    hrefs = [a.get_attribute("href") for a in page.locator("cllr-chat ol.sources a").all()]
    # citations open the cited-page viewer, the quoted words highlighted (issue 19)
    assert all(h.startswith(open_server.url + "/v1/documents/") and "/view?highlight=" in h for h in hrefs), hrefs
    assert any("/pages/4/view?" in h for h in hrefs), hrefs
    assert link.get_attribute("target") == "_blank"

    # the focus ring is visible when tabbing to the first source link
    page.locator("cllr-chat input").focus()
    focused_outline = None
    for _ in range(60):  # past the rest of the home page (its briefing and decisions views), round to the sources
        page.keyboard.press("Tab")
        tag = page.evaluate("() => document.querySelector('cllr-chat').shadowRoot.activeElement?.tagName")
        if tag == "A":
            focused_outline = page.evaluate(
                "() => getComputedStyle(document.querySelector('cllr-chat').shadowRoot.activeElement).outlineStyle"
            )
            break
    assert focused_outline not in (None, "none")

    shot = tmp_path / "cllr-widget.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nwidget screenshot: {shot}")
    assert shot.stat().st_size > 10_000

    # following the href opens the viewer, whose "whole PDF" link returns the PDF
    r = httpx.get(hrefs[0])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "<img src=" in r.text
    pdf = re.search(r'href="(/v1/documents/[^"]+/file[^"#]*)', r.text).group(1).replace("&amp;", "&")
    resp = page.request.get(open_server.url + pdf)
    assert resp.ok and resp.headers["content-type"] == "application/pdf"
    assert external == [], f"the widget reached outside the server: {external}"
    page.close()


def test_widget_shows_clearly_when_the_papers_dont_cover_it(browser, open_server):
    page = browser.new_page()
    page.goto(open_server.url + "/")
    box = page.get_by_label("Your question")
    box.fill("What is the price of a parking permit at Heathrow Terminal 5?")
    page.get_by_role("button", name="Ask").click()
    notice = page.locator("cllr-chat .abstained")
    notice.wait_for(timeout=60_000)
    assert notice.inner_text() == "The papers don't cover this."
    assert page.locator("cllr-chat ol.sources").count() == 0
    page.close()


def test_script_tag_alone_mounts_the_widget_with_its_api_key(browser, secure, tmp_path):
    """The one-tag embed on another (intranet) page: <script src=".../widget.js" data-api-key=...>."""
    page = browser.new_page()
    html = (
        f'<!doctype html><html><body><h1>Intranet</h1>'
        f'<script src="{secure.url}/widget.js" data-api-key="{KEYS["member"]}"></script></body></html>'
    )
    # Served from the API's own origin (CORS for other origins is covered in test_auth).
    page.route(secure.url + "/intranet-test", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(secure.url + "/intranet-test")
    assert page.locator("cllr-chat").count() == 1
    page.get_by_label("Your question").fill(DEMO_QUESTION)
    page.get_by_label("Your question").press("Enter")
    link = page.locator("cllr-chat ol.sources a").first
    link.wait_for(timeout=60_000)
    href = link.get_attribute("href")
    assert "sig=" in href and "/view?" in href  # a signed link: a new tab sends no API key
    r = httpx.get(href)
    assert r.status_code == 200 and "Highlighted on the page" in r.text
    page.close()
