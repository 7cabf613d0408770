"""The answer engine: question (+ history, filters, role) → a short answer whose every sentence
ends with a verified citation, or an honest "the papers provided do not cover this".

One module the service, the CLI and `cllr eval` all call. The default answerer is extractive
(offline, no model); an OpenAI-compatible LLM is used when settings name one. In both modes
the citations go through the same verification against the cited page's text.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from cllr.settings import Settings
from index.filters import may_see_restricted
from ingest.html import HTML_SUFFIXES
from ingest.word import WORD_SUFFIXES
from service.answer import abstain, evidence, extractive, scorer
from service.answer.citations import citation_for, verify
from service.answer.conversations import ConversationStore
from service.answer.llm import ModelUnavailable
from service.answer.question import Question, analyse, month_number
from service.answer.rerank import asked_places, paper_mismatches, place_names, rerank
from service.answer.rewrite import rewrite
from service.answer.roles import ROLE_LINES, roles_asked
from service.answer.text import content_stems, word_count
from service.answer.timeline import body_asked, timeline_answer, topic_asked
from service.answer.types import ABSTAIN_TEXT, AnswerResult, Citation, short_date

PAGE_CACHE_MAX = 2000  # page texts kept for citation checks (~3 KB each)
SEARCH_DEPTH = 40  # passages fetched before the papers the question names are put first
# Candidate lines per question compared with it by the embedding model. 0: none. Fitted out of fold
# (evals/fit_scorer.py, 5-fold over 260 questions), the line model gave MiniLM's similarity a weight
# near 0 once words, rank and the kind asked are in, and answers were as right without it (correct
# .630 without, .616 with 24 lines, .611 with 60), while embedding the lines was nine tenths of a cold
# answer's time on AVX2 (p95 1,021 ms at 100k chunks; 69 ms without). Set it above 0 and refit to use it.
EMBED_LIMIT = 0
SEARCH_K = 25  # passages retrieved and returned in `retrieved`
FRONT_SHEET_AT = 2  # where a named day's meeting front sheet joins the passages
ROLE_DOCS = 6  # top passages whose papers are read for the lines a question asks for (roles, closing time)
ROLE_LINES_AT = 2
ROLE_LINES_PER_DOC = 3
JUDGEMENTS_PER_DOC = 8  # judgement records per retrieved report read for an Ofsted question
_GRADES = ("outstanding", "good", "requires improvement", "inadequate", "adequate")
MAX_ANSWER_WORDS = 110  # the scoring limit is 120, citations not counted
log = logging.getLogger("cllr.service.engine")
_PAGES_LINE = re.compile(
    r"^\s*(?:item\s*)?(\d{1,3}[a-z]?)[.)]?\s+(.{3,160}?)\s*\(?\bpages?\s*(\d+)\s*(?:-|to|–)\s*(\d+)\)?", re.I
)


class AnswerEngine:
    def __init__(
        self, settings: Settings, library: Any, *, store: ConversationStore | None = None, llm: Any = None
    ) -> None:
        self.settings = settings
        self.library = library
        self.store = store
        self.llm = llm
        # The evidence lines (front sheets, role lines, judgements) need the papers' primitives; a
        # library without them answers from search alone.
        self._evidence = library if isinstance(library, evidence.EvidencePapers) else None
        # Bounded: a serving process lives for weeks over an archive of many thousand pages.
        # keyed by whether the reader may see Part II: the two readings of a mixed page differ
        self._page_cache: OrderedDict[tuple[str, int, bool], str | None] = OrderedDict()
        self._doc_cache: dict[tuple[str, bool], str] = {}
        self._place_names: set[str] | None = None
        self._model: scorer.ScorerModel | None = None

    # ------------------------------------------------------------------ page text (verification)

    def page_text(self, doc_id: str, pdf_page: int, role: str = "public") -> str | None:
        """The page as `role` may read it: Part II lines are blank for a caller who may not see
        them, so a quote is verified, and an answer reads on, only over text the caller may see."""
        key = (doc_id, pdf_page, may_see_restricted(role))
        if key in self._page_cache:
            self._page_cache.move_to_end(key)
            return self._page_cache[key]
        try:
            text = self.library.page_text(doc_id, pdf_page, role)
        except Exception:  # a page outside the document is simply "not there"
            text = None
        self._page_cache[key] = text
        while len(self._page_cache) > PAGE_CACHE_MAX:
            self._page_cache.popitem(last=False)
        return text

    def page_label(self, doc_id: str, pdf_page: int) -> str | None:
        """Printed label of a page a citation was repaired to (the library's page record)."""
        fn = getattr(self.library, "page", None)
        if fn is None:
            return None
        try:
            # The quote came from a passage the caller may see; this only reads its page number.
            rec = fn(doc_id, pdf_page, role="admin")
        except Exception:
            return None
        return rec[0] if rec else None

    def _places(self) -> set[str]:
        """The councils the library holds papers from, by their distinctive names."""
        if self._place_names is None:
            try:
                docs = self.library.documents(role="admin")
                self._place_names = place_names([d.council for d in docs if d.council])
            except Exception:
                self._place_names = set()
        return self._place_names

    def doc_text(self, doc_id: str, role: str = "public") -> str:
        """A document's opening pages (where papers state their dates), for abstention's date
        checks; cached per engine."""
        key = (doc_id, may_see_restricted(role))
        if key not in self._doc_cache:
            parts = []
            for n in range(1, 3):
                t = self.page_text(doc_id, n, role)
                if t is None:
                    break
                parts.append(t)
            self._doc_cache[key] = "\n".join(parts)
        return self._doc_cache[key]

    # ------------------------------------------------------------------ asking

    @property
    def model(self) -> scorer.ScorerModel:
        """The fitted scorer (service/answer/scorer_weights.json), or one given to this engine."""
        return self._model or scorer.load_model()

    def ask(
        self,
        question: str,
        *,
        history: list[dict] | None = None,
        conversation_id: str | None = None,
        filters: Any = None,
        role: str = "public",
        caller: str | None = None,
        remember: bool = True,
    ) -> AnswerResult:
        """`caller` names who asks (the service's subject): a conversation id is theirs alone.
        With remember=False the turn is not stored: the service stores it with `remember` once its
        release check has passed the answer (a withheld answer must not come back as history)."""
        t0 = time.perf_counter()
        cid = None
        if self.store is not None:
            cid = self.store.ensure(conversation_id, role, caller)
            if history is None:
                history = self.store.history(cid)
        rw = rewrite(question, history)
        # Analysed once each: the user's words (what is scored) and the stand-alone question a
        # follow-up becomes (what is searched for).
        q = analyse(question)
        sq = q if rw.standalone == question else analyse(rw.standalone)
        timeline = self._timeline(question, rw, cid, filters, role, t0)
        if timeline is not None:
            if remember:
                self.remember(question, timeline)
            return timeline
        hits = self._passages(sq, rw.standalone, filters, role)
        mode, fallback = "extractive", None
        if self.llm is not None:
            answer, cites, abstained, debug, mode, fallback = self._with_model(q, rw, hits, role, t0)
        else:
            answer, cites, abstained, debug = self._extractive(q, rw, hits, role)
        hits = _cited_first(hits, cites)
        result = AnswerResult(
            answer=answer,
            citations=cites,
            retrieved=hits,
            abstained=abstained,
            conversation_id=cid,
            standalone_question=rw.standalone,
            latency_ms=(time.perf_counter() - t0) * 1000,
            mode=mode,
            fallback_reason=fallback,
            debug=debug,
        )
        if remember:
            self.remember(question, result)
        return result

    def _passages(self, sq: Question, standalone: str, filters: Any, role: str) -> list[Any]:
        """Search, then the papers the question names first, then the records that answer its kind."""
        hits = self.library.search(standalone, filters=filters, role=role, k=SEARCH_DEPTH)
        hits = rerank(hits, sq, self._places(), lambda d: self.doc_text(d, role))[:SEARCH_K]
        hits = self._with_front_sheets(hits, sq, role)
        hits = self._with_asked_lines(hits, sq, role)
        return self._with_judgements(hits, sq, role)

    def candidates(
        self, question: str, history: list[dict] | None = None, role: str = "public"
    ) -> tuple[Question, list[Any]]:
        """The scored candidate lines of a question, best first: what `evals.fit_scorer` learns from."""
        rw = rewrite(question, history)
        q = analyse(question)
        sq = q if rw.standalone == question else analyse(rw.standalone)
        hits = self._passages(sq, rw.standalone, None, role)
        scored = self._scored(q, rw, hits, role)
        return scored.q, sorted(scored.units, key=lambda u: -u.score)

    def _timeline(
        self, question: str, rw: Any, cid: str | None, filters: Any, role: str, t0: float
    ) -> AnswerResult | None:
        """ "What has been decided about X?": the decision register's timeline of X, each step cited
        (service/answer/timeline.py); None for any other question, or when the register has nothing."""
        topic = topic_asked(rw.standalone) or topic_asked(question)
        if not topic:
            return None
        got = timeline_answer(
            self.library, topic, role, filters, body_asked(rw.standalone) or body_asked(question), sourced=self._sourced
        )
        if got is None:
            return None
        answer, cites = got
        return AnswerResult(
            answer=answer,
            citations=cites,
            retrieved=[],
            abstained=False,
            conversation_id=cid,
            standalone_question=rw.standalone,
            latency_ms=(time.perf_counter() - t0) * 1000,
            debug={"route": "decision timeline", "topic": topic},
        )

    def _with_model(
        self, q: Question, rw: Any, hits: list[Any], role: str, t0: float
    ) -> tuple[str, list[Citation], bool, dict[str, Any], str, str | None]:
        """The model's answer when one of its cited claims checks out; otherwise the extractive
        answer, marked with the reason (one log line, no traceback): the model is down, slow or
        answered something unusable, said the papers do not cover it, or said nothing its passages
        support. The model gets what request_timeout_s leaves, less the extractive answer's reserve."""
        s = self.settings
        budget = min(s.llm_timeout_s, s.request_timeout_s - s.llm_fallback_reserve_s - (time.perf_counter() - t0))
        try:
            if budget <= 0:
                raise ModelUnavailable("no time was left for the model")
            answer, cites, abstained, debug = self.llm.answer(
                lambda d, n: self.page_text(d, n, role), self.page_label, q, rw, hits, timeout_s=budget
            )
        except ModelUnavailable as e:
            reason, llm_debug = e.reason, {}
            log.warning("model unavailable, answering extractively: %s", reason)
        else:
            if not abstained:
                return answer, [self._sourced(c) for c in cites], False, debug, "llm", None
            reason, llm_debug = debug.get("outcome") or "the model abstained", debug
            log.info("model answer not used, answering extractively: %s", reason)
        answer, cites, abstained, debug = self._extractive(q, rw, hits, role)
        return answer, cites, abstained, {**debug, "llm": llm_debug}, "extractive", reason

    def remember(self, question: str, result: AnswerResult) -> None:
        """Store the turn (question and the answer as sent) in its conversation."""
        if self.store is not None and result.conversation_id is not None:
            self.store.append(
                result.conversation_id,
                question,
                result.standalone_question or question,
                result.answer,
                [c.to_json() for c in result.citations],
            )

    def _sourced(self, cit: Citation) -> Citation:
        """The paper's own page on the council's site (documents.source_url), and whether the paper
        has PDF pages at all: an HTML paper (a minute a publishing system handed out as HTML) is
        cited by its minute or item, never by a page nobody printed; a Word paper by its section.
        A page whose text came from OCR says so (and whether the OCR was unsure)."""
        store = getattr(self.library, "store", None)
        info = store.get_document(cit.doc_id) if store is not None else None
        if store is None or info is None:
            return cit
        paged = not str(info.source).lower().endswith(UNPAGED_SUFFIXES)
        how = store.page_source(cit.doc_id, cit.pdf_page, self.settings.ocr_low_confidence) or {}
        return Citation(
            **{
                **cit.__dict__,
                "source_url": info.source_url,
                "paged": paged,
                "ocr": bool(how.get("ocr")),
                "low_confidence": bool(how.get("low_confidence")),
                "section": how.get("section") if not paged else None,
            }
        )

    def _with_front_sheets(self, hits: list[Any], q: Question, role: str) -> list[Any]:
        """A question about the meeting of a given day ("the meeting on 14 January 2025") reads
        that meeting's front sheet too: its date, time, place and membership answer such
        questions, and search ranks a front sheet low (it is mostly names and boilerplate)."""
        papers = self._evidence
        if papers is None or not q.days or len(q.years) != 1:
            return hits
        year = next(iter(q.years))
        top = {h.chunk_id for h in hits[:FRONT_SHEET_AT]}
        extra: list[Any] = []
        for d, m in q.days:
            try:
                extra += [
                    h
                    for h in evidence.front_sheets(papers, f"{year}-{month_number(m)}-{int(d):02d}", role=role)
                    if h.chunk_id not in top
                ]
            except Exception:  # an impossible date ("31 February") names no meeting
                continue
        if not extra:
            return hits
        moved = {h.chunk_id for h in extra}
        rest = [h for h in hits[FRONT_SHEET_AT:] if h.chunk_id not in moved]
        return hits[:FRONT_SHEET_AT] + extra + rest

    def _with_asked_lines(self, hits: list[Any], q: Question, role: str) -> list[Any]:
        """Lines of the top papers that state what the question's kind asks for join the passages;
        search ranks them low, being a name and a title, or a time, in a long passage:
        - "who chairs / led / wrote / is the director": the role printed beside a name (roles.py);
        - "what time did the meeting end?": the line it closed on ("The Chairman brought the
          meeting to a close at 8.35pm"), which shares no word with the question but "meeting"."""
        papers = self._evidence
        wanted: list[tuple[Sequence[str], re.Pattern[str], int]] = []
        if scorer.asks_closing_time(q):
            wanted.append((scorer.CLOSE_WORDS, scorer.CLOSING_LINE, 1))
        if "person" in q.kinds:
            wanted += [(*ROLE_LINES[r], ROLE_LINES_PER_DOC) for r in roles_asked(q.text) if r in ROLE_LINES]
        if papers is None or not wanted or not hits:
            return hits
        docs = list(dict.fromkeys(h.doc_id for h in hits[:ROLE_DOCS]))
        extra: list[Any] = []
        for words, pattern, per_doc in wanted:
            for d in docs:  # in the order search ranked the papers, a few lines from each
                extra += evidence.lines_matching(papers, [d], words, pattern, role=role, limit=per_doc)
        return hits[:ROLE_LINES_AT] + extra + hits[ROLE_LINES_AT:] if extra else hits

    def _with_judgements(self, hits: list[Any], q: Question, role: str) -> list[Any]:
        """ "What did Ofsted judge / was anything rated outstanding": the retrieved reports'
        judgement records (area and grade, from ingestion) join the passages as the lines that
        state them, only those of the grade the question names if it names one."""
        papers = self._evidence
        grades = {g for g in _GRADES if re.search(rf"\b{g}\b", q.text, re.I)}
        if papers is None or not hits or not ("judgement" in q.kinds or grades):
            return hits
        docs = list(dict.fromkeys(h.doc_id for h in hits[:ROLE_DOCS]))
        grade = next(iter(grades)) if len(grades) == 1 else None
        extra = evidence.judgement_lines(papers, docs, role=role, grade=grade, limit=JUDGEMENTS_PER_DOC)
        return hits[:ROLE_LINES_AT] + extra + hits[ROLE_LINES_AT:] if extra else hits

    def stream(self, question: str, **kwargs: Any) -> Iterator[str | AnswerResult]:
        """Text pieces (sentence by sentence) and finally the AnswerResult. The extractive answer
        is verified before anything is sent, so nothing streamed is later withdrawn."""
        result = self.ask(question, **kwargs)
        yield from answer_pieces(result.answer)
        yield result

    # ------------------------------------------------------------------ extractive

    def _scored(self, q: Question, rw: Any, hits: list[Any], role: str) -> "Scored":
        """The candidate lines of the top passages, each scored once for the whole question
        (service/answer/scorer.py), and the parts of a two-part question with their own lines."""
        model = self.model
        ctx = [s for s in dict.fromkeys(content_stems(rw.context)) if s not in q.stems]
        wq = Question(q.text, q.stems + ctx, q.kinds, q.years, q.months, q.days, q.month_years)
        units = extractive.units_from_hits(
            hits, asked=scorer.CLOSING_LINE.search if scorer.asks_closing_time(q) else None
        )
        if "resolution" in q.kinds:
            units += extractive.resolved_units(hits, self.library, role)
        idf = extractive.idf_table(units, wq)
        for s in ctx:
            idf[s] *= model.selection.context_weight
        parts = extractive.question_parts(q.text)
        asked = [rw.standalone] + (parts if len(parts) > 1 else [])
        if EMBED_LIMIT > 0:
            sims = extractive.semantic_similarities(
                units, asked, unit_embedder(self.library), prior=scorer.embed_prior(units, idf), limit=EMBED_LIMIT
            )
        else:  # nothing embedded, so the bulk model is not even loaded for an answer
            sims = [[0.0] * len(units) for _ in asked]
        paper = self._paper_features(wq, units, role)
        chosen = self._select_parts(parts, sims[1:], units, wq, paper, role) if len(parts) > 1 else []
        places = frozenset(self._places())
        scorer.score_units(units, wq, idf, sims[0], paper, lambda u: _kind_held(wq, u, places), model)
        return Scored(wq, units, idf, chosen)

    def _extractive(  # noqa: C901
        self,
        q: Question,
        rw: Any,
        hits: list[Any],
        role: str = "public",
    ) -> tuple[str, list[Citation], bool, dict[str, Any]]:
        scored = self._scored(q, rw, hits, role)
        units, idf, model = scored.units, scored.idf, self.model
        self._rerank_by_units(hits, units)
        chosen = scored.parts_chosen or extractive.select(units, scored.q, idf, model.selection)
        chosen = self._continue_over_page(chosen, units, role)
        chosen = self._rest_of_points(chosen, role)
        sup = abstain.decide(
            scored.q,
            chosen,
            units,
            idf,
            model,
            lambda d: self.doc_text(d, role),
            asked_places(q, self._places()),
            frozenset(self._places()),
        )
        debug = {
            "support": sup.reason,
            "p_right": round(sup.p, 3),
            "best": round(sup.best, 3),
            "coverage": round(sup.coverage, 3),
            "best_sim": round(max((u.sim for u in units), default=0.0), 3),
            "support_features": {k: round(v, 3) for k, v in sup.features.items()},
            "chosen": [u.text for u in chosen],
            "why": [model.contributions(u.features) for u in chosen[:2]],
        }
        if not sup.ok:
            return _abstention(chosen), [], True, debug
        pieces: list[tuple[str, Citation]] = []
        prefixed: set[tuple[str, str]] = set()
        for u in chosen:
            text, item = self._render(u.text, q)
            if u.resolved and (u.hit.doc_id, u.hit.minute) not in prefixed:
                text = f"Minute {u.hit.minute} resolved: {text}"
                prefixed.add((u.hit.doc_id, u.hit.minute))
            drafted = citation_for(u.hit, u.text, item=item, kind="item" if item else None)
            cit = verify(
                drafted,
                lambda d, n: self.page_text(d, n, role),
                span=list(getattr(u.hit, "pdf_pages", []) or []),
                label_of=self.page_label,
            )
            if cit is None:
                continue
            if cit.page_label is None:
                # Units built from structure records (Resolved lines) or the next page carry the
                # page number only: the printed label comes from the page record.
                label = self.page_label(cit.doc_id, cit.pdf_page)
                if label:
                    cit = Citation(**{**cit.__dict__, "page_label": label})
            pieces.append((text, self._sourced(cit)))
        if not pieces:
            debug["support"] = "no verifiable citation"
            return ABSTAIN_TEXT, [], True, debug
        if "council" in q.kinds:
            pieces[0] = (self._whose(pieces[0][0], pieces[0][1].doc_id, role), pieces[0][1])
        if "location" in q.kinds:
            where = self._where(pieces[0][1], chosen[0].hit, role, with_minute=_asks_outcome(q))
            if where and not pieces[0][0].startswith("Item "):
                # The location sentence names the agenda item; its citation says so too (the
                # quote's own citation may name the minute instead).
                cit = pieces[0][1]
                if chosen[0].hit.item and cit.item != chosen[0].hit.item:
                    cit = Citation(**{**cit.__dict__, "item": chosen[0].hit.item, "kind": "item"})
                pieces.insert(0, (where, cit))
                minute = (
                    None
                    if chosen[0].hit.minute or not _asks_outcome(q)
                    else self._minute_recording(chosen[0].hit, role)
                )
                mcit = self._minute_citation(minute, role) if minute is not None else None
                if minute is not None and mcit is not None:  # the minute named above, cited on its page
                    pieces.insert(1, (f"Minute {minute.number}: {minute.title}", mcit))
        return self._compose(pieces) + (False, debug)

    def _whose(self, text: str, doc_id: str, role: str) -> str:
        """A question asking which council is answered by the council whose paper the quote is
        from (an inspection report's authority, a paper's own council), named before the quote
        when the quote does not name it ("the local authority uses ..."). A paper that states no
        council gets no name."""
        doc = self.library.document(doc_id, role)
        council = getattr(doc, "council", None) if doc is not None else None
        if not council or place_names([council]) & set(re.findall(r"[a-z]+", text.lower())):
            return text
        return f"{council}: {text}"

    def _minute_citation(self, minute: Any, role: str) -> Citation | None:
        """A citation of a minute record by its heading, verified on the minute's own pages."""
        drafted = Citation(
            source=minute.doc.source,
            doc_id=minute.doc.doc_id,
            pdf_page=minute.pdf_pages[0],
            page_label=None,
            item=minute.number,
            quote=minute.title,
            committee=minute.doc.committee,
            meeting_date=minute.doc.meeting_date.isoformat() if minute.doc.meeting_date else None,
            title=minute.title,
            kind="minute",
        )
        cit = verify(
            drafted,
            lambda d, n: self.page_text(d, n, role),
            span=list(range(minute.pdf_pages[0], minute.pdf_pages[1] + 1)),
            label_of=self.page_label,
        )
        return self._sourced(cit) if cit is not None else None

    def _minute_recording(self, hit: Any, role: str) -> Any | None:
        """The minute that records a front sheet's item: the same committee's minutes of the same
        day name the agenda item each minute took ("(Item 4)"); only an unambiguous one is said."""
        try:
            mins = self.library.minutes(date_from=hit.meeting_date, date_to=hit.meeting_date, role=role, limit=200)
        except Exception:
            return None
        found = [
            m
            for m in mins
            if m.agenda_item == hit.item
            and m.doc.doc_id != hit.doc_id
            and (not hit.committee or not m.doc.committee or m.doc.committee == hit.committee)
        ]
        return found[0] if len({m.number for m in found}) == 1 else None

    def _where(self, cit: Citation, hit: Any, role: str, with_minute: bool = False) -> str | None:
        """For "which item / which pages" questions: the location in words, from the front
        sheet's record of the item and the cited page's printed label."""
        parts: list[str] = []
        if hit.item:
            rec = None
            try:
                recs = self.library.items(number=hit.item, doc_id=hit.doc_id, role=role, limit=1)
                if not any(r.page_labels for r in recs) and hit.meeting_date:
                    # Minutes and supplements carry the item number; its page range is on the
                    # same meeting's front sheet, another document.
                    recs = [
                        r
                        for r in self.library.items(
                            number=hit.item, date_from=hit.meeting_date, date_to=hit.meeting_date, role=role, limit=20
                        )
                        if r.page_labels
                        and (not hit.committee or not r.doc.committee or r.doc.committee == hit.committee)
                    ] or recs
                rec = recs[0] if recs else None
            except Exception:
                rec = None
            title = (rec.title if rec else hit.item_title) or ""
            parts.append(f"item {hit.item}" + (f" ({title})" if title else ""))
            if rec and rec.page_labels and rec.page_labels[0]:
                a, b = rec.page_labels
                parts.append(f"pages {a} to {b} of the pack" if b and b != a else f"page {a} of the pack")
        if hit.minute:
            parts.append(f"minute {hit.minute}")
        elif hit.item and hit.meeting_date and with_minute:
            recorded = self._minute_recording(hit, role)
            if recorded is not None:
                parts.append(f"minute {recorded.number} records it")
        page = (
            f"printed page {cit.page_label} (PDF page {cit.pdf_page})" if cit.page_label else f"PDF page {cit.pdf_page}"
        )
        # with no item or minute to name, the page is the whole location (not "This is the cited ...")
        if not parts:
            return f"The cited passage is on {page}."
        return "This is " + ", ".join(parts) + f"; the cited passage is on {page}."

    def _continue_over_page(self, chosen: list[Any], units: list[Any], role: str) -> list[Any]:
        """A sentence or a lead-in ("...phased as follows:") cut where its passage ends goes on
        in the rest of the page, or at the top of the next page (another passage): read on from
        the page text and cite that page too. Running headers and footers (lines that recur on
        the neighbouring page with only their numbers changed) are skipped."""
        if not chosen:
            return chosen
        best = chosen[0]
        last_pos = max((u.pos for u in units if u.hit is best.hit and not u.resolved), default=-1)
        text = best.text.rstrip()
        if best.resolved or best.pos != last_pos or re.search(r"[.!?;)\]\"']$", text) or "#" in str(best.hit.chunk_id):
            # (A line read from a page or a structure record is whole: nothing of it runs on.)
            return chosen
        want = 3 if text.endswith(":") else 1
        doc, n = best.hit.doc_id, int(best.hit.pdf_page)
        here = self.page_text(doc, n, role) or ""
        rest = _after_quote(here, text)
        take = self._units_on(best.hit, n, rest, "")[:want] if rest else []
        if len(take) < want:
            nxt = self.page_text(doc, n + 1, role)
            if nxt:
                take += self._units_on(best.hit, n + 1, nxt, here)[: want - len(take)]
        return [chosen[0], *take, *[u for u in chosen[1:] if u not in take]]

    def _rest_of_points(self, chosen: list[Any], role: str, max_points: int = 4, max_words: int = 95) -> list[Any]:
        """Points under a heading that asks the question, read on from the page itself when the
        passage ends before the last of them (top-level points only, as in the passage)."""
        if not chosen or not chosen[0].under_heading or len(chosen) >= max_points:
            return chosen
        last = chosen[-1]
        n = int(last.hit.pdf_page)
        rest = _after_quote(self.page_text(last.hit.doc_id, n, role) or "", last.text)
        words = sum(len(u.text.split()) for u in chosen)
        out = list(chosen)
        seen = {re.sub(r"\W+", "", u.text.lower()) for u in chosen}
        for v in self._units_on(last.hit, n, rest, "") if rest else []:
            if len(out) >= max_points:
                break
            if extractive.is_sub_point(v.text) or re.sub(r"\W+", "", v.text.lower()) in seen:
                continue
            if words + len(v.text.split()) > max_words:
                break
            v.under_heading = True
            out.append(v)
            words += len(v.text.split())
        return out

    def _units_on(self, hit: Any, n: int, text: str, neighbour: str) -> list[Any]:
        import copy

        # A running header sits at the top of both pages, a footer at the bottom of both.
        edge = [line for line in neighbour.splitlines() if line.strip()]
        tops, bottoms = {_shape(e) for e in edge[:3]}, {_shape(e) for e in edge[-3:]}
        lines = [line for line in text.splitlines() if line.strip()]
        kept = "\n".join(
            line
            for i, line in enumerate(lines)
            if not ((i < 3 and _shape(line) in tops) or (i >= len(lines) - 3 and _shape(line) in bottoms))
        )
        h = copy.copy(hit)
        h.pdf_page, h.pdf_pages, h.text = n, [n], kept
        if n != int(hit.pdf_page):
            h.page_label = self.page_label(hit.doc_id, n)
        return extractive.units_from_hits([h], depth=1)

    def _select_parts(
        self,
        parts: list[str],
        sims: list[list[float]],
        units: list[Any],
        whole: Question,
        paper: dict[str, dict[str, float]],
        role: str,
    ) -> list[Any]:
        """A two-part question gets the best lines for each part ("what was his job in July, and
        what was it by December?"). Each part is scored with its own words and kind, plus the
        whole question's words at a lower weight (the part "what was it by December" leans on
        "the report author's job" from the other), and its own month's papers. A part that names a
        year of its own ("... in 2014", "... in 2025") is answered from that year's papers when the
        passages hold any: the other year's paper answers the other part."""
        chosen: list[Any] = []
        sel, places = self.model.selection, frozenset(self._places())
        named = asked_places(whole, self._places())
        for part, part_sims in zip(parts, sims, strict=True):
            pq = analyse(part)
            carried = [s for s in whole.stems if s not in pq.stems]
            pq = Question(pq.text, pq.stems + carried, pq.kinds, pq.years, pq.months, pq.days, pq.month_years)
            idf = extractive.idf_table(units, pq)
            for s in carried:
                idf[s] *= sel.context_weight
            scorer.score_units(
                units,
                pq,
                idf,
                part_sims,
                _with_month(pq, units, paper),
                lambda u, pq=pq: _kind_held(pq, u, places),
                self.model,
            )
            pool = units
            if pq.years and pq.years != whole.years:
                # the part's own year, and the council the whole question names, as rerank matches papers
                fits: dict[str, bool] = {}
                for u in units:
                    if u.hit.doc_id not in fits:
                        fits[u.hit.doc_id] = (
                            paper_mismatches(u.hit, pq.years, named, lambda d: self.doc_text(d, role)) == 0
                        )
                pool = [u for u in units if fits[u.hit.doc_id]] or units
            for u in extractive.select(pool, pq, idf, sel, max_units=sel.part_max_units, max_words=sel.part_max_words):
                if u not in chosen:
                    chosen.append(u)
        return chosen

    @staticmethod
    def _rerank_by_units(hits: list[Any], units: list[Any], top: int = 10) -> None:
        """Order the top passages by their best unit's score (in place): a passage holding the one
        sentence that answers beats a passage that is about the topic throughout. Passages with
        no scored unit keep their search order after the others, and so do those below `top`
        (their sentences may still be quoted, but a lower-ranked passage with one good sentence
        does not displace the search's top ten: measured, hit@5 .921 -> .968)."""
        head = hits[:top]
        best: dict[int, float] = {}
        for u in units:
            if not u.resolved:
                best[id(u.hit)] = max(best.get(id(u.hit), float("-inf")), u.score)
        order = {id(h): i for i, h in enumerate(head)}
        head.sort(key=lambda h: (0, -best[id(h)]) if id(h) in best else (1, order[id(h)]))
        hits[:top] = head

    def _paper_features(self, q: Question, units: list[Any], role: str) -> dict[str, dict[str, float]]:
        """What each candidate paper is, as the scorer's paper features: of another year than the
        one a question is pinned to (a question about "the 2012 inspection" is not answered by a
        2017 pack that mentions inspections; a paper's years are its meeting date, its headers and
        its opening pages), and the inspectorate's own report for a question attributed to it."""
        out: dict[str, dict[str, float]] = {}
        for u in units:
            if u.hit.doc_id not in out:
                out[u.hit.doc_id] = paper_features(q, u.hit, lambda d=u.hit.doc_id: self.doc_text(d, role))
        return out

    def _render(self, text: str, q: Question) -> tuple[str, str | None]:
        """Front-sheet lines are restated in words for location questions ("item 7, pages 27 to
        34"); everything else is quoted as the paper has it."""
        if "location" in q.kinds:
            m = _PAGES_LINE.match(text)
            if m:
                num, title, a, b = m.groups()
                title = title.rstrip(" .:-(")
                return f"Item {num}, {title}, is on pages {a} to {b} of the pack.", num
        # Bullet glyphs (some fonts' come out as control codes) are the paper's layout, not words.
        text = re.sub(r"^[\s\x7f-\x9f\uf000-\uf0ff•●▪◦■□➢✓]+", "", text)
        # A point whose sub-points are left out ("Increase the progress ..., by:") ends there.
        return _trim(re.sub(r",?\s+by:$", ".", text), q), None

    def _compose(self, pieces: list[tuple[str, Citation]]) -> tuple[str, list[Citation]]:
        out: list[str] = []
        cites: list[Citation] = []
        words = 0
        for i, (text, cit) in enumerate(pieces):
            w = word_count(text)
            if out and words + w > MAX_ANSWER_WORDS:
                break
            words += w
            nxt = pieces[i + 1][1] if i + 1 < len(pieces) else None
            same_as_next = nxt is not None and (nxt.doc_id, nxt.pdf_page, nxt.item) == (
                cit.doc_id,
                cit.pdf_page,
                cit.item,
            )
            text = text if re.search(r"[.!?:;]$", text) else text + "."
            out.append(text if same_as_next else f"{text} {cit.marker()}")
            if not any((c.doc_id, c.pdf_page, c.item) == (cit.doc_id, cit.pdf_page, cit.item) for c in cites):
                cites.append(cit)
        return " ".join(out), cites


# A location question that also asks what became of the item ("which minute records it", "what did
# members do with them"): the answer names the minute that records the item.
_OUTCOME = re.compile(r"\bminutes?\b|\bwhat did\b.{0,40}\bdo\b", re.I)


def _asks_outcome(q: Question) -> bool:
    return "resolution" in q.kinds or bool(_OUTCOME.search(q.text))


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\W+", "", line.lower()))


def _after_quote(page: str, quote: str) -> str:
    """The page text after the line where `quote` ends (matched loosely, as PDF text wraps)."""
    tail = re.sub(r"\W+", "", quote.lower())[-25:]
    acc = ""
    lines = page.splitlines()
    for i, line in enumerate(lines):
        acc += re.sub(r"\W+", "", line.lower())
        if tail and tail in acc[-(len(tail) + 200) :]:
            return "\n".join(lines[i + 1 :])
    return ""


def _trim(text: str, q: Question, budget: int = 60) -> str:
    """A long unit is cut to the window that holds most of the question's words."""
    ws = text.split()
    if len(ws) <= budget:
        return text
    qs = set(q.stems)
    best_i, best = 0, -1
    for i in range(0, len(ws) - budget + 1, 5):
        n = sum(1 for s in content_stems(" ".join(ws[i : i + budget])) if s in qs)
        if n > best:
            best_i, best = i, n
    piece = " ".join(ws[best_i : best_i + budget])
    return ("… " if best_i else "") + piece + (" …" if best_i + budget < len(ws) else "")


def unit_embedder(library: Any) -> Any:
    """What embeds a question with its candidate units: the library's bulk embedder (up to 61 texts
    per question: one at a time on ONNX fp32 they were nine tenths of a cold answer's time at 100k
    chunks), else its query embedder."""
    return getattr(library, "bulk_embedder", None) or getattr(library, "embedder", None)


def build_engine(settings: Settings, library: Any = None) -> AnswerEngine:
    from cllr.offline import ensure_offline

    ensure_offline()
    if library is None:
        from index.library import Library

        library = Library(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = ConversationStore(settings.sqlalchemy_url)
    llm = None
    if settings.llm_base_url and settings.llm_model:
        from service.answer.llm import LLMAnswerer

        llm = LLMAnswerer.from_settings(settings)
    return AnswerEngine(settings, library, store=store, llm=llm)


@dataclass
class Scored:
    q: Question  # the question with a follow-up's carried-over words
    units: list[Any]  # every candidate line, scored for the whole question
    idf: dict[str, float]
    parts_chosen: list[Any]  # a two-part question's lines, each part scored on its own


def _kind_held(q: Question, u: Any, places: frozenset[str]) -> bool | None:
    """For a question asking a figure, a person, a name or a grade: whether the line holds one."""
    if not ({"count", "person", "name"} & q.kinds or abstain.asks_rating(q)):
        return None
    return abstain.missing_kind(q, [u], None, places) is None


def _with_month(q: Question, units: list[Any], paper: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """One part of a comparison names its paper by month ("in the March 2025 scrutiny report ...,
    and what was it by the June 2025 papers?"): that part prefers papers of that month."""
    if not q.month_years:
        return paper
    out = {d: dict(f) for d, f in paper.items()}
    for u in units:
        md = str(getattr(u.hit, "meeting_date", "") or "")
        if md and any(md.startswith(f"{y}-{month_number(m)}") for m, y in q.month_years):
            out.setdefault(u.hit.doc_id, {})["paper_of_month_named"] = 1.0
    return out


def _cited_first(hits: list[Any], cites: list[Citation]) -> list[Any]:
    """The passages the answer cites lead the retrieved list, in the answer's order: what a
    reader sees first is what the answer rests on."""
    front: list[Any] = []
    for c in cites:
        for h in hits:
            if h.doc_id == c.doc_id and c.pdf_page in (h.pdf_pages or [h.pdf_page]) and h not in front:
                front.append(h)
                break
    return front + [h for h in hits if h not in front]


_CITES_OFSTED = re.compile(
    r"\b(according to|in|did|does|do)\s+ofsted'?s?\b|\bofsted'?s\s+(\w+\s+){0,3}"
    r"(inspection|report|visit|findings?)\b|\bofsted\s+(say|said|find|found|judge|rate)",
    re.I,
)


def _abstention(chosen: list[Any]) -> str:
    """ "The papers don't say", and what they do cover nearby, in words (no citation: nothing
    here is offered as the answer): the paper and page of the closest line that was found."""
    if not chosen:
        return ABSTAIN_TEXT
    h = chosen[0].hit
    what = getattr(h, "minute_title", None) or getattr(h, "item_title", None) or getattr(h, "title", None) or h.source
    where = ", ".join(x for x in (getattr(h, "committee", None), short_date(getattr(h, "meeting_date", None))) if x)
    page = f"page {h.page_label}" if getattr(h, "page_label", None) else f"PDF page {h.pdf_page}"
    return f"{ABSTAIN_TEXT} The nearest they come is {what}" + (f" ({where})" if where else "") + f", {page}."


def paper_features(q: Question, hit: Any, opening: Any) -> dict[str, float]:
    """The scorer's features of the paper a passage is from; `opening()` reads its first pages."""
    f: dict[str, float] = {}
    if q.years:
        blob = " ".join([str(hit.meeting_date or ""), hit.header or "", opening()])
        if not any(y in blob for y in q.years):
            f["paper_other_year"] = 1.0
    if _CITES_OFSTED.search(q.text) and str(getattr(hit, "doc_type", "")) == "ofsted_report":
        f["paper_is_attributed_source"] = 1.0
    return f


UNPAGED_SUFFIXES = HTML_SUFFIXES + WORD_SUFFIXES  # papers without printed pages: cited by minute, item or section


def answer_pieces(answer: str) -> Iterator[str]:
    """An answer as the pieces a stream sends: one cited sentence (or run of sentences) at a time."""
    for piece in re.split(r"(?<=\])\s+", answer):
        if piece:
            yield piece + " "
