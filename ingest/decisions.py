"""Decision-recording forms: one decision per page, its parts in lettered fields.

Executive and officer decisions are published as forms ("Record of Decision", "Decision Notice",
"Officer Decision Record"): a reference, a subject, then fields lettered (a), (b), (c), (d) - the
decision, the reasons, the alternatives rejected, conflicts of interest - or the same fields by
label ("Decision:", "Reasons for the decision:"). Each page becomes a Minute record: its number is
the printed reference (else the page's position among the decisions), its resolved line the
decision field, so decisions are found and cited like any minute.
"""

from __future__ import annotations

import re

from ingest.models import Minute

_FORM_HEAD = re.compile(
    r"(?im)^\s*(?:record\s+of\s+(?:an?\s+)?(?:\w+\s+){0,2}decision|(?:\w+\s+)?decision\s+(?:notice|record|"
    r"sheet)|notice\s+of\s+(?:\w+\s+)?decision)\b"
)
_REF = re.compile(
    r"(?im)^\s*(?:decision\s+(?:no|number|ref(?:erence)?)|ref(?:erence)?(?:\s+no)?|"
    r"key\s+decision\s+(?:no|number))\b\.?\s*[:.]?\s*(?P<ref>[A-Z0-9][\w/.-]{1,30})\s*$"
)
_SUBJECT = re.compile(r"(?im)^\s*(?:subject|title|decision\s+title|report\s+title|matter)\s*:\s*(?P<s>.+)$")
_FIELD = re.compile(r"(?m)^\s*\((?P<letter>[a-h])\)\s*(?P<rest>.*)$")
_DECISION_LABEL = re.compile(
    r"(?im)^\s*(?:\([a-h]\)\s*)?(?:the\s+)?(?:decision(?:\s+taken|\s+made)?|details\s+of\s+"
    r"(?:the\s+)?decision)\s*(?::[ \t]*(?P<rest>.*)|$)"
)
_NEXT_LABEL = re.compile(
    r"(?im)^\s*(?:\([a-h]\)|(?:reasons?|alternative|conflicts?|dispensation|consultation|"
    r"signed|date|decision\s+maker|contact)\b[^\n]{0,60}:)"
)


def _field_text(text: str, start: int) -> str:
    """The text of a field from `start` up to the next lettered or labelled field."""
    m = _NEXT_LABEL.search(text, start)
    body = text[start : m.start() if m else len(text)]
    return re.sub(r"\s+", " ", body).strip()


def _decision(text: str) -> str | None:
    m = _DECISION_LABEL.search(text)
    if m:
        return _field_text(text, m.start("rest") if m.group("rest") is not None else m.end()) or None
    fields = list(_FIELD.finditer(text))
    if fields:  # (a) is the decision when the fields carry no labels
        return _field_text(text, fields[0].start("rest")) or None
    return None


def is_form_page(text: str) -> bool:
    return bool(_FORM_HEAD.search(text)) and (len(_FIELD.findall(text)) >= 2 or bool(_DECISION_LABEL.search(text)))


def parse_decision_pages(pages: list[str]) -> list[Minute]:
    out: list[Minute] = []
    for i, text in enumerate(pages):
        if not is_form_page(text):
            continue
        ref = _REF.search(text)
        subject = _SUBJECT.search(text)
        decision = _decision(text)
        number = ref.group("ref") if ref else str(len(out) + 1)
        title = re.sub(r"\s+", " ", subject.group("s")).strip() if subject else (decision or "")[:120]
        out.append(
            Minute(
                number=number[:32],
                title=title,
                pdf_pages=(i + 1, i + 1),
                resolved=[decision] if decision else [],
                resolved_pages=[i + 1] if decision else [],
            )
        )
    return out
