"""The offline answerer: pick the units (sentences, bullets, table rows, Resolved lines) of the
retrieved passages that answer the question, and compose a short answer from them.

Scoring is deliberately transparent: IDF-weighted coverage of the question's content stems
(idf over the retrieved units, so words every passage shares count little), a cue bonus when a
unit has the *kind* of thing the question asks for (a figure, a name, a date, a Resolved line,
a grade), and a small prior from the passage's search rank.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from service.answer.question import MONTHS, Question
from service.answer.text import content_stems, split_units

_MONTH_WORD = re.compile(r"\b(" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b", re.I)
_NUMBER = re.compile(r"£\s?\d|\d+(?:\.\d+)?\s?(?:%|m\b|k\b|million|per cent)|\b\d[\d,]*\b")
_BARE_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                           r"twenty|hundred|dozen|half|quarter|third)\b", re.I)
_PERSON = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Professor|Sir|Dame)\.?\s+[A-Z]|"
                     r"\b(Chairman|Chair|Chairperson|Vice-Chairman|Director|Inspector|Leader|"
                     r"Cabinet Member|Head of|Manager|Officer|presented by|Author)\b|"
                     r"\b[A-Z][a-z]+ [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_PLACE = re.compile(r"\b(Room|Hall|Chamber|Centre|Center|House|Road|Street|Offices?|Venue|Place:)\b|"
                    r"\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b")
_RESOLVED = re.compile(r"\b(resolved|agreed|endorsed?|approved?|noted|recommend\w*|decided|"
                       r"carried|lost|moved|seconded|postpone\w*|defer\w*|refer\w*)\b", re.I)
_GRADE = re.compile(r"\b(inadequate|requires? improvement|outstanding|good|adequate|grade \d)\b", re.I)
_PAGES = re.compile(r"\bpages?\s*\d+", re.I)


@dataclass
class Unit:
    text: str
    hit: Any
    rank: int                 # the passage's search rank (0 = best)
    pos: int                  # position of the unit in its passage
    stems: set[str]
    score: float = 0.0
    covered: set[str] = field(default_factory=set)


def units_from_hits(hits: list[Any]) -> list[Unit]:
    out: list[Unit] = []
    for rank, hit in enumerate(hits):
        for pos, u in enumerate(split_units(hit.text)):
            out.append(Unit(u, hit, rank, pos, set(content_stems(u))))
    return out


def idf_table(units: list[Unit], q: Question) -> dict[str, float]:
    """IDF of each question stem over the candidate units; a stem found nowhere gets the
    largest weight (it is the rarest thing asked about, and its absence matters most)."""
    n = max(len(units), 1)
    idf: dict[str, float] = {}
    for s in q.stems:
        df = sum(1 for u in units if s in u.stems)
        idf[s] = math.log(1 + n / (df + 0.5))
    return idf


def cue_bonus(q: Question, text: str) -> float:
    bonus = 0.0
    if "count" in q.kinds:
        nums = [m.group(0) for m in _NUMBER.finditer(text)]
        real = [x for x in nums if not _BARE_YEAR.match(x.strip())]
        bonus += 0.15 if (real or _NUMBER_WORDS.search(text)) else -0.1
    if "person" in q.kinds:
        bonus += 0.12 if _PERSON.search(text) else -0.05
    if "date" in q.kinds:
        bonus += 0.12 if (_MONTH_WORD.search(text) or re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)) else -0.05
    if "place" in q.kinds:
        bonus += 0.12 if _PLACE.search(text) else 0.0
    if "resolution" in q.kinds:
        bonus += 0.12 if _RESOLVED.search(text) else 0.0
    if "judgement" in q.kinds:
        bonus += 0.12 if _GRADE.search(text) else 0.0
    if "location" in q.kinds:
        bonus += 0.2 if _PAGES.search(text) else 0.0
    return bonus


def score_units(units: list[Unit], q: Question, idf: dict[str, float]) -> None:
    total = sum(idf.values()) or 1.0
    header_stems: dict[int, set[str]] = {}
    for u in units:
        key = id(u.hit)
        if key not in header_stems:
            header_stems[key] = set(content_stems(u.hit.header or ""))
    for u in units:
        hs = header_stems[id(u.hit)]
        got = 0.0
        covered = set()
        for s, w in idf.items():
            if s in u.stems:
                got += w
                covered.add(s)
            elif s in hs:
                # The passage's header (committee, item title) is context the unit inherits.
                got += 0.5 * w
                covered.add(s)
        u.covered = covered
        nwords = len(u.text.split())
        length = -0.15 if nwords < 4 else (-0.05 if nwords > 55 else 0.0)
        u.score = got / total + cue_bonus(q, u.text) + 0.08 / (1 + u.rank) + length


def select(units: list[Unit], q: Question, idf: dict[str, float], max_units: int = 3,
           max_words: int = 95) -> list[Unit]:
    """The best unit, then units that add question terms the answer does not yet cover."""
    ranked = sorted(units, key=lambda u: -u.score)
    if not ranked:
        return []
    chosen = [ranked[0]]
    covered = set(ranked[0].covered)
    words = len(ranked[0].text.split())
    total = sum(idf.values()) or 1.0
    best = ranked[0].score
    seen = {_norm(ranked[0].text)}
    for u in ranked[1:40]:
        if len(chosen) >= max_units:
            break
        if _norm(u.text) in seen:
            continue
        gain = sum(idf[s] for s in u.covered - covered) / total
        close = u.score >= best * 0.9
        if (gain >= 0.12 and u.score >= best * 0.6) or close:
            if words + len(u.text.split()) > max_words:
                continue
            chosen.append(u)
            covered |= u.covered
            words += len(u.text.split())
            seen.add(_norm(u.text))
    # Resolved blocks: the heading alone says nothing; the lines after it are the decision.
    return chosen


def _norm(s: str) -> str:
    return re.sub(r"\W+", "", s.lower())
