"""GET /healthz (the process is up) and GET /readyz (index and store reachable; the language model's
health, when one is configured, reported beside them). No credential."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.schemas import Health, Readiness

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request):
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        state.db.ping()
        checks["database"] = "ok"
    except Exception as e:  # a probe's failure is the answer, not an error
        checks["database"] = f"failed: {type(e).__name__}"
    checks["index"] = state.warmup.status
    checks["engine"] = "ok" if getattr(state, "engine", None) is not None else "missing"
    ready = all(v == "ok" for v in checks.values())
    # The model is reported, not required: when it is down, answers come from the extractive engine.
    llm = getattr(getattr(state, "engine", None), "llm", None)
    body = Readiness(
        status="ready" if ready else "not ready",
        checks=checks,
        open=state.authenticator.open,
        llm=llm.health() if llm is not None else None,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
