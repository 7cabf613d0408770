"""Questions about what has been decided on a topic ("What has been decided about school transport?",
"What have we decided on devolution?", "What decisions has the committee made about X?") are
answered with the decision register's timeline (index/decisions.py): the decisions on the topic,
oldest first, one line each with its citation. The quote of each citation is the decision's opening
words as printed on its page, so it is verified like any quote.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from service.answer.types import Citation

# the shapes of the question, not its words: "what has/have (we|the X) decided about|on|regarding T",
# "what decisions have/has (been) made|taken about T", "the history / timeline of (the) decisions on
# T". In the perfect: "what did the committee decide ... at its meeting on ..." asks about one
# meeting and is answered from its minute as before.
_ASKS = re.compile(
    r"(?i)^\s*(?:(?:so|and|ok(?:ay)?)[,\s]+)?(?:"
    r"what\s+(?:has|have|had)\s+(?:been|we|they|(?:the\s+)?(?P<body>[\w'’ -]{2,60}?))\s+decided\s+(?:so\s+far\s+)?"
    r"|what\s+decisions\s+(?:have|has|had|were)\s+(?:been\s+)?(?:[\w'’ -]{2,60}?\s+)?(?:made|taken)\s+"
    r"|(?:give\s+me\s+|show\s+me\s+)?(?:the\s+)?(?:history|timeline)\s+of\s+(?:the\s+)?decisions\s+)"
    r"(?:about|on|regarding|concerning|over|in\s+relation\s+to|for)\s+(?P<topic>.+?)\s*\??\s*$"
)
QUOTE_CHARS = 160


def body_asked(question: str) -> str | None:
    """The body a "what has the Cabinet decided about ..." question names (a committee filter)."""
    m = _ASKS.match(question or "")
    body = (m.group("body") or "").strip() if m else ""
    return body if body and body.lower() not in ("council", "the council") else None


def topic_asked(question: str) -> str | None:
    """The topic of a "what has been decided about ..." question, else None."""
    m = _ASKS.match(question or "")
    if not m:
        return None
    topic = re.sub(r"(?i)^(?:the\s+)?(?:topic|matter|subject|issue)\s+of\s+", "", m.group("topic")).strip(" .?!")
    return topic or None


def _quote(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= QUOTE_CHARS else words[:QUOTE_CHARS].rsplit(" ", 1)[0]


def timeline_answer(
    library: Any,
    topic: str,
    role: str,
    filters: Any = None,
    body: str | None = None,
    sourced: Callable[[Citation], Citation] = lambda c: c,
) -> tuple[str, list[Citation]] | None:
    """The timeline as an answer: one numbered line per decision with its citation marker; None
    when the register has no decision on the topic (the engine answers as usual). `sourced` completes
    a citation from its paper (the council's page, whether the paper has printed pages) before its
    marker is written: a minute published as HTML is cited by its number, never by a page."""
    fn = getattr(library, "decision_timeline", None)
    if fn is None:
        return None
    kw: dict[str, Any] = {"committee": body}
    if filters is not None:
        kw = {
            "committee": filters.committee or body,
            "council": filters.council,
            "date_from": filters.date_from,
            "date_to": filters.date_to,
        }
    steps = fn(topic, role=role, **kw)
    if not steps:
        return None
    lines, cites = [], []
    for n, st in enumerate(steps, 1):
        r = st.record
        c = sourced(
            Citation(
                source=r.source,
                doc_id=r.doc_id,
                pdf_page=r.pdf_page,
                page_label=r.page_label,
                item=r.minute or r.agenda_item,
                quote=_quote(r.text),
                committee=r.committee,
                meeting_date=r.meeting_date.isoformat() if r.meeting_date else None,
                kind="minute" if r.minute else "item",
            )
        )
        cites.append(c)
        when = r.meeting_date.strftime("%-d %B %Y") if r.meeting_date else "Undated"
        lines.append(f"{n}. {when}: {r.line()} {c.marker()}")
    head = f"Decisions on {topic}, oldest first:"
    return head + "\n" + "\n".join(lines), cites
