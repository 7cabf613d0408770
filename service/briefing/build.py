"""A meeting's briefing: for each agenda item its pages, author, purpose, the recommendations as
printed, key figures, the Part II flag and what was decided before on the same topic; every
line copied from a page of the papers and cited to that page and the item.

Read from the papers as the caller may read them (Library.page with the caller's role: a Part II
line is a blank line for the public, a withheld page is not read at all), so nothing the caller
may not see can be extracted; the route still passes every line through the release check.
The conventions of council papers that find each part are ingestion's (ingest/recommendations.py,
ingest/report_facts.py, ingest/agenda_blocks.py); this module only puts a meeting's papers
together: the front sheet's block of each item, the report pages its "(Pages X - Y)" range maps
to (or a separately published report of that item), and the minutes of earlier meetings.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Sequence

from ingest.agenda_blocks import is_procedural, item_blocks
from ingest.layout import Line
from ingest.printed import PageText, Printed, join, lines_of, words
from ingest.recommendations import AGENDA_ASK, ASK, asks, merge, report_recommendations
from ingest.report_facts import authors, body_end, figures, purpose
from service.briefing.meetings import Meeting, briefing_papers


@dataclass(frozen=True)
class BriefingConfig:
    figures_per_item: int = 5
    earlier_minutes_per_item: int = 3
    resolutions_per_minute: int = 2  # decisions shown per earlier minute
    topic_words: int = 4  # the title's longest distinctive words looked up in earlier minutes
    author_lines_after_body: int = 25  # author lines are read from the body's end onwards, this far
    topic_share: float = 0.5  # an earlier minute shares at least this share of the title's topic words
    register_depth: int = 40  # decisions the register ranks for an item's topic, before the topic check


CONFIG = BriefingConfig()

# Words of an item title that say nothing about its topic ("Update", "Report", "Committee").
_GENERIC = frozenset(
    """report reports update updates committee committees council councils cabinet annual review
    report item items paper papers meeting meetings plan plans service services group groups task interim final
    draft proposed proposal proposals decision decisions matters strategy policy about from with their this that
    minutes members member public local county borough district city town parish select panel board""".split()
)
_PAGES_LINE = re.compile(r"^\(?\s*Pages?\s+\d", re.I)
_MARKER = re.compile(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+", re.I)


@dataclass(frozen=True)
class Cite:
    doc_id: str
    source: str
    pdf_page: int
    page_label: str | None
    item: str | None


@dataclass
class BriefLine:
    kind: str  # purpose | recommendation | procedural | author | from | contact | figure | decision
    text: str  # as printed on the cited page
    cite: Cite
    lead: str = ""  # what the line completes or is: a lead-in, the figures, the minute decided
    also_on: list[int] = field(default_factory=list)
    to_page: int = 0  # the PDF page the passage ends on, when it runs on past its cited page

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "lead": self.lead,
            "doc_id": self.cite.doc_id,
            "source": self.cite.source,
            "pdf_page": self.cite.pdf_page,
            "page_label": self.cite.page_label,
            "item": self.cite.item,
            "also_on": list(self.also_on),
            "to_page": self.to_page or None,
        }


@dataclass(frozen=True)
class PaperPages:
    doc_id: str
    source: str
    pdf_pages: tuple[int, int]
    page_labels: tuple[str | None, str | None]


@dataclass
class BriefItem:
    number: str
    title: str
    procedural: bool
    part2: bool  # an exempt (Part II) item: shown only to those who may read it
    withheld: bool  # some of its pages hold Part II lines the caller does not see
    papers: list[PaperPages]
    purpose: list[BriefLine] = field(default_factory=list)
    recommendations: list[BriefLine] = field(default_factory=list)
    authors: list[BriefLine] = field(default_factory=list)
    figures: list[BriefLine] = field(default_factory=list)
    earlier: list[BriefLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    printed_range: tuple[str, str] | None = None

    def lines(self) -> list[BriefLine]:
        return self.purpose + self.recommendations + self.authors + self.figures + self.earlier

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "procedural": self.procedural,
            "part2": self.part2,
            "withheld": self.withheld,
            "printed_pages": list(self.printed_range) if self.printed_range else None,
            "papers": [
                {
                    "doc_id": p.doc_id,
                    "source": p.source,
                    "pdf_pages": list(p.pdf_pages),
                    "page_labels": list(p.page_labels),
                }
                for p in self.papers
            ],
            "doc_ids": sorted({p.doc_id for p in self.papers} | {line.cite.doc_id for line in self.lines()}),
            "purpose": [line.to_json() for line in self.purpose],
            "recommendations": [line.to_json() for line in self.recommendations],
            "authors": [line.to_json() for line in self.authors],
            "figures": [line.to_json() for line in self.figures],
            "earlier": [line.to_json() for line in self.earlier],
            "notes": list(self.notes),
        }


@dataclass
class Briefing:
    meeting: Meeting
    meeting_time: str | None
    venue: str | None
    papers: list[dict[str, Any]]
    items: list[BriefItem]
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        recs = sum(len(i.recommendations) for i in self.items if not i.procedural)
        return {
            **self.meeting.to_json(),
            "meeting_time": self.meeting_time,
            "venue": self.venue,
            "papers": self.papers,
            "items": [i.to_json() for i in self.items],
            "counts": {
                "items": len(self.items),
                "to_decide": sum(1 for i in self.items if i.recommendations and not i.procedural),
                "recommendations": recs,
            },
            "generated_ms": round(self.seconds * 1000, 1),
        }


# ------------------------------------------------------------------------------------------ reading


class _Paper:
    """One paper's pages as the caller reads them, read once."""

    def __init__(self, library: Any, doc: Any, role: str):
        from index.filters import may_see_restricted

        self.doc = doc
        self.pages: dict[int, PageText] = {}
        # pages holding Part II lines the caller does not see (blank lines in the text read here)
        self.withheld_pages: set[int] = set() if may_see_restricted(role) else set(library.restricted_pages(doc.doc_id))
        for n in range(1, doc.page_count + 1):
            got = library.page(doc.doc_id, n, role, notice="")
            if got is not None:
                self.pages[n] = PageText(n, got[0], got[1])

    def lines(self, a: int, b: int) -> list[Line]:
        return lines_of([self.pages[n] for n in range(a, b + 1) if n in self.pages])

    def label(self, n: int) -> str | None:
        p = self.pages.get(n)
        return p.label if p else None

    def cite(self, n: int, item: str | None) -> Cite:
        return Cite(self.doc.doc_id, self.doc.source, n, self.label(n), item)


