"""HTTP to a ModernGov site, politely.

- one request at a time, at least `min_interval_s` apart (councils run these on small servers);
- retries with exponential backoff on connection errors, 429 and 5xx, honouring Retry-After;
- conditional GETs for documents (If-None-Match / If-Modified-Since), so a re-run costs a 304;
- a clear `ModernGovError` when the site blocks us or is not ModernGov at all, instead of a trace.
"""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

import httpx

USER_AGENT = "cllr-moderngov-import/0.1 (committee papers assistant; polite, rate-limited)"
RETRY_STATUS = {429, 500, 502, 503, 504}


class ModernGovError(RuntimeError):
    """The import cannot go on; the message says why in one line."""


@dataclass(frozen=True)
class Download:
    not_modified: bool
    data: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


class ModernGovClient:
    def __init__(self, base_url: str, *, min_interval_s: float = 1.0, retries: int = 3, backoff_s: float = 1.0,
                 timeout_s: float = 60.0, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self.min_interval_s = min_interval_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._sleep = sleep
        self._last = 0.0
        self.requests = 0
        self._http = httpx.Client(timeout=timeout_s, follow_redirects=True, transport=transport,
                                  headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ModernGovClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transport
    def _get(self, url: str, params: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
        attempt = 0
        while True:
            wait = self._last + self.min_interval_s - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            try:
                r = self._http.get(url, params=params, headers=headers)
            except httpx.TransportError as e:
                if attempt >= self.retries:
                    raise ModernGovError(f"{url}: cannot connect ({type(e).__name__}: {e})") from None
            else:
                if r.status_code not in RETRY_STATUS or attempt >= self.retries:
                    return r
                retry_after = r.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    self._sleep(min(float(retry_after), 60.0))
            self._sleep(self.backoff_s * (2 ** attempt))
            attempt += 1

    def _refused(self, what: str, r: httpx.Response) -> ModernGovError:
        if r.status_code in (401, 403):
            return ModernGovError(
                f"{what}: the site refused access (HTTP {r.status_code}); it may block automated clients "
                "— ask the council's democratic services or IT team to allow this server")
        if r.status_code == 429:
            return ModernGovError(f"{what}: the site is rate-limiting us (HTTP 429) even after backing off; "
                                  "try again later or lower the request rate")
        return ModernGovError(f"{what}: HTTP {r.status_code}")

    # ------------------------------------------------------------------ the web service
    def call(self, method: str, **params: str) -> ET.Element:
        """GET mgWebService.asmx/<method>?params and return the (namespace-free) XML root."""
        url = f"{self.base_url}/mgWebService.asmx/{method}"
        r = self._get(url, params=params)
        if r.status_code == 404:
            raise ModernGovError(f"{self.base_url} does not look like a ModernGov site: {url} was not found "
                                 "(HTTP 404); --base-url should be the site root that serves mgWebService.asmx, "
                                 "e.g. https://democracy.example.gov.uk")
        if r.status_code != 200:
            raise self._refused(f"{self.base_url} {method}", r)
        return parse_xml(r.content, f"{self.base_url} {method}")

    def download(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Download:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        r = self._get(url, headers=headers)
        if r.status_code == 304:
            return Download(not_modified=True, etag=etag, last_modified=last_modified)
        if r.status_code != 200:
            raise self._refused(url, r)
        return Download(False, r.content, r.headers.get("ETag"), r.headers.get("Last-Modified"))


def parse_xml(body: bytes, what: str) -> ET.Element:
    head = body.lstrip()[:200].lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise ModernGovError(f"{what}: the site answered with an HTML page, not ModernGov XML — it is not a "
                             "ModernGov site, or a firewall/challenge page is blocking automated access")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise ModernGovError(f"{what}: the response is not XML ({e})") from None
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
