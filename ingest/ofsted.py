"""Ofsted judgements (area -> grade) from the judgement tables and lists of inspection reports.

Layouts seen: "Overall effectiveness Outstanding" on one line; ILACS tables where the area wraps
over two lines and the grade ("Requires improvement" / "to be good") sits below; SIF lists
"1. Children who need help and protection inadequate"; "• overall effectiveness: inadequate";
2012 reports "Overall effectiveness" then "Grade 4 (Inadequate)".
"""

from __future__ import annotations

import re
from datetime import date

from ingest.layout import Line, strip_bullet
from ingest.models import Inspection, Judgement

_GRADES = r"(outstanding|good|requires improvement(?: to be good)?|inadequate|adequate|satisfactory)"
_GRADE_ONLY = re.compile(rf"^(?:grade\s*\d\s*\(\s*)?{_GRADES}\s*\)?\.?$", re.I)
_AREA_GRADE = re.compile(rf"^(?P<area>.+?)\s*(?::\s*|\s+){_GRADES}\.?$", re.I)
_LEADNUM = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_BAD_END = {
    "are",
    "is",
    "was",
    "were",
    "be",
    "been",
    "as",
    "remains",
    "not",
    "a",
    "of",
    "the",
    "and",
    "that",
    "this",
    "very",
    "consistently",
    "being",
    "judged",
    "graded",
    "it",
    "they",
    "which",
    "its",
    "for",
    "to",
    "with",
    "in",
    "on",
    "by",
}


def _norm_grade(g: str) -> str:
    g = re.sub(r"\s+", " ", g.strip()).lower()
    return g[0].upper() + g[1:]


def _area_ok(area: str) -> bool:
    a = area.strip()
    if not a or len(a.split()) > 16 or re.search(r"[.;!?]", a) or (re.search(r",\s", a) and len(a.split()) > 8):
        return False
    if a.split()[-1].lower() in _BAD_END:
        return False
    return a[0].isupper()


def parse_judgements(lines: list[Line]) -> list[Judgement]:  # noqa: C901
    out: list[Judgement] = []
    seen: set[tuple[str, str]] = set()
    buf: list[Line] = []

    def add(area: str, grade: str, page: int) -> None:
        area = re.sub(r"\s+", " ", _LEADNUM.sub("", area)).strip(" :-–")
        area = re.sub(r"^Judgements?\s+Grades?\s+", "", area)  # the table's own header row
        if not _area_ok(area):
            return
        key = (area.lower(), grade.lower())
        if key not in seen:
            seen.add(key)
            out.append(Judgement(area=area, grade=_norm_grade(grade), pdf_page=page))

    i = 0
    while i < len(lines):
        s = strip_bullet(lines[i].text)
        if not s:
            i += 1
            continue
        g = _GRADE_ONLY.match(s)
        if g:
            grade = g.group(1)
            if (
                grade.lower() == "requires improvement"
                and i + 1 < len(lines)
                and lines[i + 1].stripped.lower().startswith("to be good")
            ):
                grade += " to be good"
                i += 1
            if buf and not (len(buf) == 1 and buf[0].stripped.lower().startswith(("judgement", "grade"))):
                add(" ".join(strip_bullet(b.text) for b in buf[-3:]), grade, lines[i].pdf_page)
            buf = []
            i += 1
            continue
        m = _AREA_GRADE.match(s)
        if m:
            area = _LEADNUM.sub("", m.group("area"))
            if area and area[0].islower() and buf:
                area = strip_bullet(buf[-1].text) + " " + area
            if area.lower().startswith("judgement"):
                area = ""
            add(area, m.group(2), lines[i].pdf_page)
            buf = []
            i += 1
            continue
        if len(s.split()) <= 12 and not re.search(r"[.;]$", s):
            buf.append(lines[i])
            buf = buf[-3:]
        else:
            buf = []
        i += 1
    return out


# ------------------------------------------------------------------ headline judgements (SIF, LSCB)

