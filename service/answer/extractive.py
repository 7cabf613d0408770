"""The offline answerer: pick the units (sentences, bullets, table rows, Resolved lines) of the
retrieved passages that answer the question, and compose a short answer from them.

Scoring is deliberately transparent: IDF-weighted coverage of the question's content stems
(idf over the retrieved units, so words every passage shares count little), a cue bonus when a
unit has the *kind* of thing the question asks for (a figure, a name, a date, a Resolved line,
a grade), and a small prior from the passage's search rank.
"""
from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from service.answer.guard import looks_like_instruction
from service.answer.question import MONTHS, Question
from service.answer.roles import roles_asked
from service.answer.text import content_stems, split_units

_MONTH_WORD = re.compile(r"\b(" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b", re.I)
_NUMBER = re.compile(r"£\s?\d|\d+(?:\.\d+)?\s?(?:%|m\b|k\b|million|per cent)|\b\d[\d,]*\b")
_BARE_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                           r"twenty|hundred|dozen|half|quarter|third)\b", re.I)
_PERSON = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Professor|Sir|Dame)\.?\s+[A-Z]|"
                     r"\b(Chairman|Chair|Chairperson|Vice-Chairman|Director|Inspector|Leader|"
                     r"Cabinet Member|Head of|Manager|Officer|presented by|Author)\b|"
                     r"\b[A-Z][a-z]+ [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_PLACE = re.compile(r"\b(Room|Hall|Chamber|Centre|Center|House|Road|Street|Offices?|Venue|Place:)\b|"
                    r"\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b")
_PLACE_FIELD = re.compile(r"^\s*(Place|Venue|Location)\s*:", re.I)
PLACE_FIELD_BONUS = 0.3
_RESOLVED = re.compile(r"\b(resolved|agreed|endorsed?|approved?|noted|recommend\w*|decided|"
                       r"carried|lost|moved|seconded|postpone\w*|defer\w*|refer\w*)\b", re.I)
_GRADE = re.compile(r"\b(inadequate|requires? improvement|outstanding|good|adequate|grade \d)\b", re.I)
_PAGES = re.compile(r"\bpages?\s*\d+", re.I)


# Weights chosen by a coarse grid on the 70 dev questions (scripts/grid.py): the search rank
# carries real information, so it outweighs the embedding similarity of single sentences.
W_LEXICAL = 0.6
W_SEMANTIC = 0.5
W_RANK = 0.3
W_RESOLVED = 0.25
W_JUDGEMENT = 0.45
SHORT_BEST_WORDS = 20   # a best sentence shorter than this is read with the one after it
COUNT_NOUN_BONUS = 0.15  # a figure followed by what the question counts
OTHER_PAGE_GAIN = 0.35   # share of the question's IDF mass a sentence from another page must add


@dataclass
class Unit:
    text: str
    hit: Any
    rank: int                 # the passage's search rank (0 = best)
    pos: int                  # position of the unit in its passage
    stems: set[str]
    resolved: bool = False    # a line of a minute's Resolved block (from the structure records)
    asked: bool = False       # part of a member's question printed in the paper, before its answer
    under_heading: bool = False  # chosen as a point under a heading that asks the question
    score: float = 0.0
    lexical: float = 0.0
    sim: float = 0.0
    covered: set[str] = field(default_factory=set)


_BOILER = re.compile(r"intentionally (left )?blank|^\W*page \d+\W*$|^\W*\d+\s+of\s+\d+\W*$|"
                     r"^\W*agenda item \d+\W*$|^\W*\d+\W*$", re.I)


# A member's question as printed in a questions pack ("Question by Cllr A to Cllr B, ...")
# restates what is asked; the answer is the text after its "Answer" heading.
_ASKED = re.compile(r"^\s*(?:\d+[.)]?\s*)?Question (?:by|from)\b", re.I)
_ANSWERED = re.compile(r"^\s*(?:Answer|Reply|Response)\b", re.I)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[^0-9a-z]+", "", text.lower()))


