"""Optional generative answerer over any OpenAI-compatible endpoint (llama-index OpenAILike).

The model sees numbered passages and must cite them by id ([P3]). It is trusted with wording,
never with citations: every sentence's id is mapped back to a retrieved passage, the sentence's
content words must be found in that passage, and the quote behind the citation must be found
on the cited page. Ids the engine did not hand out, and sentences that fail, are dropped.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.answer.guard import instruction_sentences, looks_like_instruction
from service.answer.citations import citation_for, verify
from service.answer.question import Question
from service.answer.text import content_stems, split_units
from service.answer.types import ABSTAIN_TEXT, Citation

if TYPE_CHECKING:
    from service.answer.rewrite import Rewritten
    from service.engine import AnswerEngine

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
MAX_PASSAGES = 8
MIN_SUPPORT = 0.6      # share of a sentence's content words that its cited passage must contain
_ID = re.compile(r"\[\s*P(\d+)\s*\]")
_ANY_BRACKET = re.compile(r"\[[^\]]*\]")


def load_prompt(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


def _passage_block(hits: list[Any]) -> str:
    out = []
    for i, h in enumerate(hits, 1):
        head = (h.header or "").replace("\n", " ")
        out.append(f"[P{i}] ({head})\n<<<\n{h.text.strip()}\n>>>")
    return "\n\n".join(out)


def supported(sentence: str, passage_text: str) -> bool:
    words = set(content_stems(sentence))
    if not words:
        return False
    return len(words & set(content_stems(passage_text))) / len(words) >= MIN_SUPPORT


def best_quote(sentence: str, passage_text: str) -> str:
    """The passage's unit that shares most words with the claim: what the citation quotes."""
    ws = set(content_stems(sentence))
    units = split_units(passage_text) or [passage_text]
    return max(units, key=lambda u: len(ws & set(content_stems(u))))


class LLMAnswerer:
    def __init__(self, llm: Any) -> None:
        self.llm = llm
        self.system = load_prompt("answer_system.txt")
        self.template = load_prompt("answer_user.txt")

    @classmethod
    def from_settings(cls, settings: Any) -> "LLMAnswerer":
        from llama_index.llms.openai_like import OpenAILike
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "none"
        llm = OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url, api_key=key,
                         is_chat_model=True, timeout=settings.llm_timeout_s, max_tokens=400,
                         temperature=0.0, max_retries=0)
        return cls(llm)

    def complete(self, question: str, hits: list[Any]) -> str:
        from llama_index.core.llms import ChatMessage
        user = self.template.format(passages=_passage_block(hits), question=question)
        reply = self.llm.chat([ChatMessage(role="system", content=self.system),
                               ChatMessage(role="user", content=user)])
        return reply.message.content or ""

    def answer(self, engine: "AnswerEngine", q: Question, rw: "Rewritten", hits: list[Any],
               role: str = "public") -> tuple[str, list[Citation], bool, dict[str, Any]]:
        shown = hits[:MAX_PASSAGES]
        raw = self.complete(rw.standalone, shown) if shown else ABSTAIN_TEXT
        debug: dict[str, Any] = {"raw": raw, "dropped": []}
        if not shown or ABSTAIN_TEXT.lower().rstrip(".") in raw.lower():
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
                if not supported(claim, hit.text):
                    debug["dropped"].append(f"P{i} does not support: {claim[:60]}")
                    continue
                quote = best_quote(claim, hit.text)
                if looks_like_instruction(quote) or _restates_instruction(claim, hit.text):
                    debug["dropped"].append(f"P{i} support is an instruction planted in the paper: {claim[:60]}")
                    continue
                cit = verify(citation_for(hit, quote), lambda d, n: engine.page_text(d, n, role),
                             span=list(getattr(hit, "pdf_pages", []) or []), label_of=engine.page_label)
                if cit is not None:
                    good.append(cit)
            if not good:
                continue    # an uncited or unverifiable claim is not passed on
            out.append(claim + " " + " ".join(c.marker() for c in good))
            for c in good:
                if all((c.doc_id, c.pdf_page, c.item) != (d.doc_id, d.pdf_page, d.item) for d in cites):
                    cites.append(c)
        if not out:
            return ABSTAIN_TEXT, [], True, debug
        return " ".join(out), cites, False, debug


def _restates_instruction(claim: str, passage: str) -> bool:
    """The claim's words come from a sentence in the passage that addresses an AI: the model is
    repeating what it was told to say, not reporting the paper."""
    from service.answer.text import content_stems
    cw = set(content_stems(claim))
    if not cw:
        return False
    return any(len(cw & set(content_stems(s))) / len(cw) >= 0.6 for s in instruction_sentences(passage))
