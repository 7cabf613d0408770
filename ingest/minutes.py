"""Numbered minutes, their "(Item N)" references and their Resolved blocks.

Minute numbers run in the committee's own series (57, 58, ... or 292., 293., ...), not the
agenda's. Headings are found as the longest in-order chain of heading-shaped numbered lines whose
numbers step by 1 (a step of 2-3 means headings were lost). Real minutes break this in two ways
this module repairs instead of letting every later minute shift:
- misplaced: the heading is extracted mid-sentence (a side column re-flowed into the text). The
  minute then starts at the first later paragraph whose opening words share a word with the title;
- lost: a number is missing from the chain. Its start is the first heading-shaped line between
  the neighbours (after the previous minute's Resolved block), backed up to its paragraph start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.layout import Line, ends_sentence, is_bullet, title_like
from ingest.models import AgendaItem, Minute

_HEAD = re.compile(r"^\s*(\d{1,4})\.{0,2}\s+(\S.*?)\s*$")
# Numbers that carry the meeting in them: "19.03.4" (year.month.minute), "2024/57", and a
# resolution's own number "R2023-217" (the mover and seconder follow it).
_HEAD_DOTTED = re.compile(r"^\s*((?:\d{1,2}\.){2}(\d{1,3})|\d{2,4}/(\d{1,4}))\.?\s+(\S.*?)\s*$")
_HEAD_RESOLUTION = re.compile(r"^\s*([A-Z]{0,3}\d{4}-(\d{1,4}))\s+(\S.*?)\s*$")
# How a minute records what was decided, besides a "RESOLVED" block.
# A body agreeing ("the Panel agreed"), not a person of it ("the Chairman of the Panel agreed").
# Welsh minutes: cytunwyd (it was agreed; "a chytunwyd" after "a"), penderfynwyd (it was decided),
# roedd pawb yn gytûn / o blaid (all were agreed / in favour).
_DECISION = re.compile(
    r"\b(?:RESOLVED|AGREED|APPROVED|CARRIED|LOST)\b|"
    r"(?i:\b(?:it\s+was|were|was|unanimously|all|duly|and)\s+(?:(?:therefore|then|also|further|\w+ly)\s+)?"
    r"(?:resolved|agreed|approved|carried)\b)|"
    r"(?i:(?<!of\sthe\s)(?<!of\s)\b(?:council(?:lors)?|members|committee|panel|cabinet|board)\s+"
    r"(?:resolved|agreed|approved)\b)|"
    r"(?i:\bcarried\b\.?\s*$)|(?i:^\s*(?:resolved|agreed|decided)\b)|"
    r"(?i:\b(?:c|ch)ytunwyd\b|\bpenderfynwyd\b|\bpawb\s+(?:yn\s+gyt[ûu]n|o\s+blaid)\b)"
)
# A motion closed by its outcome as a sentence of its own ("Carried.", "Agreed unanimously.").
_CLOSING = re.compile(r"(?i)\s*(?:(?:substantive\s+)?motion\s+)?(?:carried|lost|agreed)(?:\s+unanimously)?\.?\s*")
_ITEM_REF = re.compile(r"^\s*\(\s*Item\s+(\d{1,2}[a-z]?)\s*\)\s*$", re.I)
# "RESOLVED that", "Resolved:", "3. RESOLVED", "26) RESOLVED", "33.3 RESOLVED"; not "Resolved to pay ...",
# which is a sentence (minutes that record each decision as one)
_RESOLVED = re.compile(
    r"^\s*(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]\s*|\d{1,3}(?:\.\d{1,3})+\s+)?"
    r"(RESOLVED|Resolved(?!\s+to\b)|Resolved:)\b[:\s,-]*(.*)$"
)
_PAGE_ONLY = re.compile(r"^\s*(Page\s+)?\d{1,4}\s*$", re.I)
_PARA_PAREN = re.compile(r"^\s*\d{1,2}\)\s")
_LIST = re.compile(r"^\s*(\(?[a-zA-Z]{1,2}\.?\)|\(?[ivx]{1,4}\)|\d{1,2}\.|\(\d{1,2}\))\s+")
# infinitive resolutions, one per line: "Resolved / To note the update. / To request that ..."
_INFINITIVE = re.compile(r"^\s*To\s+[a-z]")
# what ends a Resolved block whatever its punctuation: the close of the meeting, the signature
_BLOCK_END = re.compile(
    r"(?i)^\s*(?:the\s+)?meeting\s+(?:ended|closed|concluded|finished)\b|^\s*chair(?:man|person)?\s*"
    r"\.{3,}|^\s*signed\b|^\s*\(duration\s+of\s+meeting|^\s*page\s+\d+\s+of\s+\d+\s*$"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{3,}")
_GENERIC = {"update", "report", "meeting", "council", "committee", "panel", "from", "with", "that", "this"}


@dataclass
class MinutesResult:
    minutes: list[Minute] = field(default_factory=list)
    starts: dict[int, str] = field(default_factory=dict)  # line idx -> minute number (effective start)
    items: list[AgendaItem] = field(default_factory=list)  # "(Item N)" sections
    item_starts: dict[int, str] = field(default_factory=dict)  # line idx -> item number


def _next_nonblank(lines: list[Line], i: int, limit: int = 4) -> list[Line]:
    out: list[Line] = []
    j = i + 1
    while j < len(lines) and len(out) < limit:
        if not lines[j].is_blank:
            out.append(lines[j])
        j += 1
    return out


def _prev_nonblank(lines: list[Line], i: int) -> Line | None:
    j = i - 1
    while j >= 0:
        if not lines[j].is_blank and not _PAGE_ONLY.match(lines[j].text):
            return lines[j]
        j -= 1
    return None


def _candidates(lines: list[Line]) -> list[tuple[int, int, str, str]]:
    """(line, sequence number, title, number as printed) of heading-shaped numbered lines. A number
    that carries its meeting ("19.03.4", "R2023-217") steps by its last part."""
    out = []
    for i, line in enumerate(lines):
        r = _HEAD_RESOLUTION.match(line.text)
        if r and re.search(r"[A-Z]\.?\s*[A-Z][a-z]", r.group(3)):  # "R2023-217 D. Yemm, S. Foote:"
            body = _next_nonblank(lines, i, 1)
            title = body[0].stripped if body else r.group(3)
            out.append((i, int(r.group(2)), " ".join(title.split()[:14]), r.group(1)))
            continue
        d = _HEAD_DOTTED.match(line.text)
        if d and d.group(4)[:1].isupper() and title_like(d.group(4), 16):
            out.append((i, int(d.group(2) or d.group(3)), d.group(4), d.group(1)))
            continue
        m = _HEAD.match(line.text)
        if not m:
            continue
        num, rest = int(m.group(1)), m.group(2)
        if not (rest[0].isupper() or rest[0].isdigit()) or _RESOLVED.match(rest):
            continue
        has_ref = _ref_after(lines, i) is not None
        # a short heading may end in a full stop ("1. Welcome and Introductions.")
        short = (
            rest.endswith(".")
            and not rest.endswith("..")
            and len(rest.split()) <= 6
            and title_like(rest[:-1], 6, max_lower=0)
        )
        if has_ref or title_like(rest, 16) or short:
            out.append((i, num, rest, str(num)))
    return out


def _ref_after(lines: list[Line], i: int) -> str | None:
    """The "(Item N)" under a heading: within two non-blank lines, with no sentence end between."""
    if ends_sentence(lines[i].text):
        return None
    for n in _next_nonblank(lines, i, 3):
        m = _ITEM_REF.match(n.text)
        if m:
            return m.group(1)
        if ends_sentence(n.text) or _PAGE_ONLY.match(n.text):
            return None
    return None


def _chain(cands: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Longest in-order chain with number steps of 1..3."""
    n = len(cands)
    if not n:
        return []
    best = [1.0] * n
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            step = cands[j][1] - cands[i][1]
            if 1 <= step <= 3 and best[i] + 1 - (step - 1) * 0.1 > best[j]:
                best[j] = best[i] + 1 - (step - 1) * 0.1
                prev[j] = i
    j = max(range(n), key=lambda k: best[k])
    out = []
    while j != -1:
        out.append(cands[j])
        j = prev[j]
    return out[::-1]


