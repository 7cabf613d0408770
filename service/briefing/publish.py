"""A briefing as it may leave the service: every line through the release check, then links.

The briefing was read from the papers as the caller may read them; this is the second,
independent line (docs/reliability.md "Part II belongs to the passage"): each item's heading and
each of its lines is checked on its own text against the store's restricted passages, and a
line or an item that fails is left out (and logged as a security event by the check). Links are
added after the check: a viewer link for every line (the page with the line's words
highlighted) and the file link of every paper.
"""

from __future__ import annotations

from typing import Any

from service.briefing.build import Briefing

LINE_KINDS = ("purpose", "recommendations", "authors", "figures", "earlier")
ROUTE = "briefing"


def released(briefing: Briefing, caller: Any, links: Any, release: Any, route: str = ROUTE) -> dict[str, Any]:
    data = briefing.to_json()
    role = caller.role
    items = []
    for item in data["items"]:
        header = {"number": item["number"], "title": item["title"], "doc_ids": item["doc_ids"]}
        if not release.records([header], role=role, route=route):
            continue
        for key in LINE_KINDS:
            item[key] = release.records(item[key], role=role, route=route)
            for line in item[key]:
                line["viewer_url"] = links.view_url(line["doc_id"], caller, line["pdf_page"], line["text"])
        items.append(item)
    data["items"] = items
    data["counts"]["recommendations"] = sum(len(i["recommendations"]) for i in items if not i["procedural"])
    data["counts"]["to_decide"] = sum(1 for i in items if i["recommendations"] and not i["procedural"])
    data["counts"]["items"] = len(items)
    data["papers"] = release.records(data["papers"], role=role, route=route)
    for paper in data["papers"]:
        paper["file_url"] = links.file_url(paper["doc_id"], caller)
    return data
