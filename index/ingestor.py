"""Ingest: papers into the store, then into the vectors and the keyword index, crash-safe.

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
import tempfile
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Generator, Iterable, Literal, Sequence

from index.parts import IndexParts
from index.store import DocumentInfo
from index.vectors import VectorIndex
from ingest.errors import IngestError
from ingest.exempt import restrict_pages, sync_document
from ingest.models import ParsedDocument


def supported_suffixes() -> tuple[str, ...]:
    try:  # the parser owns the list of file types it reads
        from ingest.pipeline import SUPPORTED

        return tuple(SUPPORTED)
    except ImportError:
        return (".pdf",)


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
    """A file read, hashed and handed to the parser; `Ingestor.ingest_files` completes it in order."""

    source: str
    data: bytes
    sha: str
    t0: float
    parsing: Future
    # (document, vectors) once parsed and embedded: embedded ahead while earlier files are written
    embedding: Future | None = None


def apply_overrides(doc: ParsedDocument, overrides: dict[str, Any] | None) -> ParsedDocument:
    """Metadata a caller knows better than the parser (e.g. an upload form's committee and date).
    Restriction from outside (an admin's flag, a publishing system's) only ever adds to what the
    paper itself marks: a marker printed on a page is evidence that no form field can undo."""
    if not overrides:
        return doc
    allowed = {
        "council",
        "committee",
        "meeting_date",
        "doc_type",
        "title",
        "restricted",
        "restricted_pages",
        "items",
        "item",
        "source_url",
    }
    unknown = set(overrides) - allowed
    if unknown:
        raise ValueError(f"unknown override(s): {', '.join(sorted(unknown))}")
    ov = {
        k: v
        for k, v in overrides.items()
        if v is not None and k not in ("items", "item", "source_url", "restricted", "restricted_pages")
    }
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


class Ingestor:
    """Adds, replaces, restricts and deletes papers in the write order above, and reconciles the
    vectors with the store."""

    def __init__(self, parts: IndexParts):
        self._parts = parts

    def reconcile(self, vectors: VectorIndex | None = None) -> dict[str, int]:
        """Make Chroma match the store: drop orphan vectors, re-embed chunks whose vectors are missing."""
        vectors = vectors or self._parts.vectors
        want = self._parts.store.chunk_count()
        if vectors.count() == want:
            return {"orphans": 0, "missing": 0}
        have, known = vectors.all_ids(), self._parts.store.chunk_ids()
        orphans, missing = sorted(have - known), sorted(known - have)
        vectors.delete_ids(orphans)
        if missing:
            chunks = list(self._parts.store.chunks(missing).values())
            vectors.upsert(chunks, self._parts.bulk_embedder.embed_documents([c.embed_text() for c in chunks]))
        return {"orphans": len(orphans), "missing": len(missing)}

    def expand_paths(self, paths: Iterable[Path]) -> list[Path]:
        out: list[Path] = []
        suffixes = supported_suffixes()
        for p in paths:
            p = Path(p)
            if p.is_dir():
                out.extend(
                    sorted(
                        f
                        for f in p.rglob("*")
                        if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith(".")
                    )
                )
            else:
                out.append(p)  # a named file is always tried, so an unsupported one fails with a message
        return out

    def ingest_file(
        self, path: Path, *, source: str | None = None, overrides: dict[str, Any] | None = None
    ) -> IngestResult:
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
        with self._parts.lock:
            same = self._parts.store.by_sha(sha)
            if same is not None:
                if overrides and (
                    overrides.get("restricted") or overrides.get("restricted_pages") or _restricts_items(overrides)
                ):
                    return self._restrict_existing(same, data, overrides, t0)
                return IngestResult(
                    "unchanged", same.source, same.doc_id, same.chunk_count, seconds=time.perf_counter() - t0
                )
            try:
                doc = apply_overrides(self._parse(data, source), overrides)
            except IngestError as e:
                return self._failed(source, sha, str(e).splitlines()[0] if str(e) else f"{source}: failed")
            prev = self._parts.store.by_source(source)
            result = self._write(doc, data, prev, source_url=(overrides or {}).get("source_url"))
            result.seconds = time.perf_counter() - t0
            return result

    def _restrict_existing(self, same: DocumentInfo, data: bytes, overrides: dict[str, Any], t0: float) -> IngestResult:
        """The same paper again with a restriction it did not have (an admin flags pages of a paper
        already indexed, a publishing system marks an item restricted): it is written again under the
        same id with the restriction added to what it had. A restriction is never lifted this way."""
        had = self._parts.store.restricted_page_lines(same.doc_id)
        try:
            doc = apply_overrides(self._parse(data, same.source), overrides)
        except IngestError as e:
            return self._failed(same.source, same.sha256, str(e).splitlines()[0] if str(e) else "failed")
        keep = {n for n, r in had.items() if r == [(0, doc.pages[n - 1].line_count - 1)]} if doc.pages else set()
        if keep:
            restrict_pages(doc, keep, "override")
        for p in doc.pages:  # the lines it had restricted stay restricted
            for a, b in had.get(p.pdf_page, []):
                doc.chunks = [
                    replace(c, restricted=True)
                    if p.pdf_page in c.pdf_pages and c.page_lines and c.page_lines[0] <= b and c.page_lines[1] >= a
                    else c
                    for c in doc.chunks
                ]
        sync_document(doc, "override")
        now = {p.pdf_page: p.restricted_lines for p in doc.pages if p.restricted_lines}
        if now == had:
            return IngestResult(
                "unchanged", same.source, same.doc_id, same.chunk_count, seconds=time.perf_counter() - t0
            )
        doc = replace(doc, source=same.source)
        self._write(doc, data, same, source_url=overrides.get("source_url") or same.source_url)
        return IngestResult("restricted", same.source, same.doc_id, len(doc.chunks), seconds=time.perf_counter() - t0)

    def ingest_files(
        self, paths: Sequence[Path], *, ahead: int = 16, ahead_bytes: int = 256 << 20
    ) -> Generator[IngestResult, None, None]:
        """`ingest_file` over many files, in order, with later files parsed (in the parse worker
        process) while this one is embedded and written, up to `ahead` files or `ahead_bytes` of
        originals in flight; the bulk embedder and Chroma load meanwhile. pypdf and the embedding
        model then use both cores, and the loads are hidden behind the first parses.
        Same results as calling `ingest_file` file by file."""
        todo = iter(Path(p) for p in paths)
        pending: deque[_Started | IngestResult] = deque()
        # The next file is embedded while this one is written (store, Chroma, BM25 tokens), so the
        # embedding model never waits on the writes; the writes keep their order in this thread.
        embedding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-embed-ahead")
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-parse") as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="cllr-model") as loader,
        ):
            warming: Future | None = None

            def fill() -> None:
                nonlocal warming
                while (
                    len(pending) < ahead and sum(len(p.data) for p in pending if isinstance(p, _Started)) < ahead_bytes
                ):
                    path = next(todo, None)
                    if path is None:
                        return
                    started = self._start(path, pool)
                    if isinstance(started, _Started):
                        if warming is None:
                            # the model, then Chroma (0.9 s to import and open); an error surfaces where
                            # either is used, as it would unwarmed
                            warming = loader.submit(lambda: (self._parts.bulk_embedder, self._parts.vectors))
                        started.embedding = embedding.submit(self._embed_parsed, started.parsing)
                    pending.append(started)

            try:
                fill()
                while pending:
                    cur = pending.popleft()
                    fill()
                    yield cur if isinstance(cur, IngestResult) else self._complete(cur)
            finally:  # a caller that stops early (or an error) leaves nothing embedding for nobody
                embedding.shutdown(wait=True, cancel_futures=True)

    def _embed_parsed(self, parsing: Future) -> tuple[ParsedDocument, Any]:
        doc = parsing.result()  # a parse error surfaces where the result is read, in order
        return doc, self._parts.bulk_embedder.embed_documents([c.embed_text() for c in doc.chunks])

    def _start(self, path: Path, pool: ThreadPoolExecutor) -> "_Started | IngestResult":
        """Read a file; an unchanged one is answered now, a new one starts parsing in `pool`."""
        t0, source = time.perf_counter(), path.name
        try:
            data = path.read_bytes()
        except OSError as e:
            return self._failed(source, None, f"{source}: cannot read file ({e.strerror or e})")
        sha = hashlib.sha256(data).hexdigest()
        same = self._parts.store.by_sha(sha)
        if same is not None:
            return IngestResult(
                "unchanged", same.source, same.doc_id, same.chunk_count, seconds=time.perf_counter() - t0
            )
        return _Started(source, data, sha, t0, pool.submit(self._parse, data, source))

    def _complete(self, started: "_Started") -> IngestResult:
        source, data, sha, t0 = started.source, started.data, started.sha, started.t0
        vecs = None
        try:
            if started.embedding is not None:
                doc, vecs = started.embedding.result()
            else:
                doc = started.parsing.result()
        except IngestError as e:
            return self._failed(source, sha, str(e).splitlines()[0] if str(e) else f"{source}: failed")
        _ = self._parts.bulk_embedder  # loaded outside the library lock: the parse-ahead needs the store meanwhile
        with self._parts.lock:
            same = self._parts.store.by_sha(sha)  # the same bytes under another name, written meanwhile
            if same is not None:
                return IngestResult(
                    "unchanged", same.source, same.doc_id, same.chunk_count, seconds=time.perf_counter() - t0
                )
            result = self._write(doc, data, self._parts.store.by_source(source), vecs=vecs)
            result.seconds = time.perf_counter() - t0
            return result

    def ingest_parsed(self, doc: ParsedDocument, data: bytes | None = None) -> IngestResult:
        """Index an already-parsed document (tests, or a caller that parsed in another process)."""
        with self._parts.lock:
            if self._parts.store.by_sha(doc.sha256) is not None:
                same = self._parts.store.by_sha(doc.sha256)
                assert same is not None
                return IngestResult("unchanged", same.source, same.doc_id, same.chunk_count)
            return self._write(doc, data, self._parts.store.by_source(doc.source))

    def _parse(self, data: bytes, source: str) -> ParsedDocument:
        from ingest import pipeline

        if self._parts.settings.parse_isolated:  # hard deadline and memory cap (ingest/isolated.py)
            from ingest.isolated import parse_bytes_isolated

            return parse_bytes_isolated(data, source, self._parts.settings)
        if hasattr(pipeline, "parse_bytes"):
            return pipeline.parse_bytes(data, source, self._parts.settings)
        with tempfile.TemporaryDirectory() as tmp:  # parse_file wants a path named like the source
            p = Path(tmp) / source
            p.write_bytes(data)
            return pipeline.parse_file(p, self._parts.settings)

    def _failed(self, source: str, sha: str | None, message: str) -> IngestResult:
        try:
            self._parts.store.record_failure(source, sha, message)
        except Exception:  # recording is a courtesy; the result still says what failed
            pass
        return IngestResult("failed", source, error=message)

    def _keep_file(self, doc: ParsedDocument, data: bytes | None) -> str | None:
        if data is None:
            return None
        d = self._parts.settings.files_dir
        d.mkdir(parents=True, exist_ok=True)
        final = d / f"{doc.doc_id}{Path(doc.source).suffix.lower() or '.bin'}"
        if not final.exists():
            fd, tmp = tempfile.mkstemp(dir=d, prefix=".incoming-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, final)
        return str(final.resolve())

    def _write(
        self,
        doc: ParsedDocument,
        data: bytes | None,
        prev: DocumentInfo | None,
        source_url: str | None = None,
        vecs: Any = None,
    ) -> IngestResult:
        file_path = self._keep_file(doc, data)
        vectors = self._parts.vectors
        chunks = doc.chunks
        texts = [c.embed_text() for c in chunks]
        if vecs is None:  # before the commit: a bad model fails with no trace
            vecs = self._parts.bulk_embedder.embed_documents(texts)
        replaced = prev if prev is not None and prev.doc_id != doc.doc_id else None
        if replaced is not None:
            # Before the commit, not after: killed after it, the old version's vectors (orphans) and the
            # new one's missing vectors could be equal in number, and reconcile compares counts.
            # Killed here, the old version just lacks vectors, and reconcile re-embeds them.
            vectors.delete_doc(replaced.doc_id)
        self._parts.store.put_document(
            doc,
            file_path=file_path,
            original=data,
            source_url=source_url,
            replace_doc_id=replaced.doc_id if replaced is not None else None,
        )
        # A failure from here on leaves store chunks without vectors; reconcile() re-embeds them.
        vectors.upsert(chunks, vecs)
        # tokens now, so the lazy BM25 rebuild only has to build the matrix
        self._parts.keyword.prime((c.chunk_id, t) for c, t in zip(chunks, texts, strict=True))
        if replaced is not None:
            if replaced.file_path and replaced.file_path != file_path:
                Path(replaced.file_path).unlink(missing_ok=True)
            return IngestResult("replaced", doc.source, doc.doc_id, len(chunks), replaced_doc_id=replaced.doc_id)
        return IngestResult("added", doc.source, doc.doc_id, len(chunks))

    def delete_document(self, doc_id: str) -> bool:
        with self._parts.lock:
            info = self._parts.store.get_document(doc_id)
            if info is None:
                return False
            self._parts.store.delete_document(doc_id)
            self._parts.vectors.delete_doc(doc_id)
            if info.file_path:
                Path(info.file_path).unlink(missing_ok=True)
            return True
