"""parse_file / parse_bytes: one paper in, a ParsedDocument (pages, structure, chunks) out."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cllr.settings import Settings
from ingest import records
from ingest.agenda import FrontSheet, agenda_item_marks, map_items_to_pdf, page_items, parse_front_sheet
from ingest.chunker import DocContext, LineTag, build_chunks
from ingest.decisions import parse_decision_pages
from ingest.errors import EmptyFileError, IngestError, UnsupportedFileError
from ingest.html import HTML_SUFFIXES, read_html
from ingest.exempt import line_rules, set_page_restrictions
from ingest.labels import label_to_pdf, page_labels
from ingest.layout import Line, page_furniture, to_lines
from ingest.metadata import DocMeta, minutes_evidence, read_metadata
from ingest.minutes import parse_minutes
from ingest.models import (
    AgendaItem,
    Attendance,
    Declaration,
    DocType,
    Inspection,
    Judgement,
    Minute,
    Page,
    Paragraph,
    ParsedDocument,
    Vote,
)
from ingest.ofsted import council_of, parse_inspection, parse_judgements, report_judgements
from ingest.paragraphs import paragraph_numbers
from ingest.pdf import OcrOptions, looks_like_pdf, read_pdf_pages
from ingest.text import read_text_pages
from ingest.word import looks_like_docx, read_docx_pages

SUPPORTED = (".pdf", ".docx", ".txt", ".md") + HTML_SUFFIXES
_FILE_ITEM = re.compile(r"(?:^|[^a-z])item[\s_-]*0*(\d{1,2}[a-z]?)(?=[^0-9a-z]|$)", re.I)
_MINUTES_HEAD = re.compile(r"^\s*(DRAFT\s+)?MINUTES\b|^\s*(Draft\s+)?Minutes(\s*$|\s+of\s+(the|a)\s+meeting)", re.M)


def parse_file(path: Path, settings: Settings) -> ParsedDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(path.name, "file not found") from None
    except IsADirectoryError:
        raise UnsupportedFileError(path.name, "is a directory") from None
    return parse_bytes(data, path.name, settings)


@dataclass
class PageExtras:
    """What a reader knows about its pages beyond their text: which were OCR'd (0-based page ->
    Tesseract's mean confidence) and, for papers without pages (Word), each page's section heading."""

    ocr: dict[int, float | None] = field(default_factory=dict)
    sections: list[str | None] = field(default_factory=list)


def read_pages(data: bytes, source: str, settings: Settings, extras: PageExtras | None = None) -> list[str]:
    ext = Path(source).suffix.lower()
    if ext in (".txt", ".md"):
        return read_text_pages(data, source)
    if ext in HTML_SUFFIXES:  # no PDF pages: each top-level section is a page (ingest/html.py)
        doc = read_html(data, source)
        if extras is not None:
            extras.sections = [sec.heading for sec in doc.sections]
        return [sec.text for sec in doc.sections]
    if ext == ".docx" or (ext != ".pdf" and looks_like_docx(data)):
        pages, sections = read_docx_pages(data, source)
        if extras is not None:
            extras.sections = sections
        return pages
    if ext == ".pdf" or looks_like_pdf(data):
        ocr = (
            OcrOptions(dpi=settings.ocr_dpi, lang=settings.ocr_lang, page_timeout_s=settings.ocr_page_timeout_s)
            if settings.ocr_enabled
            else None
        )
        pages = read_pdf_pages(data, source, timeout_s=settings.parse_timeout_s, max_pages=settings.max_pages, ocr=ocr)
        if extras is not None and ocr is not None:
            extras.ocr = dict(ocr.done)
        return pages
    if not data:
        raise EmptyFileError(source, "the file is empty (0 bytes)")
    raise UnsupportedFileError(source, f"unsupported file type '{ext or 'none'}'; supported: {', '.join(SUPPORTED)}")


def parse_bytes(data: bytes, source: str, settings: Settings) -> ParsedDocument:
    """Pages, then structure in dependency order: agenda items, minutes, the item of every line, Part II,
    paragraphs, metadata and judgements, records of the meeting; last the chunks and pages."""
    source = Path(source).name
    sha = hashlib.sha256(data).hexdigest()
    extras = PageExtras()
    pages_text = read_pages(data, source, settings, extras)
    labels = page_labels(pages_text)
    lines = to_lines(pages_text)
    n_pages = len(pages_text)
    tags = [LineTag() for _ in lines]

    front, items, marks, looks_minutes = _agenda(pages_text, lines, labels)
    minutes, minute_items, minute_starts = _minutes(lines, items, looks_minutes, tags)
    if not items and minute_items:
        items = minute_items
    per_page, hint = _items_of_lines(source, lines, tags, front, items, marks, bool(minutes), n_pages)
    rules = _part2(lines, tags, front, items, per_page, minute_starts)
    _add_stamped_items(items, marks, per_page, hint)
    paragraphs = _paragraphs(lines, tags)
    meta, inspection, judgements = _metadata(pages_text, lines, front, items, minutes)
    if meta.doc_type == DocType.DECISION_NOTICE.value and not minutes:
        minutes = _decision_notices(pages_text, lines, tags)
    votes, attendance, declarations = _meeting_records(lines, tags, minutes, meta.doc_type)

    doc_id = sha[:16]
    ctx = DocContext(
        doc_id=doc_id,
        source=source,
        doc_type=meta.doc_type,
        council=meta.council,
        committee=meta.committee,
        meeting_date=meta.meeting_date.isoformat() if meta.meeting_date else None,
        item_titles={it.number: it.title for it in items},
        minute_titles={m.number: m.title for m in minutes},
        labels=labels,
        venue=None if meta.council else meta.venue,
    )
    for i in page_furniture(lines, n_pages):
        tags[i].furniture = True
    chunks = build_chunks(ctx, lines, tags, budget=settings.chunk_tokens, overlap=settings.chunk_overlap_tokens)
    pages = [_page(i, labels[i], t, extras, settings) for i, t in enumerate(pages_text)]
    set_page_restrictions(pages, lines, rules)
    whole = {p.pdf_page for p in pages if p.fully_restricted}
    for it in items:  # an item whose every page is withheld is a Part II item, whatever the front sheet says
        if it.pdf_pages and all(n in whole for n in range(it.pdf_pages[0], it.pdf_pages[1] + 1)):
            it.restricted = True
    return ParsedDocument(
        doc_id=doc_id,
        source=source,
        sha256=sha,
        doc_type=meta.doc_type,
        title=meta.title,
        council=meta.council,
        committee=meta.committee,
        meeting_date=meta.meeting_date,
        meeting_time=meta.meeting_time,
        venue=meta.venue,
        unsure=meta.unsure,
        inspection=inspection,
        votes=votes,
        attendance=attendance,
        declarations=declarations,
        authority=inspection.authority if inspection else None,
        pages=pages,
        items=items,
        minutes=minutes,
        paragraphs=paragraphs,
        judgements=judgements,
        chunks=chunks,
        restricted=bool(pages) and len(whole) == len(pages),
    )


def _agenda(
    pages_text: list[str], lines: list[Line], labels: list[str | None]
) -> tuple[FrontSheet, list[AgendaItem], dict[int, str], bool]:
    """Agenda items (front sheet, printed-range mapping, page stamps) and whether the paper reads as
    minutes."""
    front = parse_front_sheet(lines, labels)
    items: list[AgendaItem] = list(front.items)
    map_items_to_pdf(items, label_to_pdf(labels), len(pages_text))
    marks = agenda_item_marks(lines, front.last_page)
    head = "\n".join(pages_text[0].split("\n")[:30])
    if front.items and minutes_evidence(pages_text):
        # numbered headings of minutes that mention an "Agenda Item" are not a front sheet
        front = FrontSheet(0, [], {})
        items = []
    looks_minutes = (bool(_MINUTES_HEAD.search(head)) or minutes_evidence(pages_text)) and not items
    return front, items, marks, looks_minutes


def _minutes(
    lines: list[Line], items: list[AgendaItem], looks_minutes: bool, tags: list[LineTag]
) -> tuple[list[Minute], list[AgendaItem], set[int]]:
    """Minutes: the whole paper when it is minutes, else inside the pack's "Minutes" items. Tags each
    line with its minute (and, in a paper of minutes, its item); returns the minutes, the items the
    minutes name, and the line indices where a minute or item starts."""
    minutes: list[Minute] = []
    minute_regions: list[tuple[list[Line], str | None]] = []
    if not items and looks_minutes:
        minute_regions.append((lines, None))
    else:
        for it in items:
            if it.pdf_pages and re.search(r"\bminutes\b", it.title, re.I):
                lo, hi = it.pdf_pages
                minute_regions.append(([line for line in lines if lo <= line.pdf_page <= hi], it.number))
    minute_items: list[AgendaItem] = []
    minute_starts: set[int] = set()
    for region, item_no in minute_regions:
        res = parse_minutes(region)
        if item_no is None and not res.minutes and not res.items:
            continue
        if item_no is None and not looks_minutes and len(res.minutes) < 3 and not res.items:
            continue  # a report with a few numbered headings is not minutes
        for m in res.minutes:
            if item_no is not None:
                m.agenda_item = item_no
        minutes.extend(res.minutes)
        minute_items.extend(res.items)
        minute_starts |= set(res.starts) | set(res.item_starts)
        _tag_minutes(region, res.starts, res.item_starts, tag_items=item_no is None, tags=tags)
    return minutes, minute_items, minute_starts


def _tag_minutes(
    region: list[Line], starts: dict[int, str], item_starts: dict[int, str], *, tag_items: bool, tags: list[LineTag]
) -> None:
    cur_min: str | None = None
    cur_item: str | None = None
    for line in region:
        if line.idx in starts:
            cur_min = starts[line.idx]
        if line.idx in item_starts:
            cur_item = item_starts[line.idx]
        tags[line.idx].minute = cur_min
        if tag_items:
            tags[line.idx].item = cur_item


def _items_of_lines(
    source: str,
    lines: list[Line],
    tags: list[LineTag],
    front: FrontSheet,
    items: list[AgendaItem],
    marks: dict[int, str],
    has_minutes: bool,
    n_pages: int,
) -> tuple[dict[int, str | None], str | None]:
    """Items per line: front-sheet blocks, then every later page belongs to an item. Returns the item
    of each later page and the item a file name gives, if any."""
    hint = None
    if not items and not marks and not has_minutes:
        m = _FILE_ITEM.search(Path(source).stem)
        hint = m.group(1) if m else None  # "…-item11-…" download names: the only place some reports say it
    per_page = page_items(items, marks, front.last_page, n_pages, hint) if (items or marks or hint) else {}
    for line in lines:
        t = tags[line.idx]
        if line.pdf_page <= front.last_page:
            t.item = front.item_lines.get(line.idx)
        elif per_page and (front.items or marks or hint):
            t.item = per_page.get(line.pdf_page)
    return per_page, hint


def _part2(
    lines: list[Line],
    tags: list[LineTag],
    front: FrontSheet,
    items: list[AgendaItem],
    per_page: dict[int, str | None],
    minute_starts: set[int],
) -> list[str | None]:
    """Part II: every line knows whether the public may read it (ingest/exempt.py)."""
    paged_items = [
        front.item_lines.get(line.idx) if line.pdf_page <= front.last_page else per_page.get(line.pdf_page)
        for line in lines
    ]
    rules = line_rules(
        lines,
        item_of_line=paged_items,
        exempt_items={it.number for it in items if it.restricted},
        front_last=front.last_page,
        boundaries=minute_starts,
        part2_from=front.part2_from,
    )
    for line in lines:
        tags[line.idx].restricted = rules[line.idx] is not None
    return rules


def _add_stamped_items(
    items: list[AgendaItem], marks: dict[int, str], per_page: dict[int, str | None], hint: str | None
) -> None:
    """Items known only from page stamps or the file name, with the pages they cover."""
    known = {it.number for it in items}
    for num in sorted({v for v in marks.values() if v not in known} | ({hint} if hint else set())):
        item_pages = [p for p, v in per_page.items() if v == num]
        items.append(
            AgendaItem(number=num, title="", pdf_pages=(min(item_pages), max(item_pages)) if item_pages else None)
        )


def _paragraphs(lines: list[Line], tags: list[LineTag]) -> list[Paragraph]:
    """Numbered paragraphs, each line tagged with the paragraph it is in (never across an item)."""
    paras = paragraph_numbers(lines, {line.idx: tags[line.idx].item for line in lines})
    current: str | None = None
    prev_item: object = object()
    for line in lines:
        if tags[line.idx].item != prev_item:
            current, prev_item = None, tags[line.idx].item
        if line.idx in paras:
            current = paras[line.idx]
        tags[line.idx].paragraph = current
    return [Paragraph(number=num, pdf_page=lines[i].pdf_page, item=tags[i].item) for i, num in sorted(paras.items())]


def _metadata(
    pages_text: list[str], lines: list[Line], front: FrontSheet, items: list[AgendaItem], minutes: list[Minute]
) -> tuple[DocMeta, Inspection | None, list[Judgement]]:
    """The paper's metadata, its inspection (an Ofsted report) and its judgements."""
    full_text = "\n".join(pages_text)
    judgements: list[Judgement] = parse_judgements(lines) if re.search(r"ofsted", full_text, re.I) else []
    meta = read_metadata(pages_text, has_front_items=bool(front.items), has_minutes=bool(minutes) and not front.items)
    inspection = None
    if meta.doc_type == DocType.OFSTED_REPORT.value:
        inspection = parse_inspection(pages_text)
        judgements = report_judgements(pages_text, lines)
        if inspection and inspection.authority:
            # the report's own title names the authority: it outranks any letterhead-shaped line
            meta.council = council_of(inspection.authority, inspection.kind)
            meta.unsure = [u for u in meta.unsure if not u.startswith("council")]
    if meta.doc_type != DocType.OFSTED_REPORT.value and not any(
        re.search(r"ofsted|inspection", it.title + " " + it.description, re.I) for it in items
    ):
        judgements = []  # grade words in committee papers are not judgements unless an inspection is in them
    return meta, inspection, judgements


