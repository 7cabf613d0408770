"""Token-budgeted chunks that never cross a PDF page or an item/minute boundary, each with a short
deterministic context header (embedded and keyword-indexed with the text)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ingest.layout import Line
from ingest.models import Chunk

HEADER_MAX_TOKENS = 40


@lru_cache(maxsize=1)
def encoder():
    from cllr.offline import ensure_offline

    ensure_offline()
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(encoder().encode(text, disallowed_special=()))


@dataclass
class LineTag:
    item: str | None = None
    minute: str | None = None
    paragraph: str | None = None
    restricted: bool = False
    furniture: bool = False  # a running header/footer or page number: kept on the page, not in chunks


@dataclass
class DocContext:
    doc_id: str
    source: str
    doc_type: str
    council: str | None
    committee: str | None
    meeting_date: str | None
    item_titles: dict[str, str]
    minute_titles: dict[str, str]
    labels: list[str | None]
    venue: str | None = None  # where the meeting was held: stands in for a council the paper never names


def _short(title: str | None, words: int) -> str:
    if not title:
        return ""
    w = title.split()
    return " ".join(w[:words]) + ("…" if len(w) > words else "")


def make_header(ctx: DocContext, tag: LineTag, pdf_page: int) -> str:
    label = ctx.labels[pdf_page - 1] if 0 < pdf_page <= len(ctx.labels) else None
    page = f"p. {label}" if label else f"pdf p. {pdf_page}"
    for words in (8, 5, 3, 0):
        # a paper that prints no council still prints where it met: the place locates it instead
        parts = [x for x in (ctx.council or ctx.venue, ctx.committee, ctx.meeting_date) if x]
        if tag.minute:
            parts.append(f"minute {tag.minute} {_short(ctx.minute_titles.get(tag.minute), words)}".strip())
        elif tag.item:
            parts.append(f"item {tag.item} {_short(ctx.item_titles.get(tag.item), words)}".strip())
        parts.append(page)
        header = " · ".join(parts)
        if count_tokens(header) <= HEADER_MAX_TOKENS:
            return header
    return header


def build_chunks(ctx: DocContext, lines: list[Line], tags: list[LineTag], *, budget: int, overlap: int) -> list[Chunk]:  # noqa: C901
    enc = encoder()
    chunks: list[Chunk] = []
    page_first: dict[int, int] = {}
    for line in lines:
        page_first.setdefault(line.pdf_page, line.idx)

    # groups of consecutive lines sharing page and structure
    groups: list[list[int]] = []
    key_prev = None
    for i, line in enumerate(lines):
        t = tags[i]
        key = (line.pdf_page, t.item, t.minute, t.restricted)
        if key != key_prev:
            groups.append([])
            key_prev = key
        groups[-1].append(i)

    for g in groups:
        pieces: list[tuple[int, str, int]] = []  # (line index, text, tokens)
        for i in g:
            s = lines[i].text.strip()
            if not s or tags[i].furniture:
                continue
            toks = enc.encode(s, disallowed_special=())
            if len(toks) <= budget:
                pieces.append((i, s, len(toks)))
            else:  # one enormous line (a table flattened by pypdf): cut by tokens
                for k in range(0, len(toks), budget):
                    pieces.append((i, enc.decode(toks[k : k + budget]), len(toks[k : k + budget])))
        if not pieces:
            continue
        start = 0
        while start < len(pieces):
            total, end, para_break = 0, start, False
            while end < len(pieces) and total + pieces[end][2] <= budget:
                # prefer to end a chunk where a numbered paragraph starts, once it is half full:
                # citations name paragraphs, so a chunk should rarely straddle two
                if (
                    end > start
                    and total >= budget // 2
                    and tags[pieces[end][0]].paragraph != tags[pieces[end - 1][0]].paragraph
                ):
                    para_break = True
                    break
                total += pieces[end][2]
                end += 1
            end = max(end, start + 1)
            _emit(ctx, chunks, lines, tags, pieces[start:end], page_first)
            if end >= len(pieces):
                break
            # carry a little context into the next chunk (never across the group boundary)
            back, carried = end, 0
            while back - 1 > start and carried + pieces[back - 1][2] <= overlap:
                back -= 1
                carried += pieces[back][2]
            start = back if back < end and not para_break else end
    return chunks


def _emit(
    ctx: DocContext,
    chunks: list[Chunk],
    lines: list[Line],
    tags: list[LineTag],
    pieces: list[tuple[int, str, int]],
    page_first: dict[int, int],
) -> None:
    first = pieces[0][0]
    tag = tags[first]
    page = lines[first].pdf_page
    text = "\n".join(p[1] for p in pieces)
    para = next((tags[p[0]].paragraph for p in pieces if tags[p[0]].paragraph), None)
    seq = len(chunks)
    label = ctx.labels[page - 1] if 0 < page <= len(ctx.labels) else None
    chunks.append(
        Chunk(
            chunk_id=f"{ctx.doc_id}-{seq:05d}",
            doc_id=ctx.doc_id,
            source=ctx.source,
            seq=seq,
            text=text,
            header=make_header(ctx, tag, page),
            pdf_pages=[page],
            page_labels=[label],
            token_count=sum(p[2] for p in pieces),
            item=tag.item,
            item_title=ctx.item_titles.get(tag.item or ""),
            minute=tag.minute,
            minute_title=ctx.minute_titles.get(tag.minute or ""),
            paragraph=para,
            restricted=tag.restricted,
            page_lines=(pieces[0][0] - page_first[page], pieces[-1][0] - page_first[page]),
            doc_type=ctx.doc_type,
            council=ctx.council,
            committee=ctx.committee,
            meeting_date=ctx.meeting_date,
        )
    )
