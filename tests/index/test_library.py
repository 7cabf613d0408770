from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from index.filters import SearchFilters
from index.library import Library, Mode
from tests.index.factories import CARE, TRANSPORT, make_doc

pytestmark = pytest.mark.integration


def counts(lib: Library) -> tuple[int, int, int]:
    lib.refresh_keyword()
    return lib.store.chunk_count(), lib.vectors.count(), len(lib.keyword)


@pytest.fixture
def lib(settings, embedder) -> Library:
    lib = Library(settings, embedder=embedder)
    assert lib.ingest_parsed(CARE).status == "added"
    assert lib.ingest_parsed(TRANSPORT).status == "added"
    return lib


def test_add_search_and_counts_in_step(lib: Library) -> None:
    assert counts(lib) == (6, 6, 6)
    hits = lib.search("looked after children numbers", role="officer", k=3)
    assert hits[0].chunk_id == CARE.chunks[0].chunk_id
    assert hits[0].minute == "390" and hits[0].cite_item == "390" and hits[0].page_label == "11"
    assert "minute 390" in hits[0].describe(1)


def test_reingest_is_unchanged(lib: Library) -> None:
    before = counts(lib)
    assert lib.ingest_parsed(CARE).status == "unchanged"
    assert counts(lib) == before


def test_replace_same_source_new_bytes(lib: Library) -> None:
    new = make_doc(
        "care.pdf", [("5", "390", False, 1, "Revised: adoption scorecard for 2017 published.")], version="v2"
    )
    res = lib.ingest_parsed(new)
    assert res.status == "replaced" and res.replaced_doc_id == CARE.doc_id
    assert counts(lib) == (3, 3, 3)
    assert lib.store.get_document(CARE.doc_id) is None
    for mode in ("dense", "keyword", "hybrid"):
        hits = lib.search("School Places Strategy capital", role="admin", k=10, mode=mode)
        assert all(h.doc_id != CARE.doc_id for h in hits), mode
    assert lib.search("adoption scorecard", role="admin", mode="keyword")[0].doc_id == new.doc_id


def test_delete_removes_everything(lib: Library) -> None:
    assert lib.delete_document(TRANSPORT.doc_id)
    assert not lib.delete_document(TRANSPORT.doc_id)
    assert counts(lib) == (4, 4, 4)
    for mode in ("dense", "keyword", "hybrid"):
        assert all(h.doc_id != TRANSPORT.doc_id for h in lib.search("bus passes transport", role="admin", mode=mode))


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_restricted_hidden_from_public(lib: Library, mode: Mode) -> None:
    q = "contract award Acme Transport Ltd"
    public = lib.search(q, role="public", k=10, mode=mode)
    assert public, "public still gets the non-restricted chunks"
    assert all(not h.restricted for h in public)
    member = lib.search(q, role="member", k=10, mode=mode)
    assert member[0].minute == "395" and member[0].restricted


def test_filters_apply_to_both_indexes(lib: Library) -> None:
    f = SearchFilters.parse(committee="cabinet")
    for mode in ("dense", "keyword", "hybrid"):
        hits = lib.search("school transport", filters=f, role="admin", mode=mode)
        assert hits and all(h.doc_id == TRANSPORT.doc_id for h in hits), mode
    f = SearchFilters.parse(date_from="2017-12-01", date_to="2017-12-31")
    assert {h.doc_id for h in lib.search("school transport", filters=f, role="admin")} == {CARE.doc_id}
    f = SearchFilters.parse(doc_type="agenda_pack")
    assert {h.doc_id for h in lib.search("school", filters=f, role="admin")} == {TRANSPORT.doc_id}
    assert lib.search("school", filters=SearchFilters.parse(committee="planning"), role="admin") == []


def test_keyword_finds_numbers_money_and_names(lib: Library) -> None:
    for q in ("394", "£1.9m", "2250900", "O'Neill"):
        hits = lib.search(q, role="public", mode="keyword", k=1)
        assert hits, q
    assert lib.search("394", role="public", mode="keyword")[0].minute == "394"
    assert lib.search("£1.9m", role="public", mode="keyword")[0].minute == "394"
    assert lib.search("oneill", role="public", mode="keyword")[0].doc_id == TRANSPORT.doc_id


def test_lookups(lib: Library) -> None:
    m = lib.minutes(number="394")
    assert len(m) == 1 and m[0].doc.source == "care.pdf" and m[0].resolved
    assert lib.items(number="7", date_from=date(2017, 12, 19), date_to=date(2017, 12, 19))[0].title == "Item 7"
    res = lib.resolutions("School Places Strategy")
    assert [r.minute for r in res] == ["394"]
    assert lib.minutes(number="395", role="public") == []
    assert lib.minutes(number="395", role="member")[0].restricted
    assert lib.items(number="8", role="public") == []
    meetings = lib.meetings()
    assert {m.committee for m in meetings} == {"Children's Select Committee", "Cabinet"}
    assert lib.page(CARE.doc_id, 4, role="public") is None
    assert lib.page(CARE.doc_id, 4, role="officer")[0] == "14"


def ingest_killed_at(lib: Library, monkeypatch, part: object, method: str, doc) -> None:
    """Ingest `doc` with `part.method` raising, as a process killed on that call would stop."""

    def boom(*a, **k):
        raise RuntimeError("power cut")

    monkeypatch.setattr(part, method, boom)
    with pytest.raises(RuntimeError):
        lib.ingest_parsed(doc)
    monkeypatch.undo()