def _words(s: str) -> set[str]:
    return {w.lower()[:5] for w in _WORD.findall(s) if w.lower() not in _GENERIC}


def _para_start(lines: list[Line], i: int) -> bool:
    p = _prev_nonblank(lines, i)
    s = lines[i].stripped
    return (
        bool(s)
        and not is_bullet(lines[i].text)
        and (p is None or ends_sentence(p.text) or p.pdf_page != lines[i].pdf_page and ends_sentence(p.text))
    )


def _misplaced(lines: list[Line], i: int) -> bool:
    """A heading extracted mid-sentence: the line before stops mid-sentence and the line after
    carries the sentence on (lower case, or its last words: "for any interested / Members."). A
    blank line before it, or a new sentence after it, is an ordinary heading after a line that
    lacks its full stop ("Clerk to write", "... - public transport")."""
    nxt = _next_nonblank(lines, i, 2)
    if any(_ITEM_REF.match(n.text) for n in nxt):
        return False
    if i > 0 and lines[i - 1].is_blank:
        return False
    p = _prev_nonblank(lines, i)
    if p is None or p.pdf_page != lines[i].pdf_page:
        return False
    s = p.stripped
    if not (re.search(r"[a-z,]$", s) and not title_like(s)):
        return False
    after = nxt[0].stripped if nxt else ""
    return bool(after) and (after[0].islower() or (len(after.split()) <= 3 and ends_sentence(after)))


