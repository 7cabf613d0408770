"""mgWebService.asmx XML → dataclasses, as real sites answer (recorded answers: ../shared/moderngov/).

What real answers look like, and what this module does about it:
- GetCommittees answers <committees>; GetMeetings answers <getmeetings> with the meetings grouped
  under <committee> (id and title), which is where a meeting's committee comes from: GetMeeting's
  <meeting> usually names none.
- an item has agendaitemnumber (the agenda's number; numbering may start anywhere), an optional
  agendaitemsubnumber, fulldisplaynumberformat (how the site prints it, e.g. "51.") and
  minutesitemnumber (the minute's own series);
- minutes (minutesnonemptyhtmlbody) and decisions (decisionnonemptyhtmlbody) are HTML carried as
  XML text, and titles are escaped twice ("&amp;#39;" in the XML is "&#39;" after parsing);
- counts carry leading spaces (" 3"); "empty" elements hold a newline and indentation; optional
  elements are absent rather than empty;
- times are printed ("6.00 pm"); statuses read "Confirmed", "Cancelled", "Confirmed; Special Meeting";
- documents are <linkeddocuments><linkeddoc> with attachmentid, title, an absolute url
  (mgConvert2PDF.aspx?ID=…), isrestricted, publicationdate, ownertitle and isurl (a link, not a file);
- attendees are <attendee> elements whose details are attributes (name, roledescription, attendance).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin


def _text(el: ET.Element, name: str) -> str | None:
    """An element's text, or None when absent or whitespace only (ModernGov's "empty")."""
    child = el.find(name)
    if child is None or child.text is None or not child.text.strip():
        return None
    return child.text.strip()


def _flag(el: ET.Element, name: str) -> bool:
    return (_text(el, name) or "").lower() in ("true", "1", "yes")


def unescape(value: str | None) -> str:
    """Text escaped twice by the service ("Members&#39; Question Time" after XML parsing)."""
    s = value or ""
    for _ in range(3):  # at most a few layers; stop as soon as nothing changes
        t = html.unescape(s)
        if t == s:
            break
        s = t
    return " ".join(s.replace("\xa0", " ").split())


def parse_uk_date(value: str | None) -> date | None:
    if not value:
        return None
    v = value.strip().split(" ")[0]
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    return None


def uk_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


_TIME = re.compile(r"^\s*(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?\s*$", re.I)


def clock(value: str | None) -> str | None:
    """ "6.00 pm" → "18:00"; "18:00" stays; anything else None."""
    if not value:
        return None
    m = _TIME.match(value)
    if m:
        h, mins = int(m.group(1)) % 12, int(m.group(2) or 0)
        if m.group(3).lower() == "p":
            h += 12
        return f"{h:02d}:{mins:02d}"
    m = re.match(r"^\s*(\d{1,2})[:.](\d{2})\s*$", value)
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def _number(el: ET.Element, main: str, sub: str) -> str | None:
    n = _text(el, main)
    if n is None:
        return None
    return n + (_text(el, sub) or "")


def is_cancelled(status: str | None) -> bool:
    return bool(status) and bool(re.search(r"\bcancel", status or "", re.I))


@dataclass(frozen=True)
class Committee:
    id: str
    title: str
    expired: bool = False


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as GetMeetings lists it, with the committee it is grouped under."""

    id: str
    committee_id: str | None
    committee_title: str | None
    date: date | None
    status: str | None = None
    time: str | None = None

    @property
    def cancelled(self) -> bool:
        return is_cancelled(self.status)


@dataclass(frozen=True)
class LinkedDocument:
    attachment_id: str | None
    title: str
    url: str
    restricted: bool
    publication_date: date | None = None
    owner_title: str | None = None
    is_link: bool = False  # isurl: a link to another page, not a file to download


