"""One router per resource; `ROUTERS` is the order they appear in the OpenAPI schema."""

from __future__ import annotations

from service.routes import (
    ask,
    briefings,
    chat,
    decisions,
    documents,
    feedback,
    health,
    jobs,
    meetings,
    resolutions,
    search,
    viewer,
    widget,
)

# viewer before documents: "/pages/3.png" would otherwise reach the page-text route as page "3.png" (a 422)
ROUTERS = [
    ask.router,
    chat.router,
    search.router,
    viewer.router,
    documents.router,
    resolutions.router,
    decisions.router,
    meetings.router,
    briefings.router,
    jobs.router,
    feedback.router,
    health.router,
    widget.router,
]
