"""GET /healthz, /readyz, the OpenAPI schema, /widget.js and the demo page."""

from __future__ import annotations

import pytest
import httpx

pytestmark = pytest.mark.integration


ROUTES = {
    ("/v1/ask", "post"),
    ("/v1/chat/completions", "post"),
    ("/v1/search", "get"),
    ("/v1/documents", "get"),
    ("/v1/documents", "post"),
    ("/v1/documents/{doc_id}", "get"),
    ("/v1/documents/{doc_id}", "delete"),
    ("/v1/documents/{doc_id}/pages/{n}", "get"),
    ("/v1/documents/{doc_id}/file", "get"),
    ("/v1/resolutions", "get"),
    ("/v1/meetings", "get"),
    ("/v1/jobs/{job_id}", "get"),
    ("/v1/feedback", "post"),
    ("/healthz", "get"),
    ("/readyz", "get"),
    ("/widget.js", "get"),
    ("/", "get"),
}


def test_health_needs_no_credential(secure):
    assert httpx.get(secure.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(secure.url + "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "index": "ok", "engine": "ok"}
    assert ready.json()["open"] is False


def test_open_mode_says_so(open_server):
    assert httpx.get(open_server.url + "/readyz").json()["open"] is True


def test_every_route_is_in_openapi_with_typed_models(open_server):
    spec = httpx.get(open_server.url + "/openapi.json").json()
    have = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert ROUTES <= have
    schemas = spec["components"]["schemas"]
    for name in (
        "AskRequest",
        "AskResponse",
        "ChatCompletionRequest",
        "ChatCompletionResponse",
        "CitationOut",
        "DocumentList",
        "DocumentDetail",
        "PageOut",
        "JobOut",
        "FeedbackRequest",
        "ErrorResponse",
    ):
        assert name in schemas, name


def test_widget_and_demo_page(open_server):
    js = httpx.get(open_server.url + "/widget.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert 'customElements.define("cllr-chat"' in js.text
    code = js.text.split("*/", 1)[1]  # after the header comment: no CDN, no external fetch
    assert "http://" not in code and "https://" not in code and "import " not in code
    page = httpx.get(open_server.url + "/")
    assert page.status_code == 200 and "<cllr-chat" in page.text and 'src="/widget.js"' in page.text


def test_unknown_route_is_json_404(open_server):
    r = httpx.get(open_server.url + "/v1/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"
