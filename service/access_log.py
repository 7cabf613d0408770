"""Signed file links kept out of the access log.

A citation's link carries an HMAC signature that opens the paper for an hour without a key; an
access log is read by more people (and kept longer) than the papers' own audience. uvicorn logs
the request target with its query string, so this filter on the `uvicorn.access` logger rewrites
that argument without `sig`, `exp` and `sub` (and a viewer link's `highlight`, the quoted words,
which for a member can be Part II text) before any handler formats it. What is left says which
document and page were opened (`/v1/documents/{id}/file?role=member&page=4`).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

# the signed link's secrets, and a viewer link's highlight: the quoted words, Part II ones for a member
SECRET_PARAMS = frozenset({"sig", "exp", "sub", "highlight"})
ACCESS_LOGGER = "uvicorn.access"
# uvicorn's access record: '%s - "%s %s HTTP/%s" %d' % (client, method, target, http_version, status)
_TARGET = 2


def scrub(target: str) -> str:
    """A request target without the signed link's secret parameters."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in SECRET_PARAMS]
    return path + (f"?{urlencode(kept)}" if kept else "")


class SignedLinkFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        target = args[_TARGET] if isinstance(args, tuple) and len(args) > _TARGET else None
        if isinstance(args, tuple) and isinstance(target, str) and "?" in target:
            record.args = args[:_TARGET] + (scrub(target),) + args[_TARGET + 1 :]
        return True


def install() -> None:
    """Once per process. On the logger, not a handler: uvicorn's logging config (dictConfig)
    replaces the handlers when a server starts, and keeps a logger's filters."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, SignedLinkFilter) for f in logger.filters):
        logger.addFilter(SignedLinkFilter())
