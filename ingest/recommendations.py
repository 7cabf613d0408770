"""The decisions a paper asks for, as printed: what a councillor must find first in a pack.

Two conventions, each in papers of every council in the shared corpus:

- **A recommendations section** of a report: a heading of its own ("Recommendation(s):",
  "Recommendations", "Proposal", "Proposals", "Resolutions", "Conclusion and Recommendation",
  "Decision required"), often a lead-in ("Cabinet is asked to:", "County Council is asked to:",
  "The Committee is asked to agree that:"), then a list ("A.", "(1)", "1.", "a.", "4.1") or one
  paragraph ("Cabinet to note: (a) … and (b) …"). It runs until the next heading, the author's
  or director's signature, or the report's end; across page breaks.
- **Asks in running text**: "The Committee is asked to note …", "Members are invited to …", "The
  report recommends that …", and on a front sheet the agenda's own infinitives under an item ("To
  approve the minutes …", "To elect a Chairman …", "i) To note the Terms of Reference …"), which
  parish summonses print too ("To consider any apologies", "To approve the minutes of the last
  meeting").

A report that prints a recommendations section is read only there (its summary often restates the
same decisions in prose); otherwise its asks are read. Recommendations printed twice (a summary
box and the closing section) are given once, with the other page in `also_on`. Nothing is
composed: every unit is the printed words of one place (tested by `ingest.printed.printed_on`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ingest.layout import Line, ends_sentence, title_like
from ingest.printed import Printed, join, words

_HEAD = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})?\.?\s*)?"
    r"(?P<head>(?:Conclusions?\s+and\s+)?Recommendations?(?:\s*\(s\))?|Recommended\s+decisions?|Proposals?"
    r"|Resolutions|Decisions?\s+(?:required|sought|requested)|Action\s+required)"
    r"\s*(?P<colon>[:.])?\s*(?P<rest>.*)$",
    re.I,
)
_MIXED_HEAD = re.compile(r"^conclusion", re.I)  # a section that concludes first: keep only its asks

# A list marker at the start of a line: "A.", "(1)", "1.", "1)", "a)", "(a)", "a.", "ii)", "4.1".
_MARK = re.compile(
    r"^(?:(?P<dec>\d{1,2}\.\d{1,2})\.?|\((?P<pnum>\d{1,2})\)|(?P<num>\d{1,2})[.)]"
    r"|\((?P<palpha>[A-Za-z]|[ivxIVX]{2,4})\)|(?P<alpha>[A-Za-z]|[ivxIVX]{2,4})[.)])\s+(?=\S)"
)
_ROMAN = re.compile(r"^[ivx]{1,4}$", re.I)
_CONNECTIVE_END = re.compile(r"(?:\b(?:and|or|of|the|to|for|in|on|with|from|by|a|an)|[,–-])\s*$", re.I)
_TRAILING_NUMBER = re.compile(r"\s(\d{1,2})\.$")

ASK = re.compile(
    r"\b(?:is|are)\s+(?:therefore\s+|also\s+|now\s+)?(?:asked|invited|requested|recommended)\s+to\b"
    r"|\b(?:report|task\s+group|panel|board|group|officers?|director)s?\s+recommends?\s+that\b"
    r"|^(?:it\s+is\s+)?recommended\s+that\b",
    re.I,
)
_THAT = re.compile(r"^That\s+(?:the\s+)?[A-Z]")  # "That the Committee note …": a recommendation's own form
# The agenda's own infinitives, read only on a front sheet (in a report "To provide an update" is a purpose).
AGENDA_ASK = re.compile(
    r"^(?:To|to)\s+(?:note|approve|agree|elect|appoint|consider|endorse|receive|adopt|confirm|ratify|"
    r"determine|review|comment|decide|resolve|authorise|authorize|accept|make\s+a\s+recommendation|"
    r"nominate|agree|report)\b"
)
# Verbs that open a recommendation ("Note the update", "Agree to TRANSFER"): such a line is never a heading.
_REC_VERB = re.compile(
    r"^(?:note|notes|agree|agrees|approve|approves|endorse|endorses|delegate|appoint|elect|"
    r"adopt|confirm|request|require|express|refer|consider|recommend|authorise|authorize|"
    r"accept|ask|that|to)\b",
    re.I,
)
_SIGNED = re.compile(
    r"^(?:Report\s+Authors?|Report\s+author|Authors?\s*:|Contact\s+(?:officers?|details)|"
    r"Background\s+(?:documents|papers)|Appendi(?:x|ces)\b|Reasons?\s+for\s+(?:the\s+)?"
    r"(?:proposals?|recommendations?|decision)|(?:Lead|Relevant|Corporate)\s+Directors?|"
    r"Unpublished\s+documents|Date\s+of\s+report)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(“\"])")
_BARE_MARKER = re.compile(r"\(?(?:\d{1,2}(?:\.\d{1,2})?|[A-Za-z]|[ivxIVX]{2,4})[.)]")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|No|St|Cllr|e\.g|i\.e|etc|approx)|\b[A-Z])$")
MAX_SECTION_LINES = 80


# ------------------------------------------------------------------------------------------ markers


def marker(text: str) -> tuple[str, str] | None:
    """(style, label) of a line's list marker: style says how the list is numbered ("num.",
    "(num)", "alpha-upper.", "(alpha-lower)", "roman)", "dec") so a sub-list can be told from
    the list it belongs to."""
    m = _MARK.match(text)
    if not m:
        return None
    if m.group("dec"):
        return "dec", m.group("dec")
    if m.group("pnum"):
        return "(num)", m.group("pnum")
    if m.group("num"):
        return "num" + text[len(m.group("num"))], m.group("num")
    label = m.group("palpha") or m.group("alpha")
    kind = "roman" if len(label) > 1 or label.lower() == "i" else ("alpha-upper" if label.isupper() else "alpha-lower")
    if m.group("palpha"):
        return f"({kind})", label
    return kind + text[len(label)], label


def _next_label(style: str, label: str) -> str | None:
    if label.isdigit():
        return str(int(label) + 1)
    if "roman" in style or len(label) != 1:
        return None
    return chr(ord(label) + 1)


def _previous_inline(style: str, label: str) -> str | None:
    """The marker that precedes `label` written inline ("(a)" before "(b)"), or None."""
    if label.isdigit():
        prev = str(int(label) - 1)
    elif len(label) == 1 and label.lower() > "a":
        prev = chr(ord(label) - 1)
    else:
        return None
    return f"({prev})" if style.startswith("(") else f"{prev}{style[-1]}"


# ------------------------------------------------------------------------------------------ sections


def _is_heading(line: Line, prev: Line | None) -> bool:
    """A line that starts a new part of the report, so a recommendations section ends before it."""
    t = line.text
    m = _MARK.match(t)
    body = t[m.end() :] if m else t
    if _SIGNED.match(body):
        return True
    if _CONNECTIVE_END.search(t):
        return False  # "... Director of Adult Social Care and": a heading never ends mid-phrase
    if (
        prev is not None
        and not m
        and (
            _CONNECTIVE_END.search(prev.text)
            or (
                not ends_sentence(prev.text)
                and not prev.text.rstrip().endswith(")")
                and not title_like(prev.text, max_words=12)
            )
        )
    ):
        return False  # a wrapped line continues its sentence
    head = _HEAD.match(t)
    if head and (head.group("colon") or not head.group("rest")):
        return True
    if _REC_VERB.match(body) or ASK.search(body):
        return False
    if m:  # "1. Introduction", "A. National context", "2. Home to School Transport Working Group"
        return (
            len(body.split()) <= 8
            and not ends_sentence(body)
            and body[:1].isupper()
            and (len(body.split()) <= 5 or title_like(body, max_words=8))
        )
    if len(body.split()) <= 4 and body.endswith(":"):
        return True
    return title_like(body, max_words=12)


def _units(body: list[Line]) -> tuple[str, list[list[Line]]]:
    """Split a section's lines into its lead-in and its units (one per top-level list entry, its
    sub-entries and wrapped lines with it; one per sentence-led paragraph when there is no list)."""
    lead: list[Line] = []
    i = 0
    for j, line in enumerate(body[:4]):
        mk = marker(line.text)
        if mk and not (mk[0] == "dec" and ASK.search(line.text)):
            break
        if line.text.rstrip().endswith(":") and j + 1 < len(body) and _MARK.match(body[j + 1].text):
            lead, i = body[: j + 1], j + 1
            break
    rest = body[i:]
    marked = [marker(ln.text) for ln in rest]
    top = next((m[0] for m in marked if m), None)
    units: list[list[Line]] = []
    expect: str | None = None
    for k, line in enumerate(rest):
        mk = marked[k]
        starts = False
        if mk and mk[0] == top:
            prev_inline = _previous_inline(mk[0], mk[1])
            # "(b)" continues a sentence that printed "(a)" inline; a list whose entry starts "(a)" it does not
            current = join(units[-1]) if units else ""
            inline = prev_inline is not None and prev_inline in current and not current.startswith(prev_inline)
            starts = not inline
            expect = _next_label(mk[0], mk[1]) if starts else expect
        elif not units:
            starts = True
        elif top is None and ends_sentence(units[-1][-1].text) and line.text[:1].isupper():
            starts = True
        if starts:
            units.append([line])
        else:
            units[-1].append(line)
        # "... Cllr Bridget Wayman 6." / "Note that the Chairman ...": a marker printed at a line's end
        tm = _TRAILING_NUMBER.search(line.text)
        if (
            tm
            and top
            and top.startswith("num")
            and expect == tm.group(1)
            and k + 1 < len(rest)
            and not _MARK.match(rest[k + 1].text)
        ):
            cut = Line(line.idx, line.pdf_page, line.text[: tm.start()])
            units[-1][-1] = cut
            units.append([Line(line.idx, rest[k + 1].pdf_page, f"{tm.group(1)}.")])
            expect = _next_label(top, tm.group(1))
    return join(lead), units


def recommendation_sections(lines: Sequence[Line]) -> list[Printed]:
    """Every recommendations section in the lines, as its units."""
    out: list[Printed] = []
    i = 0
    while i < len(lines):
        m = _HEAD.match(lines[i].text)
        if not m or (m.group("rest") and not m.group("colon")) or (i > 0 and not _section_start(lines, i)):
            i += 1
            continue
        mixed = bool(_MIXED_HEAD.match(m.group("head")))
        body: list[Line] = []
        if m.group("rest"):
            body.append(Line(lines[i].idx, lines[i].pdf_page, m.group("rest")))
        j = i + 1
        while j < len(lines) and len(body) < MAX_SECTION_LINES:
            prev = body[-1] if body else None
            if body and _is_heading(lines[j], prev):
                break
            body.append(lines[j])
            j += 1
        lead, units = _units(body)
        for unit in units:
            text = join(unit)
            if not text or (mixed and not (ASK.search(_strip_marker(text)) or _THAT.match(_strip_marker(text)))):
                continue
            out.append(Printed(text, unit[0].pdf_page, "section", lead, to_page=_runs_to(unit)))
        i = j
    return out


def _section_start(lines: Sequence[Line], i: int) -> bool:
    """A heading word at a line's start is a heading only when the line before ended its sentence
    (not "... make" / "Recommendations to the Cabinet" in running text)."""
    prev = lines[i - 1].text.rstrip()
    return ends_sentence(prev) or title_like(prev) or not prev or bool(_MARK.match(prev) and len(prev) < 12)


def _runs_to(unit: Sequence[Line], first: int | None = None) -> int:
    """The page a unit ends on, or 0 when that is the page it starts on."""
    start = unit[0].pdf_page if first is None else first
    return unit[-1].pdf_page if unit[-1].pdf_page != start else 0


def _strip_marker(text: str) -> str:
    m = _MARK.match(text)
    return text[m.end() :] if m else text


# ------------------------------------------------------------------------------------------ asks


def _paragraph_units(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped as printed: a list marker or a sentence starting on a new line after one that
    ended starts a unit; wrapped lines join the unit they continue."""
    units: list[list[Line]] = []
    for line in lines:
        if (
            not units
            or _MARK.match(line.text)
            or (ends_sentence(units[-1][-1].text) and (line.text[:1].isupper() or line.text[:1].isdigit()))
        ):
            units.append([line])
        else:
            units[-1].append(line)
    return units


