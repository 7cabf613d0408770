"""A paper's page as a PNG, with the words of a quotation highlighted: what the cited-page viewer
shows so a councillor does not have to find the quoted words on the page themselves.

The page is rendered by pypdfium2 (PDFium, the renderer Chromium uses); the boxes of the quoted
words come from PDFium's own text positions of the same page, so a box is where the glyphs are
drawn. The quotation is matched to the page's words as words (lower case, punctuation and line
breaks ignored), because the quote was taken from another reader's text of the page (pypdf's) and
the two differ in spacing and hyphenation, not in words.

What a caller may see is decided before this module is called (service/routes/viewer.py): a page
holding Part II lines is rendered for the public from the public copy of the paper
(service/redaction.py), whose page carries only a notice and the page's open text, never from
the original, whose image would show the exempt words.

Images are cached on disk under the data dir, keyed by document (its content hash), page, the
variant of the paper (original, or the public copy named by what it withholds), the scale and the
highlighted words; so a cached image can never be stale, and a public variant never shares a file
with the original. PDFium is not thread-safe: every call into it holds one process-wide lock.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

_PDFIUM = threading.Lock()
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class PageImageConfig:
    scale: float = 1.5  # 72 dpi × 1.5: an A4 page 893 px wide, legible on a laptop and in print
    png_compress_level: int = 3  # zlib level: 4x faster to encode than the default for ~15% more bytes
    max_highlight_chars: int = 1000  # a quotation longer than this is cut (a URL must stay short)
    min_block_words: int = 2  # a run of fewer matching words is chance, unless the quote is that short
    max_gap_words: int = 6  # matched runs this close belong to one highlighted passage
    fill: tuple[int, int, int, int] = (255, 221, 0, 110)  # translucent yellow over the words
    outline: tuple[int, int, int, int] = (11, 12, 12, 255)  # a dark edge, so the mark survives grey print


CONFIG = PageImageConfig()


@dataclass(frozen=True)
class Word:
    text: str  # lower-cased
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels (y down)


@dataclass(frozen=True)
class Highlight:
    boxes: tuple[tuple[float, float, float, float], ...]  # one per highlighted word
    words: tuple[str, ...]  # the page words highlighted
    quote_words: int  # words in the quotation
    found: int  # of them, how many are highlighted

    @property
    def coverage(self) -> float:
        return self.found / self.quote_words if self.quote_words else 0.0


@dataclass(frozen=True)
class Rendered:
    png: bytes
    highlight: Highlight | None
    cached: bool


def quote_words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def page_count(pdf_path: Path) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def page_words(pdf_path: Path, n: int, scale: float = CONFIG.scale) -> list[Word]:
    """The words of PDF page n with their boxes in the image's pixels."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            page = pdf[n - 1]
            left, _bottom, _right, top = page.get_cropbox()  # boxes are measured from the top-left
            rotation = page.get_rotation()
            tp = page.get_textpage()
            count = tp.count_chars()
            text = tp.get_text_range(0, count) if count else ""
            boxes = [tp.get_charbox(i) for i in range(len(text))]
        finally:
            pdf.close()
    if rotation:  # rare in council papers; a box drawn in the wrong frame would mislead
        return []
    out: list[Word] = []
    for m in _WORD.finditer(text):
        xs = [(b[0], b[1], b[2], b[3]) for b in boxes[m.start() : m.end()] if b[2] > b[0] and b[3] > b[1]]
        if not xs:
            continue
        x0, y0 = min(b[0] for b in xs), min(b[1] for b in xs)
        x1, y1 = max(b[2] for b in xs), max(b[3] for b in xs)
        out.append(
            Word(m.group(0).lower(), ((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale))
        )
    return out


def find_quote(words: list[Word], quote: str, config: PageImageConfig = CONFIG) -> Highlight:
    """The page words that print the quotation: runs of words matching in order (difflib's
    matching blocks), the densest group of them when the quote is not printed whole (a quote
    joined across a page's columns, an ellipsis)."""
    want = quote_words(quote[: config.max_highlight_chars])
    if not want or not words:
        return Highlight((), (), len(want), 0)
    have = [w.text for w in words]
    sm = difflib.SequenceMatcher(None, have, want, autojunk=False)
    least = 1 if len(want) < 3 else config.min_block_words
    blocks = [b for b in sm.get_matching_blocks() if b.size >= least]
    if not blocks:
        return Highlight((), (), len(want), 0)
    # group runs that sit close together on the page; keep the group matching most of the quote
    groups: list[list] = [[blocks[0]]]
    for b in blocks[1:]:
        last = groups[-1][-1]
        if b.a - (last.a + last.size) <= config.max_gap_words and b.b >= last.b:
            groups[-1].append(b)
        else:
            groups.append([b])
    best = max(groups, key=lambda g: sum(b.size for b in g))
    idx = [i for b in best for i in range(b.a, b.a + b.size)]
    return Highlight(
        tuple(words[i].box for i in idx), tuple(have[i] for i in idx), len(want), sum(b.size for b in best)
    )


def _line_rects(boxes: tuple[tuple[float, float, float, float], ...]) -> list[tuple[float, float, float, float]]:
    """Word boxes joined into one rectangle per printed line (words a column gap apart stay apart),
    so a highlight reads as a marker stroke."""
    lines: list[list[tuple[float, float, float, float]]] = []
    for b in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        mid = (b[1] + b[3]) / 2
        if lines and abs(mid - sum((x[1] + x[3]) / 2 for x in lines[-1]) / len(lines[-1])) < 0.5 * (b[3] - b[1]):
            lines[-1].append(b)
        else:
            lines.append([b])
    rects: list[tuple[float, float, float, float]] = []
    for line in lines:
        line.sort(key=lambda b: b[0])
        cur = list(line[0])
        for x0, y0, x1, y1 in line[1:]:
            if x0 - cur[2] <= 2 * (y1 - y0):
                cur = [cur[0], min(cur[1], y0), max(cur[2], x1), max(cur[3], y1)]
            else:
                rects.append((cur[0], cur[1], cur[2], cur[3]))
                cur = [x0, y0, x1, y1]
        rects.append((cur[0], cur[1], cur[2], cur[3]))
    return rects


def render(pdf_path: Path, n: int, highlight: Highlight | None = None, config: PageImageConfig = CONFIG) -> bytes:
    """PNG of PDF page n, with the highlight's words marked."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            image = pdf[n - 1].render(scale=config.scale).to_pil()
        finally:
            pdf.close()
    if highlight is not None and highlight.boxes:
        base = image.convert("RGBA")
        layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        pad = 2 * config.scale
        for x0, y0, x1, y1 in _line_rects(highlight.boxes):
            draw.rectangle(
                (x0 - pad, y0 - pad, x1 + pad, y1 + pad),
                fill=config.fill,
                outline=config.outline,
                width=max(1, round(config.scale)),
            )
        image = Image.alpha_composite(base, layer).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=config.png_compress_level)
    return buf.getvalue()


class PageImages:
    """Rendered pages cached on disk (`<data dir>/page-images`), with their highlight beside them."""

    def __init__(self, cache_dir: Path, config: PageImageConfig = CONFIG):
        self.cache_dir = cache_dir
        self.config = config

    def _key(self, doc_id: str, n: int, variant: str, highlight: str) -> Path:
        hl = (
            hashlib.sha256(" ".join(quote_words(highlight[: self.config.max_highlight_chars])).encode()).hexdigest()[
                :16
            ]
            if highlight
            else "plain"
        )
        safe = re.sub(r"[^A-Za-z0-9.-]", "_", variant)
        return self.cache_dir / doc_id / f"p{n}-{safe}-s{self.config.scale:g}-{hl}.png"

    def get(self, pdf_path: Path, doc_id: str, n: int, *, variant: str, highlight: str = "") -> Rendered:
        """The page's PNG (from the cache when it is there). `variant` names the file rendered (the
        original, or a public copy) and is part of the cache key."""
        path = self._key(doc_id, n, variant, highlight)
        meta = path.with_suffix(".json")
        if path.is_file():
            try:
                found = json.loads(meta.read_text()) if highlight and meta.is_file() else None
                hl = (
                    None
                    if found is None
                    else Highlight(
                        tuple(tuple(b) for b in found["boxes"]),
                        tuple(found["words"]),
                        found["quote_words"],
                        found["found"],
                    )
                )
                return Rendered(path.read_bytes(), hl, True)
            except (OSError, ValueError, KeyError):
                pass  # a half-written or foreign file: render again
        hl = find_quote(page_words(pdf_path, n, self.config.scale), highlight, self.config) if highlight else None
        png = render(pdf_path, n, hl, self.config)
        path.parent.mkdir(parents=True, exist_ok=True)
        if hl is not None:
            _write(
                meta,
                json.dumps(
                    {"boxes": hl.boxes, "words": hl.words, "quote_words": hl.quote_words, "found": hl.found}
                ).encode(),
            )
        _write(path, png)
        return Rendered(png, hl, False)


def _write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rendering-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)  # atomic: a concurrent reader sees no file or the whole image