_G = r"(outstanding|good|requires\s+improvement(?:\s+to\s+be\s+good)?|require\s+improvement(?:\s+to\s+be\s+good)?|inadequate|adequate)"
_HEADLINES = (
    # "The overall judgement is that children's services are good"
    (
        "Overall effectiveness",
        re.compile(rf"The\s+overall\s+judgement\s+is\s+that\s+children[’']s\s+services\s+are\s+{_G}", re.I),
    ),
    # "Children's services in <area> are inadequate" / "... require improvement to be good"
    (
        "Overall effectiveness",
        re.compile(
            rf"^\s*Children[’']s\s+services\s+in\s+[^\n]{{2,80}}?\s+(?:are\s+|(?=require))"
            rf"{_G}",
            re.I | re.M,
        ),
    ),
    (
        "Local Safeguarding Children Board",
        re.compile(
            rf"^\s*The\s+Local\s+Safeguarding\s+Children\s+Board\s+(?:\(LSCB\)\s+)?(?:is\s+|requires?\s+)?{_G}",
            re.I | re.M,
        ),
    ),
)


def headline_judgements(pages: list[str]) -> list[Judgement]:
    """The grades a report states as sentences rather than in a table: SIF's overall judgement on its
    first page, and the LSCB review's own judgement."""
    out: list[Judgement] = []
    seen: set[str] = set()
    for i, text in enumerate(pages):
        for area, rx in _HEADLINES:
            if area in seen or (area == "Overall effectiveness" and i > 0):
                continue
            m = rx.search(text)
            if m:
                g = re.sub(r"\s+", " ", m.group(1)).lower().replace("require improvement", "requires improvement")
                out.append(Judgement(area=area, grade=_norm_grade(g), pdf_page=i + 1))
                seen.add(area)
    return out


def report_judgements(pages: list[str], lines: list[Line]) -> list[Judgement]:
    """An Ofsted report's own judgements. Where the first page carries the judgement table (ILACS,
    SIF, school reports), grades on later pages are the previous inspection's or prose, not this
    report's; headline sentences fill what the table lacks (SIF's overall, the LSCB's)."""
    found = parse_judgements(lines)
    if sum(1 for j in found if j.pdf_page == 1) >= 3:
        found = [j for j in found if j.pdf_page == 1]
    areas = {j.area.lower() for j in found}
    for h in headline_judgements(pages):
        if h.area.lower() not in areas and not any(h.area.lower() in a for a in areas):
            found.insert(0, h) if h.area == "Overall effectiveness" else found.append(h)
    return found


# ------------------------------------------------------------------------ the inspection itself

_AUTH_TITLE = re.compile(
    r"(?:inspection|visit)\s+(?:of|to)\s+(?!services\b|children[’']s\b|looked\b|the\s+multi)(?P<a>.+?)\s+"
    r"(?:local\s+authority\s+)?children[’']s\s+services\b",
    re.I,
)
_AREA_TITLE = re.compile(r"area\s+SEND\s+inspection\s+of\s+(?P<a>.+?)\s*(?:Inspection\s+dates?|$)", re.I)
_DATES = re.compile(r"^\s*(?:Inspection\s+dates?|Dates?\s+of\s+(?:the\s+)?inspection)\s*:?\s*(?P<d>.+)$", re.I | re.M)
_LEAD = re.compile(
    r"(?:^\s*(?:Lead|Reporting)\s+inspector\s*:?\s*(?P<a>[A-Z][^,\n]+?)(?:,|\s+HMI\b|\s+Her\b|\s+His\b|$)"
    r"|^\s*(?P<b>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}),?\s+(?:Ofsted\s+HMI\s+)?[Ll]ead\s+inspector\b)",
    re.M,
)
_AUTHORITY_LINE = re.compile(
    r"^(?:(?:London|Royal)\s+Borough\s+of\s+)?[A-Z][\w’'&-]*(?:\s+(?:and|of|upon|on|the|&|"
    r"[A-Z][\w’'&-]*)){0,6}$"
)