def _relocate(lines: list[Line], i: int, title: str, stop: int) -> int:
    """Where a misplaced heading's minute really starts."""
    tw = _words(title)
    first_para = None
    for j in range(i + 1, stop):
        if lines[j].is_blank or not _para_start(lines, j):
            continue
        if first_para is None:
            first_para = j
        if tw & _words(lines[j].text):
            return j
    return first_para if first_para is not None else i


def _lost_start(lines: list[Line], lo: int, hi: int) -> tuple[int, str] | None:  # noqa: C901
    """First heading-shaped line in (lo, hi), after any Resolved block, backed up to its paragraph."""
    begin = lo + 2
    for j in range(lo + 1, hi):
        if _RESOLVED.match(lines[j].text):
            begin = j + 1  # the lost heading comes after the previous minute's decision
            break
    for j in range(begin, hi):
        line = lines[j]
        s = line.stripped
        if not s or is_bullet(line.text) or _PAGE_ONLY.match(s) or _ITEM_REF.match(s) or len(s.split()) < 2:
            continue
        if not title_like(s, 14, max_lower=1):
            continue
        for n in _next_nonblank(lines, j, 2):
            if len(n.stripped.split()) <= 4 and title_like(n.stripped, 4, max_lower=0):
                s += " " + n.stripped
            else:
                break
        if _para_start(lines, j):
            return j, s
        # back up to the paragraph the heading fragment was interleaved with
        k = j
        frags = [s]
        while k > begin and not _para_start(lines, k):
            k -= 1
            if len(lines[k].stripped.split()) <= 3 and lines[k].stripped:
                frags.insert(0, lines[k].stripped)
        return k, " ".join(frags)
    return None


_LABEL_HEAD = re.compile(r"^\s*(?P<label>[A-Z][^:]{2,60}?)\s*:\s*-*\s*$")


def _lists_under_labels(lines: list[Line], cands: list[tuple[int, int, str, str]]) -> set[int]:
    """Numbered lines that are a list under an unnumbered "Heading :" line (minutes that head each
    matter with a label and number only the points under it): 1, 2, 3 ... after each label."""
    labels = [
        i for i, line in enumerate(lines) if (m := _LABEL_HEAD.match(line.text)) and title_like(m.group("label"), 8)
    ]
    if len(labels) < 3:
        return set()
    out: set[int] = set()
    by_line = {c[0]: c for c in cands}
    expect: int | None = None
    for i, line in enumerate(lines):
        if i in labels:
            expect = 1
            continue
        m = re.match(r"^\s*(\d{1,2})\.?\s", line.text)
        if m and expect is not None:
            if int(m.group(1)) == expect:
                expect += 1
                if i in by_line:
                    out.add(i)
            else:
                expect = None
    return out


