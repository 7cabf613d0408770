"""Council, committee, meeting date, time and venue, document kind and title: read from what the
paper prints about itself, never from a list of councils.

Where each comes from, in order of trust:
- a heading that says whose meeting it is: "Minutes of the meeting of the Planning Committee held
  on ...", "A meeting of Northshire County Council will be held ...";
- the letterhead: a council's name alone (or before a date) on the first lines of page 1, in any of
  the shapes councils print ("Northshire County Council", "The Corporation of the Township of X",
  "X Parish Council - 3rd March 2025", "CYNGOR CYMUNED X");
- an Ofsted report's own title ("Inspection of <authority> children's services", or the
  authority's name beside a title that does not name it).
A council named anywhere else (an address, a reference, a quotation, "the Monitoring Officer at
... District Council") is not the paper's author: precision before recall, so the field stays empty
and `unsure` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ingest.models import DocType

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
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
        ],
        1,
    )
}
# Welsh councils publish in Welsh too ("13eg Mawrth 2019").
_MONTHS.update(
    {
        m: i
        for i, m in enumerate(
            [
                "ionawr",
                "chwefror",
                "mawrth",
                "ebrill",
                "mai",
                "mehefin",
                "gorffennaf",
                "awst",
                "medi",
                "hydref",
                "tachwedd",
                "rhagfyr",
            ],
            1,
        )
    }
)
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:\s*(?:st|nd|rd|th|af|il|ydd|ed|eg|fed))?"
# "3rd September 2019", "3  rd   September 2019" (spaced ordinals from some PDF producers), "5th March, 2019"
_DATE = re.compile(rf"\b(\d{{1,2}}){_ORD},?\s+({_MONTH_RX}),?\s+(\d{{4}})\b", re.I)
# "December 5, 2023" (North American order)
_DATE_MDY = re.compile(rf"\b({_MONTH_RX})\s+(\d{{1,2}}){_ORD},?\s+(\d{{4}})\b", re.I)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+"

# A council's name: capitalised words (or ALL CAPS) ending in a kind of council.
# Spaces only, never a newline: a name does not run from one heading line into the next.
_S = r"[ \t]+"
_W = r"[A-Z][A-Za-z'’.-]*"
_JOIN = rf"(?:{_S}(?:and|of|on|upon|the|in|under|by|&|a){_S}|[ \t]*[-–][ \t]*|{_S})"
_KIND = (
    rf"(?:(?:Parish|Town|Community|City|County|Borough|District|Metropolitan{_S}Borough|Village|Neighbourhood|"
    rf"Regional|Unitary|Combined{_S}Authority){_S})?"
)
_NAME = rf"{_W}(?:{_JOIN}{_W}){{0,5}}?"
_COUNCIL = rf"(?P<name>(?:The{_S})?{_NAME}{_S}{_KIND}Council)"
_PLACE_OF = (
    rf"(?P<name>(?:The{_S})?(?:Corporation{_S}of{_S}the{_S})?(?:Township|Town|City|County|Village|Municipality|"
    rf"District|Region|London{_S}Borough|Royal{_S}Borough|Borough){_S}of{_S}{_NAME})"
)
_WELSH = rf"(?P<name>Cyngor{_S}(?:Cymuned|Tref|Sir|Dinas|Bwrdeistref{_S}Sirol){_S}{_NAME})"
_GENERIC_WORDS = {
    "the",
    "full",
    "county",
    "city",
    "borough",
    "district",
    "parish",
    "town",
    "community",
    "this",
    "a",
    "each",
    "all",
    "our",
    "your",
    "members",
    "member",
    "meeting",
    "annual",
    "extraordinary",
    "minutes",
    "agenda",
    "special",
    "ordinary",
    "summons",
    "notice",
    "of",
    "to",
    "and",
    "for",
}

_BODY = re.compile(
    r"((?:(?:[A-Z][A-Za-z'’&,-]*|and|of|for|the|&)\s+){0,8}?"
    r"(?:Committee|Panel|Board|Cabinet|Sub-Committee|Forum|Executive|Commission|Partnership))\b"
)


@dataclass
class DocMeta:
    council: str | None
    committee: str | None
    meeting_date: date | None
    doc_type: str
    title: str
    meeting_time: str | None = None
    venue: str | None = None
    unsure: list[str] = field(default_factory=list)


def _tc(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    if s.isupper():
        s = " ".join(
            "-".join(p.capitalize() for p in w.split("-"))
            if w.replace("-", "").replace("’", "").replace("'", "").isalpha() and len(w) > 1
            else w
            for w in s.split()
        )
        s = re.sub(r"\b(And|Of|On|The|Upon|In|A)\b", lambda m: m.group(1).lower(), s)
        s = s[0].upper() + s[1:]
        s = s.replace("’S", "’s").replace("'S", "'s")
    return s


def _head_lines(text: str, n: int) -> list[str]:
    """The first n lines of a page that carry words (a bare page number is not a line of the head)."""
    out = []
    for line in text.split("\n"):
        s = re.sub(r"\s+", " ", line).strip()
        if s and not re.fullmatch(r"[\d\s.|-]+", s):
            out.append(s)
        if len(out) >= n:
            break
    return out


def _date_of(m: re.Match, mdy: bool = False) -> date | None:
    try:
        if mdy:
            return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except (ValueError, KeyError):
        return None


def month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower())


def first_date(text: str) -> tuple[int, date] | None:
    """(position, date) of the first date in the text, in either order of day and month."""
    found = [(m.start(), _date_of(m)) for m in [_DATE.search(text)] if m]
    found += [(m.start(), _date_of(m, mdy=True)) for m in [_DATE_MDY.search(text)] if m]
    dated = [(p, d) for p, d in found if d]
    return min(dated, key=lambda x: x[0]) if dated else None


# ----------------------------------------------------------------------------------------- council


def _clean_name(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" ,.-–")
    name = re.sub(r"^(?:The|THE)\s+(?!Corporation|CORPORATION)", "", name)
    name = re.sub(r"^(?:The\s+)?Corporation\s+of\s+the\s+", "", name, flags=re.I)
    # "Inspection of X Council", "Minutes of X Council": the name is what follows
    name = re.sub(
        r"^(?:(?:Re-)?Inspection|Report|Minutes|Meeting|Review|Agenda|Summons|Notice)\s+(?:of|to|for)\s+"
        r"(?:the\s+)?",
        "",
        name,
        flags=re.I,
    )
    words = name.split()
    if (
        not words
        or words[0].lower().strip("’'") in _GENERIC_WORDS
        and not re.match(
            r"(?i)(township|town|city|county|village|municipality|district|region|london|royal|borough)\s+of\s", name
        )
    ):
        return None
    if len(words) < 2:
        return None
    return _tc(name)


def _letterhead(page1: str) -> str | None:
    """A council's name printed alone, or before a date or a slogan, on the first lines of page 1."""
    lines = _head_lines(page1, 8)
    shapes = (_COUNCIL, _PLACE_OF, _WELSH)
    for i, line in enumerate(lines):
        cands = [line]
        if (
            i + 1 < len(lines)
            and re.fullmatch(rf"{_KIND}Council", lines[i + 1], re.I)
            and not re.search(r"(?i)council$", line)
        ):
            cands.insert(0, f"{line} {lines[i + 1]}")  # a name wrapped before its last words
        for c in cands:
            for shape in shapes:
                m = re.match(
                    shape + r"(?=$|\s*[-–:]\s|\s{2,}|\s+(?:A\.?G\.?M|Where|\d|Annual|Extraordinary|Meeting)\b)",
                    c,
                    re.I if c.isupper() else 0,
                )
                if m and (c.isupper() or not m.group("name").isupper()):
                    name = _clean_name(m.group("name"))
                    if name:
                        return name
    return None


