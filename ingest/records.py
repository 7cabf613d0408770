"""Records kept beside a minute's text: who attended (present, apologies, substitutes, in
attendance), declarations of interest, and recorded votes. Each carries its page and minute.

Conventions read (each seen in papers of several councils):
- attendance as a labelled block at the head of the minutes ("Present:", "PRESENT", "In
  attendance:", "Also present:", "Apologies:", "Substitutes:"), or as a minute of its own
  ("Apologies for Absence" / "Apologies were received from Cllrs A and B");
- declarations under a "Declarations of Interest" / "Register of Interests" minute or label, one
  per line ("Cllr. X – Planning application 123 (Landowner)"), or a sentence anywhere ("Cllr X
  declared an interest in ...", "Mr Y declared an interest under Item 16 ...");
- recorded votes as "For (52)" / "Against (0)" / "Abstain (11)" blocks, each followed by names.
"""

from __future__ import annotations

import re

from ingest.layout import Line
from ingest.models import Attendance, Declaration, Vote

_LABEL = re.compile(
    r"^\s*(?P<label>Present|In\s+attendance(?:\s+virtually)?|Also\s+(?:present|attended|in\s+attendance)|"
    r"Apologies(?:\s+for\s+absence)?|Absent|Substitutes?|Staff|Officers\s+present|Presennol)"
    r"\s*[:\-–]?\s*(?P<rest>.*)$",
    re.I,
)
_ROLE = {
    "present": "present",
    "presennol": "present",
    "in attendance": "in_attendance",
    "staff": "in_attendance",
    "officers present": "in_attendance",
    "also present": "in_attendance",
    "also attended": "in_attendance",
    "also in attendance": "in_attendance",
    "apologies": "apologies",
    "apologies for absence": "apologies",
    "absent": "absent",
    "substitute": "substitute",
    "substitutes": "substitute",
    "in attendance virtually": "in_attendance",
}
_TITLES = r"(?:Cllrs?\.?|Councillors?|County\s+Councillor|County\s+Cllr\.?|Mayor|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Messrs)"
_APOLOGY_SENTENCE = re.compile(
    r"(?:apologies\s+(?:were\s+)?(?:received|sent|given|tendered)?\s*(?:for\s+absence\s+)?from|"
    r"apologies\s+received\s+from)\s+(?P<names>.+?)(?:(?<!Cllr)(?<!Cllrs)(?<!\b[A-Z])\.(?:\s|$)|$)",
    re.I | re.S,
)
_DECL_MINUTE = re.compile(
    r"(?i)declarations?\s+of\s+(?:disclosable\s+pecuniary\s+)?interests?|register\s+of\s+interests|"
    r"disclosure\s+of\s+(?:pecuniary\s+)?interest|datganiadau\s+o\s+ddiddordeb"
)
_NONE = re.compile(r"(?i)^\s*(?:none\b|nil\b|there\s+were\s+no\b|no\s+(?:declarations|interests)\b|n/?a\b)")
_DECLARED = re.compile(
    rf"(?P<who>{_TITLES}\s+(?:[A-Z][\w’'.-]*\s*){{1,4}}?)\s*(?:again\s+)?declared\s+an?\s+"
    r"(?:\w+\s+){0,3}interest\b(?P<what>[^.]*)",
    re.S,
)
_VOTE_HEAD = re.compile(
    r"^\s*(?P<k>For|Against|Abstain(?:ed|ing|ions?)?)\s*[:(]\s*(?P<n>\d{1,3})\s*\)?\s*:?\s*(?P<rest>.*)$", re.I
)
_NAME_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s*;\s*|\s+a[’']r\s+|\s+ac\s+")
_STOP_LABEL = re.compile(
    r"^\s*(?:\d{1,4}(?:\.\d{1,3}){0,2}\.?\s+[A-Z]|[A-Z][A-Za-z ]{2,40}:|UNRESTRICTED|PART\s+I|"
    r"Minutes?\b|Available Papers|Meeting\s+closed)"
)


def _names(text: str) -> list[str]:
    """Names from "Cllrs R Lester (Chairman), D Bonner and P Rochford": roles in brackets kept off."""
    text = re.sub(r"\([^)]*\)", "", text)
    text = re.sub(rf"^\s*{_TITLES}\s+", "", text.strip(), flags=re.I)
    out = []
    for part in _NAME_SPLIT.split(text):
        p = re.sub(rf"^\s*{_TITLES}\s+", "", part.strip(" .;:"), flags=re.I).strip()
        p = re.sub(r"\s+(?:plus|with|who)\b.*$", "", p)
        p = re.sub(r"(?:,?\s+(?:OBE|CBE|MBE|KBE|DBE|JP|EDC))+$", "", p)
        if (
            2 <= len(p) <= 60
            and re.match(r"[A-Z]", p)
            and len(p.split()) <= 6
            and not re.search(r"\d{2}", p)
            and not re.fullmatch(rf"(?:{_TITLES}|OBE|CBE|MBE|KBE|DBE|JP|EDC)", p)
        ):
            out.append(re.sub(r"\s+", " ", p))
    return out


def attendance(  # noqa: C901
    lines: list[Line],
    minute_of: dict[int, str | None],
    first_minute_idx: int | None,
    minute_titles: dict[str, str],
) -> list[Attendance]:
    out: list[Attendance] = []
    seen: set[tuple[str, str]] = set()

    def add(role: str, names: list[str], page: int, minute: str | None) -> None:
        for n in names:
            if (role, n) not in seen:
                seen.add((role, n))
                out.append(Attendance(role=role, name=n, pdf_page=page, minute=minute))

    # the labelled blocks at the head (before the first minute; the whole paper if none was found)
    limit = first_minute_idx if first_minute_idx is not None else len(lines)
    i = 0
    while i < min(limit, len(lines)):
        m = _LABEL.match(lines[i].text)
        if not m or lines[i].pdf_page > 2:
            i += 1
            continue
        role = _ROLE.get(re.sub(r"\s+", " ", m.group("label").lower()), "present")
        text, page, j = m.group("rest"), lines[i].pdf_page, i + 1
        while (
            j < min(limit, len(lines))
            and not lines[j].is_blank
            and not _LABEL.match(lines[j].text)
            and not _STOP_LABEL.match(lines[j].text)
            and j - i < 12
        ):
            text += " " + lines[j].stripped
            j += 1
        sentence = _APOLOGY_SENTENCE.search(text) if role == "apologies" else None
        if sentence:
            text = sentence.group("names")
        add(role, _names(text), page, None)
        i = j
    # apologies minutes and sentences ("Apologies were received from ...", "... substituted by X")
    for k, line in enumerate(lines):
        num = minute_of.get(line.idx)
        title = minute_titles.get(num or "", "")
        if not re.search(r"(?i)apolog|ymddiheuriadau", title + " " + line.text):
            continue
        para = " ".join(x.stripped for x in lines[k : k + 4])
        m = _APOLOGY_SENTENCE.search(para)
        if m:
            names = m.group("names")
            subs = re.findall(
                r"(?:substituted\s+by|substitute[d]?\s+for\s+\w+\s+by)\s+([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})",
                names,
            )
            names = re.sub(r"\s+who\s+was\s+substituted\s+by\s+[^,]+", "", names)
            add("apologies", _names(names), line.pdf_page, num)
            add("substitute", [s.strip() for s in subs], line.pdf_page, num)
    # a minute titled "Apologies" whose body is just the names (one line under the heading)
    for k, line in enumerate(lines[:-1]):
        num = minute_of.get(line.idx)
        if num and re.fullmatch(
            r"(?i)\s*[\d.]*\s*apologies(?:\s+for\s+absence)?\s*", re.sub(re.escape(num), "", line.text, count=1)
        ):
            nxt = next((x for x in lines[k + 1 : k + 3] if not x.is_blank), None)
            if nxt and not _NONE.match(nxt.text) and not re.search(r"(?i)apolog", nxt.text):
                add("apologies", _names(nxt.stripped), nxt.pdf_page, num)
    return out


def declarations(  # noqa: C901
    lines: list[Line], minute_of: dict[int, str | None], minute_titles: dict[str, str]
) -> list[Declaration]:
    out: list[Declaration] = []
    seen: set[tuple[str, str]] = set()

    def add(member: str, interest: str, page: int, minute: str | None) -> None:
        member = re.sub(r"\s+", " ", member).strip(" ,.–-")
        interest = re.sub(r"\s+", " ", interest).strip(" ,.–-:")
        if member and (member, interest) not in seen:
            seen.add((member, interest))
            out.append(Declaration(member=member, interest=interest, pdf_page=page, minute=minute))

    # a declarations minute or label: one declaration per line naming a member
    for line in lines:
        num = minute_of.get(line.idx)
        title = minute_titles.get(num or "", "")
        in_minute = bool(num) and bool(_DECL_MINUTE.search(title))
        label = re.match(
            r"(?i)^\s*(?:declarations?\s+of\s+interests?|register\s+of\s+interests)\s*[:\-–]\s*(.+)$", line.text
        )
        if label and not _NONE.match(label.group(1)):
            for who, what in _member_lines(label.group(1)):
                add(who, what, line.pdf_page, num)
        if not in_minute or _DECL_MINUTE.search(line.text) or _NONE.match(line.text):
            continue
        for who, what in _member_lines(line.stripped):
            add(who, what, line.pdf_page, num)
    # sentences anywhere: "Cllr X declared an interest in ..."
    text, offs = "", []
    for line in lines:
        offs.append((len(text), line))
        text += line.stripped + " "
    for m in _DECLARED.finditer(text):
        at = next((line for off, line in reversed(offs) if off <= m.start()), lines[0])
        for who in _names(m.group("who")):
            add(who, m.group("what"), at.pdf_page, minute_of.get(at.idx))
    return out


def _member_lines(s: str) -> list[tuple[str, str]]:
    """ "Cllr. O. Williams – Candidate Sites SR/1 (Property adjacent)" -> [(O. Williams, Candidate ...)];
    "Agenda Item 10, E/38405 – County Cllr. J. Davies and Cllr. P. Harries" -> both members."""
    if not re.search(rf"{_TITLES}\s+[A-Z]", s) and not re.match(r"^\s*(?:Mr|Mrs|Ms|Miss|Dr)\b", s):
        return []
    parts = re.split(r"\s+[–-]\s+", s, maxsplit=1)
    if len(parts) == 2 and re.search(rf"{_TITLES}\s+[A-Z]", parts[1]) and not re.search(rf"^\s*{_TITLES}", parts[0]):
        return [(n, parts[0]) for n in _names(parts[1])]
    if len(parts) == 2:
        return [(n, parts[1]) for n in _names(parts[0])]
    m = re.match(rf"^\s*(?P<who>{_TITLES}\s+(?:[A-Z][\w’'.-]*\s*){{1,4}})(?P<what>.*)$", s)
    if m:
        return [(n, m.group("what")) for n in _names(m.group("who"))]
    return []


def votes(lines: list[Line], minute_of: dict[int, str | None]) -> list[Vote]:  # noqa: C901
    """Recorded votes: a For / Against / Abstain block, each count followed by the names (which
    wrap over lines, so a block's names are read once it ends)."""
    out: list[Vote] = []
    cur: Vote | None = None
    key: str | None = None
    buf: list[str] = []
    last_idx = -99

    def flush() -> None:
        if cur is not None and key and buf:
            getattr(cur, f"{key}_names").extend(_names(" ".join(buf)))
        buf.clear()

    for k, line in enumerate(lines):
        m = _VOTE_HEAD.match(line.text)
        if m:
            flush()
            kind = m.group("k").lower()[:3]
            if cur is None or k - last_idx > 40 or (kind == "for" and cur.for_count is not None):
                cur = Vote(minute=minute_of.get(line.idx), pdf_page=line.pdf_page)
                out.append(cur)
            key = {"for": "for", "aga": "against", "abs": "abstain"}[kind]
            setattr(cur, f"{key}_count", int(m.group("n")))
            if m.group("rest").strip():
                buf.append(m.group("rest"))
            last_idx = k
            continue
        if cur is None or k - last_idx > 40:
            continue
        s = line.stripped
        if not s or _PAGE_ONLY(s):
            continue
        outcome = re.search(r"(?i)\b(carried|lost|fell|defeated)\b", s)
        if outcome and len(s.split()) <= 8:
            flush()
            key = None
            if cur.outcome is None:
                cur.outcome = outcome.group(1).lower()
            continue
        if (
            key
            and not re.search(r"[.;:]$", s.rstrip(","))
            and (s.count(",") >= 1 or re.match(rf"(?:{_TITLES})\s", s) or len(s.split()) <= 3)
        ):
            buf.append(s)
            last_idx = k
        else:
            flush()
            key = None
    flush()
    return [v for v in out if v.for_count is not None or v.against_count is not None]


def _PAGE_ONLY(s: str) -> bool:
    return bool(re.fullmatch(r"(?i)(page\s+)?\d{1,4}", s))
