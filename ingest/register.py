"""Decision records: every resolution of a paper's minutes as one record, built on the minute records
(ingest/minutes.py, ingest/decisions.py) and the recorded votes (ingest/records.py), never a second
reading of the text.

A decision is one "RESOLVED" block (its lines are the decision and its parts) or one decision
sentence ("It was agreed to ...", a motion closed by "Carried."). Each record carries what an
officer checks: the decision as printed, its parts ((a), (1), i), bullets, "To note ..." lines), its
outcome, the recorded vote on the motion that became it, the report it decided on, what it asks to
come back and when, its page and printed label, and its Part II status (restricted when the paper,
its agenda item, or any line that prints its title or its text is restricted: ingest/exempt.py).

Outcomes are read by rules, one per kind, each seen in the minutes of at least two councils
(tests/index/test_decision_register.py pins the examples): noted, recommended to another body,
amended, agreed. Refused and deferred are outcomes the schema knows, but the papers at hand hold
an example of each from one council at most, so no rule assigns them yet (docs/decisions.md).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Sequence

from ingest.metadata import first_date, month_number
from ingest.models import AgendaItem, Minute, Page, Vote

OUTCOMES = ("agreed", "amended", "deferred", "refused", "noted", "recommended")

# A part's printed label: "(a)", "A)", "b.)", "(1)", "1.", "(iv)", "iv)", a bullet.
_LABEL = re.compile(
    r"^\s*(?:\((?P<p1>[a-zA-Z]{1,2}|[ivx]{1,5}|\d{1,2})\)|(?P<p2>[a-zA-Z]{1,2}|[ivx]{1,5})\.?\)|"
    r"(?P<p3>\d{1,2})[.)]|(?P<bullet>[\u2022\uf0b7\u25aa\u25cf\uf0a7·*]))\s*"
)
_HEAD_ONLY = re.compile(r"[:;]\s*$|^\s*(?:and|or)\s*[;:,]?\s*$", re.I)

# --- outcome rules (the kind, then the wording that says it) ----------------------------------
# noted: the body only notes, receives or comments: the part opens with that verb ("To note the update",
# "Notes the Inspector's Report", "that the Panel notes ...") or says it passively ("that the Leader's
# report be noted", "the update was noted"), and nothing acting is joined to it ("To note and endorse
# ...", "... be noted and that a breakdown be circulated", "notes ... and to support the actions").
_NOTE_VERB = r"(?:note|notes|noted|receive|receives|received|comment|comments|commented|welcome|welcomes)"
_NOTE_START = re.compile(
    rf"(?i)^(?:that\s+)?(?:(?:the\s+)?(?:county\s+)?(?:council|committee|panel|cabinet|members|"
    rf"board|sub-committee)\s+)?(?:to\s+)?{_NOTE_VERB}\b"
)
_NOTE_PASSIVE = re.compile(r"(?i)\b(?:be|was|were|is|are|been)\s+(?:received\s+and\s+)?noted\b")
_ACT_VERB = (
    r"(?:approv|adopt|agree|endors|authori[sz]|delegat|appoint|request|ask|support|accept|award|grant|"
    r"transfer|confirm|elect|review|highlight|refer|urg|expect|call|thank|sign|pay|donat|renew|object|"
    r"proceed|resolv|form|perform|circulat|shar|remov|mak|consider|report|instruct|invit|writ|encourag)\w*"
)
_ACT_JOINED = re.compile(
    rf"(?i)(?:\band\b|[,;])\s+(?:that\s+)?(?:(?:to|also|further)\s+)?{_ACT_VERB}\b|"
    rf"\band\s+(?:that\s+)?[^,;]{{0,80}}?\b(?:be|is|are)\s+{_ACT_VERB}\b"
)
# recommended to another body: "be recommended to ...", "recommends to Council", "to be presented to
# County Council ... for final decision", "refer the decision to full Council".
_RECOMMEND = re.compile(
    r"(?i)\b(?:be\s+recommended\s+to|recommends?\s+(?:to\s+)?(?:the\s+)?(?:full\s+)?"
    r"(?:county\s+|city\s+|borough\s+|district\s+)?(?:council|cabinet|executive|leader|"
    r"cabinet\s+member)|(?:to\s+be\s+)?(?:presented|submitted)\s+to\s+(?:the\s+)?(?:full\s+)?"
    r"(?:county\s+|city\s+|borough\s+|district\s+)?(?:council|cabinet)\b[^.;]*\bfor\s+"
    r"(?:final\s+)?(?:decision|approval|adoption)|refer\w*\s+(?:the\s+\w+\s+)?to\s+(?:the\s+)?"
    r"full\s+council)"
)
# amended: the decision says so ("as amended"), or an amendment to it was carried in the minute
# ("Amendment carried", "agreed to the amendment", "With this amendment, ... agreed").
AMENDMENT_CARRIED = re.compile(
    r"(?i)\bamendment\s+(?:was\s+)?(?:carried|agreed|accepted)\b|"
    r"\bagreed\s+to\s+the\s+amendment\b|\bwith\s+this\s+amendment\b|"
    r"\b(?:motion|minutes?)\s*\(?as\s+amended\b"
)
_AS_AMENDED = re.compile(
    r"(?i)\bas\s+amended\b|\bwith\s+this\s+amendment\b|\bsubject\s+to\s+the\s+following\s+"
    r"amendments?\b"
)

# --- follow-on: what the decision asks to come back, and when --------------------------------
_FOLLOW = re.compile(
    r"(?i)\b(?:(?:be\s+)?report(?:ed)?(?:\s+back)?|brought\s+back|come\s+back|(?:be\s+)?considered|"
    r"(?:be\s+)?presented|(?:be\s+)?submitted|receive|review)\b[^.;]{0,160}?"
    r"(?:\bmeeting\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b|\b(?:in|by)\s+(?:early\s+|late\s+|mid[- ])?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"spring|summer|autumn|winter)\s+\d{4}\b|\bmonths?['’]?\s+time\b)[^.;]{0,80}"
)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b(?!,?\s+\d{4})",
    re.I,
)
# a meeting the decision names by its date: "the minutes of the meeting held on 9 January 2025"
_MEETING_REF = re.compile(r"(?i)\b(?:meeting|meetings)\s+(?:held\s+)?(?:on\s+)?(?:the\s+)?")


@dataclass
class DecisionPart:
    label: str | None  # as printed: "a", "1", "iv", "•"; None for an unlabelled line
    text: str
    outcome: str


@dataclass
class Decision:
    seq: int  # order in the paper
    minute: str | None  # the printed minute number ("" when the minutes print none)
    minute_title: str
    agenda_item: str | None
    text: str  # the decision as printed (its lines joined)
    parts: list[DecisionPart]
    outcome: str  # one of OUTCOMES
    outcome_rule: str  # the rule that decided it (why this outcome)
    pdf_page: int
    page_label: str | None
    restricted: bool
    votes: list[dict] = field(default_factory=list)  # the minute's recorded votes up to this decision
    vote: dict | None = None  # the one on the motion that became this decision
    report: dict | None = None  # the report it decided on: item, title, as described in the minute
    follow_on: list[dict] = field(default_factory=list)  # what comes back, and when: {text, date}
    refers_to: list[str] = field(default_factory=list)  # ISO dates of meetings the decision names
    # the meeting the decision was taken at, when not the paper's: minutes inside an agenda pack are
    # an earlier meeting's ("Minutes of the meeting held on 12 November 2024")
    meeting_date: date | None = None

    def to_json(self) -> dict:
        return asdict(self)


def part_label(line: str) -> tuple[str | None, str]:
    """("a", "Adopt the plan") from "(a) Adopt the plan"; (None, line) for an unlabelled line."""
    m = _LABEL.match(line)
    if not m:
        return None, line.strip()
    label = m.group("p1") or m.group("p2") or m.group("p3") or "•"
    return label, line[m.end() :].strip()


def classify_part(text: str) -> str:
    """noted | recommended | agreed for one part (amended is a decision's, not a part's)."""
    t = text.strip()
    if _RECOMMEND.search(t):
        return "recommended"
    # "To receive the strategy at a meeting in early 2018" asks for something to come back: it acts
    if (_NOTE_START.search(t) or _NOTE_PASSIVE.search(t)) and not _ACT_JOINED.search(t) and not _FOLLOW.search(t):
        return "noted"
    return "agreed"


def classify(text: str, parts: Sequence[DecisionPart], amended_in_minute: bool) -> tuple[str, str]:
    """(outcome, rule) of a whole decision: amended when it or its minute says an amendment carried;
    recommended when it (or a part) recommends to another body; noted when every part only notes;
    agreed otherwise."""
    if _AS_AMENDED.search(text) or amended_in_minute:
        return "amended", "amendment carried" if amended_in_minute and not _AS_AMENDED.search(text) else "as amended"
    kinds = [p.outcome for p in parts] or [classify_part(text)]
    acting = [k for k in kinds if k != "noted"]
    if acting and all(k == "recommended" for k in acting):  # mixed with parts it decides itself: agreed
        return "recommended", "recommended to another body"
    if all(k == "noted" for k in kinds):
        return "noted", "notes only"
    return "agreed", "agreed" if len(kinds) == 1 else "a part acts"


def _follow_on(text: str, meeting: date | None) -> list[dict]:
    out = []
    for m in _FOLLOW.finditer(text):
        clause = m.group(0).strip(" ,;")
        when = None
        found = first_date(clause)
        if found:
            when = found[1]
        elif meeting is not None and (dm := _DAY_MONTH.search(clause)):
            month = month_number(dm.group(2))
            if month:
                try:
                    when = date(meeting.year, month, int(dm.group(1)))
                    if when <= meeting:
                        when = date(meeting.year + 1, month, int(dm.group(1)))
                except ValueError:
                    when = None
        out.append({"text": clause, "date": when.isoformat() if when else None})
    return out


def _refers_to(text: str, meeting: date | None) -> list[str]:
    """Dates of earlier meetings the decision names ("the minutes of the meeting held on 9 January 2025")."""
    out = []
    for m in _MEETING_REF.finditer(text):
        window = text[m.end() : m.end() + 60]
        while (found := first_date(window)) and found[0] < 16:
            if meeting is None or found[1] < meeting:
                out.append(found[1].isoformat())
            window = window[window.find(str(found[1].year), found[0]) + 4 :]  # past this date's year
    return list(dict.fromkeys(out))


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def _line_at(page: Page, text: str) -> int | None:
    """Position of the page line where `text` starts (its first words may start mid-line: "3.
    RESOLVED that ..."), or None."""
    probe = _norm(text)[:32]
    if len(probe) < 8:
        return None
    lines = page.text.split("\n")
    for i, line in enumerate(lines):
        n = _norm(line)
        if n:
            at = _norm(" ".join(lines[i : i + 4])).find(probe)
            if 0 <= at < len(n):
                return i
    return None


def _restricted_on(page: Page | None, text: str) -> bool:
    """Is the line printing `text` restricted? Fail closed: a page with Part II lines where the
    text cannot be found counts as restricted."""
    if page is None or not page.restricted_lines:
        return False
    i = _line_at(page, text)
    if i is None:
        return True
    return any(a <= i <= b for a, b in page.restricted_lines)


def _vote_json(v: Vote) -> dict:
    return {
        "outcome": v.outcome,
        "for": v.for_count,
        "against": v.against_count,
        "abstain": v.abstain_count,
        "for_names": v.for_names,
        "against_names": v.against_names,
        "abstain_names": v.abstain_names,
        "pdf_page": v.pdf_page,
    }


_REPORT = re.compile(
    r"(?i)\b(?:considered|received|noted|had\s+before\s+(?:it|them))\s+(?:a|an|the)\s+"
    r"((?:exempt\s+|joint\s+|verbal\s+|written\s+)?report\b[^.]{0,160})"
)


_HELD_ON = re.compile(r"(?i)\b(?:held\s+on|meeting\s+of|minutes\s+of)\b")


def held_on(page: Page | None) -> date | None:
    """The date minutes print for their meeting at their head ("... MEETING HELD ON 31 OCTOBER 2017")."""
    if page is None:
        return None
    head = "\n".join(page.text.split("\n")[:12])
    for m in _HELD_ON.finditer(head):
        found = first_date(head[m.end() : m.end() + 80])
        if found:
            return found[1]
    return None


def decisions_of(  # noqa: C901
    *,
    minutes: Sequence[Minute],
    votes: Sequence[Vote],
    pages: Sequence[Page],
    items: Sequence[AgendaItem],
    restricted: bool,
    meeting_date: date | None,
    amended_minutes: set[str] | None = None,
    in_pack: bool = False,
) -> list[Decision]:
    """Every decision of a paper, in order. `amended_minutes`: minutes whose proceedings record a
    carried amendment (when the caller has the text; see minute_amendments). `in_pack`: the paper is
    an agenda pack, whose minutes are an earlier meeting's (dated by their own head)."""
    by_page = {p.pdf_page: p for p in pages}
    taken_on: dict[str | None, date | None] = {}
    if in_pack:
        for m in minutes:
            if m.agenda_item not in taken_on:
                taken_on[m.agenda_item] = held_on(by_page.get(m.pdf_pages[0]))
    item_restricted = {i.number for i in items if i.restricted}
    out: list[Decision] = []
    for m in minutes:
        if not m.resolved:
            continue
        blocks = m.resolved_blocks if len(m.resolved_blocks) == len(m.resolved) else _guess_blocks(m.resolved)
        groups: dict[int, list[int]] = {}
        for k, b in enumerate(blocks):
            groups.setdefault(b, []).append(k)
        mvotes = sorted((v for v in votes if m.number and v.minute == m.number), key=lambda v: v.pdf_page)
        used = 0
        heading_restricted = _restricted_on(by_page.get(m.pdf_pages[0]), m.title) if m.title else False
        for b in sorted(groups):
            ks = groups[b]
            lines = [m.resolved[k] for k in ks]
            pages_of = [m.resolved_pages[k] if k < len(m.resolved_pages) else m.pdf_pages[0] for k in ks]
            parts: list[DecisionPart] = []
            if len(lines) > 1:
                body = lines[1:] if _lead_in(lines[0]) else lines
                for line in body:
                    if _lead_in(line) and len(line) < 40:
                        continue  # "And;" between two lists of parts
                    label, text = part_label(line)
                    parts.append(DecisionPart(label, text, classify_part(text)))
            text = " ".join(lines)
            outcome, rule = classify(
                text, parts, bool(amended_minutes and m.number in amended_minutes and b == max(groups))
            )
            page = pages_of[0]
            mine = [v for v in mvotes[used:] if v.pdf_page <= page]
            used += len(mine)
            restricted_here = (
                restricted
                or (m.agenda_item in item_restricted)
                or heading_restricted
                or any(_restricted_on(by_page.get(p), ln) for p, ln in zip(pages_of, lines, strict=False))
            )
            rep = _REPORT.search(" ".join(lines))
            out.append(
                Decision(
                    seq=len(out),
                    minute=m.number,
                    minute_title=m.title,
                    agenda_item=m.agenda_item,
                    text=text,
                    parts=parts,
                    outcome=outcome,
                    outcome_rule=rule,
                    pdf_page=page,
                    page_label=by_page[page].label if page in by_page else None,
                    restricted=restricted_here,
                    votes=[_vote_json(v) for v in mine],
                    vote=_vote_json(mine[-1]) if mine else None,
                    report={
                        "item": m.agenda_item,
                        "title": m.title,
                        "described": rep.group(1).strip() if rep else None,
                    },
                    follow_on=_follow_on(text, taken_on.get(m.agenda_item) or meeting_date),
                    refers_to=_refers_to(text, taken_on.get(m.agenda_item) or meeting_date),
                    meeting_date=taken_on.get(m.agenda_item),
                )
            )
    return out


def _lead_in(line: str) -> bool:
    """A line that opens or joins parts without being one ("RESOLVED that Cabinet:", "And;"). A
    labelled line is a part even when it ends in ";" or ":", as parts of a list usually do
    ("(a) to approve the strategy;")."""
    return _HEAD_ONLY.search(line) is not None and _LABEL.match(line) is None


def _guess_blocks(lines: Sequence[str]) -> list[int]:
    """Blocks for minutes stored before blocks were recorded: lines that read as a Resolved block
    ("that ...", "To note ...", a labelled part, an opening ending in a colon) are one decision (a
    minute nearly always has one block); otherwise each line is a decision sentence of its own."""
    if not lines:
        return []
    first = lines[0].strip()
    block = (
        bool(re.match(r"(?i)^(?:that\b|to\s+[a-z])", first)) or _LABEL.match(first) is not None or first.endswith(":")
    )
    return [0] * len(lines) if block else list(range(len(lines)))


def minute_amendments(page_texts: Sequence[str], minutes: Sequence[Minute]) -> set[str]:
    """Minutes whose proceedings record a carried amendment: the text of the minute's pages, from
    its title to its first Resolved line (so a later minute's amendment on a shared page is not its)."""
    out: set[str] = set()
    for m in minutes:
        if not m.resolved or not m.number:
            continue
        lo, hi = m.pdf_pages
        first_page = m.resolved_pages[0] if m.resolved_pages else hi
        text = "\n".join(page_texts[p - 1] for p in range(lo, min(first_page, hi) + 1) if 0 < p <= len(page_texts))
        norm = re.sub(r"\s+", " ", text)
        start = norm.find(re.sub(r"\s+", " ", m.title)[:30]) if m.title else -1
        # the Resolved block is the last place its words are printed (a motion is printed before it)
        probe = next((r for r in m.resolved if len(r) >= 20), m.resolved[0])
        end = norm.rfind(re.sub(r"\s+", " ", probe)[:30])
        span = norm[max(start, 0) : end if end > start else len(norm)]
        if AMENDMENT_CARRIED.search(span):
            out.add(m.number)
    return out
