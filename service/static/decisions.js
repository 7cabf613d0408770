/* The home page's Decisions view: search the decision register by topic (GET /v1/decisions), narrow it
 * by committee, meeting dates and outcome, read what has been decided about the topic as a timeline,
 * oldest first (GET /v1/decisions/timeline), and download the list as CSV (format=csv).
 *
 * Accessible by construction: a native form (every control has a visible label; Enter searches), a
 * status line announced politely (role=status) with how many decisions were found, results and the
 * timeline as ordered lists under their own headings, each decision's outcome in words (never colour
 * alone), each citation a real link whose accessible name says which paper and page it opens. Text is
 * set with textContent only, never parsed as HTML. A decision opens the cited-page viewer where the
 * service gives one (viewer_url), else the paper at its page. The API key, when the page has one, is
 * the section's data-api-key (or the widget's). Styles are decisions.css beside this file (no inline
 * style: the page's Content-Security-Policy allows only its own files).
 */
(() => {
  "use strict";
  const root = document.getElementById("cllr-decisions");
  if (!root) return;
  const script = document.currentScript;
  const base = script && script.src ? script.src.replace(/\/decisions\.js(?:[?#].*)?$/, "") : location.origin;
  const sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = base + "/decisions.css";
  document.head.append(sheet);

  const form = root.querySelector("form");
  const status = root.querySelector(".decisions-status");
  const csv = root.querySelector("a.csv");
  const actions = root.querySelector(".decisions-actions");
  const timelineHead = root.querySelector(".timeline-head");
  const timeline = root.querySelector("ol.timeline");
  const resultsHead = root.querySelector(".results-head");
  const results = root.querySelector("ol.decision-list");
  const keyed = root.getAttribute("data-api-key") || (document.querySelector("script[data-api-key]") || { getAttribute: () => null }).getAttribute("data-api-key");
  const chat = document.querySelector("cllr-chat[api-key]");
  const key = keyed || (chat && chat.getAttribute("api-key")) || null;
  const OUTCOME = { agreed: "Agreed", amended: "Agreed as amended", deferred: "Deferred", refused: "Refused",
                    noted: "Noted", recommended: "Recommended to another body" };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== "") node.append(c);
    return node;
  }

  async function api(path) {
    const headers = { "Accept": "application/json" };
    if (key) headers["Authorization"] = "Bearer " + key;
    const res = await fetch(base + path, { headers });
    if (!res.ok) {
      let msg = res.status + " " + res.statusText;
      try { const j = await res.json(); msg = (j.error && j.error.message) || j.detail || msg; } catch (_) { /* keep */ }
      throw new Error(msg);
    }
    return res.json();
  }

  function day(iso) {
    if (!iso) return "Undated";
    return new Date(iso + "T12:00:00").toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  function pageRef(d) {
    return d.page_label ? "page " + d.page_label : "PDF page " + d.pdf_page;
  }

  function citeLink(d) {
    const where = (d.minute ? "minute " + d.minute + ", " : "") + pageRef(d);
    return el("a", { class: "cite", href: d.viewer_url || d.url, target: "_blank", rel: "noopener",
                     "aria-label": "Open " + d.source + ", " + where + " (opens in a new tab)" }, where);
  }

  function voteText(v) {
    if (!v) return null;
    const n = (x) => (x === null || x === undefined ? "–" : x);
    return "Recorded vote: " + n(v.for) + " for, " + n(v.against) + " against, " + n(v.abstain) + " abstaining" +
           (v.outcome ? " (" + v.outcome + ")" : "");
  }

  function decisionItem(d) {
    const head = el("h4", {}, (d.committee || d.council || d.source) + ", " + day(d.meeting_date) +
                    (d.minute ? " — minute " + d.minute : d.agenda_item ? " — item " + d.agenda_item : ""));
    const meta = el("p", { class: "meta" },
                    el("span", { class: "outcome outcome-" + d.outcome }, OUTCOME[d.outcome] || d.outcome),
                    d.restricted ? el("span", { class: "badge" }, "Part II") : null,
                    " ", d.minute_title ? el("span", { class: "title" }, d.minute_title) : null);
    const body = [];
    if (d.parts && d.parts.length) {
      const ol = el("ol", { class: "parts" });
      for (const p of d.parts) {
        ol.append(el("li", {}, p.label ? el("span", { class: "label" }, "(" + p.label + ") ") : null, p.text,
                     p.outcome !== d.outcome ? el("span", { class: "part-outcome" }, " — " + (OUTCOME[p.outcome] || p.outcome)) : null));
      }
      const headText = d.text.split(/\s(?=\(?[a-z0-9ivx]{1,3}[.)]\s|•)/i)[0];
      if (headText && headText.length < d.text.length) body.push(el("p", { class: "printed" }, headText));
      body.push(ol);
    } else {
      body.push(el("p", { class: "printed" }, d.text));
    }
    const vote = voteText(d.vote);
    const links = el("p", { class: "links" }, citeLink(d));
    if (d.report && d.report.url) {
      links.append(" · ", el("a", { href: d.report.url, target: "_blank", rel: "noopener",
                                   "aria-label": "Open the report it decided on, " + (d.report.source || "") + " (opens in a new tab)" },
                             "the report"));
    }
    return el("li", {}, el("article", { "aria-label": "Decision: " + (d.minute_title || d.line) },
                           head, meta, ...body, vote ? el("p", { class: "vote" }, vote) : null, links));
  }

  function timelineItem(s) {
    return el("li", {}, el("time", { datetime: s.meeting_date || "" }, day(s.meeting_date)), " ",
              el("span", { class: "line" }, s.line), " ", citeLink(s),
              s.linked ? el("span", { class: "linked" }, " (linked by the papers)") : null);
  }

  function query() {
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const [k, v] of data.entries()) if (String(v).trim()) params.set(k, String(v).trim());
    return params;
  }

  async function search(ev) {
    if (ev) ev.preventDefault();
    const params = query();
    const topic = params.get("q") || "";
    status.textContent = "Searching the decisions…";
    results.replaceChildren();
    timeline.replaceChildren();
    timelineHead.hidden = resultsHead.hidden = true;
    actions.hidden = true;
    try {
      const list = new URLSearchParams(params);
      list.set("limit", "25");
      const calls = [api("/v1/decisions?" + list.toString())];
      if (topic) calls.push(api("/v1/decisions/timeline?" + params.toString()));
      const [found, steps] = await Promise.all(calls);
      for (const d of found.results) results.append(decisionItem(d));
      resultsHead.hidden = found.results.length === 0;
      if (steps && steps.steps.length) {
        for (const s of steps.steps) timeline.append(timelineItem(s));
        timelineHead.hidden = false;
      }
      const total = found.pagination.total;
      status.textContent = total === 0 ? "No decisions found." :
        total + (total === 1 ? " decision" : " decisions") + " found" +
        (total > found.results.length ? ", showing the first " + found.results.length : "") +
        (steps ? "; the timeline has " + steps.steps.length + (steps.steps.length === 1 ? " step." : " steps.") : ".");
      if (total > 0) {
        const exp = new URLSearchParams(params);
        exp.set("format", "csv");
        csv.href = base + "/v1/decisions?" + exp.toString();
        actions.hidden = false;
      }
    } catch (err) {
      status.textContent = "The decisions could not be searched: " + err.message;
    }
  }

  // With an API key a plain link would arrive without it: fetch the CSV and hand the browser the file.
  csv.addEventListener("click", async (ev) => {
    if (!key) return;
    ev.preventDefault();
    const res = await fetch(csv.href, { headers: { "Authorization": "Bearer " + key } });
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: "decisions.csv" });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  });
  form.addEventListener("submit", search);
})();
