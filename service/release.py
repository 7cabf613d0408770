"""The release check: the last step before text leaves the service for a caller.

Search, look-ups and the engine already read only what a role may see (the index filters by role;
page text comes with Part II lines withheld). This is the second, independent line: before an
answer, a streamed answer, a page, a passage or a record goes to a caller who may not see Part II,
every piece of its text is checked against the store's restricted text:

- **verbatim**: no run of `SHINGLE_WORDS` words of any restricted passage appears in it, unless the
  same run is open text of the documents it comes from (boilerplate such as the statutory wording
  of an exclusion motion is printed in the open part of a pack too);
- **distinctive terms**: no name or figure that occurs only in restricted passages (a bidder's
  name, a price; index/keyword.py) appears in it, unless the caller's own question holds it;
- **citations**: every cited passage is on a page of a document the caller may see, and its quote
  is in the text of that page as the caller may read it.

A failure is withheld and logged on the `cllr.security` logger as a security event (document and
page ids, never the text); the caller gets the answer the papers give when they don't say, or the
record is left out, and is never told why.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from index.filters import may_see_restricted
from index.library import WITHHELD_NOTICE
from service.answer.citations import quote_on_page

log = logging.getLogger("cllr.security")

SHINGLE_WORDS = 6  # a run this long shared with a restricted passage is a copy, not a coincidence
MIN_TERM_CHARS = 4  # shorter terms (page and item numbers, "pm") are never distinctive
VISIBLE_CACHE_DOCS = 256  # open-text shingles kept per document for the boilerplate exemption
_WORD = re.compile(r"[^\W_]+")
_NAME_OR_FIGURE = re.compile(r"\b[A-Z][\w'’-]+|£?\d[\d,.]*\d[a-z]*")


def shingles(text: str, n: int = SHINGLE_WORDS) -> np.ndarray:
    """Hashes of every run of n words (lower-cased, punctuation dropped), as a uint64 array."""
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return np.zeros(0, dtype=np.uint64)
    return np.fromiter(
        (hash(" ".join(words[i : i + n])) & 0xFFFFFFFFFFFFFFFF for i in range(len(words) - n + 1)),
        dtype=np.uint64,
        count=len(words) - n + 1,
    )


@dataclass
class _Restricted:
    generation: int = -1
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # sorted
    docs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # doc code per hash
    doc_ids: list[str] = field(default_factory=list)
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    docs: tuple[str, ...] = ()  # the restricted documents whose text was found
    reason: str = ""


OK = Verdict(True)


class ReleaseCheck:
    """One per service process; its view of the restricted text follows the store's generation."""

    def __init__(self, library: Any):
        self.library = library
        self._lock = threading.Lock()
        self._state = _Restricted()
        self._visible: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ what is restricted
    def _current(self) -> _Restricted:
        gen = self.library.generation()
        if self._state.generation == gen:
            return self._state
        with self._lock:
            if self._state.generation != gen:
                self._state = self._build(gen)
                self._visible.clear()
            return self._state

    def _build(self, gen: int) -> _Restricted:
        hashes: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        doc_ids: list[str] = []
        index: dict[str, int] = {}
        for doc_id, _page, text in self.library.restricted_texts():
            h = shingles(text)
            code = index.setdefault(doc_id, len(index))
            if code == len(doc_ids):
                doc_ids.append(doc_id)
            hashes.append(h)
            codes.append(np.full(len(h), code, dtype=np.int32))
        all_h = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
        all_c = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        order = np.argsort(all_h, kind="stable")
        terms = self.library.restricted_only_terms() if doc_ids else frozenset()
        return _Restricted(gen, all_h[order], all_c[order], doc_ids, terms)

    def _visible_shingles(self, doc_id: str, role: str, gen: int) -> np.ndarray:
        """Every shingle of the document's text as `role` reads it (cached per generation)."""
        key = (doc_id, gen)
        with self._lock:
            if key in self._visible:
                self._visible.move_to_end(key)
                return self._visible[key]
        doc = self.library.document(doc_id, role)
        parts = []
        for n in range(1, (doc.page_count if doc else 0) + 1):
            t = self.library.page_text(doc_id, n, role)
            if t:
                parts.append(shingles(t))
        out = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
        with self._lock:
            self._visible[key] = out
            while len(self._visible) > VISIBLE_CACHE_DOCS:
                self._visible.popitem(last=False)
        return out

    # ------------------------------------------------------------------ checks
    def texts(self, texts: Iterable[str], *, sources: Iterable[str], role: str, asked: str = "") -> Verdict:
        """May `texts`, drawn from documents `sources`, go to a caller with `role`?"""
        if may_see_restricted(role):
            return OK
        st = self._current()
        if not st.doc_ids:
            return OK
        # the service's own notice in place of withheld lines is not the paper's text
        texts = [t.replace(WITHHELD_NOTICE, " ") for t in texts if t]
        found: set[str] = set()
        if len(st.hashes):
            mine = np.unique(np.concatenate([shingles(t) for t in texts])) if texts else np.zeros(0, np.uint64)
            pos = np.searchsorted(st.hashes, mine)
            pos[pos >= len(st.hashes)] = 0
            shared = mine[st.hashes[pos] == mine] if len(mine) else mine
            if len(shared):
                # shared runs that are open text of the answer's own documents are boilerplate
                gen = st.generation
                open_runs = [self._visible_shingles(d, role, gen) for d in dict.fromkeys(sources)]
                opened = np.unique(np.concatenate(open_runs)) if open_runs else np.zeros(0, np.uint64)
                leaked = shared[~np.isin(shared, opened)]
                if len(leaked):
                    lo = np.searchsorted(st.hashes, leaked, side="left")
                    hi = np.searchsorted(st.hashes, leaked, side="right")
                    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                        found.update(st.doc_ids[c] for c in st.docs[a:b].tolist())
        if st.terms:
            from index.keyword import tokenize

            asked_terms = set(tokenize(asked))
            # Names and figures only: in a small library a common word ("owner") can occur in
            # restricted passages alone, and blocking every answer that uses it would be wrong.
            named = " ".join(m.group(0) for txt in texts for m in _NAME_OR_FIGURE.finditer(txt))
            distinctive = {
                t for t in tokenize(named) if len(t) >= MIN_TERM_CHARS and t in st.terms and t not in asked_terms
            }
            if distinctive:
                return Verdict(
                    False,
                    tuple(sorted(found)) or ("?",),
                    f"{len(distinctive)} term(s) found only in restricted passages",
                )
        if found:
            return Verdict(False, tuple(sorted(found)), "verbatim restricted text")
        return OK

    def citation(self, c: Any, role: str) -> bool:
        """The cited page is one the caller may read, and the quote is on it as they read it."""
        if may_see_restricted(role):
            return True
        doc_id, page, quote = _get(c, "doc_id"), _get(c, "pdf_page"), _get(c, "quote")
        if not doc_id or self.library.document(doc_id, role) is None:
            return False
        if page is None:
            return True
        text = self.library.page_text(doc_id, int(page), role)
        return text is not None and (not quote or quote_on_page(str(quote), text))

    # ------------------------------------------------------------------ what the service sends
    def answer(self, result: Any, *, role: str, route: str, asked: str = "") -> bool:
        """True if the answer (text, citations, quotes) may go to the caller."""
        if may_see_restricted(role):
            return True
        cites = list(getattr(result, "citations", []) or [])
        bad = [c for c in cites if not self.citation(c, role)]
        if bad:
            self._event(
                route,
                role,
                "citation to a page or passage the caller may not see",
                [(_get(c, "doc_id"), _get(c, "pdf_page")) for c in bad],
            )
            return False
        sources = [_get(c, "doc_id") for c in cites] + [
            getattr(h, "doc_id", None) for h in getattr(result, "retrieved", []) or []
        ]
        texts = [getattr(result, "answer", "")] + [str(_get(c, "quote") or "") for c in cites]
        v = self.texts(texts, sources=[s for s in sources if s], role=role, asked=asked)
        if not v.ok:
            self._event(route, role, v.reason, [(d, None) for d in v.docs])
        return v.ok

    def records(self, records: list[dict[str, Any]], *, role: str, route: str, asked: str = "") -> list[dict[str, Any]]:
        """The records (passages, pages, resolutions, items...) that may go to the caller; each is
        checked on all of its text against the documents it names."""
        if may_see_restricted(role) or not records:
            return records
        out = []
        for r in records:
            texts = list(_strings(r))
            sources = [d for d in _doc_ids(r)]
            v = self.texts(texts, sources=sources, role=role, asked=asked)
            if v.ok:
                out.append(r)
            else:
                self._event(route, role, v.reason, [(d, r.get("pdf_page")) for d in v.docs])
        return out

    @staticmethod
    def _event(route: str, role: str, reason: str, where: list[tuple[Any, Any]]) -> None:
        log.error(
            "SECURITY release blocked on %s for role %s: %s (%s)",
            route,
            role,
            reason,
            ", ".join(f"{d}" + (f" p.{p}" if p is not None else "") for d, p in where) or "-",
        )


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k not in ("url", "file_url", "viewer_url", "doc_id", "chunk_id", "sha256"):
                yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


def _doc_ids(obj: Any) -> Iterable[str]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "doc_id" and isinstance(v, str):
                yield v
            elif k == "doc_ids" and isinstance(v, (list, tuple)):
                yield from (x for x in v if isinstance(x, str))
            else:
                yield from _doc_ids(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _doc_ids(v)