def units_from_hits(hits: list[Any], depth: int = 20) -> list[Unit]:
    """Units of the top `depth` passages, minus page furniture: running headers and footers
    ("Inspection report: X, 9-10 February 2016  2 of 10") recur on page after page with only
    their numbers changed, so a unit whose shape appears on two or more pages is dropped."""
    out: list[Unit] = []
    pages_by_shape: dict[str, set[tuple[str, int]]] = {}
    for rank, hit in enumerate(hits[:depth]):
        asking = False
        for pos, u in enumerate(split_units(hit.text)):
            if _ASKED.match(u):
                asking = True
            elif _ANSWERED.match(u):
                asking = False
            if _BOILER.search(u) or looks_like_instruction(u):
                # Instructions planted in a paper are data: findable, never an answer.
                continue
            out.append(Unit(u, hit, rank, pos, set(content_stems(u)), asked=asking))
            pages_by_shape.setdefault(_shape(u), set()).add((hit.doc_id, int(hit.pdf_page)))
    return [u for u in out if len(pages_by_shape[_shape(u.text)]) < 2 or len(u.text.split()) > 25]


def resolved_units(hits: list[Any], library: Any, role: str, depth: int = 8) -> list[Unit]:
    """The Resolved lines of the minutes the top passages belong to, as units of their own.

    What a committee decided is recorded once, in the minute's Resolved block; a passage of the
    debate may rank above it. Each line keeps the passage's metadata but sits on its own page."""
    minutes_fn = getattr(library, "minutes", None)
    if minutes_fn is None:
        return []
    import dataclasses
    out: list[Unit] = []
    seen: set[tuple[str, str]] = set()
    for rank, hit in enumerate(hits[:depth]):
        if not hit.minute or (hit.doc_id, hit.minute) in seen:
            continue
        seen.add((hit.doc_id, hit.minute))
        try:
            records = minutes_fn(number=hit.minute, doc_id=hit.doc_id, role=role, limit=5)
        except Exception:  # a library without look-ups answers from passages alone
            continue
        for rec in records:
            for pos, r in enumerate(rec.resolved):
                page = int(r.pdf_page or hit.pdf_page)
                rhit = dataclasses.replace(hit, pdf_page=page, pdf_pages=[page],
                                           page_label=hit.page_label if page == hit.pdf_page else None,
                                           text=r.text, chunk_id=f"{hit.chunk_id}#resolved{pos}")
                out.append(Unit(clean_resolved(r.text), rhit, rank, 1000 + pos,
                                set(content_stems(r.text)) | set(content_stems(rec.title)), resolved=True))
    return out


def clean_resolved(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def idf_table(units: list[Unit], q: Question) -> dict[str, float]:
    """IDF of each question stem over the candidate units; a stem found nowhere gets the
    largest weight (it is the rarest thing asked about, and its absence matters most)."""
    n = max(len(units), 1)
    idf: dict[str, float] = {}
    for s in q.stems:
        df = sum(1 for u in units if s in u.stems)
        idf[s] = math.log(1 + n / (df + 0.5))
    return idf


_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Professor|Sir|Dame)\.?\s+(?:[A-Z]\.?\s*)*[A-Z][\w'-]+|"
                   r"\b[A-Z][a-z]+\s+(?:[A-Z]\.?\s+)?[A-Z][a-z]{2,}\b")
_DATE_TOKEN = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|"
                         r"sept|sep|oct|nov|dec)[a-z]*\b|\b(?:" + "|".join(MONTHS) + r")\s+\d{4}\b|"
                         r"\b(?:end|start|beginning|middle) of (?:" + "|".join(MONTHS) + r")\b", re.I)


_DATE_RANGE = re.compile(r"\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}\s+(?:" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|"
                         r"sept|sep|oct|nov|dec)[a-z]*\b", re.I)
_ROLE_NEAR = {
    "chair": re.compile(r"\((?:Vice[- ])?Chair(?:man|woman|person)?\)|\bChair(?:man|woman|person)?\s*[:,]|"
                        r"\bChair(?:man|woman)?\s+(?:Cllr|Councillor|Mr|Mrs|Ms)"),
    "lead": re.compile(r"\blead inspector\b|\breporting inspector\b|\bled by\b|\bleads?\b", re.I),
    "author": re.compile(r"\bauthor|\breport by\b|\bwritten by\b|\bcontact officer", re.I),
    "director": re.compile(r"\bdirector\b", re.I),
    "present": re.compile(r"\bpresent(ed)?\b|\bintroduced\b", re.I),
}


_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|"
                        r"sept|sep|oct|nov|dec)\b", re.I)
OTHER_DAY_PENALTY = 0.2
ROLE_BONUS = 0.4
ROLE_LEXICAL = 0.25


def _new(tokens: list[str], qtext: str) -> list[str]:
    """Tokens the question does not already contain: an answer adds something."""
    return [t for t in tokens if t.lower().strip("£%. ") not in qtext]


