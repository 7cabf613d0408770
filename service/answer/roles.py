"""Who holds a role, as the papers print it beside a name: "Reporting inspector A Lowe HMI",
"Cllr A Fenwick, Chairman of the Environment Committee", "Report of: Simon Ferreira",
"chaired by Pat Example". Search ranks such a line low (a name and a title are few words in a
long passage), so a question asking who holds a role also looks for these lines in the papers it
retrieved."""

from __future__ import annotations

import re

# role asked about -> (words that pre-select pages, the line pattern: the role beside a name)
_NAME = r"(?:(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr|Sir|Dame)\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z]\.?)*\s+[A-Z][A-Za-z'-]+"
ROLE_LINES: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    "chair": (
        ("chair",),
        re.compile(
            rf"{_NAME}\s*(?:\((?:Vice[- ])?Chair(?:man|woman|person)?\)|,\s*(?:Vice[- ])?Chair(?:man|woman|person)?\b)|"
            rf"\bChair(?:man|woman|person)?\s*:\s*{_NAME}|\bchaired by\s+{_NAME}"
        ),
    ),
    "lead": (
        ("inspector", "led by"),
        re.compile(rf"\b(?:lead|reporting) inspector\s*:?\s*{_NAME}|\bled by\s+{_NAME}", re.I),
    ),
    "author": (
        ("author", "contact officer"),
        re.compile(rf"\b(?:report )?author\s*:?\s*{_NAME}|\bcontact officer\s*:?\s*{_NAME}", re.I),
    ),
    "director": (
        ("director",),
        re.compile(rf"{_NAME},?\s*\(?(?:Corporate |Executive |Strategic |Interim |Acting )?Director\b"),
    ),
}
_ASKS = [
    ("chair", re.compile(r"\bchair(s|ed|man|woman|person)?\b", re.I)),
    ("lead", re.compile(r"\b(led|lead|leads|leading)\b", re.I)),
    ("author", re.compile(r"\b(wrote|written|author|authored)\b", re.I)),
    ("director", re.compile(r"\bdirector\b", re.I)),
    ("present", re.compile(r"\b(presented|introduced)\b", re.I)),  # scored as a cue; no role line
]


def roles_asked(question: str) -> list[str]:
    """The roles a question asks about ("who chaired …" -> ["chair"])."""
    return [r for r, rx in _ASKS if rx.search(question)]