@dataclass(frozen=True)
class Attendee:
    name: str
    member_id: str | None
    role_description: str | None  # "Chair", "Committee Member", "Officer"
    attendance: str | None  # as the site says: "Present, as expected", "Apologies", "Expected"
    party: str | None = None
    ward: str | None = None
    representing: str | None = None

    @property
    def role(self) -> str:
        """present | apologies | substitute | in_attendance | absent | expected | unknown."""
        a = (self.attendance or "").lower()
        if "apolog" in a:
            return "apologies"
        if "substitut" in a:
            return "substitute"
        if "absent" in a:
            return "absent"
        if "in attendance" in a or "attending" in a:
            return "in_attendance"
        if "present" in a or "attended" in a:
            return "present"
        if "expected" in a:
            return "expected"
        return "unknown"


@dataclass(frozen=True)
class AgendaItemRecord:
    number: str | None  # the agenda's number (agendaitemnumber + subnumber)
    title: str
    minute_number: str | None  # minutesitemnumber + subnumber
    restricted: bool  # isrestricted, or not isdisplayallowed
    documents: list[LinkedDocument] = field(default_factory=list)
    id: str | None = None  # agendaitemid
    display_number: str | None = None  # fulldisplaynumberformat as printed ("51.")
    minutes_html: str | None = None  # minutesnonemptyhtmlbody (HTML)
    decision_html: str | None = None  # decisionnonemptyhtmlbody (HTML)
    is_decision: bool = False

    def override(self, *, with_minute: bool = False) -> dict:
        """The item as index/overrides.py takes it (`with_minute`: as the agenda of a minutes paper, or
        for a document that is this item's minute). `restricted` is only ever True or None: the
        council's flag may add Part II status, never lift what the paper itself says."""
        out = {"number": self.number, "title": self.title, "restricted": True if self.restricted else None}
        if with_minute:
            out["minute"] = self.minute_number
        return out


@dataclass(frozen=True)
class Meeting:
    id: str
    committee_id: str | None
    committee_title: str | None
    date: date | None
    url: str  # the council's meeting page (ieListDocuments.aspx)
    documents: list[LinkedDocument]  # attached to the meeting itself (few sites list any)
    items: list[AgendaItemRecord]
    status: str | None = None
    time: str | None = None  # as printed: "6.00 pm"
    location: str | None = None
    minutes_published: bool = False
    decisions_published: bool = False
    attendees: list[Attendee] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return is_cancelled(self.status)


def committees(root: ET.Element) -> list[Committee]:
    out = []
    for el in root.iter("committee"):
        cid, title = _text(el, "committeeid"), _text(el, "committeetitle")
        if cid and title and not _flag(el, "committeedeleted"):
            out.append(Committee(cid, unescape(title), _flag(el, "committeeexpired")))
    return out


def meetings(root: ET.Element) -> list[MeetingRef]:
    """Every meeting listed, with its committee from the <committee> it is grouped under (or the
    meeting's own committeeid where a site lists them flat)."""
    out: list[MeetingRef] = []
    seen: set[str] = set()
    for group in root.iter("committee"):
        cid, title = _text(group, "committeeid"), _text(group, "committeetitle")
        for el in group.iter("meeting"):
            ref = _ref(el, cid, unescape(title) if title else None)
            if ref and ref.id not in seen:
                seen.add(ref.id)
                out.append(ref)
    for el in root.iter("meeting"):  # listed outside any committee group
        ref = _ref(el, None, None)
        if ref and ref.id not in seen:
            seen.add(ref.id)
            out.append(ref)
    return out


def _ref(el: ET.Element, cid: str | None, title: str | None) -> MeetingRef | None:
    mid = _text(el, "meetingid")
    if not mid:
        return None
    own_title = _text(el, "committeetitle")
    return MeetingRef(
        mid,
        _text(el, "committeeid") or cid,
        unescape(own_title) if own_title else title,
        parse_uk_date(_text(el, "meetingdate")),
        _text(el, "meetingstatus"),
        _text(el, "meetingtime"),
    )