def _decision_notices(pages_text: list[str], lines: list[Line], tags: list[LineTag]) -> list[Minute]:
    """A decision notice: one decision per page, cited like a minute."""
    minutes = parse_decision_pages(pages_text)
    on_page = {m.pdf_pages[0]: m.number for m in minutes}
    for line in lines:
        if line.pdf_page in on_page:
            tags[line.idx].minute = on_page[line.pdf_page]
    return minutes


def _meeting_records(
    lines: list[Line], tags: list[LineTag], minutes: list[Minute], doc_type: str
) -> tuple[list[Vote], list[Attendance], list[Declaration]]:
    """Votes, attendance and declarations of interest, where the paper records a meeting."""
    if not minutes and doc_type != DocType.MINUTES.value:
        return [], [], []
    minute_of = {line.idx: tags[line.idx].minute for line in lines}
    titles = {m.number: m.title for m in minutes}
    first = (
        min((line.idx for line in lines if tags[line.idx].minute or tags[line.idx].item), default=None)
        if doc_type == DocType.MINUTES.value
        else 0
    )
    attendance = records.attendance(lines, minute_of, first, titles)
    declarations = records.declarations(lines, minute_of, titles)
    return records.votes(lines, minute_of), attendance, declarations


def _page(i: int, label: str | None, text: str, extras: PageExtras, settings: Settings) -> Page:
    conf = extras.ocr.get(i)
    ocr = i in extras.ocr
    return Page(
        pdf_page=i + 1,
        label=label,
        text=text,
        ocr=ocr,
        ocr_confidence=conf,
        low_confidence=ocr and (conf is None or conf < settings.ocr_low_confidence),
        section=extras.sections[i] if i < len(extras.sections) else None,
    )
