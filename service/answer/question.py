"""What a question asks for: its content terms, the kind of answer it wants, and the
dates/years/places it is pinned to. The cues steer scoring; they never pick a fixed answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.answer.text import clean, content_stems

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Full names and the usual abbreviations only: "dec[a-z]*" would read "decide" as December.
MONTH_RE = "|".join(MONTHS) + "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)(?:\s*[/-]\s*(\d{2,4}))?\b")
_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})\b", re.I)
# Month first, as North American papers and some English ones write it ("December 19, 2023",
# "on December 18th"); never a year ("December 2023").
DATE_MONTH_FIRST = re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d/.:])", re.I)
_MONTH_YEAR = re.compile(rf"\b({MONTH_RE})\s+(19[89]\d|20[0-4]\d)\b", re.I)

# The words that ask for a grade ("how was it rated", "Ofsted's overall verdict").
RATING_WORDS = "judged|rated|rating|graded|grade|verdict"

# Answer kinds, decided by the question's shape (how it asks), never by its topic.
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "location",
        re.compile(
            r"\b(which|what) (agenda )?item\b|\bwhich pages?\b|\bwhat pages?\b|"
            r"\bwhere in the (agenda|pack|papers)\b|\bprinted page\b|\bon which page\b|\bwhich minute\b|"
            r"\bwhat page\b|\bwhere in the\b.*\b(agenda|pack|papers)\b",
            re.I,
        ),
    ),
    (
        "resolution",
        re.compile(
            r"\b(resolve|resolved|decide|decided|decision|agree|agreed|endorse|"
            r"approve|approved|recommend)\w*|"
            # ending a body or a piece of work is a decision too
            r"\b(wound up|wind up|winding up|disband|dissolv|abolish)\w*",
            re.I,
        ),
    ),
    (
        "judgement",
        re.compile(
            r"\bofsted\b.*\b(judge|judged|rate|rated|grade|verdict|conclude|find|found|say)\w*|"
            rf"\b({RATING_WORDS})\b",
            re.I,
        ),
    ),
    (
        "count",
        re.compile(
            r"\bhow (many|much|big|large|long)\b|\bwhat (share|proportion|percentage|"
            r"number|amount|cost|total)\b|\bwhat'?s the (total|cost|number)\b|\btotal\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"^\s*(who|whom)\b|\bwho (was|is|chairs|led|wrote|presented|provided|delivers)\b|"
            # "which <people>": the nouns council papers use for the people they are about
            r"\bwhich (members?|councillors?|officers?|people|persons?|young (people|persons?)|child(ren)?|"
            r"care leavers?|residents?|pupils?|students?|staff|inspectors?|chairs?|directors?)\b",
            re.I,
        ),
    ),
    ("date", re.compile(r"^\s*(when|by when)\b|\bwhat date\b|\bby when\b|\bwhen\b|\bwhat time\b", re.I)),
    (
        "vote",
        re.compile(
            r"\bvot(e|ed|es|ing)\b|\bopposed\b|\bagainst\b|\bin favour\b|\babstain\w*|"
            r"\bunanimous\w*|\bmajority\b|\bshow of hands\b",
            re.I,
        ),
    ),
    ("place", re.compile(r"^\s*where\b|\bwhere is\b.*\bheld\b", re.I)),
    # "Which council calls its IROs ...?", "At which council did ...": the answer is whose paper it is
    ("council", re.compile(r"\b(?:which|what) (?:council|local authority|authority)\b", re.I)),
    (
        "name",  # "what is the new company called?", "what is the name of the scheme?"
        re.compile(
            r"\bwhat (is|was|are|were|will)\b[^?]*\b(called|named|known as)\s*\??\s*$|"
            r"\bwhat(?:'s| is| was| are| were) (the|its|their) names? of\b|\bwhat name\b",
            re.I,
        ),
    ),
]


@dataclass
class Question:
    text: str
    stems: list[str]  # content stems in order, duplicates removed
    kinds: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)  # "2017", also both ends of "2019/20"
    months: set[str] = field(default_factory=set)  # "december"
    days: set[tuple[str, str]] = field(default_factory=set)  # ("19", "dec")
    month_years: set[tuple[str, str]] = field(default_factory=set)  # ("jul", "2018"), as written together


def month_number(m: str) -> str:
    """'dec', 'December' -> '12'."""
    return f"{[x[:3] for x in MONTHS].index(m[:3].lower()) + 1:02d}"


def days_said(text: str) -> set[tuple[str, str]]:
    """The days a text names, as (day without a leading 0, month's first three letters): "5th March"
    -> ("5", "mar"); compare with `asked_days`."""
    return {(d.lstrip("0"), m.lower()[:3]) for d, m in _day_months(text)}


def _day_months(text: str) -> list[tuple[str, str]]:
    """(day, month as written) of the dates a text names, in either order."""
    return _DATE.findall(text) + [(d, m) for m, d in DATE_MONTH_FIRST.findall(text)]


def asked_days(q: Question) -> set[tuple[str, str]]:
    return {(d.lstrip("0"), m) for d, m in q.days}


def held_on_asked_day(meeting_date: str | None, q: Question) -> bool:
    """Whether a meeting's ISO date ("2023-12-19") is a day the question names."""
    md = str(meeting_date or "")
    return bool(md) and any(md.endswith(f"-{month_number(m)}-{int(d):02d}") for d, m in q.days)


# "What time did the meeting end?", "when did it finish?": a date-kind question about an ending.
_ASKS_CLOSE = re.compile(r"\b(end|ends|ended|finish\w*|close|closed|closing|adjourn\w*)\b", re.I)


# "Who moved it?", "who proposed and seconded them?", "which councillors moved and seconded the
# motion?", "who moved adjourning the meeting?": the question asks who put a motion. Not "the
# proposed development".
_ASKS_MOVER = re.compile(
    r"\bwho\s+(?:moved|proposed|seconded)\b|\b(?:moved|proposed)\s+and\s+seconded\b|"
    r"\b(?:moved|proposed|seconded)\s+(?:it|that|them|this)\b|\b(?:moved|seconded)\s+\w+ing\b|"
    r"\b(?:mover|proposer|seconder)s?\b",
    re.I,
)


def analyse(text: str) -> Question:
    t = clean(text)
    stems = list(dict.fromkeys(content_stems(t)))
    kinds = {k for k, rx in _KINDS if rx.search(t)}
    if "date" in kinds and _ASKS_CLOSE.search(t):
        kinds.add("closing")
    if "person" in kinds and _ASKS_MOVER.search(t):
        kinds.add("mover")
    years: set[str] = set()
    for m in _YEAR.finditer(t):
        years.add(m.group(1))
    months = {
        m.group(1).lower()[:3]
        for m in re.finditer(rf"\b({MONTH_RE})\b", t, re.I)
        if not (m.group(1).lower() == "may" and not _MONTH_YEAR.search(t) and not _day_months(t))
    }
    days = {(d, m.lower()[:3]) for d, m in _day_months(t)}
    month_years = {(m.group(1).lower()[:3], m.group(2)) for m in _MONTH_YEAR.finditer(t)}
    return Question(t, stems, kinds, years, months, days, month_years)