def test_crash_before_store_commit_leaves_nothing(settings, embedder, monkeypatch) -> None:
    lib = Library(settings, embedder=embedder)
    lib.ingest_parsed(TRANSPORT)
    ingest_killed_at(lib, monkeypatch, lib.store, "put_document", CARE)
    # store first: vectors are never written ahead of their rows, so no orphans to mistake for
    # another process's in-flight document
    assert lib.store.get_document(CARE.doc_id) is None
    assert lib.vectors.count() == 2
    assert counts(Library(settings, embedder=embedder)) == (2, 2, 2)


def test_crash_between_store_and_vectors_is_repaired_by_the_next_process(settings, embedder, monkeypatch) -> None:
    lib = Library(settings, embedder=embedder)
    lib.ingest_parsed(TRANSPORT)
    ingest_killed_at(lib, monkeypatch, lib.vectors, "upsert", CARE)
    assert lib.store.get_document(CARE.doc_id) is not None
    assert lib.vectors.count() == 2  # the committed document has no vectors ...
    fresh = Library(settings, embedder=embedder)  # ... until the next process opens the library
    assert fresh.vectors.count() == 2 + len(CARE.chunks)
    hits = fresh.search("looked after children", role="admin", mode="dense")
    assert hits and hits[0].doc_id == CARE.doc_id


def test_replace_killed_before_its_vectors_is_repaired_even_with_as_many_chunks(
    settings, embedder, monkeypatch
) -> None:
    """A new version with as many chunks as the old: were the old vectors still there after the
    commit, orphans and missing vectors would balance and reconcile's count check would miss both."""
    lib = Library(settings, embedder=embedder)
    lib.ingest_parsed(CARE)
    new = replace(
        CARE,
        doc_id="c0ffee0000000000",
        sha256="c0ffee" + CARE.sha256[6:],
        chunks=[replace(c, doc_id="c0ffee0000000000", chunk_id=f"c0ffee0000000000-{c.seq:04d}") for c in CARE.chunks],
    )
    assert len(new.chunks) == len(CARE.chunks)
    ingest_killed_at(lib, monkeypatch, lib.vectors, "upsert", new)
    assert lib.store.get_document(new.doc_id) is not None and lib.store.get_document(CARE.doc_id) is None
    assert lib.vectors.all_ids() == set()  # the old version's vectors went before the commit
    fresh = Library(settings, embedder=embedder)
    assert fresh.vectors.all_ids() == fresh.store.chunk_ids() == {c.chunk_id for c in new.chunks}


def test_failed_file_is_one_line(settings, embedder, tmp_path) -> None:
    pytest.importorskip("ingest.pipeline", reason="parser not landed yet")
    lib = Library(settings, embedder=embedder)
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    res = lib.ingest_file(bad)
    assert res.status == "failed" and res.error and "empty.pdf" in res.error and "\n" not in res.error
    assert "failed" in res.summary()


@pytest.mark.parametrize("ahead", [1, 16])
def test_ingest_files_parses_ahead_and_answers_as_file_by_file(settings, embedder, tmp_path, ahead) -> None:
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "ingest" / "samples"
    files = sorted(samples.glob("*.pdf")) + sorted(samples.glob("*.txt"))
    twin = tmp_path / "copy-of-minutes.pdf"  # the same bytes under another name
    twin.write_bytes(files[1].read_bytes())
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    missing = tmp_path / "gone.pdf"
    lib = Library(settings, embedder=embedder)
    got = list(lib.ingest_files([*files, twin, empty, missing], ahead=ahead))
    assert [r.status for r in got] == ["added"] * len(files) + ["unchanged", "failed", "failed"]
    assert "empty.pdf" in got[-2].error and "gone.pdf" in got[-1].error
    assert [r.status for r in lib.ingest_files(files)] == ["unchanged"] * len(files)
    # the same index as ingesting one file at a time
    one = Library(settings.model_copy(update={"data_dir": tmp_path / "one"}), embedder=embedder)
    for f in files:
        one.ingest_file(f)
    assert counts(one) == counts(lib)
    doc_id = got[0].doc_id
    assert doc_id is not None
    assert {c.chunk_id for c in one.store.doc_chunks(doc_id)} == {c.chunk_id for c in lib.store.doc_chunks(doc_id)}


def test_the_next_file_is_embedded_while_this_one_is_written(settings, embedder, tmp_path, monkeypatch) -> None:
    """ingest_files embeds file N+1 while file N's store write runs (each write still after its own
    vectors are ready, in order); a caller that stops early leaves no embedding thread behind."""
    import threading
    import time as _time
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "ingest" / "samples"
    files = sorted(samples.glob("*.pdf")) + sorted(samples.glob("*.txt"))
    events: list[str] = []
    lock = threading.Lock()

    class Recording:
        name, dim = embedder.name, embedder.dim

        def embed_documents(self, texts):
            with lock:
                events.append("embed")
            return embedder.embed_documents(texts)

        def embed_query(self, text):
            return embedder.embed_query(text)

    lib = Library(settings, embedder=Recording())
    put = lib.store.put_document

    def slow_put(*a, **k):
        with lock:
            events.append("write")
        _time.sleep(1.0)  # long enough for the next file's embedding to start meanwhile
        with lock:
            events.append("written")
        return put(*a, **k)

    monkeypatch.setattr(lib.store, "put_document", slow_put)
    assert [r.status for r in lib.ingest_files(files)] == ["added"] * len(files)
    first_write = events.index("write")
    assert "embed" in events[first_write : events.index("written")]  # file 2 embedded during file 1's write
    assert events.count("embed") == len(files) and events.count("write") == len(files)

    events.clear()
    more = []
    for f in files:  # new bytes, so each is a new paper
        more.append(tmp_path / f"again-{f.name}")
        more[-1].write_bytes(f.read_bytes() + b"\n")
    it = lib.ingest_files(more)
    next(it)
    it.close()  # the caller stops after one result
    assert events.count("write") == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("cllr-embed-ahead")]