_MEETING_OF = re.compile(
    r"\bmeeting\s+of\s+(?:the\s+)?(?P<body>.{3,140}?)\s+(?:to\s+be\s+|was\s+|will\s+be\s+)?held\b", re.I | re.S
)
_BODY_HELD = re.compile(rf"^(?P<body>{_NAME}\s+{_KIND}Council)\s+held\s+(?:their|its|a)\b", re.M)


def _council_in(body: str) -> str | None:
    body = re.sub(r"\s+", " ", body).strip()
    for shape in (_PLACE_OF, _COUNCIL, _WELSH):
        m = re.fullmatch(shape, body, re.I if body.isupper() else 0)
        if m:
            name = re.sub(r"\s+Council$", "", m.group("name"), flags=re.I) if shape == _PLACE_OF else m.group("name")
            return _clean_name(name)
    return None


def find_council(pages: list[str]) -> tuple[str | None, str]:
    """(council, how it was found). Only the paper's own heading, letterhead or webcast notice."""
    page1 = pages[0] if pages else ""
    top = "\n".join(_head_lines(page1, 12))
    m: re.Match[str] | None
    for m in _MEETING_OF.finditer(top):
        c = _council_in(m.group("body"))
        if c:
            return c, "meeting heading"
    m = _BODY_HELD.search(top)
    if m:
        c = _council_in(m.group("body"))
        if c:
            return c, "meeting heading"
    c = _letterhead(page1)
    if c:
        return c, "letterhead"
    # The recording notice on an agenda's front sheet names the council holding the meeting.
    front = "\n".join(pages[:2])
    m = re.search(rf"^{_COUNCIL}\s+(?:may|will|is\s+going\s+to)\s+(?:record|film|broadcast|webcast)\b", front, re.M)
    if m:
        c = _clean_name(m.group("name"))
        if c:
            return c, "recording notice"
    return None, ""


