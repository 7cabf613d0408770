"""Render a SamplePdf to PDF bytes with reportlab, deterministically.

Determinism matters because the PDFs are committed and a document's id is the sha256 of its bytes:
`invariant=1` fixes the creation date and file id, and nothing else varies between runs.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus import Table, TableStyle

from ingest.samples.layout import Block, SamplePdf

MARGIN = 54.0
FOOTER_Y = 30.0

_STYLES: dict[str, ParagraphStyle] = {
    "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=18, spaceAfter=8),
    "heading": ParagraphStyle(
        "heading", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
    ),
    "subheading": ParagraphStyle(
        "subheading", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=4, spaceAfter=2
    ),
    "body": ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=4),
    "indent": ParagraphStyle("indent", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=4, leftIndent=18),
    "small": ParagraphStyle("small", fontName="Helvetica", fontSize=8.5, leading=11, spaceAfter=4),
}


class PageOverflowError(RuntimeError):
    """A page's text did not fit, which would shift every printed page range after it."""


def _flowable(block: Block, width: float) -> Flowable:
    if block.style == "space":
        return Spacer(1, 8)
    if block.style == "table":
        # Plain strings, not wrapped Paragraphs: each cell then sits on its row's baseline, so a
        # text extractor reads "area grade" as one line, as in real inspection reports. Cells must
        # therefore fit their column; too-long text shows as overflow when you look at the PDF.
        first = width * block.first_col
        t = Table([list(r) for r in block.rows], colWidths=[first, width - first], hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t
    return Paragraph(escape(block.text), _STYLES[block.style])


def render_pdf(sample: SamplePdf) -> bytes:
    labels = [p.label for p in sample.pages]
    drawn: list[int] = []

    # Drawn at the end of the page so the footer follows the body in the content stream, and so in
    # extracted text, as it does in most real packs.
    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        n = doc.page
        drawn.append(n)
        label = labels[n - 1] if n <= len(labels) else None
        if label is not None:
            canvas.setFont("Helvetica", 9)
            canvas.drawCentredString(A4[0] / 2, FOOTER_Y, f"Page {label}")

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=sample.title,
        author="Northshire County Council",
        subject=sample.subject,
        creator="cllr ingest.samples",
        invariant=1,
        pageCompression=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=on_page)])

    story: list[Flowable] = []
    for i, spec in enumerate(sample.pages):
        if i:
            story.append(PageBreak())
        story.extend(_flowable(b, doc.width) for b in spec.blocks)
    doc.build(story)
    if len(drawn) != len(sample.pages):
        raise PageOverflowError(
            f"{sample.filename}: expected {len(sample.pages)} pages, rendered "
            f"{len(drawn)}; shorten the text of the page that overflowed"
        )
    return buf.getvalue()
