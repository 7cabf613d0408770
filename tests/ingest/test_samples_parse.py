"""The shipped sample papers parse into the structure they were written with (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cllr.settings import Settings
from ingest.pipeline import parse_file

pytestmark = pytest.mark.unit

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"


def _one(pattern: str) -> Path:
    found = sorted(SAMPLES.glob(pattern))
    if not found:
        pytest.fail(f"sample {pattern} missing from ingest/samples (run `make samples`)")
    return found[0]


def test_sample_pack():
    d = parse_file(_one("*agenda_pack.pdf"), Settings())
    assert d.doc_type == "agenda_pack" and d.council and d.committee and d.meeting_date
    assert d.pages[0].label is None and any(p.label == "1" for p in d.pages)
    ranged = [i for i in d.items if i.page_labels]
    assert ranged and all(i.pdf_pages for i in ranged)
    assert any(i.restricted for i in d.items)  # a Part II item
    assert all(c.restricted for c in d.chunks if c.item in {i.number for i in d.items if i.restricted})
    assert d.minutes and all(m.agenda_item for m in d.minutes)
    nums = [int(m.number) for m in d.minutes]
    assert nums == sorted(nums) and len(set(nums)) == len(nums)
    assert any(m.resolved for m in d.minutes)
    assert d.judgements and any(j.area.lower() == "overall effectiveness" for j in d.judgements)
    after_front = [c for c in d.chunks if c.pdf_page > max(p.pdf_page for p in d.pages if p.label is None)]
    assert after_front and all(c.item for c in after_front)


def test_sample_minutes_and_text_report():
    m = parse_file(_one("*minutes.pdf"), Settings())
    assert m.doc_type == "minutes" and len(m.minutes) >= 5
    assert any(x.resolved for x in m.minutes)
    assert all(c.minute for c in m.chunks if c.pdf_page > 1 or "Resolved" in c.text)
    t = parse_file(_one("*.txt"), Settings())
    assert t.chunks and t.pages
