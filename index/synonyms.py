"""Council papers' own words for what residents and councillors ask about. Keyword search only
matches words, so a question about "children in care" would miss a report that only says
"looked after children"; the keyword query is widened with the papers' terms (the dense query is
left as asked: the embedding model already relates the two).

Hand-written because no packaged thesaurus covers UK local-government usage; kept to terms of
art that name the same thing, never to loose associations."""

from __future__ import annotations

import re

_SAME = [
    ("children in care", "looked after children", "children looked after", "LAC"),
    ("in care", "looked after"),
    ("care leavers", "leaving care"),
    ("council-run", "in-house"),
    ("foster families", "foster carers", "fostering households", "foster carer households"),
    ("respite", "short breaks"),
    ("SEND", "special educational needs"),
    ("children's homes", "residential homes", "residential care homes"),
    ("councillors", "members"),
    ("chairs", "chairman", "chair"),
    ("led", "lead inspector", "reporting inspector"),
]
_RULES = [(re.compile(r"\b" + re.escape(t) + r"\b", re.I), group) for group in _SAME for t in group]


def widen(query: str) -> str:
    """The query followed by the papers' other names for the things it mentions."""
    extra: list[str] = []
    for rx, group in _RULES:
        if rx.search(query):
            extra += [t for t in group if t.lower() not in query.lower() and t not in extra]
    return query if not extra else f"{query} {' '.join(extra)}"
