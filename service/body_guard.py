"""Request bodies: who may send one, how large, how slowly, all decided before a byte of it is read.

FastAPI reads a route's JSON or form body *before* it resolves the route's dependencies, so the key
check in service/deps.py comes too late to stop an anonymous 500 MB POST from being read into
memory. This pure ASGI middleware sits in front of every route and, for a request that carries a
body (a Content-Length above 0, or chunked):

1. with credentials configured, authenticates the headers first: no valid key or token, 401, and
   the body is never read (role checks stay with the routes, whose dependencies run before they
   read: the upload route reads its own body after `require_admin`);
2. refuses a declared Content-Length over the route's cap (413) without reading;
3. counts the bytes as the app reads them, so a chunked or lying body is cut off at the cap (413);
4. gives the whole body `body_timeout_s` to arrive (408): a client trickling a byte a second
   cannot hold a connection and its buffers for ever.

Every refusal here, and any answer the app gives before it has read the whole body (a 403 from the
upload's role check, a 429), closes the connection (`Connection: close`): the server would otherwise
read the rest of the body only to throw it away.

Hand-written rather than Starlette's RequestBodyLimitMiddleware: the cap depends on the route and
on settings (uploads get max_upload_mb, everything else max_body_kb), and the credential-first rule
and the deadline have to wrap the same `receive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.auth import Authenticator, AuthError
from service.errors import error_response

CLOSE = {"Connection": "close"}
# A multipart upload carries a boundary and part headers around the file: allowed on top of the file's cap.
MULTIPART_OVERHEAD = 64 * 1024


class BodyRefused(HTTPException):
    """Raised from `receive` while the app reads: FastAPI passes HTTPExceptions from body reading
    through unchanged, so the app's handler turns it into the usual JSON error."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message, headers=dict(CLOSE))


@dataclass(frozen=True)
class BodyLimits:
    json_bytes: int  # every route but uploads
    upload_bytes: int  # the file itself; the multipart envelope may add MULTIPART_OVERHEAD
    timeout_s: float
    upload_routes: frozenset[tuple[str, str]] = frozenset({("POST", "/v1/documents")})

    def cap(self, method: str, path: str) -> tuple[int, str]:
        """(bytes allowed, how to say so) for a route."""
        if (method, path.rstrip("/") or "/") in self.upload_routes:
            return self.upload_bytes + MULTIPART_OVERHEAD, f"the {_size(self.upload_bytes)} limit for uploads"
        return self.json_bytes, f"the {_size(self.json_bytes)} limit for a request body"


def _size(n: int) -> str:
    return f"{n // (1 << 20)} MB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n // 1024} KB"


def _declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None  # the HTTP server refuses a malformed Content-Length before we see it


class BodyGuard:
    def __init__(self, app: ASGIApp, *, authenticator: Authenticator, limits: BodyLimits) -> None:
        self.app = app
        self.authenticator = authenticator
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = _declared_length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if not chunked and not declared:
            await self.app(scope, receive, send)  # no body: nothing to guard
            return
        refused = await self._credential_refusal(scope, headers)
        if refused is not None:
            await refused(scope, receive, send)
            return
        cap, limit_text = self.limits.cap(scope["method"], scope["path"])
        if declared is not None and declared > cap:
            await error_response(413, f"request body of {declared:,} bytes is over {limit_text}", headers=dict(CLOSE))(
                scope, receive, send
            )
            return
        await self._guarded(scope, receive, send, cap, limit_text)

    async def _credential_refusal(self, scope: Scope, headers: Headers) -> Any:
        if self.authenticator.open:
            return None
        client = scope.get("client")
        try:
            # in a thread: an OIDC token may need the identity provider's keys fetched
            await run_in_threadpool(
                self.authenticator.authenticate,
                headers.get("authorization"),
                headers.get("x-api-key"),
                client[0] if client else "unknown",
            )
        except AuthError as e:
            extra = {"WWW-Authenticate": "Bearer"} if e.status == 401 else {}
            return error_response(e.status, str(e), headers={**extra, **CLOSE})
        return None

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, cap: int, limit_text: str) -> None:
        timeout = self.limits.timeout_s
        deadline = anyio.current_time() + timeout
        received = 0
        complete = False
        started = False

        async def guarded_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()  # after the body: e.g. a stream waiting for a disconnect
            with anyio.move_on_after(max(0.0, deadline - anyio.current_time())):
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > cap:
                        raise BodyRefused(413, f"request body is over {limit_text}")
                    complete = not message.get("more_body", False)
                return message
            raise BodyRefused(408, f"the request body did not arrive within {timeout:g} s")

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if not complete:
                    # answered before the body was read (a 403 from a role check, a 429): close,
                    # or the server reads the rest of it only to throw it away
                    MutableHeaders(scope=message)["Connection"] = "close"
            await send(message)

        try:
            await self.app(scope, guarded_receive, watched_send)
        except BodyRefused as e:
            # Raised outside a route's body reading (e.g. a middleware read it): answer here.
            if started:
                raise
            await error_response(e.status_code, str(e.detail), headers=dict(CLOSE))(scope, receive, send)