def _sentences(unit: list[Line]) -> list[tuple[str, int]]:
    """(sentence, pdf page it starts on) of a unit; a marker stays with its first sentence."""
    text, starts = "", []
    for line in unit:
        starts.append((len(text), line.pdf_page))
        text += line.text + " "
    cuts = [m.end() for m in _SENTENCE_END.finditer(text) if not _ABBREVIATION.search(text[: m.start()])]
    out, begin = [], 0
    for end in cuts + [len(text)]:
        piece = text[begin:end]
        if _BARE_MARKER.fullmatch(piece.strip()) and end != len(text):
            continue  # "36." opens the sentence after it
        if piece.strip():
            at = begin + len(piece) - len(piece.lstrip())
            page = next(p for off, p in reversed(starts) if off <= at)
            out.append((re.sub(r"\s+", " ", piece.strip()), page))
        begin = end
    return out


def asks(lines: Sequence[Line], *, agenda: bool = False) -> list[Printed]:
    """Sentences that ask the meeting for a decision. An ask that ends in a colon takes the list
    after it ("... ask the working group to:" / "a) …" / "b) …")."""
    units = _paragraph_units(lines)
    out: list[Printed] = []
    k = 0
    while k < len(units):
        taken = False
        for sentence, page in _sentences(units[k]):
            bare = _strip_marker(sentence)
            if not (ASK.search(bare) or (agenda and AGENDA_ASK.match(bare))):
                continue
            text = sentence
            if sentence.endswith(":") and sentence == _sentences(units[k])[-1][0]:
                nxt = k + 1
                while nxt < len(units) and _MARK.match(units[nxt][0].text):
                    text += " " + join(units[nxt])
                    nxt += 1
                out.append(Printed(text, page, "ask", to_page=_runs_to(units[nxt - 1], page)))
                k = nxt
                taken = True
                break
            out.append(
                Printed(
                    text,
                    page,
                    "ask",
                    to_page=_runs_to(units[k], page) if sentence == _sentences(units[k])[-1][0] else 0,
                )
            )
        if not taken:
            k += 1
    return out


# ------------------------------------------------------------------------------------------ together


def similar(a: str, b: str, threshold: float = 0.8) -> bool:
    """Two printings of one recommendation (a summary box and the closing section; the agenda's
    and the report's): most of their words are shared."""
    wa, wb = set(words(_strip_marker(a))), set(words(_strip_marker(b)))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= threshold and len(wa & wb) / max(len(wa), len(wb)) >= 0.6


def merge(units: Sequence[Printed]) -> list[Printed]:
    """Each recommendation once, first printing first, the pages of the others in `also_on`."""
    out: list[Printed] = []
    for u in units:
        for k, kept in enumerate(out):
            if similar(kept.text, u.text):
                if u.pdf_page != kept.pdf_page and u.pdf_page not in kept.also_on:
                    out[k] = replace(kept, also_on=kept.also_on + (u.pdf_page,))
                break
        else:
            out.append(u)
    return out


def report_recommendations(lines: Sequence[Line]) -> list[Printed]:
    """What a report asks for: its recommendations section(s), else the asks in its text."""
    found = recommendation_sections(lines)
    return merge(found if found else asks(lines))