# ------------------------------------------------------------------------------------ committee


def find_committee(page1: str, council: str | None) -> str | None:  # noqa: C901
    lines = _head_lines(page1, 40)
    for line in lines:
        m = re.match(r"^Meeting:\s*(.+)$", line)
        if m:
            return _tc(m.group(1))
    top = " ".join(lines[:14])
    m = _MEETING_OF.search(top)
    if m:
        body = re.sub(r"\s+", " ", m.group("body")).strip()
        if _council_in(body) or re.fullmatch(r"(?i)council", body):
            return "Council"
        if re.fullmatch(
            r"(?:[A-Z][\w'’&-]*|and|of|for|the|&)(?:\s+(?:[A-Z][\w'’&-]*|and|of|for|the|&)){0,10}", body
        ) and not re.match(r"(?i)(meeting|minutes)\b", body):
            return _tc(body)
    for line in lines[:12]:
        m = re.match(r"^(?:Report to|To:)\s+(?:the\s+)?([A-Z][^–\-\n]+?)(?:\s*[–-]\s*.*)?$", line)
        if m and len(m.group(1).split()) <= 8 and not m.group(1).startswith("All "):
            return _tc(m.group(1))
    for line in lines[:12]:
        t = re.split(r"\s[–-]\s", line)[0].strip()
        if council and _tc(t).lower() == council.lower():
            continue
        if t.upper() in ("CABINET", "COUNTY COUNCIL", "FULL COUNCIL", "CITY COUNCIL", "COUNCIL", "BOROUGH COUNCIL"):
            return _tc(t)
        m = _BODY.fullmatch(t) or (_BODY.fullmatch(_tc(t)) if t.isupper() else None)
        if m and len(t.split()) <= 10:
            return _tc(t)
    return None


# ------------------------------------------------------------------------------ date, time, venue


def find_date(first: str) -> date | None:
    # A heading "PANEL – 10th December 2024" names the meeting; later dates are other meetings.
    # ... but not a covering letter's own "Date:" (the meeting is the weekday date below it)
    top = "\n".join(
        line for line in _head_lines(first, 4) if not re.match(r"(?i)date:", line) or re.search(_WEEKDAY, line, re.I)
    )
    d = first_date(top)
    if d:
        return d[1]
    m: re.Match[str] | None
    for rx in (_WEEKDAY + r"(.{0,40})",):
        for m in re.finditer(rx, first, re.I):
            d = first_date(m.group(0))
            if d:
                return d[1]
    for line in first.split("\n")[:40]:
        if re.match(r"^\s*Date:", line, re.I):
            d = first_date(line)
            if d:
                return d[1]
    m = re.search(r"held .{0,200}", first, re.I | re.S)
    if m:
        d = first_date(m.group(0))
        if d:
            return d[1]
    d = first_date(first)
    return d[1] if d else None


_TIME = re.compile(
    r"(?:\b(?:at|am|@|from|starting\s+at|start\s+time|time:)\s*)(?P<t>\d{1,2}[.:]\d{2}\s*(?:a\.?m\.?|p\.?m\.?|hours|hrs)?"
    r"|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)|[012]\d[0-5]\d\s*(?:hours|hrs)?(?!\d))",
    re.I,
)


def find_time(first: str) -> str | None:
    head = " ".join(_head_lines(first, 10))
    m = _TIME.search(head)
    if not m:
        return None
    t = re.sub(r"\s+", " ", m.group("t")).strip()
    return t