def _documents(parent: ET.Element, base_url: str) -> list[LinkedDocument]:
    holder = parent.find("linkeddocuments")
    if holder is None:
        return []
    out = []
    for d in list(holder.findall("linkeddoc")) + list(holder.findall("linkeddocument")):
        url = _text(d, "url")
        if url:
            owner = _text(d, "ownertitle")
            out.append(
                LinkedDocument(
                    _text(d, "attachmentid"),
                    unescape(_text(d, "title")),
                    urljoin(base_url + "/", url),
                    _flag(d, "isrestricted"),
                    parse_uk_date(_text(d, "publicationdate")),
                    unescape(owner) if owner else None,
                    _flag(d, "isurl"),
                )
            )
    return out


def _attendees(el: ET.Element) -> list[Attendee]:
    holder = el.find("attendees")
    if holder is None:
        return []
    out = []
    for a in holder.findall("attendee"):
        name = unescape(a.get("name") or _text(a, "name"))
        if not name:
            continue
        out.append(
            Attendee(
                name,
                a.get("memberid"),
                a.get("roledescription"),
                a.get("attendance"),
                a.get("politicalparty") or None,
                unescape(a.get("ward")) or None,
                a.get("representing") or None,
            )
        )
    return out


def meeting_url(base_url: str, meeting_id: str, committee_id: str | None) -> str:
    return (
        f"{base_url}/ieListDocuments.aspx?CId={committee_id}&MId={meeting_id}"
        if committee_id
        else f"{base_url}/ieListDocuments.aspx?MId={meeting_id}"
    )


def decision_url(base_url: str, agenda_item_id: str) -> str:
    return f"{base_url}/ieDecisionDetails.aspx?AIId={agenda_item_id}"


def meeting(root: ET.Element, base_url: str, listed: MeetingRef | None = None) -> Meeting:
    """GetMeeting's answer; `listed` is the meeting as GetMeetings grouped it (its committee)."""
    el = root if root.tag == "meeting" else root.find(".//meeting")
    if el is None or not _text(el, "meetingid"):
        raise ValueError("the answer has no <meeting> with a <meetingid>")
    mid = _text(el, "meetingid") or ""
    cid = _text(el, "committeeid") or (listed.committee_id if listed else None)
    ctitle = _text(el, "committeetitle")
    ctitle = unescape(ctitle) if ctitle else (listed.committee_title if listed else None)
    link = _text(el, "meetinglink") or _text(el, "meetingurl")
    url = urljoin(base_url + "/", link) if link else meeting_url(base_url, mid, cid)
    items = []
    holder = el.find("agendaitems")
    for it in holder.findall("agendaitem") if holder is not None else []:
        items.append(
            AgendaItemRecord(
                number=_number(it, "agendaitemnumber", "agendaitemsubnumber"),
                title=unescape(_text(it, "agendaitemtitle")),
                minute_number=_number(it, "minutesitemnumber", "minutesitemsubnumber"),
                restricted=_flag(it, "isrestricted")
                or (it.find("isdisplayallowed") is not None and not _flag(it, "isdisplayallowed")),
                documents=_documents(it, base_url),
                id=_text(it, "agendaitemid"),
                display_number=_text(it, "fulldisplaynumberformat"),
                minutes_html=_text(it, "minutesnonemptyhtmlbody"),
                decision_html=_text(it, "decisionnonemptyhtmlbody"),
                is_decision=_flag(it, "isdecision"),
            )
        )
    return Meeting(
        mid,
        cid,
        ctitle,
        parse_uk_date(_text(el, "meetingdate")) or (listed.date if listed else None),
        url,
        _documents(el, base_url),
        items,
        status=_text(el, "meetingstatus"),
        time=_text(el, "meetingtime"),
        location=unescape(_text(el, "meetinglocation")) or None,
        minutes_published=_flag(el, "minutepublished"),
        decisions_published=_flag(el, "decisionpublished"),
        attendees=_attendees(el),
    )
