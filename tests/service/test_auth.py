"""Identity: hashed API keys, OIDC bearer JWTs, who needs what, rate and concurrency limits, CORS."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qsl

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from cllr.settings import Settings
from service.auth import ApiKeys, AnswerSlots, Authenticator, AuthError, ConfigError, FileLinks, RateLimiter
from tests.fixtures.live import DEMO_QUESTION, KEYS, MINUTES, PACK, client, secure_settings, serve

pytestmark = pytest.mark.integration

PROTECTED = [
    ("POST", "/v1/ask", {"json": {"question": "x"}}),
    ("POST", "/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": "x"}]}}),
    ("GET", "/v1/search?q=x", {}),
    ("GET", "/v1/documents", {}),
    ("GET", "/v1/documents/{pack}", {}),
    ("GET", "/v1/documents/{pack}/pages/1", {}),
    ("GET", "/v1/documents/{pack}/file", {}),
    ("GET", "/v1/resolutions", {}),
    ("GET", "/v1/meetings", {}),
    ("GET", "/v1/jobs/abc", {}),
    ("POST", "/v1/feedback", {"json": {"rating": 1, "answer_id": 1}}),
    ("POST", "/v1/documents", {"files": {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}}),
    ("DELETE", "/v1/documents/{pack}", {}),
    ("GET", "/", {}),
]


# ------------------------------------------------------------------ units


def test_api_keys_are_kept_hashed_and_matched():
    keys = ApiKeys("admin:s3cret-admin, member:abc123")
    assert "s3cret-admin" not in repr(vars(keys)) and "abc123" not in repr(vars(keys))
    assert keys.lookup("s3cret-admin").role == "admin"
    assert keys.lookup("abc123").role == "member"
    assert keys.lookup("abc12") is None and keys.lookup("") is None
    with pytest.raises(ConfigError):
        ApiKeys("superuser:x")
    with pytest.raises(ConfigError):
        ApiKeys("justakey")


def test_bad_credential_settings_stop_startup(tmp_path):
    from service.app import create_app

    with pytest.raises(ConfigError, match="CLLR_API_KEYS"):
        create_app(Settings(data_dir=tmp_path, api_keys="member"))
    bad = tmp_path / "jwks.json"
    bad.write_text("not json")
    with pytest.raises(ConfigError, match="JWKS"):
        create_app(Settings(data_dir=tmp_path, oidc_jwks_file=bad))


def test_unreachable_database_fails_fast_with_a_clear_message(tmp_path):
    from fastapi.testclient import TestClient
    from service.app import StartupError, create_app

    app = create_app(Settings(data_dir=tmp_path, database_url="postgresql+psycopg://u:hunter2@127.0.0.1:1/cllr"))
    with pytest.raises((StartupError, ModuleNotFoundError)) as e:
        with TestClient(app):
            pass
    if e.type is StartupError:
        assert "cannot reach the database" in str(e.value) and "hunter2" not in str(e.value)


def test_oidc_verification(oidc):
    auth = Authenticator(
        Settings(oidc_jwks_file=oidc.jwks_file, oidc_audience="cllr", oidc_issuer="https://idp.northshire.test")
    )
    caller = auth.authenticate(f"Bearer {oidc.token('officer')}", None, "1.2.3.4")
    assert (caller.role, caller.subject, caller.via) == ("officer", "oidc:cllr.ashworth", "oidc")
    assert auth.authenticate(f"Bearer {oidc.token(None)}", None, "x").role == "public"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for bad, status in (
        (oidc.token("admin", key=other), 401),
        (oidc.token("admin", exp_in=-60), 401),
        (oidc.token("admin", audience="someone-else"), 401),
        (oidc.token("admin", issuer="https://evil.test"), 401),
        (oidc.token("root"), 403),
        ("a.b.c", 401),
    ):
        with pytest.raises(AuthError) as e:
            auth.authenticate(f"Bearer {bad}", None, "x")
        assert e.value.status == status


def test_rate_limiter_window():
    now = [1000.0]
    rl = RateLimiter(2, clock=lambda: now[0])
    assert rl.check("a") is None and rl.check("a") is None
    assert rl.check("a") == pytest.approx(60.0)
    assert rl.check("b") is None  # per caller
    now[0] += 61
    assert rl.check("a") is None


def test_answer_slots():
    slots = AnswerSlots(1)
    assert slots.try_acquire() and not slots.try_acquire()
    slots.release()
    assert slots.try_acquire()


def test_signed_file_links():
    from service.auth import Caller

    links = FileLinks(open_mode=False)
    member = Caller("key:x", "member", "api_key")
    url = links.file_url("abcd1234abcd1234", member, 4)
    assert url.endswith("#page=4") and "sig=" in url
    q = dict(parse_qsl(url.split("?")[1].split("#")[0]))
    assert links.verify("abcd1234abcd1234", q["role"], q["exp"], q["sig"], q["sub"]).role == "member"
    assert links.verify("abcd1234abcd1234", q["role"], q["exp"], q["sig"], q["sub"]).subject == "key:x"
    assert links.verify("ffff1234abcd1234", q["role"], q["exp"], q["sig"], q["sub"]) is None  # other document
    assert links.verify("abcd1234abcd1234", "admin", q["exp"], q["sig"], q["sub"]) is None  # role raised
    assert links.verify("abcd1234abcd1234", q["role"], "1", q["sig"], q["sub"]) is None  # expired
    assert links.verify("abcd1234abcd1234", q["role"], q["exp"], q["sig"], "key:y") is None  # someone else
    assert links.verify("abcd1234abcd1234", q["role"], q["exp"], q["sig"]) is None  # no subject
    assert FileLinks(open_mode=True).file_url("abcd", member, 2) == "/v1/documents/abcd/file#page=2"


# ------------------------------------------------------------------ over HTTP


def test_every_route_but_health_needs_a_credential(secure, doc_ids):
    pack = doc_ids[PACK]
    with httpx.Client(base_url=secure.url, timeout=60) as c:
        for method, path, kw in PROTECTED:
            r = c.request(method, path.format(pack=pack), **kw)
            assert r.status_code == 401, (method, path, r.status_code, r.text)
            assert r.headers["www-authenticate"] == "Bearer"
            assert "credential required" in r.json()["detail"]
        for path in ("/healthz", "/readyz", "/widget.js"):
            assert c.get(path).status_code == 200, path
        r = c.get("/v1/documents", headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401 and r.json()["detail"] == "unknown API key"
        r = c.get("/v1/documents", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert r.status_code == 401
        assert c.get("/v1/documents", headers={"X-API-Key": KEYS["public"]}).status_code == 200


def test_oidc_bearer_over_http(secure, oidc):
    with httpx.Client(base_url=secure.url, timeout=60) as c:
        ok = c.get("/v1/documents", headers={"Authorization": f"Bearer {oidc.token('officer')}"})
        assert ok.status_code == 200
        expired = c.get("/v1/documents", headers={"Authorization": f"Bearer {oidc.token('officer', exp_in=-5)}"})
        assert expired.status_code == 401 and "expired" in expired.json()["detail"].lower()


def test_signed_citation_link_opens_the_file_without_a_header(secure, doc_ids):
    with client(secure, "member") as c:
        cites = c.post("/v1/ask", json={"question": DEMO_QUESTION}).json()["citations"]
    url = cites[0]["url"].split("#")[0]
    r = httpx.get(secure.url + url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    # the signature is bound to the document
    other = doc_ids[MINUTES] if cites[0]["doc_id"] != doc_ids[MINUTES] else doc_ids[PACK]
    r = httpx.get(secure.url + url.replace(cites[0]["doc_id"], other))
    assert r.status_code == 401


def test_cors_for_the_intranet_origin(secure):
    r = httpx.options(
        secure.url + "/v1/chat/completions",
        headers={
            "Origin": "https://intranet.northshire.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "https://intranet.northshire.test"
    r = httpx.options(
        secure.url + "/v1/chat/completions",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_rate_limit_per_key(sample_data_dir, oidc):
    for server in serve(secure_settings(sample_data_dir, oidc, rate_limit_per_minute=3)):
        with client(server, "member") as member, client(server, "officer") as officer:
            codes = [member.get("/v1/meetings").status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
            r = member.get("/v1/meetings")
            assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
            assert officer.get("/v1/meetings").status_code == 200  # another key has its own budget


def test_concurrency_limit_returns_503(sample_data_dir, oidc):
    def slow_engine(app):
        # Wrap the real engine so an answer takes long enough for a second request to overlap it.
        original_lifespan = app.router.lifespan_context

        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def lifespan(a):
            async with original_lifespan(a) as state:
                real = a.state.answers.engine

                class Slow:
                    def ask(self, *args, **kw):
                        time.sleep(1.5)
                        return real.ask(*args, **kw)

                    def stream(self, *args, **kw):
                        time.sleep(1.5)
                        yield from real.stream(*args, **kw)

                    def __getattr__(self, name):  # the rest of the engine as it is
                        return getattr(real, name)

                a.state.answers.engine = Slow()
                yield state

        app.router.lifespan_context = lifespan

    for server in serve(secure_settings(sample_data_dir, oidc, max_concurrent_answers=1), slow_engine):
        results: list[int] = []
        first = threading.Thread(
            target=lambda results=results, server=server: results.append(
                client(server, "member").post("/v1/ask", json={"question": DEMO_QUESTION}).status_code
            )
        )
        first.start()
        time.sleep(0.5)
        with client(server, "officer") as c:
            r = c.post("/v1/ask", json={"question": DEMO_QUESTION})
            assert r.status_code == 503 and r.headers["retry-after"] == "1"
            s = c.post("/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": "x"}]})
            assert s.status_code == 503
        first.join()
        assert results == [200]
        with client(server, "officer") as c:  # the slot was given back
            assert c.post("/v1/ask", json={"question": DEMO_QUESTION}).status_code == 200
