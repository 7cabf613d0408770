from __future__ import annotations

from index.keyword import KeywordIndex, tokenize


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