def cue_bonus(q: Question, text: str, lexical: float = 1.0) -> float:
    """The kind of thing the question asks for, present in the unit *and new to the question*
    (a unit that only repeats the question's own figure, name or date answers nothing)."""
    qtext = q.text.lower()
    bonus = 0.0
    if "count" in q.kinds:
        # Dates, page references and leading item numbers are numbers but not amounts.
        plain = _DATE_TOKEN.sub(" ", _DATE_RANGE.sub(" ", text))
        plain = re.sub(r"\bpages?\s*\d+(\s*[-–]\s*\d+)?|^\s*\d+[a-z]?\s+(?=[A-Z])", " ", plain, flags=re.I)
        nums = [m.group(0) for m in _NUMBER.finditer(plain)]
        real = _new([x for x in nums if not _BARE_YEAR.match(x.strip())], qtext)
        bonus += 0.2 if (real or _NUMBER_WORDS.search(plain)) else -0.15
        # "217 foster carer households", "405 children and young people": the figure counts
        # the very thing asked about when one of the question's words follows it.
        asked = set(q.stems)
        for m in re.finditer(r"(?<![\d,.£])(\d[\d,]*)\s+((?:[A-Za-z'-]+\s+){0,2}[A-Za-z'-]+)", plain):
            if not _BARE_YEAR.match(m.group(1)) and m.group(1).lower() not in qtext \
                    and set(content_stems(m.group(2))) & asked:
                bonus += COUNT_NOUN_BONUS
                break
    if "person" in q.kinds:
        names = _new([m.group(0).split()[-1] for m in _NAME.finditer(text)], qtext)
        bonus += 0.2 if names else -0.1
        # The role the question asks about, printed beside a name: "Mrs A Fenwick (Chairman)",
        # "Lead inspector: A Lowe", "Report of: Simon Ferreira, Executive Director".
        roles = roles_asked(qtext)
        if names and any(_ROLE_NEAR[r].search(text) for r in roles):
            # ... scaled by how much of the question the line is about: "PRESENT: Mr B J
            # Sweetland (Chairman)" chairs a meeting, not the working group asked about.
            bonus += ROLE_BONUS * min(1.0, lexical / ROLE_LEXICAL)
    if "date" in q.kinds:
        bonus += 0.15 if _new([m.group(0) for m in _DATE_TOKEN.finditer(text)], qtext) else -0.05
    if q.days:
        # A sentence dated to another day is about another meeting than the one asked about.
        said = {(d.lstrip("0"), m.lower()[:3]) for d, m in _DAY_MONTH.findall(text)}
        if said and not said & {(d.lstrip("0"), m) for d, m in q.days}:
            bonus -= OTHER_DAY_PENALTY
    if "place" in q.kinds:
        bonus += 0.12 if _PLACE.search(text) else 0.0
        # A front sheet states it as a field: "Place: Council Chamber, Eastmarch House".
        bonus += PLACE_FIELD_BONUS if _PLACE_FIELD.match(text) else 0.0
    if "resolution" in q.kinds:
        bonus += 0.12 if _RESOLVED.search(text) else 0.0
    if "judgement" in q.kinds:
        bonus += 0.12 if _GRADE.search(text) else 0.0
    if "location" in q.kinds:
        bonus += 0.2 if _PAGES.search(text) else 0.0
    return bonus


def novelty_penalty(q: Question, u: "Unit") -> float:
    """Headings and restatements of the question ("Case Management System Update", a councillor's
    question printed in the paper) match it best and answer it least."""
    if not u.stems:
        return -0.3
    new = len(u.stems - set(q.stems)) / len(u.stems)
    pen = -0.3 if new < 0.25 else (-0.12 if new < 0.4 else 0.0)
    if u.text.rstrip().endswith("?") or u.asked:
        pen -= 0.2
    return pen


_VEC_CACHE: "OrderedDict[str, Any]" = OrderedDict()
_VEC_CACHE_MAX = 20_000   # ~30 MB of 384-d float32: passages recur across a conversation's questions
EMBED_WORDS = 48          # a unit's opening words carry its meaning; longer inputs cost attention time


