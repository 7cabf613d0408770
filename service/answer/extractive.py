"""The offline answerer: pick the units (sentences, bullets, table rows, Resolved lines) of the
retrieved passages that answer the question, and compose a short answer from them.

Units are scored by service/answer/scorer.py (named features, fitted weights); this module
makes the units, embeds them, and selects the lines of an answer from the scored units.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from service.answer.guard import looks_like_instruction
from service.answer.question import Question
from service.answer.scorer import Selection
from service.answer.text import content_stems, split_units


@dataclass
class Unit:
    text: str
    hit: Any
    rank: int  # the passage's search rank (0 = best)
    pos: int  # position of the unit in its passage
    stems: set[str]
    resolved: bool = False  # a line of a minute's Resolved block (from the structure records)
    asked: bool = False  # part of a member's question printed in the paper, before its answer
    under_heading: bool = False  # chosen as a point under a heading that asks the question
    score: float = 0.0  # probability that the line states the answer (service/answer/scorer.py)
    logit: float = 0.0
    lexical: float = 0.0
    sim: float = 0.0
    covered: set[str] = field(default_factory=set)
    features: dict[str, float] = field(default_factory=dict)


_BOILER = re.compile(
    r"intentionally (left )?blank|^\W*page \d+\W*$|^\W*\d+\s+of\s+\d+\W*$|"
    r"^\W*agenda item \d+\W*$|^\W*\d+\W*$",
    re.I,
)


# A member's question as printed in a questions pack ("Question by Cllr A to Cllr B, ...")
# restates what is asked; the answer is the text after its "Answer" heading.
_ASKED = re.compile(r"^\s*(?:\d+[.)]?\s*)?Question (?:by|from)\b", re.I)
_ANSWERED = re.compile(r"^\s*(?:Answer|Reply|Response)\b", re.I)


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"[^0-9a-z]+", "", text.lower()))


def units_from_hits(hits: list[Any], depth: int = 20, asked: Callable[[str], Any] | None = None) -> list[Unit]:
    """Units of the top `depth` passages, minus page furniture: running headers and footers
    ("Inspection report: X, 9-10 February 2016  2 of 10") recur on page after page with only
    their numbers changed, so a unit whose shape appears on two or more pages is dropped, unless
    it is what the question asks for (`asked`): papers close in set words too, and one clerk's
    councils in the same ones ("The Chairman brought the meeting to a close at 8.35pm", and at
    8.25pm in the other's minutes)."""
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
    return [
        u
        for u in out
        if len(pages_by_shape[_shape(u.text)]) < 2 or len(u.text.split()) > 25 or (asked and asked(u.text))
    ]


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
                rhit = dataclasses.replace(
                    hit,
                    pdf_page=page,
                    pdf_pages=[page],
                    page_label=hit.page_label if page == hit.pdf_page else None,
                    text=r.text,
                    chunk_id=f"{hit.chunk_id}#resolved{pos}",
                )
                out.append(
                    Unit(
                        clean_resolved(r.text),
                        rhit,
                        rank,
                        1000 + pos,
                        set(content_stems(r.text)) | set(content_stems(rec.title)),
                        resolved=True,
                    )
                )
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


_VEC_CACHE: "OrderedDict[str, Any]" = OrderedDict()
_VEC_CACHE_MAX = 20_000  # ~30 MB of 384-d float32: passages recur across a conversation's questions
EMBED_WORDS = 48  # a unit's opening words carry its meaning; longer inputs cost attention time


def semantic_similarities(
    units: list[Unit], questions: list[str], embedder: Any, prior: list[float] | None = None, limit: int | None = None
) -> list[list[float]]:
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
    qv = fresh[: len(questions)]
    for k, v in zip(todo, fresh[len(questions) :], strict=True):
        _VEC_CACHE[k] = v
    while len(_VEC_CACHE) > _VEC_CACHE_MAX:
        _VEC_CACHE.popitem(last=False)
    uv = np.stack([_VEC_CACHE[k] for k in keys])
    return [[float(x) for x in uv @ qv[i]] for i in range(len(questions))]


_PART_SPLIT = re.compile(
    r"(?:,\s*|\s+)and\s+(?=(?:what|which|when|who|how|where|did|was|were|is|are|had|has|"
    r"have|why|whether|if)\b)|,\s*and\s+(?=(?:[\w'-]+\s+){1,4}(?:what|which|when|who|how|where)\b)|"
    r"\?\s+(?=\S)",
    re.I,
)


# A change asked between two years ("how did X change between the 2014 and 2025 inspections?",
# "... from 2016 to 2019?") is two questions: X in the first year, X in the second.
_YEAR_SPAN = re.compile(
    r"\b(?:between|from)\s+(?:(?:the|its|their)\s+)?((?:19|20)\d\d)\s+(?:and|to)\s+"
    r"(?:(?:the|its|their)\s+)?((?:19|20)\d\d)\b",
    re.I,
)
_CHANGE = re.compile(r"\b(?:chang|compar|differ|improv|declin|deteriorat|progress|journey|mov)\w*", re.I)


def question_parts(text: str) -> list[str]:
    """ "When was that, and by March 2025 which services had stopped?" -> two questions, each
    answered by its own sentence; so is a change between two years, one part per year. A
    question with one part comes back whole."""
    parts = [p.strip(" ,?") for p in _PART_SPLIT.split(text) if p and p.strip(" ,?")]
    if len(parts) > 1:
        return parts
    m = _YEAR_SPAN.search(text)
    if m and _CHANGE.search(text):
        return [(text[: m.start()] + f"in {year}" + text[m.end() :]).strip(" ?") for year in m.groups()]
    return [text]


def select(  # noqa: C901
    units: list[Unit],
    q: Question,
    idf: dict[str, float],
    sel: Selection | None = None,
    max_units: int | None = None,
    max_words: int | None = None,
) -> list[Unit]:
    """The best unit; the unit after it when the best one only leads into it (ends with ':' or
    is a bare heading/lead-in); then units that add question terms the answer lacks, or that
    score nearly as well (a second part of a two-part question)."""
    sel = sel or Selection()
    max_units = sel.max_units if max_units is None else max_units
    max_words = sel.max_words if max_words is None else max_words
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
        same = sorted(
            (
                v
                for v in units
                if v.resolved
                and v is not best_u
                and v.hit.doc_id == best_u.hit.doc_id
                and v.hit.minute == best_u.hit.minute
            ),
            key=lambda v: v.pos,
        )
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
    elif nxt is not None and (
        len(best_u.text.split()) < sel.short_best_words
        or "resolution" in q.kinds
        and re.search(r"\bresolved\b", best_u.text, re.I)
    ):
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
        if (
            same_page
            and (
                (gain >= sel.same_page_gain and u.score >= best * sel.same_page_ratio)
                or u.score >= best * sel.same_page_close
            )
        ) or (not same_page and gain >= sel.other_page_gain and u.score >= best * sel.other_page_ratio):
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
        v: Unit | None = u
        while v is not None and v.text.rstrip().endswith(":") and len(out) < max_units + 4 and u is not best_u:
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


HEADING_COVERAGE = 0.5  # share of the heading's words that the question uses


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
        if not (
            len(asked.split()) <= 16
            and len(stems & set(q.stems)) >= 2
            and len(stems & set(q.stems)) / len(stems) >= HEADING_COVERAGE
        ):
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