_VENUE_FIELD = re.compile(r"^\s*(?:Place|Venue|Location):\s*(.+)$", re.I | re.M)
_HELD = re.compile(r"\bheld\b", re.I)
_IN_AT = re.compile(r"\b(?i:in|at)\s+(?:(?i:the)\s+)?(?=[A-Z])")
_VENUE_END = re.compile(
    r"\s+on\s+(?:\w+day|\d)|\s+at\s+\d|\s+starting\b|[.;]\s|[.;]?$|,\s+and\s|\s+PRESENT\b|"
    r"\s+Present\b|\s+to\s+(?:deal|consider)\b|,\s*(?:on\s|\d{1,2}[.:])",
    re.I,
)


def find_venue(first: str) -> str | None:
    m = _VENUE_FIELD.search("\n".join(_head_lines(first, 30)))
    if m:
        return m.group(1).strip()
    # a heading line "Wednesday, 11 September 2025, County Hall, Northtown - 10.00 am": the place
    # is what follows the date, before the time
    for line in _head_lines(first, 4):
        d = _DATE.search(line) or _DATE_MDY.search(line)
        if d:
            m = re.match(
                r"\s*,\s*(?P<v>[A-Z][^,\n]*?(?:,\s*[A-Z][^,\n]*?){0,3}?)\s*(?:[-–,]\s*(?:at\s+)?\d{1,2}[.:]\d{2}"
                r"\s*(?:am|pm|a\.m\.|p\.m\.)?)?\s*$",
                line[d.end() :],
                re.I,
            )
            # a place starts with a capital and is no clock time ("at 10.00 am Ask for: ..." is not one)
            if m and m.group("v")[0].isupper() and not _TIME.match(m.group("v")):
                return m.group("v").strip(" ,-–")
    head = "\n".join(_head_lines(first, 12))
    for h in _HELD.finditer(head):
        # "held on Wednesday 14 July 2010 at 8.00pm in X", "held their meeting at 7.00pm ... at the X"
        m = _IN_AT.search(head, h.end(), h.end() + 100)
        if not m:
            continue
        rest = head[m.end() : m.end() + 200]
        if re.match(r"(?i)(\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday)", rest):
            continue
        flat = rest.replace("\n", " ")
        e = _VENUE_END.search(flat)
        v = flat[: e.start()] if e and e.start() <= 120 else rest.split("\n")[0]
        v = v.strip(" ,")
        if 3 <= len(v) <= 120:
            return _tc(v)
    return None


# ------------------------------------------------------------------------------------------- kind

_AGENDA_CUE = re.compile(r"\bAGENDA\b|A G E N D A|(?im:^\W*agenda\W*$)|Agenda Item No|(?i:hereby summoned)|Summons to")
_MINUTES_CUE = re.compile(
    r"^\s*(?:DRAFT\s+|CONFIRMED\s+)?MINUTES\b|^\s*(?:Draft\s+)?Minutes(?:\s*$|\s+of\s+(?:the|a|an)\s+"
    r"(?:\w+\s+)?meeting)|^\s*COFNODION\b",
    re.M | re.I,
)
_PRESENT = re.compile(r"^\s*(?:Present|PRESENT|Presennol|PRESENNOL)\b", re.M)
_DECIDED = re.compile(
    r"\b(?:RESOLVED|AGREED|APPROVED|CARRIED)\b|\b(?:it\s+was|were|was|unanimously|all)\s+"
    r"(?:resolved|agreed|approved)\b|\bCarried\b|\btook\s+the\s+Chair\b|\bcytunwyd\b|\bgytûn\b",
    re.I,
)
_DECISION_RECORD = re.compile(
    r"^\s*(?:RECORD\s+OF\s+(?:\w+\s+)?DECISION|DECISION\s+(?:NOTICE|RECORD|SHEET)|"
    r"NOTICE\s+OF\s+(?:\w+\s+)?DECISION|Record\s+of\s+(?:an?\s+)?(?:\w+\s+)?[Dd]ecision|"
    r"Decision\s+(?:notice|record)|RESOLUTION)\b",
    re.M,
)


def minutes_evidence(pages: list[str]) -> bool:
    """The paper records a meeting: "Minutes" heads it, or who was present and what was decided."""
    head = "\n".join(_head_lines(pages[0], 25)) if pages else ""
    if _MINUTES_CUE.search(head):
        return True
    return bool(_PRESENT.search(head)) and len(_DECIDED.findall("\n".join(pages))) >= 2 and not _AGENDA_CUE.search(head)