def parse_minutes(lines: list[Line]) -> MinutesResult:  # noqa: C901
    res = MinutesResult()
    cands = _candidates(lines)
    listed = _lists_under_labels(lines, cands)
    chain = _chain([c for c in cands if c[0] not in listed])
    if len(chain) < 3 and not any(_ref_after(lines, c[0]) for c in chain):
        chain = []
    # Where the paper pairs headings with "(Item N)", a numbered line without one is a paragraph.
    if any(_ITEM_REF.match(line.text) for line in lines):
        with_ref = [c for c in chain if _ref_after(lines, c[0])]
        if len(with_ref) * 2 >= len(chain) or not with_ref:
            chain = with_ref
    heads: list[tuple[int, str, str]] = []  # effective start idx, number, title
    head_item: dict[str, str | None] = {}
    plain = all(c[3] == str(c[1]) for c in chain)  # lost numbers can be named only in a plain series
    for k, (i, num, title, printed) in enumerate(chain):
        head_item[printed] = _ref_after(lines, i)
        stop = chain[k + 1][0] if k + 1 < len(chain) else len(lines)
        title = _full_title(lines, i, title)
        start = _relocate(lines, i, title, stop) if _misplaced(lines, i) else i
        if heads and plain:
            pnum = int(heads[-1][1])
            if num - pnum >= 2:
                lo = heads[-1][0]
                for missing in range(pnum + 1, num):
                    found = _lost_start(lines, lo, min(i, start))
                    if not found:
                        break
                    heads.append((found[0], str(missing), found[1]))
                    lo = found[0]
        heads.append((start, printed, title))
    heads.sort()

    # "(Item N)" sections: the heading lines just above the reference start the section.
    for i, line in enumerate(lines):
        m = _ITEM_REF.match(line.text)
        if not m:
            continue
        start = i
        j = i - 1
        seen = 0
        while j >= 0 and seen < 3:
            if lines[j].is_blank:
                if seen:
                    break
                j -= 1
                continue
            if ends_sentence(lines[j].text) or _PAGE_ONLY.match(lines[j].text) or _ITEM_REF.match(lines[j].text):
                break
            start = j
            seen += 1
            j -= 1
        # a numbered minute heading right above owns the start
        for hs, _hn, _ in heads:
            if hs <= i and sum(1 for x in lines[hs:i] if not x.is_blank) <= 3:
                start = hs
        title = " ".join(lines[k].stripped for k in range(start, i) if lines[k].stripped)
        title = _HEAD.sub(lambda mm: mm.group(2), title) if _HEAD.match(title) else title
        res.item_starts[start] = m.group(1)
        res.items.append(AgendaItem(number=m.group(1), title=title.strip()))

    in_blocks = False
    by_sentence: list[tuple[Minute, list[bool]]] = []
    for k, (start, head_num, title) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        span = [line for line in lines[start:end] if not line.is_blank]
        if not span:
            continue
        item = head_item.get(head_num)
        resolved, pages, blocks = _resolved(lines, start, end)
        minute = Minute(
            number=head_num,
            title=title,
            pdf_pages=(span[0].pdf_page, span[-1].pdf_page),
            resolved=resolved,
            resolved_pages=pages,
            agenda_item=item,
            resolved_blocks=blocks,
        )
        if resolved:
            in_blocks = True
        else:  # "AGREED", "It was APPROVED that", "... Carried.", "resolved to ...": the sentences
            texts, pages, closed = decision_sentences(lines, start, end)
            minute.resolved, minute.resolved_pages = texts, pages
            minute.resolved_blocks = list(range(len(texts)))
            by_sentence.append((minute, closed))
        res.minutes.append(minute)
        res.starts[start] = head_num
    if in_blocks:
        # Minutes that record decisions in RESOLVED blocks tell the debate in sentences: there, a
        # sentence records a decision only as a motion closed by its outcome ("Agreed unanimously."),
        # not "Members agreed to ..." in the account of another meeting.
        for minute, closed in by_sentence:
            keep = [k for k, c in enumerate(closed) if c]
            minute.resolved = [minute.resolved[k] for k in keep]
            minute.resolved_pages = [minute.resolved_pages[k] for k in keep]
            minute.resolved_blocks = list(range(len(keep)))
    _spans_for_items(lines, res)
    if not heads:
        res.minutes = _item_minutes(lines, res)
    # callers tag document lines: report positions as Line.idx (a region may be a slice)
    res.starts = {lines[k].idx: v for k, v in res.starts.items()}
    res.item_starts = {lines[k].idx: v for k, v in res.item_starts.items()}
    return res


def _item_minutes(lines: list[Line], res: MinutesResult) -> list[Minute]:
    """Minutes that print no numbers, only a heading and its "(Item N)": each section that records
    a decision is a minute without a number of its own (cited by its item), so what it resolved is
    kept like any minute's. Sections that decided nothing are left to the items."""
    out: list[Minute] = []
    starts = sorted(res.item_starts.items())
    for k, (s, num) in enumerate(starts):
        e = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        resolved, pages, blocks = _resolved(lines, s, e)
        if not resolved:
            continue
        item = next((it for it in res.items if it.number == num), None)
        span = [line for line in lines[s:e] if not line.is_blank]
        out.append(
            Minute(
                number="",
                title=item.title if item else "",
                agenda_item=num,
                pdf_pages=(span[0].pdf_page, span[-1].pdf_page),
                resolved=resolved,
                resolved_pages=pages,
                resolved_blocks=blocks,
            )
        )
    return out