def _kind(head: str) -> str | None:
    for rx, kind in (
        (r"area\s+SEND", "area SEND"),
        (r"joint\s+targeted\s+area", "JTAI"),
        (r"focused\s+visit", "focused visit"),
        (r"monitoring\s+visit", "monitoring visit"),
        (r"School\s+report", "school"),
        (r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding", "LSCB review"),
        (r"services\s+for\s+children\s+in\s+need\s+of\s+help\s+and\s+protection", "SIF"),
        (
            r"local\s+authority\s+children[’']s\s+services|children[’']s\s+social\s+care\s+services|"
            r"Inspection\s+of\s+.{0,60}children[’']s\s+services",
            "ILACS",
        ),
        (r"looked\s+after\s+children\s+services", "looked after children"),
    ):
        if re.search(rx, head, re.I):
            if kind == "LSCB review" and re.search(r"services\s+for\s+children\s+in\s+need", head, re.I):
                return "SIF and LSCB review"
            return kind
    return None


def _authority(head_lines: list[str]) -> str | None:
    flat = " ".join(head_lines[:8])
    m = _AREA_TITLE.search(flat) or _AUTH_TITLE.search(flat)
    if m:
        return re.sub(r"\s+", " ", m.group("a")).strip(" ,")
    # The older layouts print the authority on a line of its own beside a title that names none
    # ("Inspection of services for children in need ...", "Inspection of looked after children services").
    for i, line in enumerate(head_lines[:10]):
        if re.match(r"(?i)(re-)?inspection\s+of|review\s+of|school\s+report", line):
            around = [head_lines[j] for j in (i - 1, i + 1, i + 2) if 0 <= j < len(head_lines)]
            for a in around:
                if (
                    _AUTHORITY_LINE.match(a)
                    and not re.match(r"(?i)(re-)?inspection|review|services|protection|board|and$|inspection dates?", a)
                    and len(a.split()) <= 7
                ):
                    return a
    return None


def council_of(authority: str | None, kind: str | None) -> str | None:
    """The council an inspected body belongs to, as the report names it: the authority itself, or
    the area of a partnership or safeguarding board. A school has none the report states."""
    if not authority or kind == "school":
        return None
    a = re.sub(
        r"(?i)\s+(?:local\s+area\s+partnership|local\s+safeguarding\s+children\s+board|"
        r"safeguarding\s+children\s+(?:board|partnership))$",
        "",
        authority,
    ).strip()
    return a or None


_FRAG = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?(?:\s+([A-Za-z]+))?(?:,?\s+(\d{4}))?")


def _date_range(dates: str) -> tuple[date | None, date | None]:
    """'11 to 15 March 2024', '9–24 November 2017', '30 September to 11 October 2024 and 13 to 16
    January 2025': a day without a month or year takes them from the next date that has them."""
    from ingest.metadata import month_number

    parts: list[list] = []
    for frag in re.split(r"\s+(?:to|and)\s+|\s*[–-]\s*", dates):
        m = _FRAG.match(frag.strip())
        if m:
            parts.append([int(m.group(1)), month_number(m.group(2) or ""), int(m.group(3)) if m.group(3) else None])
    for k in range(len(parts) - 2, -1, -1):
        if parts[k][1] is None:
            parts[k][1] = parts[k + 1][1]
        if parts[k][2] is None:
            parts[k][2] = parts[k + 1][2]
    out = []
    for d, mo, y in parts:
        try:
            out.append(date(y, mo, d))
        except (TypeError, ValueError):
            continue
    return (min(out), max(out)) if out else (None, None)


def parse_inspection(pages: list[str]) -> Inspection | None:
    text = pages[0] if pages else ""
    head_lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    head_lines = [line for line in head_lines if line and not re.fullmatch(r"[\d\s]+", line)]
    for k in range(len(head_lines) - 1, 0, -1):  # "Northshire Metropolitan Borough" / "Council"
        if head_lines[k] == "Council":
            head_lines[k - 1 : k + 1] = [head_lines[k - 1] + " Council"]
    kind = _kind(" ".join(head_lines[:12]))
    authority = _authority(head_lines)
    if kind == "school" and head_lines[:3]:
        authority = next((line for line in head_lines[1:4] if re.search(r"(?i)school|academy|college", line)), None)
    dates = start = end = None
    m = _DATES.search("\n".join(pages[:2]))
    if m:
        dates = m.group("d").strip()
        start, end = _date_range(dates)
    lead = None
    for page in pages:
        m = _LEAD.search(page)
        if m:
            lead = (m.group("a") or m.group("b") or "").strip()
            lead = re.sub(r"\s+", " ", lead) or None
            break
    if not (kind or authority or dates):
        return None
    return Inspection(
        kind=kind, authority=authority, dates=dates, start_date=start, end_date=end, lead_inspector=lead, pdf_page=1
    )
