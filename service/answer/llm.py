"""Optional generative answerer over any OpenAI-compatible endpoint (llama-index OpenAILike).

The model sees numbered passages and must cite them by id ([P3]). It is trusted with wording,
never with citations or facts: every sentence's id is mapped back to a retrieved passage, the
sentence must say what that passage says (service/answer/claims.py: its figures, dates, grades and
names are in it, it does not reverse it, its content is found there), and the quote behind the
citation must be found on the cited page. Ids the engine did not hand out, and sentences that
fail, are dropped (debug["dropped"] says why).

The model is a remote service and may fail in any way: down, slow, an error status, an HTML page
from a proxy, JSON that is not a chat completion. Every such failure is a `ModelUnavailable` with a
one-line reason (the engine then answers extractively), never a traceback; the whole call is held
to a wall-clock deadline, not only httpx's per-read timeout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from service.answer import claims
from service.answer.citations import PageText, citation_for, verify
from service.answer.guard import instruction_sentences, looks_like_instruction
from service.answer.question import Question
from service.answer.text import content_stems
from service.answer.types import ABSTAIN_TEXT, Citation

if TYPE_CHECKING:
    from service.answer.rewrite import Rewritten

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
MAX_PASSAGES = 8
MAX_TOKENS = 400  # the prompt asks for under 100 words; this bounds a model that rambles
MODEL_THREADS = 8  # model calls in flight per process (a timed-out call finishes in the background)
_ID = re.compile(r"\[\s*P(\d+)\s*\]")
_ANY_BRACKET = re.compile(r"\[[^\]]*\]")


class ModelUnavailable(Exception):
    """The model gave no usable reply. `reason` is one line for the answer's fallback_reason and the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_prompt(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


def _passage_block(hits: list[Any]) -> str:
    out = []
    for i, h in enumerate(hits, 1):
        head = (h.header or "").replace("\n", " ")
        out.append(f"[P{i}] ({head})\n<<<\n{h.text.strip()}\n>>>")
    return "\n\n".join(out)


def _failure(e: BaseException) -> str:
    """One line saying how the model failed, for an operator (no body, no traceback)."""
    import openai

    if isinstance(e, openai.APITimeoutError):
        return "the model timed out"
    if isinstance(e, openai.APIConnectionError):
        cause = e.__cause__ or e.__context__
        return f"the model is unreachable ({type(cause).__name__ if cause else 'connection error'})"
    if isinstance(e, openai.APIStatusError):
        return f"the model answered HTTP {e.status_code}"
    if isinstance(e, (json.JSONDecodeError, openai.APIResponseValidationError)):
        return "the model's reply is not valid JSON"
    # The client hands back a non-JSON body (an HTML page from a proxy) as a str, and JSON of another
    # shape as an object without choices: both end in an attribute or index error here.
    return f"the model's reply is not a chat completion ({type(e).__name__})"


