"""What a report prints about itself: its purpose, who wrote it and how to reach them, and the
figures a reader needs first. Conventions, each in reports of several councils:

- **Purpose**: the paragraph under "Purpose of Report", "Purpose", "Summary:" or "Executive
  Summary" (or on the same line, "Summary: Transitions involve …"), read to its first one or two
  sentences.
- **Author and contact**: "Report Author: Name (Role)", "Report author: Name, Role. T: 01225 …",
  "Report Authors:" above names, "Contact officer: Name – 01296 …", "By: Name - Role", "Author:";
  with the telephone numbers and e-mail addresses printed beside them.
- **Key figures**: money (£518,000 per annum, £59m, £44 billion), percentages and counts of
  people or things ("925 young adults"), each in the words of the sentence that says what it is,
  read from the summary, the recommendations and the financial implications first.

The body of a report ends where its signature, author lines, appendices or background papers
start: figures are not read from appendices (an inspection report, an impact assessment).
"""

from __future__ import annotations

import re
from typing import Sequence

from ingest.layout import Line, ends_sentence, title_like
from ingest.printed import Printed, join

_PURPOSE = re.compile(
    r"^(?:\d{1,2}\.?\s*)?(?:Purpose(?:\s+of\s+(?:the\s+)?Report)?|Executive\s+Summary|Summary"
    r"|Purpose\s+and\s+summary|Reason\s+for\s+(?:the\s+)?report)\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.I,
)
_AUTHOR = re.compile(
    r"^(?:\d{1,2}\.\s*)?(?P<label>Report\s+Authors?|Report\s+author|Authors?|Contact\s+Officers?|Contact\s+officer|Contact\s+details"
    r"|Lead\s+officer|Report\s+by|By|From)\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.I,
)
# where a block of names ends: the next label of a report's header box or a heading of its own
_LABEL = re.compile(
    r"^(?:To|Subject|Date|Decision\s+no|Key\s+Decision|Classification|Electoral\s+Division|"
    r"Past\s+Pathway|Future\s+Pathway|Cabinet\s+Member|Portfolio|Local\s+members?)\b.{0,40}:",
    re.I,
)
_BLOCK_END = re.compile(
    r"^(?:\d{1,2}\.\s*)?(?:(?:Lead|Corporate|Relevant)\s+Directors?|Appendi(?:x|ces)|Background|Date\s+of\s+report"
    r"|Unpublished|\d{1,2}\s+\w+\s+\d{4}$|\d{1,2}/\d{1,2}/\d{2,4}$)",
    re.I,
)
_NEEDS_COLON = re.compile(r"^(?:By|From|Authors?)$", re.I)  # "By: Anna Taylor"; never "By 2025 …"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b|\bext\.?\s*\d{4,5}\b", re.I)
_BODY_END = re.compile(
    r"^(?:\d{1,2}\.\s*)?(?:Report\s+Authors?|Report\s+author|Contact\s+(?:details|officers?)"
    r"|Appendices|Appendix\s+\d+\s*[–-]|Background\s+(?:documents|papers)|Unpublished\s+documents)\b",
    re.I,
)
# "2. Tender evaluation": a numbered heading of a few words, no sentence (a new section)
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+(?:\S+\s+){0,4}\S+$(?<![.:;,])")
_PURPOSE_STOP = re.compile(r"^(?:\d{1,2}\.?\s*)?(?:Background|Recommendations?|Introduction|Proposals?)\b", re.I)

MONEY = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:m|bn|k|million|billion|thousand)\b)?", re.I)
PERCENT = re.compile(r"\b\d{1,3}(?:\.\d+)?\s?(?:%|per\s?cent\b)", re.I)
# a count of people or things: "925 young adults", "21,000 children", "70 FTE", "2000+ care leavers"
COUNT = re.compile(
    r"\b(?:\d{1,3}(?:,\d{3})+|\d{2,6})\+?\s+(?:(?:young|new|additional|looked|disabled|older|"
    r"eligible|individual|service|care)\s+)?(?:people|persons|children|adults|pupils|students|"
    r"families|households|residents|staff|FTE|posts|places|schools|homes|beds|carers|leavers|"
    r"users|cases|referrals|applications|members|councillors|units|properties|sites|"
    r"vehicles|jobs|contracts|visits|assessments|plans|EHCPs)\b"
)
KINDS = (("money", MONEY), ("percent", PERCENT), ("count", COUNT))
_PRIORITY_SECTIONS = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})?\.?\s*)?(?:Financial\s+implications|Finance|Resource\s+"
    r"implications|Budget|Costs?|Summary|Executive\s+Summary|Recommendations?)\b",
    re.I,
)
FIGURE_CONTEXT_WORDS = 40
BODY_END_FLOOR_LINES = 25
AUTHOR_WORDS = 40  # an author block is cut to its first words (it is copied, not summarised)   # an author line this near the start is a header box's, not the report's end   # a figure's sentence is cut to this many words around it