def _full_title(lines: list[Line], i: int, rest: str) -> str:
    """A heading that wraps onto a second line before its "(Item N)" reference."""
    title = rest
    for n in _next_nonblank(lines, i, 2):
        if _ITEM_REF.match(n.text):
            break
        if n.idx - lines[i].idx <= 2 and any(_ITEM_REF.match(x.text) for x in _next_nonblank(lines, n.idx, 1)):
            title += " " + n.stripped
        break
    return re.sub(r"\s+", " ", title).strip()


def _spans_for_items(lines: list[Line], res: MinutesResult) -> None:
    starts = sorted(res.item_starts.items())
    for k, (s, num) in enumerate(starts):
        e = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        span = [line for line in lines[s:e] if not line.is_blank]
        for it in res.items:
            if it.number == num and it.pdf_pages is None and span:
                it.pdf_pages = (span[0].pdf_page, span[-1].pdf_page)
                break


def _part_start(line: Line) -> bool:
    return bool(_LIST.match(line.text)) or is_bullet(line.text) or bool(_INFINITIVE.match(line.text))


def _resolved(lines: list[Line], start: int, end: int) -> tuple[list[str], list[int], list[int]]:
    """The lines of the minute's Resolved blocks, with the page and the block (0, 1, ...) of each.
    A block that ends its opening words with a colon ("RESOLVED that Council:") goes on to the
    parts it introduces, over blank lines, until a numbered paragraph, a heading or the minute's end."""
    entries: list[list] = []  # [text, page, block]
    block = -1
    i = start
    while i < end:
        m = _RESOLVED.match(lines[i].text)
        if not m:
            i += 1
            continue
        block += 1
        cur: list | None = None
        head = m.group(2).strip()
        if head:
            cur = [head, lines[i].pdf_page, block]
            entries.append(cur)
        introduces = head.endswith(":")
        j = i + 1
        taken = 0
        while j < end and taken < 60:
            line = lines[j]
            s = line.stripped
            if _PAGE_ONLY.match(s) and s:
                j += 1
                continue
            if not s:
                nxt = _next_nonblank(lines, j, 1)
                # A page break is not a paragraph break: a Resolved block goes on over the page.
                over_page = bool(nxt) and nxt[0].pdf_page != line.pdf_page
                if (
                    cur is not None
                    and ends_sentence(cur[0])
                    and not over_page
                    and not introduces
                    and not (nxt and _part_start(nxt[0]))
                ):
                    break
                j += 1
                continue
            if (
                _ITEM_REF.match(s)
                or _PARA_PAREN.match(line.text)
                or _RESOLVED.match(line.text)
                or _BLOCK_END.match(s)
                or re.match(r"^(For|Against|Abstain)\s*\(", s)
                or (
                    title_like(s)
                    and cur is not None
                    and ends_sentence(cur[0])
                    and not _LIST.match(line.text)
                    and not introduces
                )
            ):
                break
            if cur is None or _part_start(line) or (ends_sentence(cur[0]) and (s[0].isupper() or s[0].isdigit())):
                cur = [s, line.pdf_page, block]
                entries.append(cur)
            else:
                cur[0] += " " + s
            introduces = introduces or cur[0].endswith(":")
            j += 1
            taken += 1
        i = j
    kept = [e for e in entries if e[0].strip()]
    return [re.sub(r"\s+", " ", e[0]).strip() for e in kept], [e[1] for e in kept], [e[2] for e in kept]


# a sentence ends at . ! ? before a capital, but not after an initial or a title ("Cllr. O. Williams")
_SENTENCE_END = re.compile(
    r"(?<![A-Z]\.)(?<!Cllr\.)(?<!Cllrs\.)(?<!Cyng\.)(?<!Mr\.)(?<!Mrs\.)(?<!Dr\.)(?<!No\.)"
    r"(?<=[.!?])\s+(?=[A-Z(“\"‘'])"
)
# a sentence a motion's outcome ends ("... be approved. Carried.", "... January 1, 2024 Closed Carried.")
_CLOSES = re.compile(r"(?i)\b(?:carried|lost|agreed(?:\s+unanimously)?)\.?\s*$")
# where a motion starts: its "That ..." / "WHEREAS ..." paragraph
_MOTION_START = re.compile(r"^\s*(?:That|THAT|WHEREAS)\b")
_PROPOSED = re.compile(r"(?i)\b(?:proposed|moved|seconded)\b")


