"""The app factory: `create_app(settings)` builds one FastAPI app over one data directory.

No module-level app and no module-level settings: `cllr serve` and every test build their own,
so two apps with different credentials can run side by side in one test session.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cllr.offline import ensure_offline
from cllr.settings import Settings
from service.answering import AnswerService, Busy
from service import access_log
from service.auth import AnswerSlots, Authenticator, ConfigError, FileLinks, RateLimiter
from service.body_guard import BodyGuard, BodyLimits
from service.db import ServiceDB
from service.errors import error_response as _error
from service.release import ReleaseCheck
from service.jobs import JobRunner
from service.security_headers import API_HEADERS, SecurityHeaders, frame_ancestors

log = logging.getLogger("cllr.service")

TAGS = [
    {"name": "answers", "description": "Questions answered from the papers, with citations."},
    {"name": "papers", "description": "Search and browse documents, pages, resolutions, meetings."},
    {"name": "ingestion", "description": "Upload and remove papers (admin)."},
    {"name": "feedback", "description": "Ratings on answers."},
    {"name": "ops", "description": "Health and readiness."},
    {"name": "widget", "description": "The embeddable chat widget and its demo page."},
]


class StartupError(RuntimeError):
    """The service cannot start; the message says what to fix."""


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    ensure_offline()
    db = ServiceDB(settings.sqlalchemy_url)
    try:
        db.ping()
        db.create_tables()
    except Exception as e:
        raise StartupError(
            f"cannot reach the database at {_redacted(settings.sqlalchemy_url)}: "
            f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} "
            "(check CLLR_DATABASE_URL / CLLR_DATA_DIR)"
        ) from None
    from index.library import Library
    from service.engine import build_engine

    library = Library(settings)
    engine = build_engine(settings, library)
    state = app.state
    state.db, state.library, state.engine = db, library, engine
    state.release = ReleaseCheck(library)
    state.answers = AnswerService(engine, db, AnswerSlots(settings.max_concurrent_answers), state.links, state.release)
    state.jobs = JobRunner(library, db)
    state.warmup = Warmup(library)
    state.warmup.start()
    if state.authenticator.open:
        log.warning(
            "cllr service running OPEN: no API keys or OIDC configured, every caller is 'public' "
            "(Part II material is withheld). Set CLLR_API_KEYS or CLLR_OIDC_JWKS_URL to require "
            "credentials."
        )
    else:
        log.info(
            "cllr service requires credentials (API keys: %s, OIDC: %s)",
            "yes" if state.authenticator.keys else "no",
            "yes" if state.authenticator.oidc.configured else "no",
        )
    try:
        yield
    finally:
        state.jobs.shutdown()
        close = getattr(library, "close", None)
        if callable(close):
            close()
        db.dispose()


WARMUP_ATTEMPTS = 4
WARMUP_PAUSE_S = 2.0  # times the attempt number: 2, 4, 6 s between attempts


class Warmup:
    """Loads the embedding model, Chroma and BM25 once at startup, off the event loop, so the first
    councillor's question isn't the one that waits for them; /readyz says "loading" until done."""

    def __init__(self, library: Any):
        self.library = library
        self.status = "loading"

    def start(self) -> None:
        threading.Thread(target=self._run, name="cllr-warmup", daemon=True).start()

    def _run(self) -> None:
        # A failure at startup may pass (another process or thread holding the database file for a
        # moment): try again a few times before /readyz reports it.
        for attempt in range(1, WARMUP_ATTEMPTS + 1):
            try:
                self.library.documents(role="public")  # the store answers
                self.library.search("committee", k=1)  # model, vectors and keyword index loaded
                self.library.bulk_embedder.embed_documents(["committee"])  # the answers' (and uploads') model
                self.status = "ok"
                return
            except Exception as e:
                why = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                if attempt == WARMUP_ATTEMPTS:
                    log.exception("index warm-up failed")
                    self.status = f"failed: {why}"
                    return
                log.warning("index warm-up attempt %d failed, trying again: %s", attempt, why)
                time.sleep(WARMUP_PAUSE_S * attempt)


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "request body is not valid JSON"
    parts = []
    for e in errors[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return 422, "; ".join(parts)


def _install_error_handlers(app: FastAPI) -> None:
    from index.filters import FilterError
    from ingest.errors import IngestError
    from service.answer.conversations import ConversationNotFound

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = _validation_message(exc)
        return _error(status, message, "invalid_request")

    @app.exception_handler(FilterError)
    async def bad_filter(_: Request, exc: FilterError) -> JSONResponse:
        return _error(400, str(exc), "invalid_request")

    @app.exception_handler(ValidationError)
    async def bad_model(_: Request, exc: ValidationError) -> JSONResponse:
        # a model built inside a route from user input (e.g. SearchFilters from query strings)
        msg = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors()[:5])
        return _error(400, msg, "invalid_request")

    @app.exception_handler(ConversationNotFound)
    async def no_conversation(_: Request, exc: ConversationNotFound) -> JSONResponse:
        # someone else's conversation is "not found", as a missing one is: a 403 would confirm it exists
        return _error(404, str(exc), "not_found")

    @app.exception_handler(IngestError)
    async def bad_paper(_: Request, exc: IngestError) -> JSONResponse:
        return _error(422, str(exc), "invalid_document")

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        return _error(503, str(exc), "unavailable", {"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        # Logged with the trace here; the client gets one line and never the trace.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # sent by Starlette's outermost middleware, past SecurityHeaders: so the headers go on here
        return _error(500, "internal error; the service log has the details", "server_error", API_HEADERS)


def _trusted_proxies(spec: str) -> list[str]:
    """CLLR_TRUSTED_PROXIES → IPs/networks, checked now: uvicorn would take a typo for a host name
    that never matches, and silently trust nobody (or, with "*", everybody)."""
    out = [p.strip() for p in spec.split(",") if p.strip()]
    for p in out:
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            raise ConfigError(
                f"CLLR_TRUSTED_PROXIES: {p[:60]!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return out


def _install_middleware(app: FastAPI, settings: Settings, authenticator: Authenticator) -> None:
    """Outermost first: forwarded headers (so everything after sees the real client), security
    headers (so every answer carries them, refusals included), CORS (so a browser can read a
    refusal), then the body guard, which refuses before the routes read a byte."""
    limits = BodyLimits(
        json_bytes=settings.max_body_kb * 1024,
        upload_bytes=settings.max_upload_mb << 20,
        timeout_s=settings.body_timeout_s,
    )
    app.add_middleware(BodyGuard, authenticator=authenticator, limits=limits)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    ancestors = frame_ancestors(settings.cors_origins if settings.frame_ancestors is None else settings.frame_ancestors)
    docs = frozenset(p for p in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if p)
    app.add_middleware(SecurityHeaders, ancestors=ancestors, docs_paths=docs)
    proxies = _trusted_proxies(settings.trusted_proxies)
    if proxies:
        # uvicorn's own middleware, here rather than in `cllr serve`, so any ASGI server gets the same rule
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    access_log.install()


def create_app(settings: Settings | None = None) -> FastAPI:
    from cllr.settings import get_settings
    from service.routes import ROUTERS

    settings = settings or get_settings()
    # Credential settings are checked now, not on the first request: a typo in CLLR_API_KEYS
    # should stop `cllr serve`, not lock everyone out later.
    authenticator = Authenticator(settings)
    app = FastAPI(
        title="cllr",
        version="0.1.0",
        lifespan=_lifespan,
        openapi_tags=TAGS,
        summary="Answers over council committee papers, cited to document, item/minute and page.",
    )
    app.state.settings = settings
    app.state.authenticator = authenticator
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.links = FileLinks(open_mode=authenticator.open)
    _install_middleware(app, settings, authenticator)
    _install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
