"""Library: the one facade the service, CLI and evals use to ingest, delete, search and look things up.

Write order for one document (why: the store is the truth, the other two are derived):
  1. keep the original under files_dir (a local cache; the bytes also go into the store) and embed;
  2. if it replaces a version: delete that version's vectors;
  3. commit every store row and the original in one transaction (and drop the version it replaces);
  4. upsert its vectors into Chroma; delete the replaced version's file.
Store first because several processes may share one store and one Chroma: a process opening the
library reconciles Chroma against the store, and must never mistake another process's in-flight
vectors for orphans. So vectors never exist ahead of their store rows: a vector absent from the store
is a real orphan (a crash after a delete), and a store chunk without a vector (a crash before 4, or
another process still embedding) is re-embedded by `reconcile()`, which is idempotent. A crash leaves
only one of the two kinds (a replace deletes the old vectors before its commit for this reason), so
comparing counts is enough to find it: orphans and missing vectors never cancel out. BM25 is rebuilt
from the store whenever the store's generation moves, in any process, so it cannot drift.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Sequence

from cllr.settings import Settings
from ingest.errors import IngestError
from ingest.models import Chunk, ParsedDocument
from index.catalog import ChunkCatalog
from index.filters import SearchFilters, date_key, may_see_restricted
from ingest.exempt import restrict_pages, restricted_part, sync_document, withheld

# What a caller who may not see Part II reads in place of a page's restricted lines.
WITHHELD_NOTICE = "[Exempt information withheld (Part II, Schedule 12A)]"
from index.hybrid import boost_meeting_date, diversify_pages, rrf
from index.synonyms import widen
from index.keyword import KeywordIndex
from index.lookup import (ItemRecord, query_date_keys, JudgementRecord, Lookup, MeetingRecord, MinuteRecord,
                          ResolutionRecord)
from index.store import DocumentInfo, Store
from index.vectors import VectorIndex, where_clause



def supported_suffixes() -> tuple[str, ...]:
    try:   # the parser owns the list of file types it reads
        from ingest.pipeline import SUPPORTED
        return tuple(SUPPORTED)
    except ImportError:
        return (".pdf",)
Mode = Literal["hybrid", "dense", "keyword"]


@dataclass
class IngestResult:
    status: Literal["added", "unchanged", "replaced", "restricted", "failed"]
    source: str
    doc_id: str | None = None
    chunks: int = 0
    error: str | None = None
    replaced_doc_id: str | None = None
    seconds: float = 0.0

    def summary(self) -> str:
        if self.status == "failed":
            return f"failed     {self.error}"
        extra = f" (was {self.replaced_doc_id})" if self.replaced_doc_id else ""
        return f"{self.status:<10} {self.source}  {self.doc_id}  {self.chunks} chunks{extra}"

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class _Started:
    """A file read, hashed and handed to the parser; `Library.ingest_files` completes it in order."""
    source: str
    data: bytes
    sha: str
    t0: float
    parsing: Future


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    source: str
    text: str
    header: str
    pdf_page: int
    pdf_pages: list[int]
    page_label: str | None
    page_labels: list[str | None]
    item: str | None
    item_title: str | None
    minute: str | None
    minute_title: str | None
    cite_item: str | None
    paragraph: str | None
    restricted: bool
    doc_type: str
    council: str | None
    committee: str | None
    meeting_date: str | None
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None

    @classmethod
    def from_chunk(cls, c: Chunk, score: float, dense_rank: int | None = None,
                   keyword_rank: int | None = None) -> "Hit":
        return cls(chunk_id=c.chunk_id, doc_id=c.doc_id, source=c.source, text=c.text, header=c.header,
                   pdf_page=c.pdf_page, pdf_pages=list(c.pdf_pages), page_label=c.page_label,
                   page_labels=list(c.page_labels), item=c.item, item_title=c.item_title, minute=c.minute,
                   minute_title=c.minute_title, cite_item=c.cite_item, paragraph=c.paragraph,
                   restricted=c.restricted, doc_type=str(c.doc_type), council=c.council, committee=c.committee,
                   meeting_date=c.meeting_date, score=score, dense_rank=dense_rank, keyword_rank=keyword_rank)

    def to_json(self) -> dict:
        return dict(self.__dict__)

    def describe(self, rank: int) -> str:
        where = []
        if self.minute:
            where.append(f"minute {self.minute}")
        elif self.item:
            where.append(f"item {self.item}")
        where.append(f"page {self.page_label}" if self.page_label else "unnumbered page")
        where.append(f"pdf p.{self.pdf_page}")
        meta = " · ".join(x for x in (self.committee, self.meeting_date) if x)
        text = " ".join(self.text.split())
        if len(text) > 300:
            text = text[:297] + "..."
        return (f"{rank:>2}. [{self.score:.4f}] {self.source} — {', '.join(where)}"
                + (f"  ({meta})" if meta else "") + ("  [restricted]" if self.restricted else "")
                + f"\n    {text}")


def _apply_overrides(doc: ParsedDocument, overrides: dict[str, Any] | None) -> ParsedDocument:
    """Metadata a caller knows better than the parser (e.g. an upload form's committee and date).
    Restriction from outside (an admin's flag, a publishing system's) only ever adds to what the
    paper itself marks: a marker printed on a page is evidence that no form field can undo."""
    if not overrides:
        return doc
    allowed = {"council", "committee", "meeting_date", "doc_type", "title", "restricted", "restricted_pages",
               "items", "item", "source_url"}
    unknown = set(overrides) - allowed
    if unknown:
        raise ValueError(f"unknown override(s): {', '.join(sorted(unknown))}")
    ov = {k: v for k, v in overrides.items()
          if v is not None and k not in ("items", "item", "source_url", "restricted", "restricted_pages")}
    if isinstance(ov.get("meeting_date"), str):
        ov["meeting_date"] = date.fromisoformat(ov["meeting_date"])
    doc = replace(doc, **ov)
    chunk_ov: dict[str, Any] = {k: ov[k] for k in ("council", "committee", "doc_type") if k in ov}
    if "meeting_date" in ov:
        chunk_ov["meeting_date"] = ov["meeting_date"].isoformat()
    if chunk_ov:
        doc.chunks = [replace(c, **chunk_ov) for c in doc.chunks]
    if overrides.get("restricted"):
        restrict_pages(doc, None, "override")
    if overrides.get("restricted_pages"):
        restrict_pages(doc, {int(n) for n in overrides["restricted_pages"]}, "override")
    from index.overrides import apply_item_overrides
    doc = apply_item_overrides(doc, items=overrides.get("items"), item=overrides.get("item"))
    sync_document(doc, "override")
    return doc


def _restricts_items(overrides: dict[str, Any]) -> bool:
    item = overrides.get("item") or {}
    return bool(item.get("restricted")) or any(i.get("restricted") for i in overrides.get("items") or [])


class Library:
    def __init__(self, settings: Settings, *, embedder: Any = None, bulk_embedder: Any = None):
        self.settings = settings
        self._store: Store | None = None
        self._vectors: VectorIndex | None = None
        self._keyword: KeywordIndex | None = None
        self._catalog = ChunkCatalog()
        self._register: Any = None   # index/decisions.py, built on first use
        self._embedder = embedder
        # a caller's own embedder embeds documents too, unless it gives one for that
        self._bulk_embedder = bulk_embedder or embedder
        self._reconciled = False
        self._lock = threading.RLock()
        self._model_lock = threading.RLock()   # loading a model must not hold up the store

    # ------------------------------------------------------------------ lazily opened parts
    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self.settings.data_dir.mkdir(parents=True, exist_ok=True)
                self._store = Store(self.settings.sqlalchemy_url)
            return self._store

    @property
    def vectors(self) -> VectorIndex:
        with self._lock:
            if self._vectors is None:
                self._vectors = VectorIndex(self.settings)
            if not self._reconciled:
                self._reconciled = True
                self.reconcile(self._vectors)
            return self._vectors

    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                # beside the vectors; keyed by collection so two collections in one data dir don't clash
                self._keyword = KeywordIndex(self.settings.data_dir / "keyword" / self.settings.chroma_collection)
            return self._keyword

    @property
    def embedder(self) -> Any:
        with self._model_lock:
            if self._embedder is None:
                from index.embedder import get_embedder
                self._embedder = get_embedder(self.settings.embed_model, self.settings.embed_batch_size,
                                              backend=self.settings.embed_backend,
                                              cache_dir=self.settings.embed_cache_dir)
            return self._embedder

    @property
    def bulk_embedder(self) -> Any:
        """What embeds many texts at once (documents at ingest, a question's candidate sentences at
        answer time): nearly all the embedding work, so it may be a faster backend than the query
        embedder's (settings.embed_bulk_backend; the same model either way)."""
        with self._model_lock:
            if self._bulk_embedder is None:
                from index.embedder import bulk_backend, get_embedder
                backend = bulk_backend(self.settings.embed_bulk_backend, self.settings.embed_backend)
                if backend == self.settings.embed_backend:
                    self._bulk_embedder = self.embedder
                else:
                    self._bulk_embedder = get_embedder(self.settings.embed_model, self.settings.embed_batch_size,
                                                       backend=backend, cache_dir=self.settings.embed_cache_dir)
            return self._bulk_embedder

    @property
    def lookup(self) -> Lookup:
        return Lookup(self.store)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    # ------------------------------------------------------------------ consistency
    def reconcile(self, vectors: VectorIndex | None = None) -> dict[str, int]:
        """Make Chroma match the store: drop orphan vectors, re-embed chunks whose vectors are missing."""
        vectors = vectors or self.vectors
        want = self.store.chunk_count()
        if vectors.count() == want:
            return {"orphans": 0, "missing": 0}
        have, known = vectors.all_ids(), self.store.chunk_ids()
        orphans, missing = sorted(have - known), sorted(known - have)
        vectors.delete_ids(orphans)
        if missing:
            chunks = list(self.store.chunks(missing).values())
            vectors.upsert(chunks, self.bulk_embedder.embed_documents([c.embed_text() for c in chunks]))
        return {"orphans": len(orphans), "missing": len(missing)}

    def refresh_keyword(self) -> None:
        """Rebuild BM25 if the store moved since it was built (cheap no-op otherwise)."""
        gen = self.store.generation()
        if self.keyword.generation != gen:
            self.keyword.rebuild(gen, self.store.keyword_order(), self.store.keyword_texts)

    def catalog(self, generation: int | None = None) -> ChunkCatalog:
        """Every chunk's filter fields at the store's current generation (rebuilt when it moved)."""
        gen = self.store.generation() if generation is None else generation
        cat = self._catalog
        if cat.generation != gen:
            with self._lock:
                if self._catalog.generation != gen:
                    self._catalog = ChunkCatalog.build(gen, self.store.catalog_rows())
                cat = self._catalog
        return cat

    # ------------------------------------------------------------------ ingest
    def expand_paths(self, paths: Iterable[Path]) -> list[Path]:
        out: list[Path] = []
        suffixes = supported_suffixes()
        for p in paths:
            p = Path(p)
            if p.is_dir():
                out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes
                                  and not f.name.startswith(".")))
            else:
                out.append(p)   # a named file is always tried, so an unsupported one fails with a message
        return out

    def ingest_file(self, path: Path, *, source: str | None = None,
                    overrides: dict[str, Any] | None = None) -> IngestResult:
        path = Path(path)
        source = source or path.name
        try:
            data = path.read_bytes()
        except OSError as e:
            return self._failed(source, None, f"{source}: cannot read file ({e.strerror or e})")
        return self.ingest_bytes(data, source, overrides)

    def ingest_bytes(self, data: bytes, filename: str, overrides: dict[str, Any] | None = None) -> IngestResult:
        t0 = time.perf_counter()
        source = Path(filename).name
        sha = hashlib.sha256(data).hexdigest()
        with self._lock:
            same = self.store.by_sha(sha)
            if same is not None:
                if overrides and (overrides.get("restricted") or overrides.get("restricted_pages")
                                  or _restricts_items(overrides)):
                    return self._restrict_existing(same, data, overrides, t0)
                return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count,
                                    seconds=time.perf_counter() - t0)
            try:
                doc = _apply_overrides(self._parse(data, source), overrides)
            except IngestError as e:
                return self._failed(source, sha, str(e).splitlines()[0] if str(e) else f"{source}: failed")
            prev = self.store.by_source(source)
            result = self._write(doc, data, prev, source_url=(overrides or {}).get("source_url"))
            result.seconds = time.perf_counter() - t0
            return result

    def _restrict_existing(self, same: DocumentInfo, data: bytes, overrides: dict[str, Any],
                           t0: float) -> IngestResult:
        """The same paper again with a restriction it did not have (an admin flags pages of a paper
        already indexed, a publishing system marks an item restricted): it is written again under the
        same id with the restriction added to what it had. A restriction is never lifted this way."""
        had = self.store.restricted_page_lines(same.doc_id)
        try:
            doc = _apply_overrides(self._parse(data, same.source), overrides)
        except IngestError as e:
            return self._failed(same.source, same.sha256, str(e).splitlines()[0] if str(e) else "failed")
        keep = {n for n, r in had.items() if r == [(0, doc.pages[n - 1].line_count - 1)]} if doc.pages else set()
        if keep:
            restrict_pages(doc, keep, "override")
        for p in doc.pages:   # the lines it had restricted stay restricted
            for a, b in had.get(p.pdf_page, []):
                doc.chunks = [replace(c, restricted=True) if p.pdf_page in c.pdf_pages and c.page_lines
                              and c.page_lines[0] <= b and c.page_lines[1] >= a else c for c in doc.chunks]
        sync_document(doc, "override")
        now = {p.pdf_page: p.restricted_lines for p in doc.pages if p.restricted_lines}
        if now == had:
            return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count,
                                seconds=time.perf_counter() - t0)
        doc = replace(doc, source=same.source)
        self._write(doc, data, same, source_url=overrides.get("source_url") or same.source_url)
        return IngestResult("restricted", same.source, same.doc_id, len(doc.chunks), seconds=time.perf_counter() - t0)

    def ingest_files(self, paths: Sequence[Path], *, ahead: int = 16,
                     ahead_bytes: int = 256 << 20) -> Iterator[IngestResult]:
        """`ingest_file` over many files, in order, with later files parsed (in the parse worker
        process) while this one is embedded and written, up to `ahead` files or `ahead_bytes` of
        originals in flight; the bulk embedder and Chroma load meanwhile. pypdf and the embedding
        model then use both cores, and the loads are hidden behind the first parses.
        Same results as calling `ingest_file` file by file."""
        todo = iter(Path(p) for p in paths)
        pending: deque[_Started | IngestResult] = deque()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-parse") as pool, \
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-model") as loader:
            warming: Future | None = None

            def fill() -> None:
                nonlocal warming
                while len(pending) < ahead and sum(len(p.data) for p in pending
                                                   if isinstance(p, _Started)) < ahead_bytes:
                    path = next(todo, None)
                    if path is None:
                        return
                    started = self._start(path, pool)
                    if isinstance(started, _Started) and warming is None:
                        # the model, then Chroma (0.9 s to import and open); an error surfaces where
                        # either is used, as it would unwarmed
                        warming = loader.submit(lambda: (self.bulk_embedder, self.vectors))
                    pending.append(started)

            fill()
            while pending:
                cur = pending.popleft()
                fill()
                yield cur if isinstance(cur, IngestResult) else self._complete(cur)

    def _start(self, path: Path, pool: ThreadPoolExecutor) -> "_Started | IngestResult":
        """Read a file; an unchanged one is answered now, a new one starts parsing in `pool`."""
        t0, source = time.perf_counter(), path.name
        try:
            data = path.read_bytes()
        except OSError as e:
            return self._failed(source, None, f"{source}: cannot read file ({e.strerror or e})")
        sha = hashlib.sha256(data).hexdigest()
        same = self.store.by_sha(sha)
        if same is not None:
            return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count,
                                seconds=time.perf_counter() - t0)
        return _Started(source, data, sha, t0, pool.submit(self._parse, data, source))

    def _complete(self, started: "_Started") -> IngestResult:
        source, data, sha, t0 = started.source, started.data, started.sha, started.t0
        try:
            doc = started.parsing.result()
        except IngestError as e:
            return self._failed(source, sha, str(e).splitlines()[0] if str(e) else f"{source}: failed")
        _ = self.bulk_embedder   # loaded outside the library lock: the parse-ahead needs the store meanwhile
        with self._lock:
            same = self.store.by_sha(sha)   # the same bytes under another name, written meanwhile
            if same is not None:
                return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count,
                                    seconds=time.perf_counter() - t0)
            result = self._write(doc, data, self.store.by_source(source))
            result.seconds = time.perf_counter() - t0
            return result

    def ingest_parsed(self, doc: ParsedDocument, data: bytes | None = None) -> IngestResult:
        """Index an already-parsed document (tests, or a caller that parsed in another process)."""
        with self._lock:
            if self.store.by_sha(doc.sha256) is not None:
                same = self.store.by_sha(doc.sha256)
                assert same is not None
                return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count)
            return self._write(doc, data, self.store.by_source(doc.source))

    def _parse(self, data: bytes, source: str) -> ParsedDocument:
        from ingest import pipeline
        if self.settings.parse_isolated:   # hard deadline and memory cap (ingest/isolated.py)
            from ingest.isolated import parse_bytes_isolated
            return parse_bytes_isolated(data, source, self.settings)
        if hasattr(pipeline, "parse_bytes"):
            return pipeline.parse_bytes(data, source, self.settings)
        with tempfile.TemporaryDirectory() as tmp:   # parse_file wants a path named like the source
            p = Path(tmp) / source
            p.write_bytes(data)
            return pipeline.parse_file(p, self.settings)

    def _failed(self, source: str, sha: str | None, message: str) -> IngestResult:
        try:
            self.store.record_failure(source, sha, message)
        except Exception:   # recording is a courtesy; the result still says what failed
            pass
        return IngestResult("failed", source, error=message)

    def _keep_file(self, doc: ParsedDocument, data: bytes | None) -> str | None:
        if data is None:
            return None
        d = self.settings.files_dir
        d.mkdir(parents=True, exist_ok=True)
        final = d / f"{doc.doc_id}{Path(doc.source).suffix.lower() or '.bin'}"
        if not final.exists():
            fd, tmp = tempfile.mkstemp(dir=d, prefix=".incoming-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, final)
        return str(final.resolve())

    def _write(self, doc: ParsedDocument, data: bytes | None, prev: DocumentInfo | None,
               source_url: str | None = None) -> IngestResult:
        file_path = self._keep_file(doc, data)
        vectors = self.vectors
        chunks = doc.chunks
        texts = [c.embed_text() for c in chunks]
        vecs = self.bulk_embedder.embed_documents(texts)   # before the commit: a bad model fails with no trace
        replaces = prev is not None and prev.doc_id != doc.doc_id
        if replaces:
            # Before the commit, not after: killed after it, the old version's vectors (orphans) and the
            # new one's missing vectors could be equal in number, and reconcile compares counts.
            # Killed here, the old version just lacks vectors, and reconcile re-embeds them.
            vectors.delete_doc(prev.doc_id)
        self.store.put_document(doc, file_path=file_path, original=data, source_url=source_url,
                                replace_doc_id=prev.doc_id if replaces else None)
        # A failure from here on leaves store chunks without vectors; reconcile() re-embeds them.
        vectors.upsert(chunks, vecs)
        # tokens now, so the lazy BM25 rebuild only has to build the matrix
        self.keyword.prime((c.chunk_id, t) for c, t in zip(chunks, texts, strict=True))
        if replaces:
            if prev.file_path and prev.file_path != file_path:
                Path(prev.file_path).unlink(missing_ok=True)
            return IngestResult("replaced", doc.source, doc.doc_id, len(chunks), replaced_doc_id=prev.doc_id)
        return IngestResult("added", doc.source, doc.doc_id, len(chunks))

    def delete_document(self, doc_id: str) -> bool:
        with self._lock:
            info = self.store.get_document(doc_id)
            if info is None:
                return False
            self.store.delete_document(doc_id)
            self.vectors.delete_doc(doc_id)
            if info.file_path:
                Path(info.file_path).unlink(missing_ok=True)
            return True

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, filters: SearchFilters | None = None, role: str = "public", k: int = 10,
               mode: Mode = "hybrid") -> list[Hit]:
        allow = may_see_restricted(role)
        query = query.strip()
        if not query:
            return []
        s = self.settings
        doc_ids = self.store.matching_doc_ids(filters, allow_restricted=allow)
        if doc_ids is not None and not doc_ids:
            return []
        dense: list[tuple[str, float]] = []
        keyword: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            depth = max(k, s.dense_depth) if mode == "hybrid" else k
            qv = self.embedder.embed_query(query)
            if where_clause(filters, allow_restricted=allow, doc_ids=doc_ids) is None:
                found = self.vectors.query(qv, depth, None)
            else:   # filtered without Chroma's `where` (slow at scale): index/catalog.py
                cat = self.catalog()
                allowed = cat.mask(filters, allow_restricted=allow, doc_ids=doc_ids)
                found = (self.vectors.query(qv, depth, None) if allowed is None
                         else self.vectors.query_allowed(qv, depth, cat, allowed))
            dense = [(h.chunk_id, h.score) for h in found]
        if mode in ("hybrid", "keyword"):
            depth = max(k, s.keyword_depth) if mode == "hybrid" else k
            self.refresh_keyword()
            keyword = [(h.chunk_id, h.score) for h in
                       self.keyword.search(widen(query), depth, allow_restricted=allow, doc_ids=doc_ids)]
        fused = rrf(dense, keyword, k=s.rrf_k, dense_weight=s.dense_weight, keyword_weight=s.keyword_weight)
        if mode != "hybrid":
            fused = fused[:k]
        chunks = self.store.chunks([f.chunk_id for f in fused])
        if mode == "hybrid":   # the measured refinements (numbers in index/hybrid.py)
            qdate, qmonth = query_date_keys(query)
            fused = boost_meeting_date(fused, {c: date_key(ch.meeting_date) for c, ch in chunks.items()},
                                       qdate, qmonth, k=s.rrf_k)
            fused = diversify_pages(fused, lambda f: (chunks[f.chunk_id].doc_id, chunks[f.chunk_id].pdf_page)
                                    if f.chunk_id in chunks else f.chunk_id)[:k]
        hits = []
        for f in fused:
            c = chunks.get(f.chunk_id)
            if c is None:   # deleted between the index read and now
                continue
            if c.restricted and not allow:   # defence in depth: the indexes already filtered
                continue
            score = f.score if mode == "hybrid" else (f.dense_score if mode == "dense" else f.keyword_score) or 0.0
            hits.append(Hit.from_chunk(c, score, f.dense_rank, f.keyword_rank))
        return hits

    def front_sheets(self, on: date | str, role: str = "public", n: int = 3) -> list[Hit]:
        """The opening passages (front sheet: date, time, place, membership) of each paper of the
        meetings held on a day."""
        allow = may_see_restricted(role)
        out: list[Hit] = []
        for m in self.meetings(date_from=on, date_to=on, role=role):
            for doc_id in m.doc_ids:
                out += [Hit.from_chunk(c, 0.0) for c in self.store.first_chunks(doc_id, n)
                        if allow or not c.restricted]
        return out

    def judgement_lines(self, doc_ids: Sequence[str], role: str = "public", grade: str | None = None,
                        limit: int = 30) -> list[Hit]:
        """The Ofsted judgement records of the documents, each as the line of its page that states
        it ("Making a positive contribution, including user engagement Grade 1 (outstanding)")."""
        out: list[Hit] = []
        for doc_id in doc_ids:
            for j in self.judgements(doc_id=doc_id, grade=grade, role=role)[:limit]:
                words = re.findall(r"[a-z]+", j.area.lower())[:6]
                pattern = re.compile(r"\W+".join(map(re.escape, words)), re.I)
                for h in self.lines_matching([doc_id], [" ".join(words[:2])], pattern, role=role, limit=1,
                                             pages=[j.pdf_page]):
                    h.chunk_id = h.chunk_id.replace("#line", "#judgement")
                    out.append(h)
        return out

    def lines_matching(self, doc_ids: Sequence[str], words: Sequence[str], pattern: re.Pattern[str],
                       role: str = "public", limit: int = 8, pages: Sequence[int] | None = None) -> list[Hit]:
        """Single lines of the documents' pages that match `pattern` (pages pre-selected by any of
        `words`), each as a passage of its own carrying the metadata of the page's passage. A line
        the role may not see is never read (restriction is per line: ingest/exempt.py)."""
        allow = may_see_restricted(role)
        out: list[Hit] = []
        for rec in self.store.pages_containing(doc_ids, words):
            doc_id, n = rec.doc_id, rec.pdf_page
            if pages is not None and n not in pages:
                continue
            if not allow and self.document(doc_id, role) is None:
                continue
            text = rec.text if allow else withheld(rec.text, rec.restricted_lines)
            here: list[Chunk] | None = None
            for line in text.split("\n"):
                if len(out) >= limit:
                    return out
                if not pattern.search(line):
                    continue
                if here is None:   # one look-up per page, however many of its lines match
                    here = [c for c in self.store.page_chunks(doc_id, n) if allow or not c.restricted]
                if not here:
                    continue
                h = Hit.from_chunk(here[0], 0.0)
                h.text, h.pdf_page, h.pdf_pages = line.strip(), n, [n]
                h.page_label = dict(zip(here[0].pdf_pages, here[0].page_labels, strict=False)).get(n)
                h.chunk_id = f"{here[0].chunk_id}#line{n}:{len(out)}"
                out.append(h)
        return out

    # ------------------------------------------------------------------ documents and pages
    def documents(self, filters: SearchFilters | None = None, *, role: str = "public") -> list[DocumentInfo]:
        return self.store.documents(filters, allow_restricted=may_see_restricted(role))

    def document(self, doc_id: str, role: str = "public") -> DocumentInfo | None:
        d = self.store.get_document(doc_id)
        if d is None or (d.restricted and not may_see_restricted(role)):
            return None
        return d

    def page(self, doc_id: str, n: int, role: str = "public", notice: str = WITHHELD_NOTICE
             ) -> tuple[str | None, str] | None:
        """(printed label, text) of PDF page n as `role` may read it, or None if absent or not
        visible. A caller who may not see Part II gets a page that is restricted throughout as
        None, and a mixed page (a front sheet listing an open and an exempt item) with its
        restricted lines replaced by `notice`."""
        if self.document(doc_id, role) is None:
            return None
        rec = self.store.page_record(doc_id, n)
        if rec is None:
            return None
        if may_see_restricted(role) or not rec.restricted_lines:
            return rec.label, rec.text
        if rec.fully_restricted:
            return None
        return rec.label, withheld(rec.text, rec.restricted_lines, notice)

    def restricted_pages(self, doc_id: str) -> dict[int, list[tuple[int, int]]]:
        """PDF page -> restricted line ranges, for the pages holding any Part II text. The service
        replaces these pages when it serves a public caller the original file (a PDF cannot be
        split by line safely: the text layer would still hold the words)."""
        return self.store.restricted_page_lines(doc_id)

    def page_text(self, doc_id: str, pdf_page: int, role: str = "public") -> str | None:
        """A page's text as `role` may read it, for quoting and verifying: restricted lines are
        blank lines for a caller who may not see them, so nothing reads on into them."""
        got = self.page(doc_id, pdf_page, role, notice="")
        return got[1] if got else None

    def restricted_texts(self) -> list[tuple[str, int, str]]:
        """(doc_id, pdf_page, restricted text) of every Part II passage in the store: what the
        service's release check makes sure never reaches a caller who may not see it."""
        out = []
        for rec in self.store.restricted_pages_all():
            ranges = rec.restricted_lines or [(0, len(rec.text.split("\n")) - 1)]
            out.append((rec.doc_id, rec.pdf_page, restricted_part(rec.text, ranges)))
        return out

    def generation(self) -> int:
        """The store's write counter: derived views of it are stale when it moves."""
        return self.store.generation()

    def restricted_only_terms(self) -> frozenset[str]:
        """Keyword terms found only in restricted passages (index/keyword.py), at the store's
        current generation."""
        self.refresh_keyword()
        return self.keyword.restricted_only_terms()

    def file_path(self, doc_id: str, role: str = "public") -> Path | None:
        """The original on local disk. Another replica may have ingested it (its path is then on
        that machine): the bytes come from the store into this process's files_dir cache."""
        d = self.document(doc_id, role)
        if d is None:
            return None
        if d.file_path and Path(d.file_path).is_file():
            return Path(d.file_path)
        cached = self.settings.files_dir / f"{doc_id}{Path(d.source).suffix.lower() or '.bin'}"
        if cached.is_file():
            return cached
        data = self.store.original(doc_id)
        if data is None:
            return None
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, cached)
        return cached

    # ------------------------------------------------------------------ structured look-ups
    def items(self, *, number: str | None = None, q: str | None = None, committee: str | None = None,
              date_from: date | str | None = None, date_to: date | str | None = None, doc_id: str | None = None,
              role: str = "public", limit: int = 100) -> list[ItemRecord]:
        return self.lookup.items(number=number, q=q, committee=committee, date_from=date_from, date_to=date_to,
                                 doc_id=doc_id, allow_restricted=may_see_restricted(role), limit=limit)

    def minutes(self, *, number: str | None = None, q: str | None = None, committee: str | None = None,
                date_from: date | str | None = None, date_to: date | str | None = None, doc_id: str | None = None,
                role: str = "public", limit: int = 100) -> list[MinuteRecord]:
        return self.lookup.minutes(number=number, q=q, committee=committee, date_from=date_from,
                                   date_to=date_to, doc_id=doc_id, allow_restricted=may_see_restricted(role),
                                   limit=limit)

    def resolutions(self, q: str | None = None, committee: str | None = None, date_from: date | str | None = None,
                    date_to: date | str | None = None, role: str = "public", *, minute: str | None = None,
                    doc_id: str | None = None, limit: int = 100) -> list[ResolutionRecord]:
        return self.lookup.resolutions(q, committee=committee, date_from=date_from, date_to=date_to,
                                       minute=minute, doc_id=doc_id, allow_restricted=may_see_restricted(role),
                                       limit=limit)

    def judgements(self, *, area: str | None = None, grade: str | None = None, council: str | None = None,
                   doc_id: str | None = None, role: str = "public") -> list[JudgementRecord]:
        return self.lookup.judgements(area=area, grade=grade, council=council, doc_id=doc_id,
                                      allow_restricted=may_see_restricted(role))

    def meetings(self, *, committee: str | None = None, council: str | None = None,
                 date_from: date | str | None = None, date_to: date | str | None = None,
                 role: str = "public") -> list[MeetingRecord]:
        return self.lookup.meetings(committee=committee, council=council, date_from=date_from, date_to=date_to,
                                    allow_restricted=may_see_restricted(role))

    # ------------------------------------------------------------------ the decision register
    @property
    def register(self) -> Any:
        """index/decisions.py: every decision, searchable by topic (derived from the store)."""
        with self._lock:
            if self._register is None:
                from index.decisions import DecisionRegister
                self._register = DecisionRegister(self)
            return self._register

    def decisions(self, q: str | None = None, *, committee: str | None = None, council: str | None = None,
                  date_from: date | str | None = None, date_to: date | str | None = None,
                  outcome: str | None = None, role: str = "public", limit: int | None = None) -> list[Any]:
        """Decisions ranked for the topic q (keyword and meaning), or every one the filters allow,
        newest first; Part II decisions only for a role that may see them."""
        filters = SearchFilters.parse(council=council, committee=committee, date_from=date_from, date_to=date_to)
        return self.register.search(q, filters=None if filters.is_empty else filters, outcome=outcome or None,
                                    role=role, limit=limit)

    def decision(self, decision_id: str, role: str = "public") -> Any:
        return self.register.get(decision_id, role)

    def decision_timeline(self, q: str, *, committee: str | None = None, council: str | None = None,
                          date_from: date | str | None = None, date_to: date | str | None = None,
                          role: str = "public", limit: int = 50) -> list[Any]:
        """What has been decided about q: its decisions oldest first, each a line and a citation."""
        filters = SearchFilters.parse(council=council, committee=committee, date_from=date_from, date_to=date_to)
        return self.register.timeline(q, filters=None if filters.is_empty else filters, role=role, limit=limit)

    def stats(self) -> dict[str, int]:
        out = self.store.stats()
        out["vectors"] = self.vectors.count()
        self.refresh_keyword()
        out["keyword"] = len(self.keyword)
        return out
