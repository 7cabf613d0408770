"""GET /widget.js (the embeddable chat component) and GET / (a demo page that embeds it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from service.deps import CallerDep

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(tags=["widget"])


@lru_cache(maxsize=None)
def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@router.get(
    "/widget.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {}}, "description": "the <cllr-chat> web component"}},
)
def widget_js() -> Response:
    """No credential needed: the script holds no data; the API calls it makes do."""
    return Response(
        _read("widget.js"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get(
    "/widget.css",
    response_class=Response,
    responses={200: {"content": {"text/css": {}}, "description": "the widget's styles"}},
)
def widget_css() -> Response:
    """Loaded by widget.js into its shadow root (a file, so no page needs style-src 'unsafe-inline')."""
    return Response(
        _read("widget.css"), media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get(
    "/demo.css",
    response_class=Response,
    responses={200: {"content": {"text/css": {}}, "description": "the demo page's styles"}},
)
def demo_css() -> Response:
    return Response(
        _read("demo.css"), media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get(
    "/decisions.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {}}, "description": "the home page's Decisions view"}},
)
def decisions_js() -> Response:
    """No credential needed: the script holds no data; the API calls it makes do."""
    return Response(
        _read("decisions.js"),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get(
    "/decisions.css",
    response_class=Response,
    responses={200: {"content": {"text/css": {}}, "description": "the Decisions view's styles"}},
)
def decisions_css() -> Response:
    return Response(
        _read("decisions.css"), media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/", response_class=HTMLResponse)
def demo_page(caller: CallerDep) -> HTMLResponse:
    return HTMLResponse(_read("demo.html"))
