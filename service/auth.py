"""Who is calling, and how much they may do.

Credentials: API keys from `settings.api_keys` ("role:key,role:key"), and optional OIDC bearer
JWTs verified against a JWKS. Keys are kept only as sha256 digests so a heap dump or a debug
print never shows one, and every comparison is `hmac.compare_digest` over *all* configured keys so
response time does not tell an attacker how close a guess was.

With nothing configured the service runs open and everyone is `public` (the embedded demo);
`public` still never sees Part II material because the index applies the role.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jwt

from cllr.settings import Settings
from index.filters import RESTRICTED_ROLES, ROLES

log = logging.getLogger("cllr.service.auth")

# A viewer link carries the quotation it highlights; past this many characters it is cut (URL length).
VIEW_HIGHLIGHT_CHARS = 1000


class AuthError(Exception):
    """401 (no/bad credential) or 403 (credential fine, role too low)."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class ConfigError(ValueError):
    """A credential setting that cannot be used; raised at startup, never per request."""


@dataclass(frozen=True)
class Caller:
    subject: str  # what the audit log records: "key:<id>", "oidc:<sub>", "anonymous"
    role: str
    via: str  # "open" | "api_key" | "oidc"

    @property
    def sees_restricted(self) -> bool:
        return self.role in RESTRICTED_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


@dataclass(frozen=True)
class _KeyEntry:
    digest: bytes
    role: str
    key_id: str  # first 8 hex of the digest: names the key in logs without revealing it


class ApiKeys:
    def __init__(self, spec: str | None):
        self._entries: list[_KeyEntry] = []
        for part in (spec or "").split(","):
            part = part.strip()
            if not part:
                continue
            role, sep, key = part.partition(":")
            role, key = role.strip(), key.strip()
            if not sep or role not in ROLES or not key:
                raise ConfigError(
                    f"CLLR_API_KEYS: entry {role or part[:10]!r}… is not 'role:key' with role one of {', '.join(ROLES)}"
                )
            d = _digest(key)
            self._entries.append(_KeyEntry(d, role, d.hex()[:8]))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def lookup(self, key: str) -> _KeyEntry | None:
        d = _digest(key)
        found = None
        for e in self._entries:  # no early exit: constant work whatever matches
            if hmac.compare_digest(d, e.digest):
                found = e
        return found


class OidcVerifier:
    """Verifies RS/ES-signed JWTs against a JWKS (URL, fetched and cached by PyJWT, or a file)."""

    ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]

    def __init__(self, settings: Settings):
        self.audience = settings.oidc_audience
        self.issuer = settings.oidc_issuer
        self.role_claim = settings.oidc_role_claim
        self._client: jwt.PyJWKClient | None = None
        self._jwks: jwt.PyJWKSet | None = None
        if settings.oidc_jwks_url:
            self._client = jwt.PyJWKClient(settings.oidc_jwks_url, cache_keys=True, lifespan=300)
        elif settings.oidc_jwks_file:
            path = Path(settings.oidc_jwks_file)
            try:
                self._jwks = jwt.PyJWKSet.from_dict(json.loads(path.read_text()))
            except (OSError, ValueError, jwt.PyJWTError) as e:
                raise ConfigError(f"CLLR_OIDC_JWKS_FILE {path}: cannot read a JWKS ({e})") from None

    @property
    def configured(self) -> bool:
        return self._client is not None or self._jwks is not None

    def _key_for(self, token: str):
        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        keys = self._jwks.keys if self._jwks else []
        for k in keys:
            if kid is None or k.key_id == kid:
                return k.key
        raise AuthError(401, "bearer token signed by an unknown key")

    def verify(self, token: str) -> Caller:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=self.ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub"], "verify_aud": self.audience is not None},
            )
        except AuthError:
            raise
        except (jwt.PyJWTError, ValueError) as e:
            raise AuthError(401, f"invalid bearer token: {e}") from None
        role = claims.get(self.role_claim, "public")
        if role not in ROLES:
            raise AuthError(403, f"token claim {self.role_claim}={role!r} is not a cllr role")
        return Caller(subject=f"oidc:{claims['sub']}", role=role, via="oidc")


class Authenticator:
    def __init__(self, settings: Settings):
        self.keys = ApiKeys(settings.api_keys)
        self.oidc = OidcVerifier(settings)

    @property
    def open(self) -> bool:
        return not self.keys and not self.oidc.configured

    def authenticate(self, authorization: str | None, api_key: str | None, client: str) -> Caller:
        if self.open:
            return Caller(subject=f"anonymous@{client}", role="public", via="open")
        token = api_key
        if token is None and authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise AuthError(401, "Authorization header must be 'Bearer <key or token>'")
            token = value.strip()
        if not token:
            raise AuthError(401, "credential required: send 'Authorization: Bearer <key>' or 'X-API-Key'")
        entry = self.keys.lookup(token) if self.keys else None
        if entry is not None:
            return Caller(subject=f"key:{entry.key_id}", role=entry.role, via="api_key")
        # The openai client sends API keys as bearer tokens too, so a JWT is recognised by shape.
        if self.oidc.configured and token.count(".") == 2:
            return self.oidc.verify(token)
        raise AuthError(401, "unknown API key")


