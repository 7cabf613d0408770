"""Security headers on every response: a Content-Security-Policy, nosniff, no referrer, no framing.

Three kinds of response, three policies:
- the widget page (`/`): may run its own script and stylesheet only (widget.js, widget.css and
  demo.css are static files: nothing inline), talk to this origin, and be framed by the origins a
  deployment names (CLLR_FRAME_ANCESTORS, else CLLR_CORS_ORIGINS, else this origin alone);
- FastAPI's interactive docs (`/docs`, `/redoc`): they load Swagger UI / ReDoc from their CDN and
  start them with an inline script, so they get a policy allowing exactly that; they hold no data;
- everything else (JSON, the papers' PDFs, scripts): nothing may run from it or frame it.

`Referrer-Policy: no-referrer` everywhere: a signed citation link opened from a PDF viewer must not
travel to the next site in a Referer header. Headers a route set itself are left as they are.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.auth import ConfigError

_ORIGIN = re.compile(r"^(?:'self'|https?://(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?)$")

COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# No default-src on the papers themselves: Chromium applies a PDF response's policy to its built-in
# viewer, and `object-src 'none'` (which default-src 'none' implies) leaves it blank.
FILE_CSP = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
API_HEADERS = {**COMMON, "Content-Security-Policy": API_CSP, "X-Frame-Options": "DENY"}
WIDGET_PAGES = frozenset({"/"})
_FILE = re.compile(r"^/v1/documents/[^/]+/file$")


def frame_ancestors(spec: str) -> str:
    """CLLR_FRAME_ANCESTORS (or CLLR_CORS_ORIGINS) → the frame-ancestors source list. Checked at
    startup: a value with a `;` in it would otherwise write directives of its own."""
    origins = [o for o in re.split(r"[,\s]+", spec.strip()) if o]
    for o in origins:
        if not _ORIGIN.match(o):
            raise ConfigError(f"CLLR_FRAME_ANCESTORS: {o[:60]!r} is not an origin like https://intranet.example.gov.uk")
    return " ".join(origins) or "'self'"


def widget_csp(ancestors: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, ancestors: str, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.widget = widget_csp(ancestors)
        self.docs_paths = docs_paths

    def _for(self, path: str) -> dict[str, str]:
        if path in WIDGET_PAGES:
            return {**COMMON, "Content-Security-Policy": self.widget}
        if path in self.docs_paths:
            csp = DOCS_CSP
        elif _FILE.match(path):
            csp = FILE_CSP
        else:
            csp = API_CSP
        return {**COMMON, "Content-Security-Policy": csp, "X-Frame-Options": "DENY"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._for(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
