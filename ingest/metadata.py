"""Council, committee, meeting date, document type and title, read from the first pages.

Only what the paper says: a report that never names its council gets council=None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingest.models import DocType

_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], 1)}
_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?,?\s+(January|February|March|April|May|June|July|August|September|"
                   r"October|November|December),?\s+(\d{4})\b", re.I)
_WEEKDAY_DATE = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+" + _DATE.pattern, re.I)
# Spaces only (not \s): a council name never wraps, and newlines would glue headings together.
_COUNTY = re.compile(r"\b((?:[A-Z][a-z'’&-]+ +){1,3}(?:County|City|Borough|District|Metropolitan Borough) +Council)\b")
_COUNTY_CAPS = re.compile(r"\b((?:[A-Z]{3,} +){1,3}(?:COUNTY|CITY|BOROUGH|DISTRICT) +COUNCIL)\b")
_LINE_COUNCIL = re.compile(r"^\s*((?:[A-Z][a-z'’&-]+ +){1,3}Council)\b", re.M)
_NOT_NAME = {"the", "full", "county", "city", "borough", "district", "this", "all", "parish", "town", "a", "each",
             "children", "children's", "select", "cabinet", "area", "for", "to", "and", "of", "our", "democratic",
             "services", "dear", "member", "report", "in", "care", "unitary", "inspection", "school"}
_BODY = re.compile(r"((?:(?:[A-Z][A-Za-z'’&,-]*|and|of|for|the|&)\s+){0,8}?(?:Committee|Panel|Board|Cabinet|Sub-Committee|Forum))\b")


@dataclass
class DocMeta:
    council: str | None
    committee: str | None
    meeting_date: date | None
    doc_type: str
    title: str


def _tc(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return s.title().replace("’S", "’s").replace("'S", "'s") if s.isupper() else s


def _parse_date(m: re.Match, offset: int = 0) -> date | None:
    try:
        return date(int(m.group(3 + offset)), _MONTHS[m.group(2 + offset).lower()], int(m.group(1 + offset)))
    except (ValueError, KeyError):
        return None


def find_council(text: str) -> str | None:
    for rx in (_LINE_COUNCIL, _COUNTY, _COUNTY_CAPS):
        for m in rx.finditer(text):
            words = m.group(1).split()
            while words and words[0].lower().strip("’'") in _NOT_NAME:
                words = words[1:]
            if len(words) >= 2 and words[0].lower() not in _NOT_NAME:
                return _tc(" ".join(words))
    return None


def find_committee(first: str) -> str | None:
    lines = [l.strip() for l in first.split("\n") if l.strip()]
    for l in lines[:40]:
        m = re.match(r"^Meeting:\s*(.+)$", l)
        if m:
            return _tc(m.group(1))
    m = re.search(r"meeting of the\s+((?:[A-Z][\w'’&-]*\s*)+?)\s+held", " ".join(lines[:25]))
    if m:
        return _tc(m.group(1))
    for l in lines[:12]:
        m = re.match(r"^(?:Report to|To:)\s+([A-Z][^–\-\n]+?)(?:\s*[–-]\s*.*)?$", l)
        if m and len(m.group(1).split()) <= 8:
            return _tc(m.group(1))
    for l in lines[:12]:
        t = re.split(r"\s[–-]\s", l)[0].strip()
        if t.upper() in ("CABINET", "COUNTY COUNCIL", "FULL COUNCIL"):
            return _tc(t)
        m = _BODY.fullmatch(t) or (_BODY.fullmatch(_tc(t)) if t.isupper() else None)
        if m and len(t.split()) <= 10:
            return _tc(t)
    return None


def find_date(first: str) -> date | None:
    # A minutes heading "PANEL – 10th December 2024" names the meeting; later dates are other meetings.
    top = "\n".join(l for l in first.split("\n")[:4])
    m = _DATE.search(top)
    if m:
        return _parse_date(m)
    m = _WEEKDAY_DATE.search(first)
    if m:
        return _parse_date(m, 1)
    for l in first.split("\n")[:40]:
        if re.match(r"^\s*Date:", l):
            m = _DATE.search(l)
            if m:
                return _parse_date(m)
    m = re.search(r"held .{0,200}?" + _DATE.pattern, first, re.I | re.S)
    if m:
        return _parse_date(m)
    m = _DATE.search(first)
    return _parse_date(m) if m else None


def classify(pages: list[str], has_front_items: bool, has_minutes: bool) -> str:
    first = "\n".join(pages[:2])
    head = "\n".join(pages[0].split("\n")[:25])
    if has_front_items and re.search(r"\bAGENDA\b|A G E N D A|Agenda Item No", first, re.I):
        return DocType.AGENDA_PACK.value
    if has_minutes or re.search(r"^\s*(DRAFT\s+)?MINUTES\b|^\s*Minutes(\s*$|\s+of\s+(the|a)\s+meeting)", head, re.M):
        return DocType.MINUTES.value
    all_text = "\n".join(pages)
    if re.search(r"ofsted", all_text, re.I) and re.search(r"Inspection (of|report|dates)|inspection of", first) \
            and re.search(r"Crown copyright|ofsted\.gov", all_text, re.I):
        return DocType.OFSTED_REPORT.value
    if re.search(r"Report to|^\s*(From|By):|^\s*Subject:|Purpose of Report|Recommendations?:|^\s*Title:", head, re.M | re.I):
        return DocType.OFFICER_REPORT.value
    return DocType.OTHER.value


def find_title(pages: list[str], doc_type: str, committee: str | None, when: date | None) -> str:
    first = pages[0]
    for rx in (r"^\s*(?:Subject|Title):\s*(.+(?:\n(?!\s*\n)(?!\s*[A-Z][\w ]+:).+){0,2})", r"^\s*(Inspection of .+(?:\n.+)?)"):
        m = re.search(rx, first, re.M)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    when_s = when.strftime("%-d %B %Y") if when else None
    if doc_type in (DocType.AGENDA_PACK.value, DocType.MINUTES.value):
        kind = "Agenda" if doc_type == DocType.AGENDA_PACK.value else "Minutes"
        return " – ".join(x for x in [f"{kind}: {committee}" if committee else kind, when_s] if x)
    for l in first.split("\n"):
        if len(l.strip()) > 8:
            return l.strip()[:150]
    return ""


def read_metadata(pages: list[str], *, has_front_items: bool, has_minutes: bool) -> DocMeta:
    first = "\n".join(pages[:2])
    doc_type = classify(pages, has_front_items, has_minutes)
    council = find_council(pages[0]) or find_council(first)
    committee = find_committee(pages[0])
    if committee and council and committee.lower() == council.lower():
        committee = "Council"
    when = None if doc_type == DocType.OFSTED_REPORT.value else find_date(pages[0])
    title = find_title(pages, doc_type, committee, when)
    return DocMeta(council, committee, when, doc_type, title)
