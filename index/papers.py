"""Papers as a role may read them: documents, pages, original files and the structured look-ups
(items, minutes, resolutions, judgements, meetings), every one behind the same role check.

A caller who may not see Part II never gets a restricted document; a page with restricted lines
comes with those lines withheld (ingest/exempt.py), and the original file of such a paper is
replaced page by page by the service (service/redaction.py).
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Sequence

from index.filters import SearchFilters, may_see_restricted
from index.lookup import ItemRecord, JudgementRecord, Lookup, MeetingRecord, MinuteRecord, ResolutionRecord
from index.parts import StoreParts
from index.search import Hit
from index.store import DocumentInfo
from ingest.exempt import restricted_part, withheld
from ingest.models import Chunk

# What a caller who may not see Part II reads in place of a page's restricted lines.
WITHHELD_NOTICE = "[Exempt information withheld (Part II, Schedule 12A)]"


class Papers:
    """Documents, pages, files and look-ups, each filtered by `_allow(role)`."""

    def __init__(self, parts: StoreParts):
        self._parts = parts

    @property
    def _lookup(self) -> Lookup:
        return Lookup(self._parts.store)

    @staticmethod
    def _allow(role: str) -> bool:
        """The one role check: may this role read Part II (index/filters.py)."""
        return may_see_restricted(role)

    def documents(self, filters: SearchFilters | None = None, *, role: str = "public") -> list[DocumentInfo]:
        return self._parts.store.documents(filters, allow_restricted=self._allow(role))

    def document(self, doc_id: str, role: str = "public") -> DocumentInfo | None:
        d = self._parts.store.get_document(doc_id)
        if d is None or (d.restricted and not self._allow(role)):
            return None
        return d

    def page(
        self, doc_id: str, n: int, role: str = "public", notice: str = WITHHELD_NOTICE
    ) -> tuple[str | None, str] | None:
        """(printed label, text) of PDF page n as `role` may read it, or None if absent or not
        visible. A caller who may not see Part II gets a page that is restricted throughout as
        None, and a mixed page (a front sheet listing an open and an exempt item) with its
        restricted lines replaced by `notice`."""
        if self.document(doc_id, role) is None:
            return None
        rec = self._parts.store.page_record(doc_id, n)
        if rec is None:
            return None
        if self._allow(role) or not rec.restricted_lines:
            return rec.label, rec.text
        if rec.fully_restricted:
            return None
        return rec.label, withheld(rec.text, rec.restricted_lines, notice)

    def restricted_pages(self, doc_id: str) -> dict[int, list[tuple[int, int]]]:
        """PDF page -> restricted line ranges, for the pages holding any Part II text. The service
        replaces these pages when it serves a public caller the original file (a PDF cannot be
        split by line safely: the text layer would still hold the words)."""
        return self._parts.store.restricted_page_lines(doc_id)

    def page_text(self, doc_id: str, pdf_page: int, role: str = "public") -> str | None:
        """A page's text as `role` may read it, for quoting and verifying: restricted lines are
        blank lines for a caller who may not see them, so nothing reads on into them."""
        got = self.page(doc_id, pdf_page, role, notice="")
        return got[1] if got else None

    # The primitives the answer engine reads evidence lines from (service/answer/evidence.py).
    def opening_passages(self, doc_id: str, n: int, role: str = "public") -> list[Hit]:
        """The first n passages of a paper (its front sheet), those the role may see."""
        if self.document(doc_id, role) is None:
            return []
        return self._visible(self._parts.store.first_chunks(doc_id, n), role)

    def pages_with(
        self, doc_ids: Sequence[str], words: Sequence[str], role: str = "public"
    ) -> list[tuple[str, int, str]]:
        """(doc_id, pdf_page, text) of the papers' pages holding any of `words`, each page's text as
        the role may read it (Part II lines blank: restriction is per line, ingest/exempt.py)."""
        allow = self._allow(role)
        visible: dict[str, bool] = {}  # one document look-up per paper, not per page
        out: list[tuple[str, int, str]] = []
        for rec in self._parts.store.pages_containing(doc_ids, words):
            if not allow:
                if rec.doc_id not in visible:
                    visible[rec.doc_id] = self.document(rec.doc_id, role) is not None
                if not visible[rec.doc_id]:
                    continue
            out.append((rec.doc_id, rec.pdf_page, rec.text if allow else withheld(rec.text, rec.restricted_lines)))
        return out

    def page_passages(self, doc_id: str, pdf_page: int, role: str = "public") -> list[Hit]:
        """The passages lying on a page, those the role may see."""
        return self._visible(self._parts.store.page_chunks(doc_id, pdf_page), role)

    def _visible(self, chunks: list[Chunk], role: str) -> list[Hit]:
        allow = self._allow(role)
        return [Hit.from_chunk(c, 0.0) for c in chunks if allow or not c.restricted]

    def restricted_texts(self) -> list[tuple[str, int, str]]:
        """(doc_id, pdf_page, restricted text) of every Part II passage in the store: what the
        service's release check makes sure never reaches a caller who may not see it."""
        out = []
        for rec in self._parts.store.restricted_pages_all():
            ranges = rec.restricted_lines or [(0, len(rec.text.split("\n")) - 1)]
            out.append((rec.doc_id, rec.pdf_page, restricted_part(rec.text, ranges)))
        return out

    def file_path(self, doc_id: str, role: str = "public") -> Path | None:
        """The original on local disk. Another replica may have ingested it (its path is then on
        that machine): the bytes come from the store into this process's files_dir cache."""
        d = self.document(doc_id, role)
        if d is None:
            return None
        if d.file_path and Path(d.file_path).is_file():
            return Path(d.file_path)
        cached = self._parts.settings.files_dir / f"{doc_id}{Path(d.source).suffix.lower() or '.bin'}"
        if cached.is_file():
            return cached
        data = self._parts.store.original(doc_id)
        if data is None:
            return None
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, cached)
        return cached

    def items(
        self,
        *,
        number: str | None = None,
        q: str | None = None,
        committee: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        doc_id: str | None = None,
        role: str = "public",
        limit: int = 100,
    ) -> list[ItemRecord]:
        return self._lookup.items(
            number=number,
            q=q,
            committee=committee,
            date_from=date_from,
            date_to=date_to,
            doc_id=doc_id,
            allow_restricted=self._allow(role),
            limit=limit,
        )

    def minutes(
        self,
        *,
        number: str | None = None,
        q: str | None = None,
        committee: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        doc_id: str | None = None,
        role: str = "public",
        limit: int = 100,
    ) -> list[MinuteRecord]:
        return self._lookup.minutes(
            number=number,
            q=q,
            committee=committee,
            date_from=date_from,
            date_to=date_to,
            doc_id=doc_id,
            allow_restricted=self._allow(role),
            limit=limit,
        )

    def resolutions(
        self,
        q: str | None = None,
        committee: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        role: str = "public",
        *,
        minute: str | None = None,
        doc_id: str | None = None,
        limit: int = 100,
    ) -> list[ResolutionRecord]:
        return self._lookup.resolutions(
            q,
            committee=committee,
            date_from=date_from,
            date_to=date_to,
            minute=minute,
            doc_id=doc_id,
            allow_restricted=self._allow(role),
            limit=limit,
        )

    def judgements(
        self,
        *,
        area: str | None = None,
        grade: str | None = None,
        council: str | None = None,
        doc_id: str | None = None,
        role: str = "public",
    ) -> list[JudgementRecord]:
        return self._lookup.judgements(
            area=area, grade=grade, council=council, doc_id=doc_id, allow_restricted=self._allow(role)
        )

    def meetings(
        self,
        *,
        committee: str | None = None,
        council: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        role: str = "public",
    ) -> list[MeetingRecord]:
        return self._lookup.meetings(
            committee=committee,
            council=council,
            date_from=date_from,
            date_to=date_to,
            allow_restricted=self._allow(role),
        )