def semantic_similarities(units: list[Unit], questions: list[str], embedder: Any,
                          prior: list[float] | None = None, limit: int | None = None) -> list[list[float]]:
    """Cosine of each unit with each question under the index's own embedding model.

    all-MiniLM-L6-v2 was trained on question/answer pairs, so it recognises an answering sentence
    that shares few words with the question ("foster families on its books" vs "217 foster carer
    households"). Units are embedded once per process (cached by text) and cut to their first
    EMBED_WORDS words, which keeps a cold question near 0.3 s on two cores."""
    if embedder is None or not units:
        return [[0.0] * len(units) for _ in questions]
    import numpy as np
    if prior is not None and limit is not None and len(units) > limit:
        # A cold question embeds only the units its words and search rank already favour; the
        # rest keep similarity 0 (embedding every unit of 20 passages costs ~1.5 s on two cores).
        keep = sorted(range(len(units)), key=lambda i: -prior[i])[:limit]
        sub = semantic_similarities([units[i] for i in keep], questions, embedder)
        out = [[0.0] * len(units) for _ in questions]
        for qi, row in enumerate(sub):
            for j, i in enumerate(keep):
                out[qi][i] = row[j]
        return out
    keys = [" ".join(u.text.split()[:EMBED_WORDS]) for u in units]
    todo = list(dict.fromkeys(k for k in keys if k not in _VEC_CACHE))
    fresh = np.asarray(embedder.embed_documents(list(questions) + todo))
    qv = fresh[:len(questions)]
    for k, v in zip(todo, fresh[len(questions):]):
        _VEC_CACHE[k] = v
    while len(_VEC_CACHE) > _VEC_CACHE_MAX:
        _VEC_CACHE.popitem(last=False)
    uv = np.stack([_VEC_CACHE[k] for k in keys])
    return [[float(x) for x in uv @ qv[i]] for i in range(len(questions))]


_PART_SPLIT = re.compile(r"(?:,\s*|\s+)and\s+(?=(?:what|which|when|who|how|where|did|was|were|is|are|had|has|"
                         r"have|why|whether|if)\b)|,\s*and\s+(?=(?:[\w'-]+\s+){1,4}(?:what|which|when|who|how|where)\b)|"
                         r"\?\s+(?=\S)", re.I)


def question_parts(text: str) -> list[str]:
    """"When was that, and by March 2025 which services had stopped?" -> two questions, each
    answered by its own sentence. A question with one part comes back whole."""
    parts = [p.strip(" ,?") for p in _PART_SPLIT.split(text) if p and p.strip(" ,?")]
    return parts if len(parts) > 1 else [text]


def score_units(units: list[Unit], q: Question, idf: dict[str, float],
                sims: list[float] | None = None, doc_penalty: dict[str, float] | None = None) -> None:
    total = sum(idf.values()) or 1.0
    header_stems: dict[int, set[str]] = {}
    for u in units:
        key = id(u.hit)
        if key not in header_stems:
            header_stems[key] = set(content_stems(u.hit.header or ""))
    for i, u in enumerate(units):
        hs = header_stems[id(u.hit)]
        got = 0.0
        covered = set()
        for s, w in idf.items():
            if s in u.stems:
                got += w
                covered.add(s)
            elif s in hs:
                # The passage's header (committee, item title) is context the unit inherits.
                got += 0.5 * w
                covered.add(s)
        u.covered = covered
        nwords = len(u.text.split())
        length = -0.15 if nwords < 4 else (-0.05 if nwords > 55 else 0.0)
        u.lexical = got / total
        u.sim = sims[i] if sims else 0.0
        if u.resolved and "resolution" in q.kinds:
            length += W_RESOLVED
        elif "judgement" in q.kinds and "#judgement" in str(getattr(u.hit, "chunk_id", "")):
            length += W_JUDGEMENT   # a judgement record answers "what did Ofsted judge" directly
        if doc_penalty:
            length += doc_penalty.get(u.hit.doc_id, 0.0)
        u.score = (W_LEXICAL * u.lexical + W_SEMANTIC * u.sim + cue_bonus(q, u.text, u.lexical)
                   + W_RANK / (1 + u.rank) + length + novelty_penalty(q, u))