def _item_key(number: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", number)
    return (int(m.group(1)), m.group(2)) if m else (10_000, number)


def _line(p: Printed, paper: _Paper, item: str | None, kind: str | None = None) -> BriefLine:
    return BriefLine(kind or p.kind, p.text, paper.cite(p.pdf_page, item), p.lead, list(p.also_on), p.to_page)


# ------------------------------------------------------------------------------------------ building


def build_briefing(library: Any, meeting: Meeting, role: str, config: BriefingConfig = CONFIG) -> Briefing:  # noqa: C901
    t0 = time.perf_counter()
    docs = briefing_papers(library, meeting, role)
    papers = {d.doc_id: _Paper(library, d, role) for d in docs}
    items_by_doc = {d.doc_id: library.items(doc_id=d.doc_id, role=role, limit=1000) for d in docs}

    # the agenda: every item any paper names, its title from the front sheet that lists it
    agenda: dict[str, dict[str, Any]] = {}
    for d in docs:
        for it in items_by_doc[d.doc_id]:
            entry = agenda.setdefault(it.number, {"title": "", "ranges": [], "restricted": False, "printed": None})
            if len(it.title) > len(entry["title"]):
                entry["title"] = it.title
            entry["restricted"] |= it.restricted
            if it.pdf_pages:
                entry["ranges"].append((d.doc_id, it.pdf_pages))
            elif it.page_labels and entry["printed"] is None:
                entry["printed"] = tuple(it.page_labels)
    for d in docs:  # a paper no item claims is briefed as an item of its own
        if not items_by_doc[d.doc_id] and papers[d.doc_id].pages:
            agenda[f"({d.source})"] = {
                "title": d.title or d.source,
                "ranges": [(d.doc_id, (1, d.page_count))],
                "restricted": d.restricted,
                "printed": None,
            }

    blocks = _front_sheet_blocks(docs, papers, items_by_doc, agenda)
    out: list[BriefItem] = []
    for number in sorted(agenda, key=_item_key):
        entry = agenda[number]
        item = _brief_item(number, entry, blocks.get(number, []), papers, config)
        out.append(item)
    for item in out:
        if not item.procedural:
            item.earlier = earlier_decisions(library, meeting, item.title, role, [d.doc_id for d in docs], config)
    front = next((d for d in docs if d.doc_type == "agenda_pack"), docs[0] if docs else None)
    listed = [
        {"doc_id": d.doc_id, "source": d.source, "title": d.title, "doc_type": d.doc_type, "page_count": d.page_count}
        for d in docs
    ]
    return Briefing(
        meeting,
        getattr(front, "meeting_time", None),
        getattr(front, "venue", None),
        listed,
        out,
        time.perf_counter() - t0,
    )


def _front_sheet_blocks(
    docs: Sequence[Any],
    papers: dict[str, _Paper],
    items_by_doc: dict[str, list[Any]],
    agenda: dict[str, dict[str, Any]],
) -> dict[str, tuple[_Paper, list[Line]]]:
    """item number -> (paper, its front-sheet lines): the pages of each paper before the first
    page an item's range claims (a front sheet, a supplement's covering letter, a summons)."""
    out: dict[str, tuple[_Paper, list[Line]]] = {}
    for d in docs:
        its = items_by_doc[d.doc_id]
        if not its:
            continue
        starts = [it.pdf_pages[0] for it in its if it.pdf_pages]
        last_front = (min(starts) - 1) if starts else d.page_count
        if last_front < 1:
            continue
        paper = papers[d.doc_id]
        lines = paper.lines(1, last_front)
        found = item_blocks(lines, [(it.number, it.title) for it in its])
        for number, block in found.items():
            if number not in out or len(block) > len(out[number][1]):
                out[number] = (paper, block)
    return out


def _brief_item(
    number: str, entry: dict[str, Any], block: Any, papers: dict[str, _Paper], config: BriefingConfig
) -> BriefItem:
    title = entry["title"]
    paper_pages: list[PaperPages] = []
    report_recs: list[BriefLine] = []
    purposes: list[BriefLine] = []
    who: list[BriefLine] = []
    figs: list[BriefLine] = []
    withheld = False
    item_no = None if number.startswith("(") else number
    for doc_id, (a, b) in entry["ranges"]:
        paper = papers[doc_id]
        paper_pages.append(PaperPages(doc_id, paper.doc.source, (a, b), (paper.label(a), paper.label(b))))
        withheld |= any(a <= n <= b for n in paper.withheld_pages)
        lines = paper.lines(a, b)
        if not lines:
            continue
        report_recs += [_line(p, paper, item_no, "recommendation") for p in report_recommendations(lines)]
        purposes += [_line(p, paper, item_no) for p in purpose(lines)]
        end = body_end(lines)
        tail = lines[max(0, end - 2) : end + config.author_lines_after_body]
        who += [_line(p, paper, item_no) for p in authors(tail)]
        figs += [_line(p, paper, item_no, "figure") for p in figures(lines, config.figures_per_item)]

    block_paper, block_lines = block if block else (None, [])
    agenda_recs: list[BriefLine] = []
    agenda_purpose: list[BriefLine] = []
    if block_paper is not None:
        # the numbered heading is a unit of its own ("3. To approve the minutes …" in a parish
        # summons is an ask; "11 Forward Work Programme (Pages 57 - 60)" never joins the next line)
        heading, described = (
            block_lines[:1],
            [line for line in block_lines[1:] if not _continues_title(line.text, title)],
        )
        agenda_recs = [
            _line(p, block_paper, item_no, "recommendation")
            for p in asks(heading, agenda=True) + asks(described, agenda=True)
        ]
        agenda_purpose = _described_purpose(described, block_paper, item_no)

    recs = _merge_lines(report_recs + agenda_recs)
    procedural = is_procedural(title) and not report_recs
    item = BriefItem(
        number, title, procedural, bool(entry["restricted"]), withheld, paper_pages, printed_range=entry.get("printed")
    )
    if procedural:
        item.recommendations = [BriefLine("procedural", r.text, r.cite, r.lead, r.also_on, r.to_page) for r in recs[:1]]
        return item
    item.recommendations = recs
    item.purpose = (purposes or agenda_purpose)[:1]
    item.authors = _dedupe(who)
    item.figures = figs[: config.figures_per_item]
    if not entry["ranges"] and entry.get("printed"):
        a, b = entry["printed"]
        item.notes.append(f"The report (printed pages {a}–{b} of the agenda) is not among the papers held.")
    elif entry["ranges"] and not recs:
        item.notes.append("The papers print no recommendation for this item.")
    if withheld:
        item.notes.append("Part of this item's papers is exempt information (Part II) and is withheld.")
    return item


def _continues_title(text: str, title: str) -> bool:
    """A front-sheet line that is the item's wrapped title or its "(Pages X - Y)"."""
    return bool(_PAGES_LINE.match(text)) or "(Pages" in text or (len(text) > 3 and text.strip() in title)


def _described_purpose(lines: list[Line], paper: _Paper, item: str | None) -> list[BriefLine]:
    """The front sheet's description of an item: its first sentence that is not an ask."""
    text = join(lines)
    if not text:
        return []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        bare = _MARKER.sub("", sentence)
        lower = sum(1 for w in bare.split() if w[:1].islower())
        if lower >= 4 and not ASK.search(bare) and not AGENDA_ASK.match(bare):
            page = next((line.pdf_page for line in lines if sentence.split()[0] in line.text), lines[0].pdf_page)
            return [BriefLine("purpose", sentence, paper.cite(page, item))]
    return []


def _merge_lines(lines: list[BriefLine]) -> list[BriefLine]:
    """Each recommendation once (the report's printing first, the agenda's pages in also_on)."""
    merged = merge(
        [
            Printed(line.text, line.cite.pdf_page, line.kind, line.lead, tuple(line.also_on), line.to_page)
            for line in lines
        ]
    )
    out: list[BriefLine] = []
    for m in merged:
        src = next(line for line in lines if line.text == m.text and line.cite.pdf_page == m.pdf_page)
        out.append(BriefLine(src.kind, src.text, src.cite, src.lead, list(m.also_on), src.to_page))
    return out


def _dedupe(lines: list[BriefLine]) -> list[BriefLine]:
    seen: set[str] = set()
    out = []
    for line in lines:
        key = " ".join(words(line.text))
        if key and key not in seen:
            seen.add(key)
            out.append(line)
    return out


# ------------------------------------------------------------------------------------------ earlier decisions


def topic_words(title: str) -> set[str]:
    return {w for w in words(title) if len(w) >= 4 and w not in _GENERIC and not w.isdigit()}


def earlier_decisions(
    library: Any, meeting: Meeting, title: str, role: str, own_doc_ids: Sequence[str], config: BriefingConfig = CONFIG
) -> list[BriefLine]:
    """What earlier meetings decided on the item's topic, from the decision register (issue 18:
    every resolution of the minutes held, with the date of the meeting that took it, so the last
    meeting's minutes printed in these papers count too). The register ranks by words and meaning;
    a decision is kept when its minute's title shares a topic word with the item's title and,
    with its text, at least two of them (or the only one) and `topic_share` of them, so a common
    word ("children", "quarter") alone never links two topics."""
    want = topic_words(title)
    if not want:
        return []
    before = meeting.meeting_date - timedelta(days=1)
    hits = library.decisions(" ".join(sorted(want)), date_to=before, role=role, limit=config.register_depth)
    need = min(2, len(want))
    by_minute: dict[tuple[str, str], list[Any]] = {}
    for h in hits:
        r = h.record
        in_title = want & set(words(r.minute_title))
        shared = want & (set(words(r.minute_title)) | set(words(r.text)))
        if in_title and len(shared) >= need and len(shared) / len(want) >= config.topic_share:
            by_minute.setdefault((r.doc_id, r.minute or r.minute_title), []).append(r)
    minutes = sorted(
        by_minute.values(), key=lambda rs: (rs[0].meeting_date or meeting.meeting_date, rs[0].doc_id), reverse=True
    )[: config.earlier_minutes_per_item]
    out: list[BriefLine] = []
    for records in minutes:
        for r in sorted(records, key=lambda r: r.seq)[: config.resolutions_per_minute]:
            when = r.meeting_date.strftime("%-d %B %Y") if r.meeting_date else "undated"
            where = f"minute {r.minute}: {r.minute_title}" if r.minute else r.minute_title
            lead = f"{r.body}, {when} — {where} ({r.outcome})"
            out.append(BriefLine("decision", r.text, Cite(r.doc_id, r.source, r.pdf_page, r.page_label, None), lead))
    return out
