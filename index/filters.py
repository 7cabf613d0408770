"""Search filters and the role → restriction rule.

The restriction rule lives here, in the index layer, so that every caller (CLI, service, evals)
goes through it: a caller can forget to pass filters, it cannot forget the role because
`Library.search` takes it and defaults to the least privileged one.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Role = Literal["public", "member", "officer", "admin"]
# The roles, defined here once (the service's credentials map onto them: service/auth.py).
ROLES: tuple[str, ...] = ("public", "member", "officer", "admin")
# Part II (exempt) papers are for councillors and officers (admin manages the index); the public never
# sees them.
RESTRICTED_ROLES = frozenset({"member", "officer", "admin"})


class FilterError(ValueError):
    """A filter value the user typed that we cannot use (one line, fit for a user)."""


def check_role(role: str) -> str:
    if role not in ROLES:
        raise FilterError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role


def may_see_restricted(role: str) -> bool:
    return check_role(role) in RESTRICTED_ROLES


def parse_date(value: str | date | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FilterError(f"{name}: {value!r} is not a date; use YYYY-MM-DD, e.g. 2017-12-19") from None


def date_key(d: date | str | None) -> int:
    """Dates as yyyymmdd ints: Chroma's where clause compares numbers, not strings. 0 = unknown."""
    if d is None or d == "":
        return 0
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return d.year * 10000 + d.month * 100 + d.day


class SearchFilters(BaseModel):
    """What a search may be narrowed to. Text fields match case-insensitively as substrings
    ("children" matches "Children's Select Committee"): people don't type committee names exactly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    council: str | None = None
    committee: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    doc_type: str | None = None
    doc_ids: tuple[str, ...] | None = None

    @field_validator("council", "committee", "doc_type", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    @model_validator(mode="after")
    def _range(self) -> "SearchFilters":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError(f"date range is empty: from {self.date_from} is after to {self.date_to}")
        return self

    @classmethod
    def parse(
        cls,
        *,
        council: str | None = None,
        committee: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        doc_type: str | None = None,
        doc_id: str | None = None,
        doc_ids: list[str] | tuple[str, ...] | None = None,
    ) -> "SearchFilters":
        """Build from user input (CLI options, query strings); bad values raise FilterError."""
        from ingest.models import DocType

        if doc_type:
            allowed = [t.value for t in DocType]
            if doc_type.strip() not in allowed:
                raise FilterError(f"unknown document type {doc_type!r}; expected one of {', '.join(allowed)}")
        ids = tuple(doc_ids or ()) + ((doc_id,) if doc_id else ())
        d_from, d_to = parse_date(date_from, "from"), parse_date(date_to, "to")
        if d_from and d_to and d_from > d_to:  # checked here too: pydantic would wrap it in a ValidationError
            raise FilterError(f"date range is empty: from {d_from} is after to {d_to}")
        return cls(
            council=council, committee=committee, date_from=d_from, date_to=d_to, doc_type=doc_type, doc_ids=ids or None
        )

    @property
    def is_empty(self) -> bool:
        return not (self.council or self.committee or self.date_from or self.date_to or self.doc_type or self.doc_ids)

    @property
    def date_from_key(self) -> int | None:
        return date_key(self.date_from) if self.date_from else None

    @property
    def date_to_key(self) -> int | None:
        return date_key(self.date_to) if self.date_to else None