class RateLimiter:
    """Sliding one-minute window per caller; in memory, so per process (enough for one node)."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, subject: str) -> float | None:
        """Record a request; return None if allowed, else seconds until the next one is."""
        if self.per_minute <= 0:
            return None
        now = self._clock()
        with self._lock:
            q = self._hits.setdefault(subject, deque())
            while q and now - q[0] >= 60:
                q.popleft()
            if len(q) >= self.per_minute:
                return max(0.0, 60 - (now - q[0]))
            q.append(now)
            return None


class AnswerSlots:
    """Caps answers in flight. Answers hold a CPU for seconds (retrieval, optionally an LLM), so on
    a small box it is better to say 503 at once than to queue callers into their timeouts."""

    def __init__(self, limit: int):
        self.limit = limit
        self._in_use = 0
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self._in_use >= self.limit:
                return False
            self._in_use += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._in_use = max(0, self._in_use - 1)

    @property
    def in_use(self) -> int:
        return self._in_use


class FileLinks:
    """Signs `/v1/documents/{id}/file` links.

    A citation link is opened by the browser in a new tab, which sends no API key header; so when
    credentials are configured the link carries a short-lived HMAC token bound to the document, the
    role and the subject (who) it was issued for. The subject makes the link count against its
    caller's own rate-limit budget: keyed by document, one caller could spend everyone's links to a
    popular paper. The secret is per process: links die with a restart, which is fine for links
    handed out alongside an answer.

    On a signed link `page` rides along unsigned, for the access log only (the viewer opens
    `#page=N`, which a browser never sends); service/access_log.py strips the signature, expiry and
    subject from the logged target. Open mode's links stay plain: nothing in them to hide.
    """

    TTL_S = 3600

    def __init__(self, open_mode: bool, clock=time.time):
        self.open_mode = open_mode
        self._secret = secrets.token_bytes(32)
        self._clock = clock

    def _sig(self, doc_id: str, role: str, subject: str, exp: int) -> str:
        msg = "|".join((doc_id, role, subject, str(exp))).encode()
        mac = hmac.new(self._secret, msg, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    def file_url(self, doc_id: str, caller: Caller, page: int | None = None) -> str:
        url = f"/v1/documents/{doc_id}/file"
        if not self.open_mode:
            exp = int(self._clock()) + self.TTL_S
            query: dict[str, str | int] = {
                "role": caller.role,
                "sub": caller.subject,
                "exp": exp,
                "sig": self._sig(doc_id, caller.role, caller.subject, exp),
            }
            if page:
                query["page"] = page
            url += f"?{urlencode(query)}"
        return url + (f"#page={page}" if page else "")

    def signed_query(self, doc_id: str, caller: Caller) -> dict[str, str | int]:
        """The query that lets a browser tab open this document's pages as `caller` (nothing in open
        mode): the same signature as a file link, so it opens the viewer, its images and the PDF."""
        if self.open_mode:
            return {}
        exp = int(self._clock()) + self.TTL_S
        return {
            "role": caller.role,
            "sub": caller.subject,
            "exp": exp,
            "sig": self._sig(doc_id, caller.role, caller.subject, exp),
        }

    def view_url(self, doc_id: str, caller: Caller, page: int, highlight: str | None = None) -> str:
        """The cited-page viewer at PDF page `page`, the quoted words highlighted (routes/viewer.py)."""
        query: dict[str, str | int] = dict(self.signed_query(doc_id, caller))
        if highlight:
            query["highlight"] = " ".join(highlight.split())[:VIEW_HIGHLIGHT_CHARS]
        return f"/v1/documents/{doc_id}/pages/{int(page)}/view" + (f"?{urlencode(query)}" if query else "")

    def verify(
        self, doc_id: str, role: str | None, exp: str | None, sig: str | None, sub: str | None = None
    ) -> Caller | None:
        if not (role and exp and sig and sub) or role not in ROLES:
            return None
        try:
            exp_i = int(exp)
        except ValueError:
            return None
        if exp_i < self._clock():
            return None
        if not hmac.compare_digest(sig.encode(), self._sig(doc_id, role, sub, exp_i).encode()):
            return None
        return Caller(subject=sub, role=role, via="signed_link")
