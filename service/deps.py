"""Dependencies, each named once as an `Annotated` alias so routes read as plain signatures.

Everything long-lived (library, engine, database, limits) is built by the app factory's lifespan and
hung on `app.state`; these functions only hand it out, so a test can build its own app with its own
settings, or override one dependency, without touching globals.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Query, Request

from cllr.settings import Settings
from service.answering import AnswerService
from service.auth import AuthError, Caller
from service.db import ServiceDB
from service.jobs import JobRunner
from service.release import ReleaseCheck
from service.auth import FileLinks


def _state(request: Request) -> Any:
    return request.app.state


def get_settings(request: Request) -> Settings:
    return _state(request).settings


def get_library(request: Request) -> Any:
    return _state(request).library


def get_engine(request: Request) -> Any:
    return _state(request).engine


def get_answers(request: Request) -> AnswerService:
    return _state(request).answers


def get_db(request: Request) -> ServiceDB:
    return _state(request).db


def get_jobs(request: Request) -> JobRunner:
    return _state(request).jobs


def get_links(request: Request) -> FileLinks:
    return _state(request).links


def get_release(request: Request) -> ReleaseCheck:
    return _state(request).release


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _authenticate(request: Request, authorization: str | None, x_api_key: str | None) -> Caller:
    state = _state(request)
    try:
        caller = state.authenticator.authenticate(authorization, x_api_key, _client(request))
    except AuthError as e:
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        raise HTTPException(e.status, str(e), headers=headers) from None
    return _rate_limited(request, caller)


def _rate_limited(request: Request, caller: Caller) -> Caller:
    # Keyed by credential and role, so one busy integration cannot starve the councillors' widget;
    # a signed file link counts against the caller it was issued to (its subject is signed into it);
    # in open mode everyone is anonymous, so key by client address (the peer, or the address a
    # trusted proxy forwarded: CLLR_TRUSTED_PROXIES) instead.
    retry = _state(request).rate_limiter.check(f"{caller.subject}|{caller.role}")
    if retry is not None:
        raise HTTPException(
            429,
            f"rate limit of {_state(request).rate_limiter.per_minute} requests "
            f"per minute exceeded; retry in {int(retry) + 1}s",
            headers={"Retry-After": str(int(retry) + 1)},
        )
    request.state.caller = caller
    return caller


def get_caller(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(description="API key (or send it as a Bearer token)")] = None,
) -> Caller:
    return _authenticate(request, authorization, x_api_key)


def get_file_caller(
    request: Request,
    doc_id: str,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header()] = None,
    role: Annotated[str | None, Query(max_length=16, description="signed link: role")] = None,
    sub: Annotated[str | None, Query(max_length=300, description="signed link: who it was issued to")] = None,
    exp: Annotated[str | None, Query(max_length=20, description="signed link: expiry")] = None,
    sig: Annotated[str | None, Query(max_length=64, description="signed link: signature")] = None,
    page: Annotated[
        int | None, Query(ge=1, description="the cited page, for the access log (the viewer opens #page=N)")
    ] = None,
) -> Caller:
    """A citation link opened in a browser tab carries no header, so the file route also accepts
    the signed link the service put on the citation (bound to this document, role and subject)."""
    if sig and not (authorization or x_api_key):
        caller = _state(request).links.verify(doc_id, role, exp, sig, sub)
        if caller is None:
            raise HTTPException(
                401, "this document link has expired or is not valid; open the citation again from a fresh answer"
            )
        return _rate_limited(request, caller)
    return _authenticate(request, authorization, x_api_key)


def require_admin(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if not caller.is_admin:
        raise HTTPException(403, f"this needs the admin role; you are {caller.role!r}")
    return caller


SettingsDep = Annotated[Settings, Depends(get_settings)]
LibraryDep = Annotated[Any, Depends(get_library)]  # index.library.Library
EngineDep = Annotated[Any, Depends(get_engine)]  # service.engine.AnswerEngine
AnswersDep = Annotated[AnswerService, Depends(get_answers)]
DBDep = Annotated[ServiceDB, Depends(get_db)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
LinksDep = Annotated[FileLinks, Depends(get_links)]
ReleaseDep = Annotated[ReleaseCheck, Depends(get_release)]  # service.release: the last check on text sent out
CallerDep = Annotated[Caller, Depends(get_caller)]
FileCallerDep = Annotated[Caller, Depends(get_file_caller)]
AdminDep = Annotated[Caller, Depends(require_admin)]


class Page:
    """Pagination as a dependency: `?limit=&offset=` on every list route."""

    def __init__(self, limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0):
        self.limit = limit
        self.offset = offset

    def apply(self, rows: list[Any]) -> tuple[list[Any], dict[str, Any]]:
        window = rows[self.offset : self.offset + self.limit]
        nxt = self.offset + self.limit
        return window, {
            "limit": self.limit,
            "offset": self.offset,
            "total": len(rows),
            "next_offset": nxt if nxt < len(rows) else None,
        }


PageDep = Annotated[Page, Depends()]
