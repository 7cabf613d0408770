from __future__ import annotations

from datetime import date

import pytest

from index.filters import FilterError, SearchFilters, may_see_restricted
from index.lookup import parse_reference
from index.vectors import where_clause

pytestmark = pytest.mark.unit


def test_parse_dates_and_types() -> None:
    f = SearchFilters.parse(committee="  Cabinet ", date_from="2017-12-01", date_to="2018-01-31")
    assert f.committee == "Cabinet" and f.date_from == date(2017, 12, 1)
    assert f.date_from_key == 20171201 and f.date_to_key == 20180131
    assert SearchFilters.parse().is_empty
    assert SearchFilters.parse(committee="").is_empty


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"date_from": "19/12/2017"}, "from: '19/12/2017' is not a date; use YYYY-MM-DD"),
        ({"date_to": "2017-13-01"}, "to: '2017-13-01' is not a date"),
        ({"date_from": "2018-01-01", "date_to": "2017-01-01"}, "date range is empty"),
        ({"doc_type": "memo"}, "unknown document type 'memo'"),
    ],
)
def test_bad_input_gives_clear_error(kwargs, message) -> None:
    with pytest.raises(FilterError, match=message.replace("(", r"\(")):
        SearchFilters.parse(**kwargs)


def test_role_rule() -> None:
    assert not may_see_restricted("public")
    assert may_see_restricted("member") and may_see_restricted("officer") and may_see_restricted("admin")
    with pytest.raises(FilterError, match="unknown role"):
        may_see_restricted("guest")


def test_where_clause_always_carries_restriction_for_public() -> None:
    assert where_clause(None, allow_restricted=True, doc_ids=None) is None
    assert where_clause(None, allow_restricted=False, doc_ids=None) == {"restricted": False}
    w = where_clause(
        SearchFilters.parse(date_from="2017-01-01", doc_type="minutes"), allow_restricted=False, doc_ids=["a"]
    )
    assert {"restricted": False} in w["$and"] and {"date": {"$gte": 20170101}} in w["$and"]
    assert {"doc_id": {"$in": ["a"]}} in w["$and"] and {"doc_type": "minutes"} in w["$and"]


def test_parse_reference() -> None:
    r = parse_reference("What was decided at item 7 of 19 December 2017?")
    assert r.item == "7" and r.meeting_date == date(2017, 12, 19) and r.minute is None
    assert parse_reference("minute 394").minute == "394"
    assert parse_reference("Minute No. 12a on 2018-03-06").minute == "12a"