class LLMAnswerer:
    def __init__(
        self,
        llm: Any,
        *,
        timeout_s: float = 60.0,
        base_url: str | None = None,
        api_key: str | None = None,
        health_timeout_s: float = 2.0,
        health_ttl_s: float = 30.0,
    ) -> None:
        self.llm = llm
        self.timeout_s = timeout_s
        self.system = load_prompt("answer_system.txt")
        self.template = load_prompt("answer_user.txt")
        self._base_url = base_url.rstrip("/") if base_url else None
        self._api_key = api_key
        self._health_timeout_s = health_timeout_s
        self._health_ttl_s = health_ttl_s
        self._health: tuple[float, str] | None = None
        self._health_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(MODEL_THREADS, thread_name_prefix="cllr-llm")

    @classmethod
    def from_settings(cls, settings: Any) -> "LLMAnswerer":
        from llama_index.llms.openai_like import OpenAILike

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "none"
        llm = OpenAILike(
            model=settings.llm_model,
            api_base=settings.llm_base_url,
            api_key=key,
            is_chat_model=True,
            timeout=settings.llm_timeout_s,
            max_tokens=MAX_TOKENS,
            temperature=0.0,
            max_retries=0,
        )
        return cls(
            llm,
            timeout_s=settings.llm_timeout_s,
            base_url=settings.llm_base_url,
            api_key=key,
            health_timeout_s=settings.llm_health_timeout_s,
            health_ttl_s=settings.llm_health_ttl_s,
        )

    def _chat(self, messages: list[Any], timeout_s: float) -> str:
        try:
            reply = self.llm.chat(messages, timeout=timeout_s)
            content = reply.message.content
        except Exception as e:  # noqa: BLE001 - a remote service's every failure is a reason to fall back
            raise ModelUnavailable(_failure(e)) from None
        if not isinstance(content, str) or not content.strip():
            raise ModelUnavailable("the model's reply is empty")
        return content

    def complete(self, question: str, hits: list[Any], timeout_s: float | None = None) -> str:
        """The model's reply, within `timeout_s` of wall-clock time (httpx's timeout bounds each read,
        not the whole call: a server that sends a byte a second would otherwise hold the answer)."""
        from llama_index.core.llms import ChatMessage

        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        user = self.template.format(passages=_passage_block(hits), question=question)
        messages = [ChatMessage(role="system", content=self.system), ChatMessage(role="user", content=user)]
        future = self._pool.submit(self._chat, messages, timeout_s)
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout:
            future.cancel()
            raise ModelUnavailable(f"the model did not answer within {timeout_s:.1f} s") from None

    def health(self) -> str:
        """'ok', or one line saying why the model cannot be used now: GET {base}/models, cached for
        health_ttl_s so readiness probes do not load the model server."""
        with self._health_lock:
            now = time.monotonic()
            if self._health is not None and now - self._health[0] < self._health_ttl_s:
                return self._health[1]
            self._health = (now, self._probe())
            return self._health[1]

    def _probe(self) -> str:
        if not self._base_url:
            return "ok"
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            r = httpx.get(f"{self._base_url}/models", headers=headers, timeout=self._health_timeout_s)
        except httpx.TimeoutException:
            return f"unavailable: no answer within {self._health_timeout_s:.1f} s"
        except httpx.HTTPError as e:
            return f"unavailable: unreachable ({type(e).__name__})"
        if r.status_code != 200:
            return f"unavailable: HTTP {r.status_code}"
        try:
            body = r.json()
        except ValueError:
            return "unavailable: /models is not JSON"
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            return "unavailable: /models is not a model list"
        return "ok"

    def answer(  # noqa: C901
        self,
        pages: PageText,
        label_of: Callable[[str, int], str | None],
        q: Question,
        rw: "Rewritten",
        hits: list[Any],
        timeout_s: float | None = None,
    ) -> tuple[str, list[Citation], bool, dict[str, Any]]:
        """The model's answer with only the sentences that check out. Abstains (debug["outcome"] says
        why) when the model says the papers do not cover it or nothing it said survives; raises
        ModelUnavailable when it gave no usable reply.

        It reads nothing but `pages` (a page's text as the caller may see it: Part II lines blank for
        a caller who may not read them) and `label_of` (a page's printed label), to check each quote."""
        shown = hits[:MAX_PASSAGES]
        if not shown:
            return ABSTAIN_TEXT, [], True, {"dropped": [], "outcome": "no passages to show the model"}
        raw = self.complete(rw.standalone, shown, timeout_s)
        debug: dict[str, Any] = {"raw": raw, "dropped": []}
        if ABSTAIN_TEXT.lower().rstrip(".") in raw.lower():
            debug["outcome"] = "the model said the papers do not cover this"
            return ABSTAIN_TEXT, [], True, debug
        sentences = [s.strip() for s in re.split(r"(?<=[.!?\]])\s+(?=[A-Z0-9£\"'])", raw.strip()) if s.strip()]
        out: list[str] = []
        cites: list[Citation] = []
        for s in sentences:
            ids = [int(m) for m in _ID.findall(s)]
            claim = _ANY_BRACKET.sub("", s).strip()
            good: list[Citation] = []
            for i in ids:
                if not 1 <= i <= len(shown):
                    debug["dropped"].append(f"unknown passage P{i}")
                    continue
                hit = shown[i - 1]
                checked = claims.check(claim, hit.text, header=hit.header or "")
                if not checked.ok:
                    debug["dropped"].append(f"P{i}: {checked.reason}: {claim[:80]}")
                    continue
                quote = checked.evidence
                if looks_like_instruction(quote) or _restates_instruction(claim, hit.text):
                    debug["dropped"].append(f"P{i} support is an instruction planted in the paper: {claim[:60]}")
                    continue
                cit = verify(
                    citation_for(hit, quote),
                    pages,
                    span=list(getattr(hit, "pdf_pages", []) or []),
                    label_of=label_of,
                )
                if cit is None:
                    debug["dropped"].append(f"P{i}: its quote is not on the cited page: {claim[:80]}")
                    continue
                good.append(cit)
            if not ids and claim:
                debug["dropped"].append(f"uncited: {claim[:80]}")
            if not good:
                continue  # an uncited or unverifiable claim is not passed on
            out.append(claim + " " + " ".join(c.marker() for c in good))
            for c in good:
                if all((c.doc_id, c.pdf_page, c.item) != (d.doc_id, d.pdf_page, d.item) for d in cites):
                    cites.append(c)
        if not out:
            debug["outcome"] = "nothing the model said is supported by the passage it cites"
            return ABSTAIN_TEXT, [], True, debug
        debug["outcome"] = "answered"
        return " ".join(out), cites, False, debug


def _restates_instruction(claim: str, passage: str) -> bool:
    """The claim's words come from a sentence in the passage that addresses an AI: the model is
    repeating what it was told to say, not reporting the paper."""
    cw = set(content_stems(claim))
    if not cw:
        return False
    return any(len(cw & set(content_stems(s))) / len(cw) >= 0.6 for s in instruction_sentences(passage))
