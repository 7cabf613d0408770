"""How `cllr serve` runs uvicorn: the limits a slow or hostile client meets before the app does.

- `http="h11"`: uvicorn's httptools parser has no limit on a request's headers (a 20 MB header
  was accepted on loopback); h11 refuses request lines and headers over `max_header_kb` (400).
  An answer costs tens of milliseconds or more, so the faster parser buys nothing here.
- `timeout_keep_alive`: an idle keep-alive connection is closed after `keep_alive_s`.
- `limit_concurrency`: past `max_connections` connections (or tasks) uvicorn answers 503 at once
  instead of accepting work it cannot do.
- `proxy_headers=False`: uvicorn's default believes X-Forwarded-For from 127.0.0.1, so anything on
  the same host could pick its own client address (and rate-limit bucket). The app decides instead,
  from CLLR_TRUSTED_PROXIES (service/app.py), the same way under any ASGI server.

A request body is the app's business (service/body_guard.py: size and `body_timeout_s`). Nothing
here limits how slowly a client may send its *headers*: that is the reverse proxy's job
(docs/reliability.md, "Limits and what a deployment behind a proxy must set").
"""

from __future__ import annotations

from typing import Any

from cllr.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "http": "h11",
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_s,
        "limit_concurrency": settings.max_connections,
        "h11_max_incomplete_event_size": settings.max_header_kb * 1024,
    }
