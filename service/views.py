"""Index and engine records → JSON-ready dicts for the HTTP schemas.

The index hands out dataclasses (most with `.to_json()`); this is the one place that knows how to
flatten them, and the one place that attaches links (`url`, `file_url`) so every citation and hit
a client sees can be opened at its page.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from service.auth import Caller, FileLinks


def plain(obj: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict, whatever its kind (to_json, dataclass, mapping)."""
    if obj is None:
        return {}
    if hasattr(obj, "to_json"):
        data = obj.to_json()
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = dataclasses.asdict(obj)
    elif isinstance(obj, dict):
        data = dict(obj)
    else:
        data = dict(vars(obj))
    return {k: _jsonable(v) for k, v in data.items() if k != "file_path"}


def _jsonable(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return plain(v)
    return v


def citation_view(c: Any, caller: Caller, links: FileLinks) -> dict[str, Any]:
    data = plain(c)
    label = c.describe() if hasattr(c, "describe") else data.get("describe") or data.get("source", "")
    data.pop("describe", None)
    data["label"] = label
    data["url"] = links.file_url(data["doc_id"], caller, data.get("pdf_page"))
    if data.get("pdf_page"):  # a paper with PDF pages: the viewer shows the page, the quote highlighted
        data["viewer_url"] = links.view_url(data["doc_id"], caller, data["pdf_page"], data.get("quote"))
    return data


def hit_view(h: Any, caller: Caller, links: FileLinks) -> dict[str, Any]:
    data = plain(h)
    data.setdefault("pdf_page", getattr(h, "pdf_page", None))
    data.setdefault("page_label", getattr(h, "page_label", None))
    data["url"] = links.file_url(data["doc_id"], caller, data.get("pdf_page"))
    return data


def document_view(d: Any, caller: Caller, links: FileLinks) -> dict[str, Any]:
    data = plain(d)
    data["file_url"] = links.file_url(data["doc_id"], caller)
    return data


def with_page_link(data: dict[str, Any], caller: Caller, links: FileLinks) -> dict[str, Any]:
    """Resolutions, minutes and pages name a doc and a page; give them the link that opens it."""
    if data.get("doc_id"):
        data["url"] = links.file_url(data["doc_id"], caller, data.get("pdf_page"))
    return data
