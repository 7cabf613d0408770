"""The cited-page viewer and the briefing in real headless Chromium (Debian's), driven by
Playwright against live servers over the sample papers: keyboard use, WCAG 2.2 AA contrast of
every text element, no Content-Security-Policy violation, print layout; screenshots are written
to .cache/screenshots/ (paths printed)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.fixtures.live import KEYS, PACK, client

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SHOTS = Path(__file__).resolve().parents[2] / ".cache" / "screenshots"
MEETING = "2025-01-14-childrens-services-scrutiny-committee"
QUOTE = "That the Committee notes the projected overspend of £6.4 million and comments on the recovery actions"

# WCAG 2.x contrast of each visible text element against the first opaque background behind it;
# returns the elements below AA (4.5:1, or 3:1 for large text: 24px, or 18.66px bold).
CONTRAST_JS = """(root) => {
  const lum = (c) => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                         if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  for (const el of (root || document).querySelectorAll('h1,h2,h3,h4,h5,p,li,a,span,button,strong,summary,blockquote,figcaption,label')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const st = getComputedStyle(el);
    if (!own || st.visibility === 'hidden' || st.display === 'none' || !el.getClientRects().length) continue;
    const fg = rgb(st.color).slice(0, 3), b = bg(el);
    const [l1, l2] = [lum(fg), lum(b)].sort((x, y) => y - x);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = (size >= 24 || (size >= 18.66 && bold)) ? 3 : 4.5;
    if (ratio < need) bad.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)} < ${need}`);
  }
  return bad;
}"""


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"\nscreenshot: {path}")
    assert path.stat().st_size > 10_000
    return path


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, text: e.textContent.trim().slice(0, 60), outline: s.outlineStyle,
                shadow: s.boxShadow}; }""")


def test_the_viewer_shows_the_highlighted_page_and_turns_pages_by_keyboard(browser, secure, doc_ids):
    with client(secure, "member") as c:
        cites = c.post(
            "/v1/ask", json={"question": "What overspend does Children's Services forecast for 2024/25?"}
        ).json()["citations"]
    url = next(x["viewer_url"] for x in cites if x.get("viewer_url"))
    page = browser.new_page(viewport={"width": 1000, "height": 1100})
    errors = _csp_errors(page)
    page.goto(secure.url + url)  # a signed link, as a new tab opens it: no API key
    img = page.locator("figure img")
    img.wait_for()
    page.wait_for_function("() => document.querySelector('figure img').complete")
    assert page.evaluate("() => document.querySelector('figure img').naturalWidth") == 893
    assert "Highlighted on the page" in page.locator(".found").inner_text()
    assert page.locator("h1").inner_text().startswith("Agenda: Children's Services Scrutiny Committee")
    assert page.evaluate(CONTRAST_JS) == []
    _shot(page, "viewer-highlighted")

    # keyboard: the skip link first, then the page links, each with a visible focus ring
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to the page"
    page.keyboard.press("Tab")
    f = _focused(page)
    assert f["tag"] == "A" and "page" in f["text"].lower() and f["outline"] != "none"
    n = int(re.search(r"/pages/(\d+)/view", page.url).group(1))
    page.keyboard.press("ArrowRight")  # → turns to the next page
    page.wait_for_url(re.compile(rf"/pages/{n + 1}/view"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(re.compile(rf"/pages/{n}/view"))
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    page.close()


def test_a_public_reader_sees_the_withheld_notice_not_the_page(browser, open_server, doc_ids):
    pack = doc_ids[PACK]
    page = browser.new_page(viewport={"width": 1000, "height": 1100})
    page.goto(f"{open_server.url}/v1/documents/{pack}/pages/13/view")
    assert "This page is withheld" in page.locator(".notice").inner_text()
    assert "Harbourside" not in page.content()
    page.wait_for_function("() => document.querySelector('figure img').complete")
    assert page.evaluate(CONTRAST_JS) == []
    _shot(page, "viewer-withheld-public")
    page.close()


def test_the_home_page_briefing_view_by_keyboard_and_in_print(browser, open_server):
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    errors = _csp_errors(page)
    page.goto(open_server.url + "/")
    button = page.get_by_role("button", name=re.compile("Children's Services Scrutiny Committee"))
    button.wait_for(timeout=30_000)
    assert page.locator(".briefing-list .when").first.inner_text() == "held"
    button.focus()
    page.keyboard.press("Enter")  # a native button: Enter chooses the meeting
    heading = page.locator(".briefing-view h3")
    heading.wait_for(timeout=60_000)
    assert heading.inner_text().startswith("Briefing: Children's Services Scrutiny Committee")
    assert page.evaluate("() => document.activeElement.tagName") == "H3"  # focus moves to the briefing
    assert button.get_attribute("aria-current") == "true"
    recs = page.locator(".briefing-view ol.recommendations li")
    assert recs.count() >= 2
    assert any("projected overspend of £6.4 million" in t for t in recs.all_inner_texts())
    cite = page.locator(".briefing-view a.cite").first
    assert re.search(r"/v1/documents/[0-9a-f]+/pages/\d+/view\?highlight=", cite.get_attribute("href"))
    assert "Harbourside" not in page.content()  # the open page is a public caller's
    assert page.evaluate(CONTRAST_JS) == []
    _shot(page, "home-briefing-view")

    # the citation opens the viewer at its page with the words highlighted
    with page.context.expect_page() as new:
        cite.click()
    viewer = new.value
    viewer.wait_for_load_state()
    assert "/view?highlight=" in viewer.url and viewer.locator("figure img").count() == 1
    viewer.close()

    page.emulate_media(media="print")  # councillors print: only the briefing
    assert page.evaluate("() => getComputedStyle(document.querySelector('cllr-chat')).display") == "none"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.briefing-list')).display") == "none"
    assert page.locator(".briefing-view").is_visible()
    _shot(page, "home-briefing-print")
    page.pdf(path=str(SHOTS / "home-briefing-print.pdf"))
    assert (SHOTS / "home-briefing-print.pdf").stat().st_size > 5_000
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    page.close()


def test_the_printable_briefing_page(browser, secure):
    page = browser.new_page(
        viewport={"width": 1000, "height": 1200}, extra_http_headers={"Authorization": f"Bearer {KEYS['officer']}"}
    )
    errors = _csp_errors(page)
    page.goto(f"{secure.url}/v1/meetings/{MEETING}/briefing?format=html")
    assert (
        page.locator("h1").inner_text() == "Briefing: Children's Services Scrutiny Committee — Tuesday 14 January 2025"
    )
    assert page.locator("section.item").count() >= 5 and page.locator(".badge").count() >= 1  # Part II, for an officer
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to the briefing"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    assert page.evaluate(CONTRAST_JS) == []
    _shot(page, "briefing-page")
    page.emulate_media(media="print")
    assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).display") == "none"
    _shot(page, "briefing-page-print")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    page.close()
    assert httpx.get(f"{secure.url}/v1/meetings/{MEETING}/briefing?format=html").status_code == 401
