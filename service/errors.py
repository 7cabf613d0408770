"""The one error body every 4xx/5xx has, whether a route, a handler or a middleware sends it:
`detail` for FastAPI-style clients, `error` for OpenAI-style clients (service/schemas.ErrorResponse)."""

from __future__ import annotations

from fastapi.responses import JSONResponse

KINDS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
}


def error_response(
    status: int, message: str, kind: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    kind = kind or KINDS.get(status, "error")
    return JSONResponse(
        {"detail": message, "error": {"message": message, "type": kind}}, status_code=status, headers=headers
    )
