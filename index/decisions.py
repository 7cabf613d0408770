"""The decision register as a search index: every decision row of the store (ingest/register.py), with
its meeting, linked to the decisions it follows and the report it decided on, searchable by topic.

Derived from the store like BM25 and the chunk catalog: built at a store generation and rebuilt when
the generation moves (tokens are cached per decision, so a rebuild only tokenises new ones).

Search is keyword and meaning fused:
- keyword: BM25 (bm25s, the tokeniser of index/keyword.py) over each decision's minute title, text
  and the report it names;
- meaning: the chunk vectors already in Chroma, restricted to the passages of minutes with
  decisions (index/catalog.py's allow-list path, no `where`); a passage names its minute's decisions;
- reciprocal-rank fusion of the two; a decision found only by meaning must reach
  `settings.decisions_min_similarity`. Filters (committee, council, dates, outcome) and the role are
  masks over numpy arrays, applied before ranking; Part II decisions are never candidates for a
  role that may not see them.

The timeline of a topic is its decisions, oldest first, each a line with its citation; a decision
is a step when it holds every word of the question (settings.decisions_timeline_coverage) or is
close in meaning, and the decisions the papers link it to (what it asked to come back at a dated
meeting; the meeting whose minutes or decisions it names) join it when they share a word with the
question.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import re
import threading
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from datetime import date
from typing import Any, Sequence

import numpy as np

from index.filters import SearchFilters, may_see_restricted
from index.keyword import bm25_matrix, tokenize
from ingest.html import HTML_SUFFIXES
from ingest.word import WORD_SUFFIXES

OUTCOME_VERB = {
    "agreed": "agreed",
    "amended": "agreed as amended",
    "noted": "noted",
    "recommended": "recommended",
    "deferred": "deferred",
    "refused": "refused",
}
_LEAD = re.compile(
    r"(?i)^\s*(?:\d{1,2}[.)]\s*)?(?:resolved\s*[:,-]?\s*)?(?:that\s+)?"
    r"(?:(?:the\s+)?(?:county\s+|city\s+|"
    r"borough\s+|district\s+|parish\s+)?(?:council|cabinet|committee|panel|board|members)\s+"
    r"(?=[a-z]))?(?:agrees?\s+to\s*:?\s*)?"
)


@dataclass(frozen=True)
class DecisionRecord:
    id: str  # "<doc_id>:<seq>": stable while the paper is
    doc_id: str
    seq: int
    source: str
    doc_type: str
    council: str | None
    committee: str | None
    meeting_date: date | None
    minute: str | None
    minute_title: str
    agenda_item: str | None
    text: str
    parts_json: str  # parsed when first read: a search builds 100k records, reads few
    outcome: str
    outcome_rule: str
    pdf_page: int
    page_label: str | None
    restricted: bool
    vote_json: str | None
    votes_json: str
    report: dict | None
    follow_on: tuple[dict, ...]
    refers_to: tuple[str, ...]
    follows: tuple[str, ...] = ()  # earlier decisions this one answers (linked by the papers)
    followed_by: tuple[str, ...] = ()  # later decisions that answer it
    source_url: str | None = None  # the council's own page for the paper (a decision's, where it has one)

    @property
    def paged(self) -> bool:
        """Whether the paper has printed pages: a minute a publishing system handed out as HTML, or a
        Word paper, is cited by its minute, never by a page nobody printed."""
        return not self.source.lower().endswith(UNPAGED_SUFFIXES)

    @cached_property
    def parts(self) -> tuple[dict, ...]:
        return tuple(_loads(self.parts_json))

    @cached_property
    def votes(self) -> tuple[dict, ...]:
        return tuple(_loads(self.votes_json))

    @cached_property
    def vote(self) -> dict | None:
        return json.loads(self.vote_json) if self.vote_json else None

    @property
    def cite(self) -> str:
        """How a citation reads: "Cabinet, 30 Jan 2025 — minute 91, page 15"."""
        where = f"minute {self.minute}" if self.minute else (f"item {self.agenda_item}" if self.agenda_item else "")
        page = (
            ""
            if not self.paged and where
            else (f"page {self.page_label}" if self.page_label else f"pdf p.{self.pdf_page}")
        )
        when = self.meeting_date.strftime("%-d %b %Y") if self.meeting_date else "undated"
        return f"{self.body}, {when} — " + ", ".join(x for x in (where, page) if x)

    @property
    def body(self) -> str:
        """Who decided: the committee, or the council when the paper names only "Council"."""
        if self.committee and _norm(self.committee) not in ("council", "full council"):
            return self.committee
        return self.council or self.committee or self.source

    def line(self) -> str:
        """One line saying what changed: who did what, the decision's own words, shortened."""
        body = self.text
        if self.parts:
            acting = [p["text"] for p in self.parts if p.get("outcome") != "noted"] or [p["text"] for p in self.parts]
            body = "; ".join(_LIST_END.sub("", t) for t in acting)  # parts end "...;" or "...; and" as printed
        body = _LEAD.sub("", body).strip().rstrip(".;")
        if len(body) > 220:
            body = body[:217].rsplit(" ", 1)[0] + "…"
        who = self.body
        return f"{who} {OUTCOME_VERB.get(self.outcome, self.outcome)}: {body}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "source": self.source,
            "council": self.council,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "minute": self.minute,
            "minute_title": self.minute_title,
            "agenda_item": self.agenda_item,
            "text": self.text,
            "parts": list(self.parts),
            "outcome": self.outcome,
            "outcome_rule": self.outcome_rule,
            "pdf_page": self.pdf_page,
            "page_label": self.page_label,
            "restricted": self.restricted,
            "vote": self.vote,
            "votes": list(self.votes),
            "report": self.report,
            "follow_on": list(self.follow_on),
            "refers_to": list(self.refers_to),
            "follows": list(self.follows),
            "followed_by": list(self.followed_by),
            "source_url": self.source_url,
            "cite": self.cite,
            "line": self.line(),
        }


