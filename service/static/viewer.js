/* The cited-page viewer's keyboard: ← previous page, → next page (the links do the same by Tab
 * and Enter). Ignored while a modifier is held or focus is in a form field. */
(() => {
  "use strict";
  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const link = ev.key === "ArrowLeft" ? document.getElementById("prev")
               : ev.key === "ArrowRight" ? document.getElementById("next") : null;
    if (link) { ev.preventDefault(); window.location.assign(link.href); }
  });
})();
