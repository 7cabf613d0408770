"""`cllr brief PACK.pdf|MEETING_ID`: a meeting's briefing on the command line.

A file is ingested first (nothing happens when it is already indexed: same bytes, same paper),
then briefed with the other papers of its meeting; a meeting id is briefed as the service would.
The briefing goes through the same release check as over HTTP, for the role asked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.briefing import meetings as mt
from service.briefing.build import build_briefing
from service.briefing.publish import released
from service.briefing.render import TEMPLATES, html, markdown

FORMATS = ("md", "json", "html")


class BriefError(Exception):
    """A one-line reason the briefing cannot be made (the CLI prints it and exits 2)."""


def _meeting_of(library: Any, target: str, role: str) -> mt.Meeting:
    path = Path(target)
    if path.suffix and (path.exists() or "/" in target or path.suffix.lower() in (".pdf", ".docx", ".html", ".htm")):
        if not path.is_file():
            raise BriefError(f"{target}: no such file")
        result = library.ingest_file(path)
        if result.status == "failed":
            raise BriefError(result.error or f"{path.name}: could not be read")
        for m in mt.meetings(library, role):
            if result.doc_id in m.doc_ids:
                return m
        doc = library.document(result.doc_id, role)
        if doc is None:
            raise BriefError(f"{path.name}: this paper is Part II throughout; brief it with --role member or officer")
        raise BriefError(
            f"{path.name}: the paper prints no meeting date or committee, so there is no meeting "
            "to brief (cllr inspect shows what was read)"
        )
    try:
        return mt.find(library, target, role)
    except mt.MeetingNotFound as e:
        known = ", ".join(m.meeting_id for m in mt.meetings(library, role)[-5:]) or "none yet"
        raise BriefError(f"{e}; meetings held include: {known}") from None
    except ValueError as e:  # FilterError: not a meeting id at all
        raise BriefError(str(e)) from None


def brief(library: Any, target: str, *, fmt: str = "md", role: str = "officer") -> str:
    from service.auth import Caller, FileLinks
    from service.release import ReleaseCheck

    if fmt not in FORMATS:
        raise BriefError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    meeting = _meeting_of(library, target, role)
    caller = Caller(subject="cli", role=role, via="cli")
    data = released(
        build_briefing(library, meeting, role),
        caller,
        FileLinks(open_mode=True),
        ReleaseCheck(library),
        route="cli brief",
    )
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "html":  # a file opened from disk: its stylesheet travels inside it
        return html(data, inline_css=(TEMPLATES.parent / "static" / "briefing.css").read_text(encoding="utf-8"))
    return markdown(data, with_links=False)
