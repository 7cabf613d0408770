from __future__ import annotations

import pytest
import numpy as np

from index.keyword import KeywordIndex, bm25_matrix, tokenize

pytestmark = pytest.mark.unit


def test_tokenize_keeps_numbers_money_and_names() -> None:
    toks = tokenize("Minute 394: £1.9m and £2,250,900 for Children's services; Cllr O'Neill; item 7a; para 2.1.")
    for t in ("394", "1.9m", "2250900", "7a", "2.1", "children", "servic"):
        assert t in toks, t
    assert tokenize("O'Neill") == tokenize("ONeill") == tokenize("O’Neill's") and len(tokenize("O'Neill")) == 1
    assert tokenize("2,250,900") == tokenize("£2250900") == ["2250900"]
    assert "the" not in tokenize("the committee")
    assert tokenize("looked after services") == tokenize("Looking After Service")  # stemming + case


def test_persisted_and_reloaded(tmp_path) -> None:
    order = [("a-0", "a", False), ("a-1", "a", True), ("b-0", "b", False)]
    texts = {"a-0": "school places strategy", "a-1": "exempt contract award", "b-0": "bus passes 394"}
    idx = KeywordIndex(tmp_path)
    idx.rebuild(7, order, lambda ids: {i: texts[i] for i in ids})
    again = KeywordIndex(tmp_path)
    assert again.generation == 7 and len(again) == 3
    assert [h.chunk_id for h in again.search("394", 5, allow_restricted=False)] == ["b-0"]
    assert again.search("contract award", 5, allow_restricted=False) == []
    assert [h.chunk_id for h in again.search("contract award", 5, allow_restricted=True)] == ["a-1"]
    assert again.search("school", 5, allow_restricted=True, doc_ids=["b"]) == []
    assert again.search("unknownword", 5, allow_restricted=True) == []
    # a torn file is a cache miss, not a crash
    (tmp_path / KeywordIndex.FILE).write_bytes(b"garbage")
    assert KeywordIndex(tmp_path).generation == -1


def _corpus(n_docs: int, n_vocab: int, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_vocab + 1)
    docs = [rng.choice(n_vocab, size=int(rng.integers(0, 60)), p=p / p.sum()).tolist() for _ in range(n_docs)]
    docs[3] = []  # a chunk with no tokens
    return docs


def test_matrix_is_what_bm25s_builds() -> None:
    import bm25s

    docs = _corpus(3000, 700)
    vocab = {f"w{i}": i for i in range(800)}  # the tail never occurs (deleted chunks' words)
    ref = bm25s.BM25()
    ref.index((docs, vocab), create_empty_token=False, show_progress=False)
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in docs], out=offsets[1:])
    flat = np.asarray([t for d in docs for t in d], dtype=np.int32)
    got = bm25_matrix(flat, offsets, len(vocab))
    assert got["num_docs"] == ref.scores["num_docs"]
    for key in ("data", "indices", "indptr"):
        assert got[key].dtype == ref.scores[key].dtype, key
        assert np.array_equal(got[key], ref.scores[key]), key


def _order(n: int) -> list[tuple[str, str, bool]]:
    return [(f"c{i}", f"d{i // 10}", i % 7 == 0) for i in range(n)]


def _texts(ids) -> dict[str, str]:
    return {i: f"minute {i[1:]} school transport budget {'bus' if int(i[1:]) % 2 else 'rail'}" for i in ids}


def test_rebuild_tokenises_only_new_chunks_across_processes(tmp_path) -> None:
    asked: list[str] = []

    def fetch(ids):
        asked.extend(ids)
        return _texts(ids)

    idx = KeywordIndex(tmp_path)
    idx.rebuild(1, _order(50), fetch)
    assert len(asked) == 50
    first = [(h.chunk_id, h.score) for h in idx.search("bus minute 13", 5, allow_restricted=True)]
    asked.clear()
    again = KeywordIndex(tmp_path)  # a new process: the state holds no tokens, the cache file does
    assert not hasattr(again._state, "tokens")
    again.prime((cid, t) for cid, t in _texts(["c50", "c51"]).items())
    again.rebuild(2, _order(52)[1:], fetch)  # c0 deleted, c50-c51 primed
    assert asked == []
    fresh = KeywordIndex(tmp_path / "fresh")
    fresh.rebuild(2, _order(52)[1:], _texts)
    q = "bus minute 51 school"
    assert [(h.chunk_id, h.score) for h in again.search(q, 10, allow_restricted=True)] == [
        (h.chunk_id, h.score) for h in fresh.search(q, 10, allow_restricted=True)
    ]
    assert first[0][0] == "c13"


def test_token_cache_of_another_state_is_not_used(tmp_path) -> None:
    """Token ids mean something only with their vocabulary: a cache file written by another
    process's rebuild (a different vocabulary) is re-tokenised, never misread."""
    a, b = KeywordIndex(tmp_path), KeywordIndex(tmp_path)
    a.rebuild(1, _order(20), _texts)
    assert b.generation == 1
    b.prime([("x0", "zebra crossing")])  # b's vocabulary gains "zebra"
    a.prime([("y0", "yellow lines")])  # a's gains "yellow" under the same id
    a.rebuild(2, _order(20) + [("y0", "dy", False)], _texts)
    asked: list[str] = []
    b.rebuild(3, _order(20) + [("x0", "dx", False)], lambda ids: asked.extend(ids) or _texts(ids))
    assert len(asked) == 20  # a's file was not b's: all re-read
    assert [h.chunk_id for h in b.search("zebra", 3, allow_restricted=True)] == ["x0"]
    assert b.search("yellow", 3, allow_restricted=True) == []


def test_old_format_keeps_its_tokens(tmp_path) -> None:
    import pickle

    from index.keyword import _State, tokenize as tok

    st = _State(generation=4, vocab={})
    ids = {}
    for cid, text in _texts([c for c, _, _ in _order(10)]).items():
        ids[cid] = np.asarray([st.vocab.setdefault(t, len(st.vocab)) for t in tok(text)], dtype=np.int32)
    st.__dict__.update(tokens=ids, doc_codes=np.zeros(10, dtype=np.int32))  # a state pickled by the old layout
    del st.__dict__["version"]
    (tmp_path / KeywordIndex.FILE).write_bytes(pickle.dumps(st))
    idx = KeywordIndex(tmp_path)
    assert idx.generation == -1  # rebuilt on the next search ...
    idx.rebuild(4, _order(10), lambda ids: (_ for _ in ()).throw(AssertionError(ids)))  # ... from its tokens
    assert [h.chunk_id for h in idx.search("minute 3", 1, allow_restricted=True)] == ["c3"]