def body_end(lines: Sequence[Line]) -> int:
    """Index of the first line past the report's body (its author lines, appendices, background
    papers), or len(lines); never in the first lines, where a header box can name its author."""
    floor = min(len(lines) // 10, BODY_END_FLOOR_LINES)
    for i, line in enumerate(lines):
        if i > floor and _BODY_END.match(line.text):
            return i
    return len(lines)


def purpose(lines: Sequence[Line]) -> list[Printed]:
    """The report's stated purpose: the first one or two sentences under its purpose or summary
    heading (a sentence that opens a list, ending in a colon, ends it)."""
    for i, line in enumerate(lines[:80]):
        m = _PURPOSE.match(line.text)
        if not m or (m.group("rest") and not m.group("colon")):
            continue
        taken: list[Line] = []
        if m.group("rest"):
            taken.append(Line(line.idx, line.pdf_page, m.group("rest")))
        for nxt in lines[i + 1 : i + 12]:
            if _PURPOSE_STOP.match(nxt.text) or (
                taken
                and ends_sentence(taken[-1].text)
                and (title_like(nxt.text, max_words=8) or _NUMBERED_HEADING.match(nxt.text))
            ):
                break
            taken.append(nxt)
        text = _first_sentences(join(taken), 2)
        if text:
            return [Printed(text, taken[0].pdf_page, "purpose")]
    return []


def _first_sentences(text: str, n: int) -> str:
    text = re.sub(r"^\(?\d{1,2}[.)]\s+", "", text)  # "1. This report provides …"
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    out: list[str] = []
    for p in parts[:n]:
        opens_list = p.rstrip().endswith(":") or re.search(r":\s*\(?[a-z0-9]\)", p)
        if opens_list and out:
            break
        out.append(p)
        if opens_list:
            break
    return " ".join(out).strip()


def authors(lines: Sequence[Line]) -> list[Printed]:  # noqa: C901
    """Author and sponsor lines as printed, then each telephone number and e-mail address printed
    with them (kind "author" / "contact")."""
    out: list[Printed] = []
    seen_contacts: set[str] = set()
    for i, line in enumerate(lines):
        m = _AUTHOR.match(line.text)
        if not m or (_NEEDS_COLON.match(m.group("label")) and not m.group("colon")):
            continue
        if not m.group("colon") and m.group("rest") and not re.match(r"^[A-Z]", m.group("rest")):
            continue  # "Report by the Director …" in a sentence is not a label
        block = [line]
        label = re.sub(r"\s+", " ", m.group("label").lower())
        header_box = label in ("from", "by", "contact details")
        if header_box or not m.group("rest").strip():
            # "From:" / "By:" head a box of names and roles down to "To:"; "Report Authors:" the names below it
            for nxt in lines[i + 1 : i + 9]:
                if _AUTHOR.match(nxt.text) or _LABEL.match(nxt.text) or _BLOCK_END.match(nxt.text):
                    break
                block.append(nxt)
                if not header_box and _EMAIL.search(nxt.text):
                    break
        else:
            for nxt in lines[i + 1 : i + 3]:  # a wrapped line, or the e-mail printed under a telephone number
                if _contact_only(nxt.text) or nxt.text[:1].islower() or nxt.text[:1] == "(":
                    block.append(nxt)
                else:
                    break
        # as printed, from the label down to the last line naming someone (a number between two
        # names stays where it is printed; the contacts are also given one by one below)
        if len(block) == 1 and not m.group("rest").strip():
            continue  # a label with nobody under it ("Contact details" above "Report Authors:")
        keep = block[: 8 if header_box else 4]
        last = max((k for k, ln in enumerate(keep) if not _contact_only(ln.text)), default=0)
        shown = keep[: last + 1]
        text = " ".join(join(shown).split()[:AUTHOR_WORDS])
        kind = "from" if label in ("from", "by", "report by") else "author"
        ends = shown[-1].pdf_page
        out.append(Printed(text, line.pdf_page, kind, to_page=ends if ends != line.pdf_page else 0))
        for ln in block:
            for c in _EMAIL.findall(ln.text) + _PHONE.findall(ln.text):
                c = c.strip()
                if c.lower() not in seen_contacts:
                    seen_contacts.add(c.lower())
                    out.append(Printed(c, ln.pdf_page, "contact"))
    return out


def _contact_only(text: str) -> bool:
    rest = _PHONE.sub("", _EMAIL.sub("", text))
    return not re.search(r"[A-Za-z]{3,}", re.sub(r"\b(?:T|E|Tel|Email|e-mail|Telephone|ext)\b[:.]?", "", rest))


def figures(lines: Sequence[Line], limit: int = 5) -> list[Printed]:
    """Up to `limit` key figures of the report body, each as the words around it in its sentence:
    money first, then percentages, then counts; the summary, recommendations and financial
    implications before the rest."""
    body = list(lines[: body_end(lines)])
    sentences = _sentences_by_section(body)
    found: list[tuple[int, int, int, Printed]] = []
    seen: set[str] = set()
    for order, (priority, text, pages) in enumerate(sentences):
        for rank, (kind, rx) in enumerate(KINDS):
            hits = [m for m in rx.finditer(text)]
            if not hits:
                continue
            # the part of the sentence on the page printing the first figure (a sentence can run
            # over a page break): cited to that page, which then shows every word of it
            at = hits[0].start()
            seg = max(k for k, (off, _p) in enumerate(pages) if off <= at)
            start, page = pages[seg]
            end = pages[seg + 1][0] if seg + 1 < len(pages) else len(text)
            hits = [m for m in hits if m.end() <= end]
            figs = [m.group(0).strip() for m in hits]
            key = " ".join(figs).lower()
            if key in seen:
                continue
            seen.add(key)
            context = _window(
                text[start:end].strip(),
                at - start - (len(text[start:end]) - len(text[start:end].lstrip())),
                hits[-1].end() - start,
            )
            if start > 0 and not context.startswith("…"):
                context = "… " + context
            if end < len(text) and not context.endswith("…"):
                context += " …"
            found.append((rank, priority, order, Printed(context, page, kind, lead=", ".join(dict.fromkeys(figs)))))
            break
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    return [f[3] for f in found[:limit]]


def _sentences_by_section(body: list[Line]) -> list[tuple[int, str, list[tuple[int, int]]]]:  # noqa: C901
    """(priority, sentence, [(offset in the sentence, page) ...]): priority 0 in the summary,
    recommendations and financial sections."""
    out: list[tuple[int, str, list[tuple[int, int]]]] = []
    priority = 1
    para: list[Line] = []

    def flush() -> None:
        if not para:
            return
        text, starts = "", []
        for ln in para:
            starts.append((len(text), ln.pdf_page))
            text += ln.text + " "
        begin = 0
        for m in list(re.finditer(r"(?<=[.!?])\s+(?=[A-Z0-9])", text)) + [None]:
            end = m.start() if m else len(text)
            piece = text[begin:end]
            s = piece.strip()
            if s:
                lead = begin + len(piece) - len(piece.lstrip())
                first = next(p for off, p in reversed(starts) if off <= lead)
                pages = [(0, first)]
                for off, p in starts:
                    if lead < off < end and p != pages[-1][1]:  # where the sentence turns a page
                        pages.append((off - lead, p))
                out.append((priority, s, pages))
            begin = m.end() if m else end
        para.clear()

    for line in body:
        if _PRIORITY_SECTIONS.match(line.text) and len(line.text.split()) <= 5:
            flush()
            priority = 0
            continue
        if title_like(line.text, max_words=8) and para and ends_sentence(para[-1].text):
            flush()
            priority = 1
            continue
        if para and ends_sentence(para[-1].text) and line.text[:1].isupper():
            flush()
        para.append(line)
    flush()
    return out


def _window(text: str, start: int, end: int) -> str:
    """The sentence, cut to FIGURE_CONTEXT_WORDS words around the figures (whole words, in order)."""
    ws = text.split()
    if len(ws) <= FIGURE_CONTEXT_WORDS:
        return text
    before = len(text[:start].split())
    span = len(text[start:end].split())
    a = max(0, before - (FIGURE_CONTEXT_WORDS - span) // 2)
    b = min(len(ws), a + max(FIGURE_CONTEXT_WORDS, span + 4))
    return ("… " if a else "") + " ".join(ws[a:b]) + (" …" if b < len(ws) else "")
