"""Lines of a paper as printed, each knowing its PDF page, with the page furniture left out: the
shared ground of the briefing's readers (ingest/recommendations.py, ingest/report_facts.py,
ingest/agenda_blocks.py), which all read a report or a front sheet as one run of lines across
page breaks ("Proposals" at the foot of one page, its list at the top of the next).

A `Printed` is what a briefing line is made of: text copied from one page, never composed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ingest.layout import Line

# Page furniture that interrupts a passage: "Page 19", "Page 1 Agenda Item 3", "Agenda Item 7", a
# bare page number, "This page is intentionally left blank", a running "- 12 -".
_FURNITURE = re.compile(
    r"^\s*(?:Page\s+\d{1,4}(?:\s+(?:of\s+\d{1,4}|Agenda\s+Item\s+\d{1,2}[a-z]?))?|Agenda\s+Item\s+(?:No\.?\s*)?\d{1,2}[a-z]?"
    r"|\d{1,4}|-\s*\d{1,4}\s*-|This page is intentionally left blank\.?)\s*$",
    re.I,
)
# Bullet glyphs as text layers carry them (• and its private-use and control-character twins).
_BULLET = re.compile(r"^[\s\u2022\uf0b7\u25aa\u25fc\u25cf\u25e6\u2023\x7f\u00b7*]+")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class PageText:
    """One page of one paper, as the reader may see it (Part II lines already blank for a caller
    who may not read them: the readers never see what the caller may not)."""

    pdf_page: int
    label: str | None
    text: str


@dataclass(frozen=True)
class Printed:
    """A passage copied from a page: its text (bullet glyphs and line breaks tidied, words as
    printed), the PDF page it starts on, and what kind of thing it is."""

    text: str
    pdf_page: int
    kind: str = ""
    lead: str = ""  # the lead-in it completes ("Cabinet is asked to:")
    also_on: tuple[int, ...] = field(default=())  # other pages printing the same words
    to_page: int = 0  # the page it ends on, when it runs on past pdf_page


def lines_of(pages: Sequence[PageText]) -> list[Line]:
    """The pages' lines in order, furniture and blank lines left out, bullet glyphs stripped."""
    out: list[Line] = []
    for p in pages:
        for raw in p.text.split("\n"):
            text = clean(raw)
            if not text or _FURNITURE.match(text):
                continue
            out.append(Line(len(out), p.pdf_page, text))
    return out


def clean(line: str) -> str:
    return re.sub(r"\s+", " ", _BULLET.sub("", line)).strip()


def join(lines: Iterable[Line]) -> str:
    """Lines as one passage: wrapped lines joined by a space, a word hyphenated across a line break
    left as printed (the hyphen may be real: "Post-16")."""
    return re.sub(r"\s+", " ", " ".join(line.text for line in lines)).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def printed_on(text: str, page_text: str) -> bool:
    """Every word of `text`, in order, is on the page: the check that a briefing line was copied,
    not composed (bullets, line breaks, punctuation and page furniture are not words; pages joined
    in order hold a passage that runs on over a page break)."""
    kept = "\n".join(line for line in page_text.split("\n") if not _FURNITURE.match(clean(line)))
    want, have = words(text), words(kept)
    if not want:
        return False
    n = len(want)
    first = want[0]
    for i, w in enumerate(have):
        if w == first and have[i : i + n] == want:
            return True
    return False
