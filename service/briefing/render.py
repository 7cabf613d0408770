"""A briefing as Markdown (the CLI, a paste into an e-mail) and as a printable HTML page.

Both render the briefing's JSON after the release check (service/briefing/release.py), so they
show exactly what the JSON route would send. Every line ends with its citation: the printed page
(or the PDF page where none is printed), the item, and in HTML a link to the cited-page viewer.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SECTION_TITLES = (
    ("purpose", "Purpose"),
    ("recommendations", "Recommendations, as printed"),
    ("authors", "Report author and contact"),
    ("figures", "Key figures"),
    ("earlier", "Earlier decisions on this topic"),
)


def page_ref(line: dict[str, Any]) -> str:
    """ "p. 19" (the printed page) or "PDF p. 4" (where the page prints no number)."""
    if line.get("page_label"):
        return f"p. {line['page_label']}"
    return f"PDF p. {line['pdf_page']}"


def cite_text(line: dict[str, Any]) -> str:
    parts = [line.get("source") or "", page_ref(line)]
    if line.get("item"):
        parts.append(f"item {line['item']}")
    return ", ".join(p for p in parts if p)


def heading(data: dict[str, Any]) -> str:
    day = date.fromisoformat(data["meeting_date"]).strftime("%A %-d %B %Y")
    return f"{data.get('committee') or 'Meeting'} — {day}"


def _line_md(line: dict[str, Any], with_links: bool) -> str:
    text = line["text"]
    if line.get("kind") == "figure" and line.get("lead"):
        text = f"**{line['lead']}** — {text}"
    elif line.get("kind") == "decision" and line.get("lead"):
        text = f"{line['lead']}: “{text}”"
    elif line.get("lead"):
        text = f"{line['lead']} {text}"
    ref = cite_text(line)
    if with_links and line.get("viewer_url"):
        ref = f"[{ref}]({line['viewer_url']})"
    also = f"; also p. {', '.join(map(str, line['also_on']))} (PDF)" if line.get("also_on") else ""
    return f"{text} ({ref}{also})"


def markdown(data: dict[str, Any], *, with_links: bool = True) -> str:
    out = [f"# Briefing: {heading(data)}", ""]
    facts = [x for x in (data.get("council"), data.get("meeting_time"), data.get("venue")) if x]
    if facts:
        out += [" · ".join(facts), ""]
    papers = ", ".join(f"{p['source']} ({p['page_count']} pages)" for p in data.get("papers", []))
    out += [f"Papers: {papers or 'none held'}", ""]
    business = [i for i in data["items"] if not i["procedural"]]
    procedure = [i for i in data["items"] if i["procedural"]]
    for item in business:
        flag = " — PART II (exempt)" if item.get("part2") else ""
        out.append(f"## {item['number']}. {item['title']}{flag}")
        pages = "; ".join(f"{p['source']} PDF pp. {p['pdf_pages'][0]}–{p['pdf_pages'][1]}" for p in item["papers"])
        if pages:
            out.append(f"Pages: {pages}")
        out.append("")
        for key, title in SECTION_TITLES:
            lines = item.get(key) or []
            if not lines:
                continue
            out.append(f"**{title}**")
            out += [f"- {_line_md(ln, with_links)}" for ln in lines]
            out.append("")
        for note in item.get("notes", []):
            out += [f"_{note}_", ""]
    if procedure:
        out += ["## Procedural items", ""]
        for item in procedure:
            line = (item.get("recommendations") or [None])[0]
            out.append(f"- {item['number']}. {item['title']}" + (f" — {_line_md(line, with_links)}" if line else ""))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


@lru_cache(maxsize=1)
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["page_ref"] = page_ref
    env.filters["cite_text"] = cite_text
    return env


def html(data: dict[str, Any], *, stylesheet: str = "/briefing.css", inline_css: str | None = None) -> str:
    """The printable page. Served, it links its stylesheet (the service's CSP allows no inline
    style); saved to a file by the CLI, it carries the stylesheet inside it (`inline_css`)."""
    business = [i for i in data["items"] if not i["procedural"]]
    procedure = [i for i in data["items"] if i["procedural"]]
    return (
        _env()
        .get_template("briefing.html")
        .render(
            b=data,
            title=heading(data),
            business=business,
            procedure=procedure,
            sections=SECTION_TITLES,
            stylesheet=stylesheet,
            inline_css=inline_css,
        )
    )
