"""mgWebService.asmx XML → dataclasses. Tolerant of case, namespaces and missing optional fields.

Dates come as dd/mm/yyyy (UK order; sometimes with a time); flags as "True"/"False"."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin


def _text(el: ET.Element, name: str) -> str | None:
    child = el.find(name)
    if child is None or child.text is None or not child.text.strip():
        return None
    return child.text.strip()


def _flag(el: ET.Element, name: str) -> bool:
    return (_text(el, name) or "").lower() in ("true", "1", "yes")


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


@dataclass(frozen=True)
class Committee:
    id: str
    title: str


@dataclass(frozen=True)
class MeetingRef:
    id: str
    committee_id: str | None
    date: date | None


@dataclass(frozen=True)
class LinkedDocument:
    attachment_id: str | None
    title: str
    url: str
    restricted: bool


@dataclass(frozen=True)
class AgendaItemRecord:
    number: str | None
    title: str
    minute_number: str | None
    restricted: bool
    documents: list[LinkedDocument] = field(default_factory=list)

    def override(self) -> dict:
        return {"number": self.number, "title": self.title, "restricted": self.restricted,
                "minute": self.minute_number}


@dataclass(frozen=True)
class Meeting:
    id: str
    committee_id: str | None
    committee_title: str | None
    date: date | None
    url: str
    documents: list[LinkedDocument]
    items: list[AgendaItemRecord]


def committees(root: ET.Element) -> list[Committee]:
    out = []
    for el in root.iter("committee"):
        cid, title = _text(el, "committeeid"), _text(el, "committeetitle")
        if cid and title and not _flag(el, "committeedeleted"):
            out.append(Committee(cid, title))
    return out


def meetings(root: ET.Element) -> list[MeetingRef]:
    return [MeetingRef(mid, _text(el, "committeeid"), parse_uk_date(_text(el, "meetingdate")))
            for el in root.iter("meeting") if (mid := _text(el, "meetingid"))]


def _documents(parent: ET.Element, base_url: str) -> list[LinkedDocument]:
    holder = parent.find("linkeddocuments")
    if holder is None:
        return []
    out = []
    for d in holder.findall("linkeddocument"):
        url = _text(d, "url")
        if url:
            out.append(LinkedDocument(_text(d, "attachmentid"), _text(d, "title") or "",
                                      urljoin(base_url + "/", url), _flag(d, "isrestricted")))
    return out


def meeting(root: ET.Element, base_url: str) -> Meeting:
    el = root if root.tag == "meeting" else root.find(".//meeting")
    if el is None or not _text(el, "meetingid"):
        raise ValueError("GetMeeting response has no <meeting>")
    mid = _text(el, "meetingid") or ""
    cid = _text(el, "committeeid")
    link = _text(el, "meetinglink") or _text(el, "meetingurl")
    url = urljoin(base_url + "/", link) if link else (
        f"{base_url}/ieListDocuments.aspx?CId={cid}&MId={mid}" if cid else f"{base_url}/ieListDocuments.aspx?MId={mid}")
    items = []
    holder = el.find("agendaitems")
    for it in (holder.findall("agendaitem") if holder is not None else []):
        items.append(AgendaItemRecord(_text(it, "agendaitemnumber"), _text(it, "agendaitemtitle") or "",
                                      _text(it, "minutesitemnumber"), _flag(it, "isrestricted"),
                                      _documents(it, base_url)))
    return Meeting(mid, cid, _text(el, "committeetitle"), parse_uk_date(_text(el, "meetingdate")), url,
                   _documents(el, base_url), items)
