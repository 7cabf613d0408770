"""The decision register as a search index over a real library: Kent County Council's minutes (the
council's meetings of 9 January and 13 March 2025, Cabinet of 30 January, the Corporate Parenting
Panel of 10 December 2024) and the two reports the March council decided on, ingested with the real
Library (embeddings, Chroma, BM25)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from cllr.settings import Settings
from index.filters import FilterError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "external"
PAPERS = (
    "kent-council-2025-01-09-minutes.pdf",
    "kent-council-2025-03-13-minutes.pdf",
    "kent-cabinet-2025-01-30-minutes.pdf",
    "kent-corporate-parenting-panel-2024-12-10-minutes.pdf",
    "kent-council-2025-03-13-item09-family-hubs-callin-report.pdf",
    "kent-council-2025-03-13-item11-devolution-lgr-report.pdf",
)
pytestmark = [pytest.mark.integration, pytest.mark.shared]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from index.library import Library

    d = tmp_path_factory.mktemp("decisions")
    lib = Library(Settings(data_dir=d))
    try:
        for name in PAPERS:
            path = SHARED / name
            if not path.is_file():
                pytest.fail(f"{path} is missing: the decision search tests read ../shared/corpus/external")
            assert lib.ingest_file(path).status == "added"
    finally:
        lib.close()
    return d


@pytest.fixture(scope="module")
def library(data_dir: Path):
    from index.library import Library

    lib = Library(Settings(data_dir=data_dir))
    yield lib
    lib.close()


def test_a_topic_decided_at_two_meetings_is_a_timeline_in_order_each_cited(library):
    """Devolution: endorsed (as amended) by the council on 9 January, the update noted on 13 March."""
    steps = library.decision_timeline("devolution", role="public")
    got = [
        (str(s.record.meeting_date), s.record.minute, s.record.outcome, s.record.pdf_page, s.record.source)
        for s in steps
    ]
    assert got == [
        ("2025-01-09", "285", "amended", 10, "kent-council-2025-01-09-minutes.pdf"),
        ("2025-03-13", "302", "noted", 10, "kent-council-2025-03-13-minutes.pdf"),
    ]
    first, second = (s.to_json() for s in steps)
    assert first["line"].startswith("County Council agreed as amended: Endorses the ongoing joint work between KCC")
    assert first["cite"] == "County Council, 9 Jan 2025 — minute 285, pdf p.10"
    assert second["line"] == "County Council noted: notes the update on devolution and local government reorganisation"


def test_a_follow_on_the_papers_make_joins_the_timeline(library):
    """The council noted the Corporate Parenting Panel's minutes of 10 December: the panel's decisions
    come first, each cited, then the council's, which follows them."""
    steps = library.decision_timeline("corporate parenting panel minutes", role="public")
    panel = [s for s in steps if s.record.committee == "Corporate Parenting Panel"]
    council = [s for s in steps if s.record.minute == "295"]
    assert panel and council and steps.index(council[0]) > steps.index(panel[-1])
    assert set(council[0].record.follows) >= {s.record.id for s in panel if s.record.agenda_item == "3"}
    assert all(s.record.pdf_page and s.record.source for s in steps)


def test_ranked_search_with_filters(library):
    hits = library.decisions("family hubs", role="public")
    assert hits[0].record.minute == "300" and hits[0].record.meeting_date.isoformat() == "2025-03-13"
    # the report it decided on is the call-in report of item 9, a paper of the library
    assert hits[0].record.report["source"] == "kent-council-2025-03-13-item09-family-hubs-callin-report.pdf"
    assert [h.record.minute for h in library.decisions("family hubs", committee="cabinet", role="public")] == []
    noted = library.decisions(None, outcome="noted", role="public")
    assert noted and {h.record.outcome for h in noted} == {"noted"}
    jan = library.decisions(None, date_from="2025-01-01", date_to="2025-01-31", role="public")
    assert {str(h.record.meeting_date) for h in jan} == {"2025-01-09", "2025-01-30"}
    with pytest.raises(FilterError):
        library.decisions("x", outcome="postponed")


def test_found_by_meaning_when_the_words_differ(library):
    """No decision says "vapes ban" and "the waste plan" the same way the question does; their
    minutes' passages are close in meaning."""
    hits = library.decisions("environmental harm from single use vapes", role="public")
    assert hits and hits[0].record.minute == "308"
    assert hits[0].dense_rank is not None


def test_part_ii_decisions_only_for_those_who_may_see_them(library):
    store = library.store
    from index.store import DecisionRow

    doc = store.by_source("kent-cabinet-2025-01-30-minutes.pdf")
    with store.session() as s, s.begin():  # as if minute 92 were exempt
        s.execute(
            update(DecisionRow)
            .where(DecisionRow.doc_id == doc.doc_id, DecisionRow.minute_number == "92")
            .values(restricted=True)
        )
        store._bump(s)
    try:
        officer = library.decisions("commissioning plan education", role="officer")
        assert [h.record.minute for h in officer][:1] == ["92"]
        assert "92" not in [h.record.minute for h in library.decisions("commissioning plan education", role="public")]
        assert "92" not in [s.record.minute for s in library.decision_timeline("education commissioning plan")]
        rec = library.decisions("commissioning plan education", role="member")[0].record
        assert library.decision(rec.id, "public") is None and library.decision(rec.id, "member") == rec
    finally:
        with store.session() as s, s.begin():
            s.execute(update(DecisionRow).where(DecisionRow.doc_id == doc.doc_id).values(restricted=False))
            store._bump(s)


def test_papers_stored_before_the_register_are_backfilled(data_dir):
    """A database from before migration 0007 has minutes but no decisions (and no blocks): the first
    read of the register builds them from what the store holds."""
    from index.library import Library
    from index.store import DecisionRow, ResolutionRow

    lib = Library(Settings(data_dir=data_dir))
    try:
        before = {h.record.id: h.record.outcome for h in lib.decisions(None, role="admin")}
        with lib.store.session() as s, s.begin():
            s.execute(delete(DecisionRow))
            s.execute(update(ResolutionRow).values(block=None))
            lib.store._bump(s)
        fresh = Library(Settings(data_dir=data_dir))
        after = {h.record.id: h.record.outcome for h in fresh.decisions(None, role="admin")}
        assert after == before
        fresh.close()
    finally:
        lib.close()


def test_cli(data_dir):
    from cllr.cli import app

    run = CliRunner().invoke(app, ["decisions", "devolution", "--timeline", "--data-dir", str(data_dir)])
    assert run.exit_code == 0, run.output
    assert run.output.splitlines()[0].startswith("2025-01-09  County Council agreed as amended: Endorses")
    run = CliRunner().invoke(app, ["decisions", "pay policy", "--csv", "--data-dir", str(data_dir)])
    assert run.exit_code == 0 and run.output.splitlines()[0].startswith("meeting_date,council,committee,minute")
    assert "307" in run.output.splitlines()[1] and "for 32, against 1, abstain 2" in run.output
    run = CliRunner().invoke(app, ["decisions", "x", "--from", "2025-13-01", "--data-dir", str(data_dir)])
    assert run.exit_code == 2 and "from: '2025-13-01' is not a date" in run.output
