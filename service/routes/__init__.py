"""One router per resource; `ROUTERS` is the order they appear in the OpenAPI schema."""
from __future__ import annotations

from service.routes import (ask, chat, documents, feedback, health, jobs, meetings, resolutions, search,
                            widget)

ROUTERS = [ask.router, chat.router, search.router, documents.router, resolutions.router, meetings.router,
           jobs.router, feedback.router, health.router, widget.router]