@dataclass
class DecisionHit:
    record: DecisionRecord
    score: float
    keyword_rank: int | None = None
    dense_rank: int | None = None
    coverage: float = 0.0
    similarity: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.record.to_json(),
            "score": round(self.score, 6),
            "keyword_rank": self.keyword_rank,
            "dense_rank": self.dense_rank,
        }


@dataclass
class TimelineStep:
    record: DecisionRecord
    linked: bool  # joined the timeline through a link of the papers, not by its words

    def to_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r.id,
            "meeting_date": r.meeting_date.isoformat() if r.meeting_date else None,
            "council": r.council,
            "committee": r.committee,
            "minute": r.minute,
            "minute_title": r.minute_title,
            "outcome": r.outcome,
            "line": r.line(),
            "cite": r.cite,
            "doc_id": r.doc_id,
            "source": r.source,
            "pdf_page": r.pdf_page,
            "page_label": r.page_label,
            "source_url": r.source_url,
            "follows": list(r.follows),
            "followed_by": list(r.followed_by),
            "linked": self.linked,
        }


UNPAGED_SUFFIXES = HTML_SUFFIXES + WORD_SUFFIXES
_LIST_END = re.compile(r"\s*;\s*(?:and|or)?\s*$", re.I)


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", (s or "").lower()).strip()


@dataclass
class _Index:
    generation: int = -1
    records: list[DecisionRecord] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    restricted: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    dates: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    outcomes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    committee_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    committees: list[str] = field(default_factory=list)  # code -> lower-cased name (and title words)
    council_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    councils: list[str] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    scores: dict | None = None  # bm25s matrix (CSC by token)
    model: Any = None
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # decision -> minute group
    group_members: list[list[int]] = field(default_factory=list)
    chunk_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # catalog row per minute chunk
    chunk_group: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    chunk_ids: list[str] = field(default_factory=list)
    group_of_chunk: dict[str, int] = field(default_factory=dict)