def select(units: list[Unit], q: Question, idf: dict[str, float], max_units: int = 4,
           max_words: int = 95) -> list[Unit]:
    """The best unit; the unit after it when the best one only leads into it (ends with ':' or
    is a bare heading/lead-in); then units that add question terms the answer lacks, or that
    score nearly as well (a second part of a two-part question)."""
    ranked = sorted(units, key=lambda u: -u.score)
    if not ranked:
        return []
    answered = _answered_heading([u for u in units if u.rank <= 2], units, q)
    if answered:
        return answered
    best_u = ranked[0]
    chosen = [best_u]
    nxt = _next_unit(units, best_u)
    if best_u.resolved:
        # The rest of the decision: the minute's other Resolved lines, in order.
        same = sorted((v for v in units if v.resolved and v is not best_u and v.hit.doc_id == best_u.hit.doc_id
                       and v.hit.minute == best_u.hit.minute), key=lambda v: v.pos)
        chosen += same[:3]
    elif nxt is not None and best_u.text.rstrip().endswith(":"):
        # A lead-in ("... will be spent across the phases as follows:") is answered by what follows.
        follow = [nxt]
        while len(follow) < 4:
            n2 = _next_unit(units, follow[-1])
            if n2 is None:
                break
            follow.append(n2)
        chosen += follow
    elif nxt is not None and (len(best_u.text.split()) < SHORT_BEST_WORDS
                              or "resolution" in q.kinds and re.search(r"\bresolved\b", best_u.text, re.I)):
        chosen.append(nxt)
    covered = set().union(*(u.covered for u in chosen))
    words = sum(len(u.text.split()) for u in chosen)
    total = sum(idf.values()) or 1.0
    best = best_u.score
    seen = {_norm(u.text) for u in chosen}
    for u in ranked[1:40]:
        if len(chosen) >= max_units:
            break
        nu = _norm(u.text)
        if nu in seen or any(nu in t or t in nu for t in seen if min(len(nu), len(t)) > 40):
            # Passages overlap by a few sentences: the same sentence, whole or cut, once only.
            continue
        gain = sum(idf[s] for s in u.covered - covered) / total
        same_page = (u.hit.doc_id, u.hit.pdf_page) == (best_u.hit.doc_id, best_u.hit.pdf_page)
        # Another page's sentence is cited only when it adds much of what the question asks that
        # the answer lacks: every extra page cited is one more place a councillor has to check.
        if (same_page and ((gain >= 0.15 and u.score >= best * 0.7) or u.score >= best * 0.5)) or \
                (not same_page and gain >= OTHER_PAGE_GAIN and u.score >= best * 0.7):
            if words + len(u.text.split()) > max_words:
                continue
            chosen.append(u)
            covered |= u.covered
            words += len(u.text.split())
            seen.add(_norm(u.text))
    # Any lead-in among them ("The following services no longer existed as separate entities:")
    # is answered by the lines after it.
    out: list[Unit] = []
    for u in chosen:
        out.append(u)
        v = u
        while v.text.rstrip().endswith(":") and len(out) < max_units + 4 and u is not best_u:
            v = _next_unit(units, v)
            if v is None or v in chosen or v in out:
                break
            out.append(v)
            if v.text.rstrip().endswith(":"):
                continue
            for _ in range(2):
                w = _next_unit(units, v)
                if w is None or w in chosen or w in out or not _BULLETISH.match(w.text):
                    break
                out.append(w)
                v = w
            break
    return out


_SUB_BULLET = re.compile(r"^\s*[-–—]\s")


def is_sub_point(text: str) -> bool:
    return bool(_SUB_BULLET.match(text))
HEADING_COVERAGE = 0.5   # share of the heading's words that the question uses


def _answered_heading(top: list[Unit], units: list[Unit], q: Question, max_words: int = 95) -> list[Unit]:
    """A heading in one of the top passages that asks the question ("What does the school need to
    do to improve further?") is answered by the points under it: their top-level lines, not the
    sub-points."""
    for h in top:
        t = h.text.strip()
        if not t.endswith("?") or h.asked:
            continue
        asked = re.split(r"[\n.:]\s*|\s(?=What |How |Why |Who |When |Where )", t)[-1]
        stems = set(content_stems(asked))
        if not (len(asked.split()) <= 16 and len(stems & set(q.stems)) >= 2
                and len(stems & set(q.stems)) / len(stems) >= HEADING_COVERAGE):
            continue
        out: list[Unit] = []
        words = 0
        v = _next_unit(units, h)
        while v is not None and len(out) < 4:
            if not is_sub_point(v.text):
                n = len(v.text.split())
                if words + n > max_words:
                    break
                out.append(v)
                words += n
            v = _next_unit(units, v)
        if out:
            for v in out:
                v.under_heading = True
            return out
    return []


_BULLETISH = re.compile(r"^\s*(?:[•●▪◦\-\*\x7f\uf0b7]|\(?[a-z0-9]{1,3}[.)])\s*|^[A-Z][^.]{0,80}$")


def _next_unit(units: list[Unit], u: Unit) -> Unit | None:
    for v in units:
        if v.hit is u.hit and v.pos == u.pos + 1:
            return v
    return None


def _norm(s: str) -> str:
    return re.sub(r"\W+", "", s.lower())
