"""The home page's Decisions view in real headless Chromium (Debian's), driven by Playwright against a
live server over the sample papers: by keyboard alone, search a topic, read the timeline and the
ranked decisions, open a cited page, download the CSV; check what a screen reader is given (labels,
the status line, list structure, link names) and the contrast of the text (WCAG 2.2 AA)."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest


pytestmark = [pytest.mark.integration, pytest.mark.browser]
REPO = Path(__file__).resolve().parents[2]

# the contrast ratio of an element's text on the background it is drawn on (WCAG 2.x relative luminance)
CONTRAST_JS = """(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null, node = el;
  while (node && node.nodeType === 1) { const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c.slice(0, 3); break; } node = node.parentElement; }
  bg = bg || [255, 255, 255];
  const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_decisions_view_by_keyboard_with_a_screenshot(browser, open_server, tmp_path):
    page = browser.new_page(viewport={"width": 1000, "height": 1100})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(open_server.url) else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # CSP refusals land here
    page.goto(open_server.url + "/")
    section = page.locator("#cllr-decisions")
    assert section.get_by_role("heading", name="Decisions").count() == 1
    topic = section.get_by_label("Topic", exact=True)
    for label in ("Committee", "Meetings from", "Meetings to", "Outcome"):  # every control has its label
        assert section.get_by_label(label, exact=True).count() == 1, label

    topic.focus()
    page.keyboard.type("work programme")
    page.keyboard.press("Enter")  # the native form: Enter searches
    status = section.locator(".decisions-status")
    status.filter(has_text="found").wait_for(timeout=60_000)
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == "2 decisions found; the timeline has 2 steps."

    timeline = section.get_by_role("list", name="What has been decided, oldest first")
    steps = timeline.locator("> li")
    assert steps.count() == 2
    assert [steps.nth(i).locator("time").get_attribute("datetime") for i in range(2)] == ["2024-11-12", "2025-01-14"]
    assert "Children's Services Scrutiny Committee agreed: the work programme be agreed" in steps.nth(0).inner_text()
    found = section.get_by_role("list", name="Decisions found, best match first")
    assert found.locator("> li").count() == 2
    assert found.locator("article").first.locator(".outcome").inner_text() == "Agreed"  # the outcome in words

    # the citations are links that say what they open; the first opens the paper at its page
    link = timeline.get_by_role("link").first
    name = link.get_attribute("aria-label")
    assert name.startswith("Open northshire_cssc_2025-01-14_agenda_pack.pdf, minute 48, page 3") and "new tab" in name
    href = link.get_attribute("href")
    assert "/v1/documents/" in href and ("/pages/5/view" in href or href.endswith("#page=5")), href

    # Tab from the topic box reaches the citations, each with a visible focus ring
    topic.focus()
    outline = None
    for _ in range(30):  # the form's controls (a date field's day, month and year each), then the links
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('cite')"):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            break
    assert outline not in (None, "none")

    # narrowing by outcome from the keyboard: no decision was only noted
    section.get_by_label("Outcome", exact=True).select_option("noted")
    section.get_by_role("button", name="Search decisions").press("Enter")
    status.filter(has_text="No decisions found.").wait_for(timeout=60_000)
    section.get_by_label("Outcome", exact=True).select_option("")
    section.get_by_role("button", name="Search decisions").click()
    status.filter(has_text="2 decisions found").wait_for(timeout=60_000)

    # the CSV the page offers downloads the decisions found
    csv_link = section.get_by_role("link", name="Download these decisions as CSV")
    r = httpx.get(csv_link.get_attribute("href"))
    assert r.status_code == 200 and r.text.splitlines()[0].startswith("meeting_date,council,committee,minute")
    assert len(r.text.strip().splitlines()) == 3

    # contrast of the view's text (AA: 4.5 for body text)
    for selector in (".decisions-status", ".outcome", ".title", ".printed", "a.cite", "ol.timeline time", "label"):
        el = section.locator(selector).first
        ratio = el.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, (selector, ratio)

    shot = tmp_path / "cllr-decisions.png"
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=True)
    keep = REPO / "out" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / "cllr-decisions.png")
    print(f"\ndecisions screenshot: {shot} (copied to {keep / 'cllr-decisions.png'})")
    assert shot.stat().st_size > 20_000
    assert outside == [], f"the view reached outside the server: {outside}"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.close()
