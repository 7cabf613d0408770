/* The home page's Briefing view: meetings to come, then those held (GET /v1/briefings); choosing
 * one shows its briefing (GET /v1/meetings/{id}/briefing) in the page, each line with a link to
 * the cited page, the quoted words highlighted. Text is set with textContent only, never parsed as
 * HTML. The API key, when the page has one, is the widget's (<script data-api-key> or
 * <cllr-chat api-key>). Keyboard: the meetings are buttons; choosing one moves focus to its
 * briefing's heading; "Print this briefing" prints only the briefing (briefing.css).
 */
(() => {
  "use strict";
  const root = document.getElementById("cllr-briefings");
  if (!root) return;
  const list = root.querySelector(".briefing-list");
  const view = root.querySelector(".briefing-view");
  const status = root.querySelector(".status");
  const keyed = document.querySelector("script[data-api-key]");
  const chat = document.querySelector("cllr-chat[api-key]");
  const key = (keyed && keyed.getAttribute("data-api-key")) || (chat && chat.getAttribute("api-key")) || null;
  const SECTIONS = [["purpose", "Purpose"], ["recommendations", "Recommendations, as printed"],
                    ["authors", "Report author and contact"], ["figures", "Key figures"],
                    ["earlier", "Earlier decisions on this topic"]];

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  async function api(path) {
    const headers = { "Accept": "application/json" };
    if (key) headers["Authorization"] = "Bearer " + key;
    const res = await fetch(path, { headers });
    if (!res.ok) {
      let msg = res.status + " " + res.statusText;
      try { const j = await res.json(); msg = (j.error && j.error.message) || j.detail || msg; } catch (_) { /* keep */ }
      throw new Error(msg);
    }
    return res.json();
  }

  function day(iso) {
    return new Date(iso + "T12:00:00").toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }

  function pageRef(line) {
    return (line.page_label ? "p. " + line.page_label : "PDF p. " + line.pdf_page) + (line.item ? ", item " + line.item : "");
  }

  function lineItem(line, key) {
    const li = el("li");
    if (key === "figures" && line.lead) li.append(el("strong", {}, line.lead), " — ");
    else if (key === "earlier" && line.lead) li.append(el("span", { class: "minute" }, line.lead + ": "));
    else if (line.lead) li.append(el("span", { class: "lead" }, line.lead), " ");
    li.append(el("span", { class: "printed" }, line.text), " ");
    li.append(el("a", { class: "cite", href: line.viewer_url, target: "_blank", rel: "noopener",
                        "aria-label": "Open " + line.source + ", " + pageRef(line) + " with these words highlighted" },
                 pageRef(line)));
    return li;
  }

  function render(b) {
    view.replaceChildren();
    const h = el("h3", { tabindex: "-1" }, "Briefing: " + (b.committee || "Meeting") + " — " + day(b.meeting_date));
    const facts = [b.council, b.meeting_time, b.venue].filter(Boolean).join(" · ");
    const print = el("button", { type: "button", class: "print" }, "Print this briefing");
    print.addEventListener("click", () => window.print());
    view.append(h, el("p", {}, facts), el("p", {}, b.counts.to_decide + " item(s) with decisions asked for; " +
                b.counts.recommendations + " recommendation(s), each as printed and cited to its page."), print);
    const procedure = [];
    for (const item of b.items) {
      if (item.procedural) { procedure.push(item); continue; }
      const block = el("section", { class: "item-block" });
      const title = el("h4", {}, item.number + ". " + item.title);
      if (item.part2) title.append(" ", el("span", { class: "badge" }, "Part II — exempt"));
      block.append(title);
      for (const [k, label] of SECTIONS) {
        const lines = item[k] || [];
        if (!lines.length) continue;
        const listEl = el(k === "recommendations" ? "ol" : "ul", { class: k });
        let lead = null;
        for (const line of lines) {
          const shown = k === "recommendations" && line.lead === lead ? { ...line, lead: "" } : line;
          lead = line.lead;
          listEl.append(lineItem(shown, k));
        }
        block.append(el("h5", {}, label), listEl);
      }
      for (const note of item.notes || []) block.append(el("p", { class: "note" }, note));
      view.append(block);
    }
    if (procedure.length) {
      const ul = el("ul");
      for (const item of procedure) {
        const li = el("li", {}, item.number + ". " + item.title);
        const line = (item.recommendations || [])[0];
        if (line) li.append(" — ", el("span", { class: "printed" }, line.text), " ",
                            el("a", { class: "cite", href: line.viewer_url, target: "_blank", rel: "noopener" }, pageRef(line)));
        ul.append(li);
      }
      view.append(el("section", { class: "item-block" }, el("h4", {}, "Procedural items"), ul));
    }
    document.body.classList.add("showing-briefing");
    h.focus();
  }

  async function open(meeting, button) {
    for (const b of list.querySelectorAll("button")) b.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
    status.textContent = "Preparing the briefing…";
    try {
      render(await api(meeting.briefing_url));
      status.textContent = "";
    } catch (err) {
      status.textContent = "Sorry, no briefing: " + (err && err.message ? err.message : err);
    }
  }

  async function start() {
    status.textContent = "Loading meetings…";
    try {
      const data = await api("/v1/briefings?limit=50");
      const ol = el("ol", { "aria-label": "Meetings" });
      for (const m of data.results) {
        const button = el("button", { type: "button" }, (m.committee || "Meeting") + " — " + day(m.meeting_date));
        button.addEventListener("click", () => open(m, button));
        ol.append(el("li", {}, button, el("span", { class: "when" }, m.upcoming ? "upcoming" : "held")));
      }
      list.replaceChildren(data.results.length ? ol : el("p", {}, "No meetings in the papers held yet."));
      status.textContent = "";
    } catch (err) {
      status.textContent = "Sorry, the meetings could not be listed: " + (err && err.message ? err.message : err);
    }
  }

  start();
})();