# a numbered paragraph ("11) The Chairman ...", "(b) ...", "ix) ...") starts a new paragraph
_PARA_START = re.compile(r"^\s*(?:\d{1,2}\)|\(?[a-z]{1,2}\)|[ivx]{1,5}\)|\(\d{1,2}\))\s")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # stray control characters some PDFs' text carries
# page furniture inside minutes: the signature line and "Page 1 of 3"
_FURNITURE = re.compile(r"(?i)^\s*(?:signed\b.*(?:_{3,}|\.{5,})|page\s+\d+\s+of\s+\d+\s*$)")


def _paragraphs(lines: list[Line], start: int, end: int) -> list[list[Line]]:
    """The minute's text after its heading, in paragraphs: a blank line ends one unless the text
    goes on over a page break; a numbered paragraph starts one; page furniture is left out."""
    paras: list[list[Line]] = [[]]
    for k in range(start + 1, end):
        line = lines[k]
        s = line.stripped
        if _PAGE_ONLY.match(s) and s or _FURNITURE.match(s):
            continue
        if not s:
            nxt = _next_nonblank(lines, k, 1)
            if paras[-1] and not (nxt and nxt[0].pdf_page != line.pdf_page):
                paras.append([])
            continue
        if _PARA_START.match(line.text) and paras[-1]:
            paras.append([])
        paras[-1].append(line)
    return [p for p in paras if p]


def decision_sentences(lines: list[Line], start: int, end: int) -> tuple[list[str], list[int], list[bool]]:  # noqa: C901
    """The sentences of a minute that record a decision, with the page each starts on and whether
    a motion's own outcome closed it: minutes in the conventions that never print a "RESOLVED"
    block ("AGREED", "It was APPROVED that", "the Councillors resolved to ...", a motion followed by
    "Carried.", "Lost." or "Agreed unanimously."). A sentence never runs over a paragraph end; a
    motion closed by its outcome is its text from its "That"/"WHEREAS" paragraph (or the sentence
    before, in the same paragraph) to the outcome."""
    sents: list[tuple[str, int, int]] = []  # (sentence, page, paragraph)
    for n, para in enumerate(_paragraphs(lines, start, end)):
        text, starts = "", []  # joined text and (offset, page) of each line in it
        for line in para:
            starts.append((len(text), line.pdf_page))
            text += _CONTROL.sub("", line.stripped) + " "
        pos = 0
        for sent in _SENTENCE_END.split(text):
            where = text.find(sent, pos)
            pos = where + len(sent) if where >= 0 else pos
            if sent.strip():
                page = next((p for off, p in reversed(starts) if off <= max(where, 0)), starts[0][1])
                sents.append((sent.strip(), page, n))
    out: list[str] = []
    pages: list[int] = []
    closed: list[bool] = []
    used = -1  # the last sentence already part of a decision
    for k, (sent, page, para_no) in enumerate(sents):
        closes = bool(_CLOSES.search(sent)) and (
            _CLOSING.fullmatch(sent) is not None or not _DECISION.search(_CLOSES.sub("", sent))
        )
        if closes:
            if used == k - 1 and out:  # "Carried." alone closes the motion just recorded
                out[-1] = (out[-1] + " " + sent)[:600]
                closed[-1] = True
                used = k
                continue
            first = k
            while first - 1 > used and sents[first - 1][2] == para_no:  # the sentences before, in its paragraph
                first -= 1
            # a paragraph that does not open the motion ("Total cost ... Carried.") goes back to the one that does
            while (
                first - 1 > used and not _MOTION_START.match(sents[first][0]) and not _PROPOSED.search(sents[first][0])
            ):
                first -= 1
                while first - 1 > used and sents[first - 1][2] == sents[first][2]:
                    first -= 1
            text = " ".join(s for s, _, _ in sents[first : k + 1])
            out.append(re.sub(r"\s+", " ", text).strip()[:600])
            pages.append(sents[first][1])
            closed.append(True)
            used = k
        elif _DECISION.search(sent):
            out.append(re.sub(r"\s+", " ", sent).strip()[:600])
            pages.append(page)
            closed.append(False)
            used = k
    return out, pages, closed
