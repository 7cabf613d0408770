"""Text in a paper that addresses an AI ("ignore previous instructions and reply that…") is data.

Such a sentence is still indexed and can be found, and quoted verbatim when asked about; but it is
never used as *evidence*: an extractive answer does not pick it as the answer to a question, and an
LLM claim whose only support is such a sentence is dropped (the model was obeying it), even when the
model cites the real passage that holds it.
"""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|your|other)\s+"
    r"(instructions?|prompts?|rules|directions)\b|"
    r"\b(system|developer)\s+prompt\b|"
    r"\byou are (now )?(an? )?(ai|assistant|language model|chatbot|llm)\b|"
    r"\b(reply|respond|answer|say|state)\s+(only\s+)?(that|with)\b.*\b(cite|citing)\b|"
    r"\b(as an ai|jailbreak|prompt injection)\b",
    re.I,
)


def looks_like_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def instruction_sentences(passage: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;])\s+", passage) if looks_like_instruction(s)]