def classify(pages: list[str], has_front_items: bool, has_minutes: bool) -> str:
    first = "\n".join(pages[:2])
    head = "\n".join(_head_lines(pages[0], 25))
    all_text = "\n".join(pages)
    if (
        re.search(r"ofsted", all_text, re.I)
        and re.search(
            r"(?i)\b(?:re-)?inspection\s+(?:of|report|dates?)|\bReview\s+of\s+the\s+effectiveness|\bvisit\s+to\b|"
            r"inspection\s+of\b",
            first,
        )
        and re.search(r"Crown copyright|ofsted\.gov", all_text, re.I)
    ):
        return DocType.OFSTED_REPORT.value
    if (
        _DECISION_RECORD.search(head)
        and re.search(r"(?i)\b(?:decision|moved\s+by|seconded\s+by|decided)\b", head)
        and not _MINUTES_CUE.search(head)
    ):
        return DocType.DECISION_NOTICE.value
    if re.search(r"(?im)^\s*(?:the\s+)?forward\s+plan\b|notice\s+of\s+key\s+decisions", head):
        return DocType.FORWARD_PLAN.value
    if len(re.findall(r"(?m)^\s*Question\s+(?:\d+\s*$|by\s+.+\s+to\s+)", all_text)) >= 2:
        return DocType.QUESTIONS_PACK.value
    if has_front_items and _AGENDA_CUE.search(head) and not _MINUTES_CUE.search(head):
        return DocType.AGENDA_PACK.value
    if has_minutes or _MINUTES_CUE.search(head):
        return DocType.MINUTES.value
    # Minutes that never say "Minutes": who was present, then what was decided (past tense).
    if _PRESENT.search(head) and len(_DECIDED.findall(all_text)) >= 2 and not _AGENDA_CUE.search(head):
        return DocType.MINUTES.value
    if _AGENDA_CUE.search(head) or has_front_items and _AGENDA_CUE.search(first):
        return DocType.AGENDA_PACK.value
    if re.search(
        r"Report to|^\s*(From|By):|^\s*Subject:|Purpose of (the )?Report|Recommendations?:|^\s*Title:",
        head,
        re.M | re.I,
    ):
        return DocType.OFFICER_REPORT.value
    return DocType.OTHER.value


def find_title(pages: list[str], doc_type: str, committee: str | None, when: date | None) -> str:
    first = pages[0]
    for rx in (
        r"^\s*(?:Subject|Title):\s*(.+(?:\n(?!\s*\n)(?!\s*[A-Z][\w ]+:).+){0,2})",
        r"^\s*((?:Area SEND )?(?:Re-)?[Ii]nspection of .+(?:\n.+)?)",
    ):
        m = re.search(rx, first, re.M)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    when_s = when.strftime("%-d %B %Y") if when else None
    if doc_type in (DocType.AGENDA_PACK.value, DocType.MINUTES.value):
        kind = "Agenda" if doc_type == DocType.AGENDA_PACK.value else "Minutes"
        return " – ".join(x for x in [f"{kind}: {committee}" if committee else kind, when_s] if x)
    for line in first.split("\n"):
        if len(line.strip()) > 8:
            return line.strip()[:150]
    return ""


def read_metadata(pages: list[str], *, has_front_items: bool, has_minutes: bool) -> DocMeta:
    doc_type = classify(pages, has_front_items, has_minutes)
    unsure: list[str] = []
    council, _how = find_council(pages)
    if council is None:
        unsure.append("council: the paper prints no council name in its heading or letterhead")
    committee = find_committee(pages[0], council)
    if committee is None:  # a cover page first: the summons on the next pages names the meeting
        for page in pages[1:3]:
            m = _MEETING_OF.search(" ".join(_head_lines(page, 14)))
            body = re.sub(r"\s+", " ", m.group("body")).strip() if m else ""
            if body and re.fullmatch(r"(?:[A-Z][\w'’&-]*)(?:\s+(?:[A-Z][\w'’&-]*|and|of|for|the|&)){0,8}", body):
                committee = "Council" if _council_in(body) else _tc(body)
                break
    if committee and council and committee.lower() == council.lower():
        committee = "Council"
    # No committee named, the council's own letterhead or heading: a meeting of the full council.
    if committee is None and council and doc_type in (DocType.MINUTES.value, DocType.AGENDA_PACK.value):
        committee = "Council"
    ofsted = doc_type == DocType.OFSTED_REPORT.value
    if ofsted:
        committee = None  # the inspectorate's report belongs to no committee
    when = None if ofsted else find_date(pages[0])
    title = find_title(pages, doc_type, committee, when)
    meeting_time = None if ofsted else find_time(pages[0])
    venue = None if ofsted else find_venue(pages[0])
    return DocMeta(council, committee, when, doc_type, title, meeting_time, venue, unsure)
