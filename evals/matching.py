"""The text, item and page rules a score rests on.

These follow the written definitions that ../shared/evals/score.py (the independent scorer)
documents, so the two agree figure for figure; tests/evals/test_scoring.py checks that on a
fixture covering every rule. This is our own code: the shared scorer is not part of the project.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

# Curly quotes and primes are straightened and a no-break space becomes a space, so an answer
# typed with smart quotes still matches a gold alternative typed with straight ones.
_STRAIGHTEN = {ord(c): "'" for c in "\u2018\u2019\u201b\u2032"}
_STRAIGHTEN.update({ord(c): '"' for c in "\u201c\u201d\u201f"})
_STRAIGHTEN[0x00A0] = " "
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, straight quotes, casefold, whitespace runs to one space. Not stripped: a gold
    alternative such as " adequate" relies on its leading space ("inadequate" must not match)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text)).translate(_STRAIGHTEN).casefold())


# A thousands comma: digit before, exactly three digits after and then no further digit.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def drop_thousands_commas(text: str) -> str:
    return _THOUSANDS.sub("", text)


def _is_digit(ch: str) -> bool:
    # The context test is a decimal digit (regex \d); the needle's own edges use str.isdigit.
    return ch.isdecimal()


def _left_ok(before: str) -> bool:
    """May a needle that starts with a digit begin right after `before`?

    Not inside a longer number: "10" in "2010" and "120" in "1,120" or "1.120" are refused.
    Leading zeros are allowed ("9.30" matches "09.30") when the zero run does not itself
    continue a number ("100" does not yield "0", "1.05" does not yield "5").
    """
    if not before:
        return True
    tail = before
    if tail[-1] in ".,":
        tail = tail[:-1]
        if not tail or not _is_digit(tail[-1]):
            return True
        return _only_leading_zeros(before)
    if not _is_digit(tail[-1]):
        return True
    return _only_leading_zeros(before)


def _only_leading_zeros(before: str) -> bool:
    """`before` ends in a run of zeros that does not follow a digit, point or comma."""
    i = len(before)
    while i > 0 and before[i - 1] == "0":
        i -= 1
    if i == len(before):
        return False
    return i == 0 or not (_is_digit(before[i - 1]) or before[i - 1] in ".,")


def _bounded_in(hay: str, needle: str) -> bool:
    digit_start, digit_end = needle[0].isdigit(), needle[-1].isdigit()
    at = hay.find(needle)
    while at != -1:
        after = hay[at + len(needle) :]
        if (not digit_start or _left_ok(hay[:at])) and (not digit_end or not (after and _is_digit(after[0]))):
            return True
        at = hay.find(needle, at + 1)
    return False


def has_alternative(answer: str, alternative: str) -> bool:
    needle = normalise(alternative)
    if not needle.strip():
        return False
    # Padded so an alternative with a meaningful edge space still matches at the answer's ends.
    hay = f" {normalise(answer)} "
    return _bounded_in(hay, needle) or _bounded_in(drop_thousands_commas(hay), drop_thousands_commas(needle))


def includes_all(answer: str, must_include: list[list[str]]) -> bool:
    return all(any(has_alternative(answer, alt) for alt in group) for group in must_include)


_CITATION_BRACKETS = re.compile(r"\[[^\]]*\]")


def words(answer: str) -> int:
    """Words in an answer; inline citations in [square brackets] do not count."""
    return len(_CITATION_BRACKETS.sub(" ", answer).split())


# "Agenda item 7", "Item No. 7", "Minute 394", "min. 394", "#7", "7." -> "7"
_ITEM_LEAD = re.compile(
    r"^\s*(?:agenda\s+)?(?:items|item|minutes|minute|min|number|no)?\s*\.?\s*(?:no\.?\s*)?[#:]?\s*", re.IGNORECASE
)
_ITEM_NUMBER = re.compile(r"^0*(\d+[a-z]?)(?![a-z0-9])", re.IGNORECASE)


def item_key(item: Any) -> str | None:
    if item is None:
        return None
    text = unicodedata.normalize("NFKC", str(item)).strip()
    if not text:
        return None
    m = _ITEM_NUMBER.match(_ITEM_LEAD.sub("", text, count=1))
    if m:
        return m.group(1).lower()
    return _SPACES.sub(" ", text.casefold()).strip(" .:;,)(")


def source_key(source: Any) -> str:
    return "" if source is None else Path(str(source).replace("\\", "/")).name.casefold()


def page_number(value: Any) -> int | None:
    """A 1-based page as int; anything that is not a whole number cannot hit."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit():
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None
