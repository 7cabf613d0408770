"""The cited-page viewer: GET /v1/documents/{id}/pages/{n}.png?highlight= (the page as an image,
the quoted words highlighted) and GET /v1/documents/{id}/pages/{n}/view?highlight= (a page that
shows it with the document's title, the printed page label, the page's text, and links to the
previous and next pages and to the whole PDF). Citation links open the viewer in a new tab, so
both accept the signed link a citation carries, like the file route.

Part II: a page holding restricted lines is never rendered for a caller who may not read them
from the original (its image would show the exempt words); it is rendered from the public copy
of the paper, whose page carries the withheld notice and the page's open text, exactly as the
public PDF (service/redaction.py). `X-Cllr-Page` says which: open, partly-withheld or withheld.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, Request
from fastapi.responses import HTMLResponse, Response

from service.deps import FileCallerDep, LibraryDep, LinksDep, ReleaseDep, SettingsDep
from service.page_images import CONFIG, PageImages
from service.redaction import redacted_copy
from service.routes.widget import STATIC
from service.schemas import ErrorResponse

router = APIRouter(tags=["viewer"], responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})

DocId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{8,64}$", description="16 hex chars of the file's sha256")]
PageNo = Annotated[int, PathParam(ge=1, le=100000)]
HighlightQ = Annotated[
    str | None, Query(max_length=CONFIG.max_highlight_chars, description="the quoted words to highlight on the page")
]
SIGNED = ("role", "sub", "exp", "sig")
VIEW_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
STATIC_FILES = {
    "viewer.css": "text/css",
    "viewer.js": "text/javascript",
    "briefing.css": "text/css",
    "briefing.js": "text/javascript",
}


def _not_found(doc_id: str, n: int | None = None) -> HTTPException:
    return HTTPException(404, f"no document {doc_id!r}" if n is None else f"document {doc_id!r} has no page {n}")


def _page_source(library: Any, settings: Any, doc: Any, n: int, caller: Any) -> tuple[Path, str, str]:
    """(PDF to render, cache variant, status) for page n as `caller` may see it."""
    path = library.file_path(doc.doc_id, caller.role)
    if path is None or Path(doc.source).suffix.lower() != ".pdf":
        raise HTTPException(404, f"document {doc.doc_id!r} has no page images (it is not a PDF)")
    if caller.sees_restricted:
        return path, "original", "open"
    hidden = library.restricted_pages(doc.doc_id)
    if n not in hidden:
        return path, "original", "open"
    open_text = {m: (library.page(doc.doc_id, m, caller.role) or (None, None))[1] for m in hidden}
    copy = redacted_copy(path, open_text, settings.data_dir / "public-copies", doc.doc_id)
    # the copy's name carries a signature of what it withholds: a new restriction, a new variant
    return copy, "public-" + copy.name.split(".")[1], "withheld" if open_text[n] is None else "partly-withheld"


def _checked_page(library: Any, release: Any, doc_id: str, n: int, caller: Any, route: str) -> tuple[str | None, str]:
    """(label, text) of the page as the caller reads it, through the release check; a page withheld
    whole is (None, "")."""
    got = library.page(doc_id, n, caller.role)
    if got is None:
        return None, ""
    label, text = got
    # checked without the withheld notice: its words are the service's own ("Exempt information
    # withheld"), and in a library whose only exempt text is a front sheet's Part II heading
    # "exempt" is a term found only in restricted passages, which would block every mixed page
    printed = library.page_text(doc_id, n, caller.role) or ""
    if not release.records([{"doc_id": doc_id, "pdf_page": n, "text": printed}], role=caller.role, route=route):
        raise _not_found(doc_id, n)
    return label, text


def _doc(library: Any, doc_id: str, n: int, caller: Any) -> Any:
    doc = library.document(doc_id, caller.role)
    if doc is None:
        raise _not_found(doc_id)
    if n > doc.page_count:
        raise _not_found(doc_id, n)
    return doc


@router.get(
    "/v1/documents/{doc_id}/pages/{n}.png",
    response_class=Response,
    responses={
        200: {
            "content": {"image/png": {}},
            "description": "the page, quoted words highlighted; "
            "X-Cllr-Page: open | partly-withheld | withheld; X-Cllr-Highlight: found/quoted words",
        }
    },
)
def page_image(
    doc_id: DocId,
    n: PageNo,
    caller: FileCallerDep,
    library: LibraryDep,
    release: ReleaseDep,
    settings: SettingsDep,
    highlight: HighlightQ = None,
) -> Response:
    """PDF page n as a PNG (cached on disk). With `highlight`, the page's words that print the
    quotation are marked. A Part II page is the withheld notice for the public."""
    doc = _doc(library, doc_id, n, caller)
    pdf, variant, status = _page_source(library, settings, doc, n, caller)
    _checked_page(library, release, doc_id, n, caller, "page image")
    images = PageImages(settings.data_dir / "page-images")
    got = images.get(pdf, doc_id, n, variant=variant, highlight=highlight or "")
    headers = {"X-Cllr-Page": status, "Cache-Control": "private, max-age=300"}
    if got.highlight is not None:
        headers["X-Cllr-Highlight"] = f"{got.highlight.found}/{got.highlight.quote_words}"
    return Response(got.png, media_type="image/png", headers=headers)


@router.get("/v1/documents/{doc_id}/pages/{n}/view", response_class=HTMLResponse)
def page_viewer(
    doc_id: DocId,
    n: PageNo,
    request: Request,
    caller: FileCallerDep,
    library: LibraryDep,
    links: LinksDep,
    release: ReleaseDep,
    settings: SettingsDep,
    highlight: HighlightQ = None,
) -> HTMLResponse:
    """The cited-page viewer: the page image with the quoted words highlighted, the document's
    title and printed page label, the page's text, previous / next page and the whole PDF."""
    doc = _doc(library, doc_id, n, caller)
    pdf, variant, status = _page_source(library, settings, doc, n, caller)
    label, text = _checked_page(library, release, doc_id, n, caller, "viewer")
    if not release.records(
        [{"doc_id": doc_id, "title": doc.title, "source": doc.source}], role=caller.role, route="viewer"
    ):
        raise _not_found(doc_id)
    # a signed link's own query opens the image, the neighbours and the file as far as it was
    # valid (re-signing here would let a link renew itself forever); a header-authenticated
    # caller gets a fresh one
    carried = {k: request.query_params[k] for k in SIGNED if k in request.query_params}
    signed = carried if carried.get("sig") else dict(links.signed_query(doc_id, caller))

    def url(path: str, **extra: Any) -> str:
        q = {**signed, **{k: v for k, v in extra.items() if v}}
        return path + (f"?{urlencode(q)}" if q else "")

    base = f"/v1/documents/{doc_id}/pages"
    found = None
    if highlight:
        found = (
            PageImages(settings.data_dir / "page-images")
            .get(pdf, doc_id, n, variant=variant, highlight=highlight)
            .highlight
        )
    items = [
        i
        for i in library.items(doc_id=doc_id, role=caller.role, limit=1000)
        if i.pdf_pages and i.pdf_pages[0] <= n <= i.pdf_pages[1]
    ]
    page = _template().render(
        doc=doc,
        n=n,
        label=label,
        text=text,
        status=status,
        highlight=highlight,
        found=found,
        item=items[0] if items else None,
        image_url=url(f"{base}/{n}.png", highlight=highlight),
        prev_url=url(f"{base}/{n - 1}/view") if n > 1 else None,
        next_url=url(f"{base}/{n + 1}/view") if n < doc.page_count else None,
        file_url=url(f"/v1/documents/{doc_id}/file", page=n) + f"#page={n}",
    )
    return HTMLResponse(page, headers={"Content-Security-Policy": VIEW_CSP})


@lru_cache(maxsize=1)
def _template() -> Any:
    from service.briefing.render import _env

    return _env().get_template("viewer.html")


def _static(name: str, media: str) -> Any:
    def serve() -> Response:
        return Response(
            (STATIC / name).read_text(encoding="utf-8"),
            media_type=f"{media}; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    serve.__doc__ = f"{name}: the viewer's and the briefing view's own file (no page needs inline code)."
    return serve


for _name, _media in STATIC_FILES.items():
    router.add_api_route(
        f"/{_name}",
        _static(_name, _media),
        methods=["GET"],
        response_class=Response,
        tags=["widget"],
        name=f"static {_name}",
        responses={200: {"content": {_media: {}}, "description": _name}},
    )
