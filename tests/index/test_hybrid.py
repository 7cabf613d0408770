from __future__ import annotations

import pytest
from index.hybrid import boost_meeting_date, diversify_pages, rrf
from index.lookup import query_date_keys

pytestmark = pytest.mark.unit


def test_rrf_scores_and_order() -> None:
    fused = rrf([("a", 0.9), ("b", 0.8)], [("b", 12.0), ("c", 5.0)], k=60)
    assert [f.chunk_id for f in fused] == ["b", "a", "c"]
    assert abs(fused[0].score - (1 / 62 + 1 / 61)) < 1e-12
    assert fused[0].dense_rank == 2 and fused[0].keyword_rank == 1
    weighted = rrf([("a", 0.9)], [("c", 5.0)], k=60, dense_weight=0.5)
    assert [f.chunk_id for f in weighted] == ["c", "a"]


def test_date_boost_is_a_prior() -> None:
    fused = rrf([("a", 0.9), ("b", 0.8), ("c", 0.7)], [], k=60)
    dates = {"a": 20180101, "b": 20171219, "c": 20171201}
    assert [f.chunk_id for f in boost_meeting_date(list(fused), dates, 20171219, None, k=60)] == ["b", "a", "c"]
    assert [f.chunk_id for f in boost_meeting_date(list(fused), dates, None, 201712, k=60)][:2] == ["b", "c"]
    assert [f.chunk_id for f in boost_meeting_date(list(fused), dates, None, None, k=60)] == ["a", "b", "c"]
    assert query_date_keys("the 19 December 2017 pack") == (20171219, None)
    assert query_date_keys("in March 2025") == (None, 202503)


def test_diversify_pages_keeps_everything() -> None:
    items = [("d", 1), ("d", 1), ("d", 2), ("e", 1), ("d", 2)]
    out = diversify_pages(list(enumerate(items)), lambda it: it[1])
    assert [i for i, _ in out] == [0, 2, 3, 1, 4]
