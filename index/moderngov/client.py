"""HTTP to a ModernGov site, politely, and one clear line when it goes wrong.

- one request at a time, at least `min_interval_s` apart (councils run these on small servers);
- a generous timeout (self-hosted sites can take 30-90 s per call) and retries on timeouts, connection
  errors, 429 and 5xx with exponential backoff, honouring Retry-After, each wait capped;
- conditional GETs for documents (If-None-Match / If-Modified-Since), so a re-run costs a 304;
- a browser-like User-Agent that still names this tool: several councils' firewalls answer 403 to
  anything that does not look like a browser;
- `ModernGovError` naming the site and the call when the answer is not what the call returns: a 401/403,
  an HTML page (a firewall's challenge, a SharePoint error page, a redirect script), or XML with the
  wrong root element. Such an answer parses as XML more often than one would think.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

import httpx

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
    "Safari/537.36 cllr-moderngov-import/0.2"
)
RETRY_STATUS = {429, 500, 502, 503, 504}
_HTML_ROOTS = {"html", "head", "body", "script", "div", "p", "form", "title", "meta", "span", "table"}


class ModernGovError(RuntimeError):
    """The import cannot go on (or, when `fatal` is False, one document cannot); the message says why
    in one line."""

    def __init__(self, message: str, *, fatal: bool = True):
        super().__init__(message)
        self.fatal = fatal


@dataclass(frozen=True)
class Download:
    not_modified: bool
    data: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


class ModernGovClient:
    def __init__(
        self,
        base_url: str,
        *,
        min_interval_s: float = 1.0,
        retries: int = 4,
        backoff_s: float = 2.0,
        backoff_max_s: float = 120.0,
        timeout_s: float = 120.0,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.min_interval_s = min_interval_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self._sleep = sleep
        self._last = 0.0
        self.requests = 0
        self._http = httpx.Client(
            timeout=timeout_s,
            follow_redirects=True,
            transport=transport,
            headers={
                "User-Agent": user_agent,
                "Accept-Language": "en-GB,en;q=0.8",
                "Accept": "text/xml,application/xml;q=0.9,application/pdf;q=0.9,*/*;q=0.8",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ModernGovClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transport
    def _get(
        self, url: str, what: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        attempt = 0
        while True:
            wait = self._last + self.min_interval_s - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self.requests += 1
            try:
                r = self._http.get(url, params=params, headers=headers)
            except httpx.TransportError as e:
                self._last = time.monotonic()
                if attempt >= self.retries:
                    slow = isinstance(e, httpx.TimeoutException)
                    raise ModernGovError(
                        f"{what}: {'no answer within the timeout' if slow else 'cannot connect'} after "
                        f"{attempt + 1} tries ({type(e).__name__}); the site is slow or down. Run the import "
                        "again later: what is imported is kept and the next run carries on from there"
                        + (" (a longer --timeout may help)" if slow else "")
                    ) from None
            else:
                self._last = time.monotonic()
                if r.status_code not in RETRY_STATUS or attempt >= self.retries:
                    return r
                retry_after = r.headers.get("Retry-After", "").strip()
                if retry_after.isdigit():
                    self._sleep(min(float(retry_after), self.backoff_max_s))
            self._sleep(min(self.backoff_s * (2**attempt), self.backoff_max_s))
            attempt += 1

    def _refused(self, what: str, r: httpx.Response) -> ModernGovError:
        if r.status_code in (401, 403):
            return ModernGovError(
                f"{what}: the site refused access (HTTP {r.status_code}{_titled(r.content)}); its firewall may "
                "block automated clients even with a browser-like User-Agent: ask the council's democratic "
                "services or IT team to allow this server"
            )
        if r.status_code == 429:
            return ModernGovError(
                f"{what}: the site is rate-limiting us (HTTP 429) even after backing off; "
                "try again later or with a longer --interval"
            )
        return ModernGovError(f"{what}: HTTP {r.status_code}")

    # ------------------------------------------------------------------ the web service
    def call(self, method: str, expect: tuple[str, ...] = (), **params: str) -> ET.Element:
        """GET mgWebService.asmx/<method>?params; the (namespace-free) XML root, which must be one of
        `expect` when given."""
        url = f"{self.base_url}/mgWebService.asmx/{method}"
        what = f"{self.base_url} {method}" + (f"({', '.join(f'{k}={v}' for k, v in params.items())})" if params else "")
        r = self._get(url, what, params=params)
        if r.status_code == 404:
            raise ModernGovError(
                f"{what}: {url} was not found (HTTP 404), so {self.base_url} does not look like a "
                "ModernGov site; --base-url should be the site root that serves mgWebService.asmx, "
                "e.g. https://democracy.example.gov.uk"
            )
        if r.status_code != 200:
            raise self._refused(what, r)
        root = parse_xml(r.content, what)
        if expect and root.tag not in expect:
            if root.tag in _HTML_ROOTS:
                raise ModernGovError(_html_message(what, r.content))
            raise ModernGovError(
                f"{what}: the answer's root element is <{root.tag}>, not ModernGov's "
                f"<{expect[0]}>: the site is not answering as ModernGov (an error page or a "
                "different service at that address)"
            )
        return root

    def download(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Download:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        what = f"{self.base_url} document {url}"
        r = self._get(url, what, headers=headers)
        if r.status_code == 304:
            return Download(not_modified=True, etag=etag, last_modified=last_modified)
        if r.status_code in (404, 410) or r.status_code >= 500:
            # one paper the site cannot serve: the others go on; the meeting is tried again next run
            raise ModernGovError(f"{what}: HTTP {r.status_code}", fatal=False)
        if r.status_code != 200:
            raise self._refused(what, r)
        ctype = r.headers.get("Content-Type")
        if looks_html(r.content) and not r.content.lstrip()[:5].startswith(b"%PDF-"):
            # a firewall's challenge or an error page in place of the paper: stop rather than index it
            raise ModernGovError(_html_message(what, r.content))
        return Download(False, r.content, r.headers.get("ETag"), r.headers.get("Last-Modified"), ctype)


def looks_html(body: bytes) -> bool:
    head = re.sub(rb"^\s*(<!--.*?-->\s*)*", b"", body[:4096], flags=re.S).lower()
    return head.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body", b"<meta", b"<title"))


def _titled(body: bytes) -> str:
    m = re.search(rb"<title[^>]*>(.*?)</title>", body[:20000], re.S | re.I)
    title = " ".join(m.group(1).decode("utf-8", "replace").split()) if m else ""
    return f", page titled {title[:60]!r}" if title else ""


def _html_message(what: str, body: bytes) -> str:
    return (
        f"{what}: the site answered with an HTML page{_titled(body)}, not ModernGov XML: it is not a "
        "ModernGov web service at that address, or an error or firewall page stands in front of it"
    )


def parse_xml(body: bytes, what: str) -> ET.Element:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        if looks_html(body):
            raise ModernGovError(_html_message(what, body)) from None
        raise ModernGovError(f"{what}: the answer is not XML ({e})") from None
    _strip_namespaces(root)
    # Some ModernGov versions wrap the document as escaped text in <string>: unwrap it.
    if root.tag == "string" and (root.text or "").lstrip().startswith("<"):
        return parse_xml((root.text or "").encode("utf-8"), what)
    return root


def _strip_namespaces(root: ET.Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.rsplit("}", 1)[1]
        el.tag = el.tag.lower() if isinstance(el.tag, str) else el.tag
