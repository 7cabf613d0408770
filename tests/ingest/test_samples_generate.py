"""The sample papers: deterministic, committed up to date, and laid out as README.md promises."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from ingest.samples import texts
from ingest.samples.generate import SAMPLES_DIR, generate
from ingest.samples.layout import SamplePdf, page, para
from ingest.samples.render import PageOverflowError, render_pdf

pytestmark = pytest.mark.unit

PACK = SAMPLES_DIR / texts.AGENDA_PACK_FILE
MINUTES = SAMPLES_DIR / texts.MINUTES_FILE
REPORT = SAMPLES_DIR / texts.REPORT_TXT_FILE

FOOTER = re.compile(r"^Page (\d+)$")
FRONT_SHEET_ITEM = re.compile(r"^(\d+) (.+?) \(Pages (\d+) - (\d+)\)$")


def _pages(path: Path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(path).pages]


def _footer(text: str) -> int | None:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    m = FOOTER.match(lines[-1]) if lines else None
    return int(m.group(1)) if m else None


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("samples")
    return {p.name: p.read_bytes() for p in generate(out)}


def test_generation_is_deterministic(fresh: dict[str, bytes], tmp_path: Path) -> None:
    again = {p.name: p.read_bytes() for p in generate(tmp_path)}
    assert again == fresh
    assert sorted(fresh) == sorted([texts.AGENDA_PACK_FILE, texts.MINUTES_FILE, texts.REPORT_TXT_FILE])


def test_committed_samples_match_a_fresh_run(fresh: dict[str, bytes]) -> None:
    # Editing texts.py without regenerating (or hand-editing a PDF) would silently stale every
    # test that relies on README.md's facts.
    for name, data in fresh.items():
        committed = SAMPLES_DIR / name
        assert committed.exists(), f"{name} not committed; run python -m ingest.samples.generate"
        assert committed.read_bytes() == data, f"{name} is stale; run python -m ingest.samples.generate"


def test_samples_are_small() -> None:
    for path in (PACK, MINUTES, REPORT):
        assert path.stat().st_size < 40_000, path


def test_agenda_pack_page_count_and_footers() -> None:
    pages = _pages(PACK)
    assert len(pages) == 14
    # Unnumbered front sheet, then Page 1 on PDF page 3: labels and indices differ.
    assert [_footer(t) for t in pages] == [None, None, *range(1, 13)]
    assert not any(FOOTER.match(ln.strip()) for t in pages[:2] for ln in t.splitlines())


def test_front_sheet_ranges_point_at_the_items_first_pages() -> None:
    pages = _pages(PACK)
    front = [ln.strip() for t in pages[:2] for ln in t.splitlines()]
    ranges = {m.group(1): (int(m.group(3)), int(m.group(4))) for m in map(FRONT_SHEET_ITEM.match, front) if m}
    assert ranges == {"3": (1, 3), "5": (4, 6), "6": (7, 8), "7": (9, 10), "9": (11, 12)}
    by_label = {_footer(t): t for t in pages}
    for item, (first, last) in ranges.items():
        assert by_label[first].lstrip().startswith(f"Agenda Item {item}\n")
        assert last in by_label
    # The ranges tile the whole pack after the front sheet: every page belongs to an item.
    covered = sorted(n for first, last in ranges.values() for n in range(first, last + 1))
    assert covered == list(range(1, 13))


def test_part_ii_item_is_marked_exempt() -> None:
    front = _flat(" ".join(_pages(PACK)[:2]))
    part2 = front.index("PART II")
    assert front.index("8 Exclusion of the Press and Public") < part2
    assert front.index("9 Residential Placement Framework: Contract Award (Pages 11 - 12)") > part2
    assert "paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972" in front[part2:]
    # The restricted canary appears only inside item 9's pages (PDF 13-14).
    pages = _pages(PACK)
    with_canary = [i + 1 for i, t in enumerate(pages) if "Harbourside Care Partnership" in t]
    assert with_canary == [13, 14]
    assert "Harbourside" not in " ".join(_pages(MINUTES)) + REPORT.read_text(encoding="utf-8")


def test_pack_minutes_numbers_and_school_transport_resolution() -> None:
    pages = _pages(PACK)
    heads = [
        (i + 1, int(m.group(1)))
        for i in range(2, 5)
        for m in (re.match(r"^(\d{2}) [A-Z]", ln) for ln in pages[i].splitlines())
        if m
    ]
    assert [n for _, n in heads] == list(range(41, 49))
    assert dict((n, p) for p, n in heads)[45] == 3
    resolved = _flat(pages[3])
    assert (
        "(a) That the draft School Transport Policy 2025/26 be endorsed for public consultation, "
        "subject to the retention of free transport"
    ) in resolved
    lines = [ln.strip() for ln in pages[3].splitlines()]
    assert lines.index("Resolved:") < next(i for i, ln in enumerate(lines) if "School Transport" in ln)


def test_injected_instruction_is_planted_verbatim_in_one_paragraph() -> None:
    pages = _pages(PACK)
    hits = [i + 1 for i, t in enumerate(pages) if texts.INJECTED_INSTRUCTION in _flat(t)]
    assert hits == [7]
    assert re.search(r"4\.3 .*" + re.escape(texts.INJECTED_INSTRUCTION), _flat(pages[6]))


def test_ofsted_judgements_are_in_the_table() -> None:
    lines = [ln.strip() for ln in _pages(PACK)[8].splitlines()]
    for area, grade in texts.JUDGEMENTS:
        i = lines.index(area)
        assert lines[i + 1] == grade


def test_minutes_pdf_pages_footers_and_numbers() -> None:
    pages = _pages(MINUTES)
    assert len(pages) == 3
    assert [_footer(t) for t in pages] == [1, 2, 3]
    numbers = [int(m.group(1)) for t in pages for m in (re.match(r"^(\d{2}) [A-Z]", ln) for ln in t.splitlines()) if m]
    assert numbers == list(range(49, 58))
    assert "Present: Councillor Margaret Ashworth (Chairman)" in _flat(pages[0])
    assert sum(ln.strip() == "RESOLVED:" for t in pages for ln in t.splitlines()) == 6


def test_text_report_is_utf8_with_numbered_paragraphs() -> None:
    text = REPORT.read_text(encoding="utf-8")
    assert "£3.2 million" in text
    assert re.findall(r"^(\d\.\d) ", text, flags=re.M) == ["1.1", "2.1", "2.2", "3.1", "3.2", "4.1"]


def test_overflowing_page_fails_instead_of_shifting_labels() -> None:
    too_long = SamplePdf("x.pdf", "x", "x", (page(1, *[para("word " * 80)] * 40),))
    with pytest.raises(PageOverflowError):
        render_pdf(too_long)