OUTCOME_CODES = {o: i for i, o in enumerate(("agreed", "amended", "deferred", "refused", "noted", "recommended"))}


class DecisionRegister:
    """One per Library; thread-safe; rebuilt from the store when its generation moves."""

    def __init__(self, library: Any):
        self.library = library
        self._lock = threading.Lock()
        self._idx = _Index()
        self._tokens: dict[str, list[str]] = {}  # decision id + text hash -> tokens
        self._backfilled = False

    # ------------------------------------------------------------------ build
    def index(self) -> _Index:
        store = self.library.store
        if not self._backfilled:
            self._backfilled = True
            store.backfill_decisions()  # papers stored before the register existed (bumps the generation)
        gen = store.generation()
        if self._idx.generation == gen:
            return self._idx
        with self._lock:
            if self._idx.generation != gen:
                self._idx = self._build(gen)
            return self._idx

    def _build(self, gen: int) -> _Index:
        store = self.library.store
        idx = _Index(generation=gen)
        rows = store.decision_rows()
        reports = _report_papers(store)
        recs: list[DecisionRecord] = []
        for row in rows:
            report = json.loads(row.report) if row.report else None
            if report and row.doc_type != "agenda_pack" and row.agenda_item:
                paper = reports.get((_norm(row.committee), row.doc_meeting_date, row.agenda_item))
                if paper and paper["doc_id"] != row.doc_id:
                    report = {**report, **paper}
            recs.append(
                DecisionRecord(
                    id=f"{row.doc_id}:{row.seq}",
                    doc_id=row.doc_id,
                    seq=row.seq,
                    source=row.source,
                    doc_type=row.doc_type,
                    council=row.council,
                    committee=row.committee,
                    meeting_date=row.meeting_date or row.doc_meeting_date,
                    minute=row.minute_number,
                    minute_title=row.minute_title,
                    agenda_item=row.agenda_item,
                    text=row.text,
                    parts_json=row.parts,
                    outcome=row.outcome,
                    outcome_rule=row.outcome_rule,
                    pdf_page=row.pdf_page,
                    page_label=row.page_label,
                    restricted=bool(row.restricted or row.doc_restricted),
                    vote_json=row.vote,
                    votes_json=row.votes,
                    report=report,
                    follow_on=tuple(_loads(row.follow_on)),
                    refers_to=tuple(_loads(row.refers_to)),
                    source_url=row.source_url,
                )
            )
        recs = _link(recs)
        idx.records = recs
        idx.by_id = {r.id: i for i, r in enumerate(recs)}
        n = len(recs)
        idx.restricted = np.fromiter((r.restricted for r in recs), bool, n)
        idx.dates = np.fromiter((_dkey(r.meeting_date) for r in recs), np.int32, n)
        idx.outcomes = np.fromiter((OUTCOME_CODES.get(r.outcome, 0) for r in recs), np.int8, n)
        idx.committee_codes, idx.committees = _codes([_norm(r.committee) for r in recs])
        idx.council_codes, idx.councils = _codes([_norm(r.council) for r in recs])
        self._keyword(idx)
        self._groups(idx, gen)
        return idx

    def _token_file(self) -> Path:
        s = self.library.settings
        return Path(s.data_dir) / "keyword" / s.chroma_collection / "decision-tokens.pkl"

    def _keyword(self, idx: _Index) -> None:
        """BM25 over the decisions. Tokens are cached per decision (its id and a checksum of what is
        tokenised) in memory and on disk beside the chunks' BM25, so only new decisions are tokenised,
        in this process or the next (tokenising is most of a first build: ~12 s at 100k)."""
        if not self._tokens:
            try:
                with open(self._token_file(), "rb") as f:
                    self._tokens = pickle.load(f)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
                self._tokens = {}
        seen: set[str] = set()
        token_lists: list[list[str]] = []
        added = 0
        for r in idx.records:
            described = (r.report or {}).get("described") or ""
            text = f"{r.minute_title}\n{r.text}\n{described}"
            key = f"{r.id}:{zlib.crc32(text.encode()):08x}"
            seen.add(key)
            toks = self._tokens.get(key)
            if toks is None:
                toks = self._tokens[key] = tokenize(text)
                added += 1
            token_lists.append(toks)
        stale = [k for k in self._tokens if k not in seen]  # decisions of deleted or replaced papers
        for k in stale:
            del self._tokens[k]
        if added or stale:
            self._save_tokens()
        vocab: dict[str, int] = {}
        lengths = np.fromiter((len(t) for t in token_lists), np.int64, len(token_lists))
        flat = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for toks in token_lists for t in toks), np.int32, int(lengths.sum())
        )
        idx.vocab = vocab
        if not token_lists or not vocab:
            return
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        idx.scores = bm25_matrix(flat, offsets, len(vocab))
        import bm25s

        model = bm25s.BM25()
        model.scores = idx.scores
        model.vocab_dict = vocab
        model.nonoccurrence_array = None
        idx.model = model

    def _save_tokens(self) -> None:
        path = self._token_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                pickle.dump(self._tokens, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:  # a read-only data dir: the cache stays in memory
            pass

    def _groups(self, idx: _Index, gen: int) -> None:
        """Minute groups (doc, minute or item) and the catalog rows of their passages."""
        keys: dict[tuple[str, str], int] = {}
        group = np.zeros(len(idx.records), np.int32)
        members: list[list[int]] = []
        for i, r in enumerate(idx.records):
            key = (r.doc_id, f"m:{r.minute}" if r.minute else f"i:{r.agenda_item}")
            g = keys.setdefault(key, len(keys))
            if g == len(members):
                members.append([])
            members[g].append(i)
            group[i] = g
        idx.group, idx.group_members = group, members
        if not keys:
            return
        cat = self.library.catalog(gen)
        rows, groups, ids = [], [], []
        for chunk_id, doc_id, minute, item in self.library.store.minute_chunks():
            grp = keys.get((doc_id, f"m:{minute}")) if minute else keys.get((doc_id, f"i:{item}"))
            r = cat.row.get(chunk_id)
            if grp is not None and r is not None:
                rows.append(r)
                groups.append(grp)
                ids.append(chunk_id)
        idx.chunk_rows = np.asarray(rows, np.int64)
        idx.chunk_group = np.asarray(groups, np.int32)
        idx.chunk_ids = ids
        idx.group_of_chunk = dict(zip(ids, groups, strict=True))

    # ------------------------------------------------------------------ search
    def _mask(self, idx: _Index, filters: SearchFilters | None, outcome: str | None, role: str) -> np.ndarray:
        m = np.ones(len(idx.records), bool)
        if not may_see_restricted(role):
            m &= ~idx.restricted
        if outcome:
            m &= idx.outcomes == OUTCOME_CODES[outcome]
        if filters is not None:
            if filters.committee:
                want = _norm(filters.committee)
                codes = [c for c, name in enumerate(idx.committees) if want in name]
                m &= np.isin(idx.committee_codes, np.asarray(codes, np.int32))
            if filters.council:
                want = _norm(filters.council)
                codes = [c for c, name in enumerate(idx.councils) if want in name]
                m &= np.isin(idx.council_codes, np.asarray(codes, np.int32))
            if filters.date_from:
                m &= idx.dates >= (filters.date_from_key or 0)
            if filters.date_to:
                m &= (idx.dates <= (filters.date_to_key or 0)) & (idx.dates > 0)
            if filters.doc_ids:
                ids = set(filters.doc_ids)
                m &= np.fromiter((r.doc_id in ids for r in idx.records), bool, len(idx.records))
        return m

    def search(
        self,
        query: str | None,
        *,
        filters: SearchFilters | None = None,
        outcome: str | None = None,
        role: str = "public",
        limit: int | None = None,
        timeline: bool = False,
    ) -> list[DecisionHit]:
        """Decisions ranked for the query (every word counts, meaning too); with no query, every
        decision the filters allow, newest first."""
        if outcome is not None and outcome not in OUTCOME_CODES:
            from index.filters import FilterError

            raise FilterError(f"unknown outcome {outcome!r}; expected one of {', '.join(OUTCOME_CODES)}")
        s = self.library.settings
        limit = limit or s.decisions_max_results
        idx = self.index()
        if not idx.records:
            return []
        mask = self._mask(idx, filters, outcome, role)
        q = (query or "").strip()
        if not q:
            order = sorted(
                np.flatnonzero(mask).tolist(),
                key=lambda i: (-int(idx.dates[i]), idx.records[i].doc_id, idx.records[i].seq),
            )
            return [DecisionHit(idx.records[i], 0.0) for i in order[:limit]]
        kw, coverage = self._keyword_scores(idx, q, mask)
        dense = self._dense(idx, q, mask, role)
        fused: dict[int, DecisionHit] = {}
        k = s.rrf_k
        for rank, i in enumerate(kw):
            fused[i] = DecisionHit(
                idx.records[i],
                s.keyword_weight / (k + rank + 1),
                keyword_rank=rank + 1,
                coverage=float(coverage.get(i, 0.0)),
            )
        for rank, (i, sim) in enumerate(dense):
            h = fused.get(i)
            if h is None:
                if sim < s.decisions_min_similarity:
                    continue
                h = fused[i] = DecisionHit(idx.records[i], 0.0, coverage=float(coverage.get(i, 0.0)))
            h.score += s.dense_weight / (k + rank + 1)
            h.dense_rank, h.similarity = rank + 1, sim
        hits = list(fused.values())
        if timeline:
            hits = [
                h
                for h in hits
                if h.coverage >= s.decisions_timeline_coverage or (h.similarity or 0.0) >= s.decisions_min_similarity
            ]
        hits.sort(key=lambda h: (-h.score, -_dkey(h.record.meeting_date), h.record.id))
        return hits[:limit]

    def _keyword_scores(self, idx: _Index, q: str, mask: np.ndarray) -> tuple[list[int], dict[int, float]]:
        """Decisions with any of the query's words, best BM25 first, and each one's share of the words."""
        if idx.model is None:
            return [], {}
        from index.synonyms import widen

        terms = [idx.vocab[t] for t in dict.fromkeys(tokenize(widen(q))) if t in idx.vocab]
        asked = list(dict.fromkeys(tokenize(q)))
        if not terms:
            return [], {}
        scores = idx.model.get_scores_from_ids(terms, weight_mask=mask.astype(np.float32))
        hit = np.flatnonzero(scores > 0)
        order = hit[np.argsort(-scores[hit], kind="stable")][: self.library.settings.decisions_max_results]
        # coverage: how many of the question's own words each decision holds (CSC column = a word's decisions)
        assert idx.scores is not None  # built with the index
        indptr, indices = idx.scores["indptr"], idx.scores["indices"]
        count = np.zeros(len(idx.records), np.int16)
        own = [idx.vocab[t] for t in asked if t in idx.vocab]
        for t in own:
            count[indices[indptr[t] : indptr[t + 1]]] += 1
        total = max(len(asked), 1)
        return order.tolist(), {int(i): float(count[i]) / total for i in order}

    def _dense(self, idx: _Index, q: str, mask: np.ndarray, role: str) -> list[tuple[int, float]]:
        """Decisions whose minute's passages are nearest in meaning: (decision, cosine), nearest first."""
        if not len(idx.chunk_rows) or not mask.any():
            return []
        lib = self.library
        cat = lib.catalog(idx.generation)
        group_ok = np.zeros(len(idx.group_members), bool)
        group_ok[idx.group[mask]] = True
        chunk_ok = group_ok[idx.chunk_group]
        if not may_see_restricted(role):
            chunk_ok &= ~cat.restricted[idx.chunk_rows]
        if not chunk_ok.any():
            return []
        allowed = np.zeros(len(cat), bool)
        allowed[idx.chunk_rows[chunk_ok]] = True
        chunk_group = idx.group_of_chunk
        found = lib.vectors.query_allowed(lib.embedder.embed_query(q), lib.settings.decisions_dense_depth, cat, allowed)
        out: list[tuple[int, float]] = []
        seen: set[int] = set()
        for h in found:
            g = chunk_group.get(h.chunk_id)
            if g is None or g in seen:
                continue
            seen.add(g)
            out += [(i, h.score) for i in idx.group_members[g] if mask[i]]
        return out

    # ------------------------------------------------------------------ records and timelines
    def get(self, decision_id: str, role: str = "public") -> DecisionRecord | None:
        idx = self.index()
        i = idx.by_id.get(decision_id)
        if i is None:
            return None
        r = idx.records[i]
        return None if r.restricted and not may_see_restricted(role) else r

    def timeline(
        self, query: str, *, filters: SearchFilters | None = None, role: str = "public", limit: int = 50
    ) -> list[TimelineStep]:
        """What has been decided about the topic: its decisions oldest first, with the decisions the
        papers link them to when they share a word with the question."""
        idx = self.index()
        hits = self.search(query, filters=filters, role=role, timeline=True)
        chosen = {idx.by_id[h.record.id] for h in hits[:limit]}
        words = set(tokenize(query))
        linked: set[int] = set()
        mask = self._mask(idx, filters, None, role)
        for i in list(chosen):
            r = idx.records[i]
            for other in r.follows + r.followed_by:
                j = idx.by_id.get(other)
                if j is None or j in chosen or not mask[j]:
                    continue
                o = idx.records[j]
                if words & set(tokenize(f"{o.minute_title} {o.text}")):
                    linked.add(j)
        steps = [TimelineStep(idx.records[i], i in linked) for i in chosen | linked]
        steps.sort(key=lambda st: (_dkey(st.record.meeting_date), st.record.source, st.record.seq))
        return steps


def _loads(raw: str | None) -> list:
    return [] if not raw or raw == "[]" else json.loads(raw)


def _dkey(d: date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def _codes(values: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32, len(values))
    return codes, list(index)


def _report_papers(store: Any) -> dict[tuple[str, date | None, str], dict]:
    """(committee, meeting date, item) -> the report paper of that agenda item, where one is in the
    library (a report cited to its item; the first page of the item in an agenda pack)."""
    from sqlalchemy import select

    from index.store import DocumentRow, ItemRow

    out: dict[tuple[str, date | None, str], dict] = {}
    with store.session() as s:
        q = (
            select(
                ItemRow.number,
                ItemRow.title,
                ItemRow.pdf_from,
                DocumentRow.doc_id,
                DocumentRow.source,
                DocumentRow.committee,
                DocumentRow.meeting_date,
                DocumentRow.doc_type,
            )
            .join(DocumentRow, ItemRow.doc_id == DocumentRow.doc_id)
            .where(DocumentRow.doc_type.in_(("officer_report", "agenda_pack")), DocumentRow.meeting_date.is_not(None))
        )
        for number, title, pdf_from, doc_id, source, committee, meeting_date, doc_type in s.execute(q):
            key = (_norm(committee), meeting_date, number)
            # a report of its own beats the pack's item pages
            if key not in out or (doc_type == "officer_report" and out[key]["kind"] != "officer_report"):
                out[key] = {
                    "doc_id": doc_id,
                    "source": source,
                    "pdf_page": pdf_from or 1,
                    "kind": doc_type,
                    "item_title": title,
                }
    return out


def _link(recs: list[DecisionRecord]) -> list[DecisionRecord]:  # noqa: C901
    """Links the papers make between decisions: a decision that asks for something at a dated meeting
    is followed by that meeting's decisions of the same council (the same committee, or one the
    clause names); a decision that names an earlier meeting ("the minutes of the Scrutiny Committee
    meeting held on ...") follows that meeting's decisions of the committee it names (its own when it
    names none)."""
    from dataclasses import replace

    by_day: dict[int, list[int]] = {}
    for i, r in enumerate(recs):
        by_day.setdefault(_dkey(r.meeting_date), []).append(i)
    names = [_norm(r.committee) for r in recs]
    councils = [_norm(r.council) for r in recs]

    def same_council(a: int, b: int) -> bool:  # or one paper prints none (a panel's minutes often name only it)
        return not councils[a] or not councils[b] or councils[a] == councils[b]

    def same_body(target: int, source: int, clause: str) -> bool:
        return _same_body(names[target], names[source], clause)

    follows: dict[int, set[int]] = {}
    for i, r in enumerate(recs):
        for f in r.follow_on:
            if not f.get("date"):
                continue
            for j in by_day.get(_dkey(date.fromisoformat(f["date"])), []):
                if j != i and same_council(j, i) and same_body(j, i, f["text"]):
                    follows.setdefault(j, set()).add(i)
        for when in r.refers_to:
            for j in by_day.get(_dkey(date.fromisoformat(when)), []):
                if j != i and same_council(j, i) and same_body(j, i, r.text):
                    follows.setdefault(i, set()).add(j)
    followed_by: dict[int, set[int]] = {}
    for j, earlier in follows.items():
        for i in earlier:
            followed_by.setdefault(i, set()).add(j)
    out = []
    for i, r in enumerate(recs):
        after, before = follows.get(i), followed_by.get(i)
        if after or before:
            r = replace(
                r,
                follows=tuple(recs[x].id for x in sorted(after or ())),
                followed_by=tuple(recs[x].id for x in sorted(before or ())),
            )
        out.append(r)
    return out


def _same_body(name: str, source_name: str, clause: str) -> bool:
    """The clause names the target's committee (`name`, normalised); or the target is the source's own
    committee and the clause names no other body ("reported to the Committee's meeting on 11 March")."""
    if name and name in _norm(clause):
        return True
    if name != source_name:
        return False
    named = {w.lower() for w in re.findall(r"\b(Council|Cabinet|Executive|Board|Panel)\b", clause)}
    return all(w in name for w in named)


# ---------------------------------------------------------------------------------------- export
CSV_COLUMNS = (
    "meeting_date",
    "council",
    "committee",
    "minute",
    "minute_title",
    "outcome",
    "decision",
    "parts",
    "vote",
    "page_label",
    "pdf_page",
    "source",
    "citation",
    "url",
)


def _cell(v: Any) -> str:
    """A spreadsheet cell: text that a spreadsheet would run as a formula is quoted (=, +, -, @)."""
    s = "" if v is None else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def _vote_text(v: dict | None) -> str:
    if not v:
        return ""
    counts = f"for {v.get('for')}, against {v.get('against')}, abstain {v.get('abstain')}"
    return f"{v.get('outcome') or 'recorded'} ({counts})"


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    """Decisions (their to_json dicts, a `url` added by the caller) as CSV an officer pastes into a
    report: one row per decision, parts as "(a) ...; (b) ...". The csv module quotes; a leading
    formula character is neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in records:
        parts = "; ".join(f"({p['label']}) {p['text']}" if p.get("label") else p["text"] for p in r.get("parts") or [])
        w.writerow(
            [
                _cell(x)
                for x in (
                    r.get("meeting_date"),
                    r.get("council"),
                    r.get("committee"),
                    r.get("minute"),
                    r.get("minute_title"),
                    r.get("outcome"),
                    r.get("text"),
                    parts,
                    _vote_text(r.get("vote")),
                    r.get("page_label"),
                    r.get("pdf_page"),
                    r.get("source"),
                    r.get("cite"),
                    r.get("url"),
                )
            ]
        )
    return buf.getvalue()
