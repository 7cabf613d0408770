"""Decision-recording forms (one decision per page, lettered fields) become records cited like
minutes, whichever of the two common layouts a council uses: lettered fields with labels after the
letter, or labelled fields with the decision under "Decision:"."""

from __future__ import annotations

import pytest
import io

from cllr.settings import Settings
from ingest.pipeline import parse_bytes

pytestmark = pytest.mark.unit


def _pdf(pages: list[list[str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


LETTERED = [
    [
        "Northshire County Council",
        "RECORD OF EXECUTIVE DECISION",
        "Decision No: 25/00031",
        "Subject: Home to School Transport Policy 2025/26",
        "Decision maker: Cabinet Member for Education",
        "(a) Decision taken:",
        "To adopt the Home to School Transport Policy 2025/26 as consulted upon.",
        "(b) Reasons for the decision:",
        "The policy meets the statutory duty and the consultation supported it.",
        "(c) Alternative options considered and rejected:",
        "Keeping the 2024/25 policy unchanged.",
        "(d) Conflicts of interest declared:",
        "None.",
    ],
    [
        "Northshire County Council",
        "RECORD OF EXECUTIVE DECISION",
        "Decision No: 25/00032",
        "Subject: Fostering Allowances 2025/26",
        "(a) Decision taken:",
        "To increase fostering allowances by 4 per cent from 1 April 2025.",
        "(b) Reasons for the decision:",
        "To keep allowances in line with the national minimum.",
        "(c) Alternative options considered and rejected:",
        "No increase.",
        "(d) Conflicts of interest declared:",
        "None.",
    ],
]

LABELLED = [
    [
        "Eastvale Borough Council",
        "DECISION NOTICE",
        "Reference: ODR-2025-07",
        "Title: Parks Events Fees",
        "Decision:",
        "That the fees for events in parks be held at the 2024 level.",
        "Reasons for the decision:",
        "Fees were reviewed in 2024.",
        "Signed: Director of Place",
    ]
]


def test_lettered_forms_give_one_decision_per_page():
    d = parse_bytes(_pdf(LETTERED), "decisions.pdf", Settings())
    assert d.doc_type == "decision_notice" and d.council == "Northshire County Council"
    assert [(m.number, m.title, m.pdf_pages) for m in d.minutes] == [
        ("25/00031", "Home to School Transport Policy 2025/26", (1, 1)),
        ("25/00032", "Fostering Allowances 2025/26", (2, 2)),
    ]
    assert d.minutes[1].resolved == ["To increase fostering allowances by 4 per cent from 1 April 2025."]
    assert d.minutes[1].resolved_pages == [2]
    assert {c.minute for c in d.chunks if c.pdf_page == 2} == {"25/00032"}


def test_labelled_form_reads_the_decision_field():
    d = parse_bytes(_pdf(LABELLED), "notice.pdf", Settings())
    assert d.doc_type == "decision_notice" and d.council == "Eastvale Borough Council"
    assert [(m.number, m.title) for m in d.minutes] == [("ODR-2025-07", "Parks Events Fees")]
    assert d.minutes[0].resolved == ["That the fees for events in parks be held at the 2024 level."]
