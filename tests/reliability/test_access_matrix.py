"""Access control matrix (issue 9): every route × {no key, bad key, public, member, officer, admin}
over the sample papers. Unauthenticated → 401 everywhere but /healthz, /readyz, /widget.js; public
never sees a Part II canary (item 9 of the pack) in any body, stream included; member/officer/admin
do see it on the restricted page (so a broken check could not pass by seeing nothing)."""

from __future__ import annotations

import pytest
import inspect

import httpx

from service.auth import ApiKeys
from tests.fixtures.reports import write_report
from tests.fixtures.live import CANARIES, KEYS, PACK

pytestmark = pytest.mark.integration

ROLES = ("none", "bad", "public", "member", "officer", "admin")
Q_PART2 = "Who was the residential placement framework contract awarded to, and at what weekly cost?"
MEETING = "2025-01-14-childrens-services-scrutiny-committee"  # the sample pack's meeting (issue 19's briefing)


def _routes(pack: str) -> list[tuple[str, str, dict]]:
    chat = {"model": "cllr", "messages": [{"role": "user", "content": Q_PART2}]}
    return [
        ("GET", "/v1/documents", {"params": {"limit": 200}}),
        ("GET", f"/v1/documents/{pack}", {}),
        ("GET", f"/v1/documents/{pack}/pages/13", {}),
        ("GET", f"/v1/documents/{pack}/pages/14", {}),
        ("GET", f"/v1/documents/{pack}/file", {}),
        ("GET", "/v1/search", {"params": {"q": "Harbourside Care Partnership residential placement contract"}}),
        ("GET", "/v1/search", {"params": {"q": "Elmgrove £4,812 weekly fee"}}),
        ("GET", "/v1/resolutions", {"params": {"limit": 200}}),
        ("GET", "/v1/resolutions", {"params": {"q": "Harbourside"}}),
        ("GET", "/v1/decisions", {"params": {"limit": 200}}),
        ("GET", "/v1/decisions", {"params": {"q": "Harbourside residential placement contract"}}),
        ("GET", "/v1/decisions", {"params": {"format": "csv"}}),
        ("GET", "/v1/decisions/timeline", {"params": {"q": "residential placement framework"}}),
        ("GET", "/v1/meetings", {}),
        ("POST", "/v1/ask", {"json": {"question": Q_PART2}}),
        ("POST", "/v1/ask", {"json": {"question": "What is the Harbourside Care Partnership?"}}),
        ("POST", "/v1/chat/completions", {"json": chat}),
        ("POST", "/v1/chat/completions", {"json": {**chat, "stream": True}}),
        ("GET", "/v1/briefings", {}),
        ("GET", f"/v1/meetings/{MEETING}/briefing", {}),
        ("GET", f"/v1/meetings/{MEETING}/briefing", {"params": {"format": "md"}}),
        ("GET", f"/v1/meetings/{MEETING}/briefing", {"params": {"format": "html"}}),
        ("GET", f"/v1/documents/{pack}/pages/13.png", {"params": {"highlight": "Harbourside Care Partnership"}}),
        ("GET", f"/v1/documents/{pack}/pages/13/view", {}),
        ("GET", "/v1/jobs/nope", {}),
        ("POST", "/v1/feedback", {"json": {"answer_id": 999999, "rating": 1}}),
        ("DELETE", "/v1/documents/0000000000000000", {}),
        ("POST", "/v1/documents", {"files": {"file": ("x.pdf", b"%PDF-1.7\n", "application/pdf")}}),
        ("GET", "/", {}),
        ("GET", "/healthz", {}),
        ("GET", "/readyz", {}),
        ("GET", "/widget.js", {}),
        ("GET", "/decisions.js", {}),
    ]


OPEN = {"/healthz", "/readyz", "/widget.js", "/decisions.js"}


def _headers(role: str) -> dict[str, str]:
    if role == "none":
        return {}
    if role == "bad":
        return {"Authorization": "Bearer " + KEYS["admin"][:-1] + "x"}  # one character off
    return {"Authorization": f"Bearer {KEYS[role]}"}


def test_every_route_every_role(secure, doc_ids) -> None:  # noqa: C901
    pack = doc_ids[PACK]
    checked, leaks, rows = 0, [], []
    seen_by_restricted = set()
    for role in ROLES:
        with httpx.Client(base_url=secure.url, headers=_headers(role), timeout=120) as c:
            for method, path, kw in _routes(pack):
                r = c.request(method, path, **kw)
                body = r.text if not path.endswith("/file") else r.content.decode("latin-1")
                if path.endswith(".png") and r.status_code == 200:
                    # an image shows the canary when the highlight finds all of its words on it
                    found, total = r.headers["x-cllr-highlight"].split("/")
                    body = "Harbourside Care Partnership" if found == total != "0" else r.headers["x-cllr-page"]
                if path == "/v1/search" and r.status_code == 200:
                    body = str(r.json()["results"])  # the echoed query is the caller's own words
                checked += 1
                rows.append(f"{role:8} {method:6} {path[:60]:60} {r.status_code}")
                if role in ("none", "bad"):
                    if path in OPEN:
                        assert r.status_code == 200, (role, path, r.status_code)
                    else:
                        assert r.status_code == 401, (role, method, path, r.status_code, r.text[:200])
                    continue
                assert r.status_code < 500, (role, method, path, r.text[:300])
                if path.startswith("/v1/documents") and method in ("POST", "DELETE"):
                    assert r.status_code == (403 if role != "admin" else r.status_code), (role, path)
                if role == "public":
                    for canary in CANARIES:
                        if canary in body:
                            leaks.append(f"{method} {path}: {canary}")
                    if path.endswith(("/pages/13", "/pages/14")):
                        assert r.status_code == 404, (path, r.status_code)
                elif path.endswith("/pages/13") and r.status_code == 200 and "Harbourside" in body:
                    seen_by_restricted.add(role)
    assert not leaks, leaks
    assert seen_by_restricted == {"member", "officer", "admin"}, seen_by_restricted
    write_report(
        "access_matrix", [f"routes {len(_routes(pack))} roles {len(ROLES)} checked {checked} leaks {len(leaks)}", *rows]
    )


def test_keys_compared_in_constant_time() -> None:
    """Digest then hmac.compare_digest over every entry, no early exit: the work does not depend
    on how much of a key is right."""
    src = inspect.getsource(ApiKeys.lookup)
    assert "hmac.compare_digest" in src and "return e" not in src and "break" not in src
    keys = ApiKeys("member:abc,admin:xyz")
    assert keys.lookup("abc").role == "member" and keys.lookup("xyz").role == "admin"
    assert keys.lookup("abd") is None and keys.lookup("") is None


def test_rate_limit_is_per_key(sample_data_dir, oidc) -> None:
    from tests.fixtures.live import secure_settings, serve

    gen = serve(secure_settings(sample_data_dir, oidc).model_copy(update={"rate_limit_per_minute": 5}))
    server = next(gen)
    try:

        def get(role: str) -> int:
            return httpx.get(server.url + "/v1/meetings", headers=_headers(role), timeout=30).status_code

        assert [get("member") for _ in range(5)] == [200] * 5
        r = httpx.get(server.url + "/v1/meetings", headers=_headers("member"), timeout=30)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert get("officer") == 200  # another key is not throttled by the member's use
    finally:
        next(gen, None)
