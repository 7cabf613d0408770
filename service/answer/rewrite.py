"""Follow-up questions → stand-alone questions, before retrieval.

"How would that money be phased?" means nothing to a search index. The entities a follow-up
leans on (council, committee, date, topic) are in the earlier user turns and the last answer,
so they are carried over: the stand-alone question is the follow-up plus a compact context of
the earlier turns. Nothing here depends on a question's wording beyond pronoun-like cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.answer.text import STOPWORDS, clean
from service.answer.types import ABSTAIN_TEXT

_ANAPHORA = re.compile(
    r"\b(it|its|that|this|those|these|they|them|their|he|she|his|her|him|there|"
    r"the same|the first|the second|the board|the committee|the council|the panel)\b",
    re.I,
)
_FOLLOW_START = re.compile(r"^\s*(and|so|but|also|what about|how about|then|ok|okay)\b", re.I)
_CITATION = re.compile(r"\[[^\]]*\]")
# An answer that reports nothing from the papers: our abstention, or a refusal in a history a chat
# client sends ("I'm sorry, I can't help with that"). It names nothing a follow-up leans on, and its
# words ("papers", "cover") would only pull the search and the model towards other papers.
_REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry\b|unfortunately\b|as an ai\b|"
    r"i (?:can ?not|can't|am unable to|'m unable to|do not|don't|could not|couldn't) "
    r"(?:help|answer|assist|find|provide|say|tell|see|know)\b)",
    re.I,
)


@dataclass
class Rewritten:
    standalone: str  # what is searched for and shown to the user
    context: str  # the carried-over words (weighted lower when scoring)
    is_followup: bool


def _turns(history: list[dict] | None) -> list[tuple[str, str]]:
    out = []
    for t in history or []:
        role = (t.get("role") if isinstance(t, dict) else getattr(t, "role", "")) or ""
        content = (t.get("content") if isinstance(t, dict) else getattr(t, "content", "")) or ""
        out.append((role, clean(_CITATION.sub(" ", content)).strip()))
    return out


def says_nothing(answer: str) -> bool:
    """An abstention or a refusal: not context for a follow-up."""
    text = answer.strip()
    return not text or ABSTAIN_TEXT.lower().rstrip(".") in text.lower() or bool(_REFUSAL.match(text))


def is_followup(question: str, history: list[dict] | None) -> bool:
    if not history:
        return False
    content = [w for w in re.findall(r"[A-Za-z]+", question) if w.lower() not in STOPWORDS]
    return bool(_ANAPHORA.search(question) or _FOLLOW_START.search(question) or len(content) <= 3)


def rewrite(question: str, history: list[dict] | None) -> Rewritten:
    q = clean(question).strip()
    if not is_followup(q, history):
        return Rewritten(q, "", False)
    turns = _turns(history)
    users = [c for r, c in turns if r == "user"]
    answers = [c for r, c in turns if r == "assistant"]
    if answers and says_nothing(answers[-1]):
        answers = []  # the last question went unanswered: only its own words carry over
    parts: list[str] = []
    if users:
        parts.append(users[-1])
    if answers:
        # The last answer names what "it"/"he"/"that money" refers to; keep its first sentence.
        first = re.split(r"(?<=[.!?])\s+", answers[-1])[0]
        parts.append(" ".join(first.split()[:40]))
    if len(users) > 1:
        parts.append(users[-2])
    context = " ".join(parts)
    return Rewritten(f"{q} (context: {context})" if context else q, context, True)
