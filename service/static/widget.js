/* cllr chat widget: <cllr-chat> — ask the committee papers, answers cited to item and page.
 *
 * Embed with one tag:
 *   <script src="https://cllr.example/widget.js" data-api-key="KEY"></script>   (auto-mounts a panel)
 * or place <cllr-chat api-key="KEY"></cllr-chat> where the panel should go and load the script.
 *
 * Self-contained on purpose: intranet pages often forbid third-party CDNs, so there are no imports,
 * no fonts and no framework. Its styles come from widget.css beside it (no inline code, so a page's
 * Content-Security-Policy needs only script-src, style-src and connect-src to name the cllr origin).
 * Talks to the OpenAI-compatible /v1/chat/completions with stream=true and reads the Server-Sent
 * Events itself (EventSource cannot POST or send an API key).
 */
(() => {
  "use strict";
  if (window.customElements && customElements.get("cllr-chat")) return;

  const script = document.currentScript;
  const scriptSrc = script && script.src ? script.src : "";
  // The API lives where the script came from, unless the element says otherwise.
  const defaultBase = scriptSrc ? scriptSrc.replace(/\/widget\.js(?:[?#].*)?$/, "") : location.origin;
  const scriptKey = script ? script.getAttribute("data-api-key") : null;

  class CllrChat extends HTMLElement {
    constructor() {
      super();
      this.messages = [];          // the conversation so far, sent back for follow-up questions
      this.conversationId = null;
      const root = this.attachShadow({ mode: "open" });
      const id = "cllr-q-" + Math.random().toString(36).slice(2, 8);
      root.innerHTML = `
        <section class="panel" aria-label="Ask the committee papers" hidden>
          <h2 part="heading"></h2>
          <div class="log" role="log" aria-live="polite" aria-relevant="additions text"></div>
          <p class="status" role="status"></p>
          <form novalidate>
            <label class="visually-hidden" for="${id}">Your question</label>
            <input id="${id}" name="q" type="text" autocomplete="off" maxlength="2000" required
                   placeholder="e.g. What did the committee resolve about school transport?">
            <button type="submit">Ask</button>
          </form>
        </section>`;
      // The stylesheet is a file beside this script, not an inline style element: a page whose CSP says
      // style-src 'self' (cllr's own demo page) or names the cllr origin can then allow it. The panel
      // stays hidden until it has loaded (or failed to), so it never flashes unstyled.
      const panel = root.querySelector(".panel");
      const sheet = document.createElement("link");
      sheet.rel = "stylesheet";
      sheet.href = defaultBase + "/widget.css";
      const show = () => { panel.hidden = false; };
      sheet.addEventListener("load", show);
      sheet.addEventListener("error", show);
      root.prepend(sheet);
      this.$log = root.querySelector(".log");
      this.$status = root.querySelector(".status");
      this.$form = root.querySelector("form");
      this.$input = root.querySelector("input");
      this.$button = root.querySelector("button");
      root.querySelector("h2").textContent = this.getAttribute("heading") || "Ask the committee papers";
      // A native form: Enter in the box submits, the button is reachable by Tab.
      this.$form.addEventListener("submit", (ev) => { ev.preventDefault(); this.ask(); });
    }

    get apiBase() { return (this.getAttribute("api-base") || defaultBase).replace(/\/$/, ""); }
    get apiKey() { return this.getAttribute("api-key") || scriptKey; }

    link(url) { return /^https?:/.test(url) ? url : this.apiBase + url; }

    async ask() {
      const question = this.$input.value.trim();
      if (!question || this.$button.disabled) return;
      this.$input.value = "";
      this.busy(true);
      const q = document.createElement("p"); q.className = "q"; q.textContent = question;
      const a = document.createElement("p"); a.className = "a";
      this.$log.append(q, a);
      const history = this.messages.slice();
      this.messages.push({ role: "user", content: question });
      try {
        const headers = { "Content-Type": "application/json", "Accept": "text/event-stream" };
        if (this.apiKey) headers["Authorization"] = "Bearer " + this.apiKey;
        const body = { model: "cllr", stream: true, messages: history.concat([{ role: "user", content: question }]) };
        if (this.conversationId) body.conversation_id = this.conversationId;
        const res = await fetch(this.apiBase + "/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(await errorMessage(res));
        let final = null;
        for await (const event of sse(res)) {
          if (event.error) throw new Error(event.error.message || "the answer failed");
          const delta = event.choices && event.choices[0] && event.choices[0].delta || {};
          if (delta.content) { a.textContent += delta.content; this.$log.scrollTop = this.$log.scrollHeight; }
          if (event.citations) final = event;
        }
        this.finish(a, final);
      } catch (err) {
        this.messages.pop();
        const e = document.createElement("p"); e.className = "error"; e.setAttribute("role", "alert");
        e.textContent = "Sorry, no answer: " + (err && err.message ? err.message : err);
        a.replaceWith(e);
      } finally {
        this.busy(false);
        this.$input.focus();
      }
    }

    finish(a, final) {
      a.textContent = a.textContent.trim();
      this.messages.push({ role: "assistant", content: a.textContent });
      if (!final) return;
      if (final.conversation_id) this.conversationId = final.conversation_id;
      if (final.abstained || !final.citations.length) {
        const n = document.createElement("p"); n.className = "abstained";
        n.textContent = "The papers don't cover this.";
        a.after(n);
        return;
      }
      const list = document.createElement("ol"); list.className = "sources"; list.setAttribute("aria-label", "Sources");
      for (const c of final.citations) {
        const li = document.createElement("li");
        const link = document.createElement("a");
        // the cited-page viewer (the page with the quoted words highlighted), else the PDF at the page
        link.href = this.link(c.viewer_url || c.url);
        link.target = "_blank"; link.rel = "noopener";
        link.textContent = c.label || (c.source + ", p. " + (c.page_label || c.pdf_page));
        link.title = "Open " + c.source + " at PDF page " + c.pdf_page + (c.viewer_url ? ", the quoted words highlighted" : "");
        li.append(link);
        list.append(li);
      }
      a.after(list);
    }

    busy(on) {
      this.$button.disabled = on;
      this.$log.setAttribute("aria-busy", on ? "true" : "false");
      this.$status.textContent = on ? "Searching the papers…" : "";
    }
  }

  async function errorMessage(res) {
    try { const j = await res.json(); return (j.error && j.error.message) || j.detail || res.statusText; }
    catch (_) { return res.status + " " + res.statusText; }
  }

  // Server-Sent Events over fetch: events are separated by a blank line, payload lines start "data:".
  async function* sse(res) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      buf += decoder.decode(value || new Uint8Array(), { stream: !done });
      let cut;
      while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
        const raw = buf.slice(0, cut); buf = buf.slice(cut).replace(/^\r?\n\r?\n/, "");
        const data = raw.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (!data) continue;
        if (data === "[DONE]") return;
        yield JSON.parse(data);
      }
      if (done) return;
    }
  }

  customElements.define("cllr-chat", CllrChat);

  // <script src=".../widget.js" data-api-key="…"> alone mounts a panel right after itself.
  function autoMount() {
    if (!script || document.querySelector("cllr-chat")) return;
    if (!script.hasAttribute("data-api-key") && !script.hasAttribute("data-mount")) return;
    const el = document.createElement("cllr-chat");
    script.after(el);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();
