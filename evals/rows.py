"""The rows evals reads and writes on disk (pydantic: these are the edges).

`AnswerRow` is the answers.jsonl shape other tools read (../shared/evals/score.py among them),
so its fields and their order are fixed by issue 5. `QuestionRow` is the only view of a gold
row the answering side ever gets: id, question, history; everything else in a gold row is for
scoring and is deliberately not a field here, so it cannot leak into an answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Turn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    content: str


class QuestionRow(BaseModel):
    """What may be read from a gold row to produce an answer."""

    model_config = ConfigDict(extra="ignore")
    id: str
    question: str
    history: list[Turn] | None = None

    def history_dicts(self) -> list[dict[str, str]] | None:
        return [t.model_dump() for t in self.history] if self.history else None


class PassageRef(BaseModel):
    """A cited or retrieved passage: file base name, 1-based PDF page, printed label, item."""

    source: str
    pdf_page: int | None
    page_label: str | None = None
    item: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _base_name(cls, v: Any) -> str:
        # Other tools compare base names; a path here would never match the gold.
        return Path(str(v or "").replace("\\", "/")).name

    @field_validator("page_label", "item", mode="before")
    @classmethod
    def _str_or_none(cls, v: Any) -> str | None:
        return None if v is None or str(v).strip() == "" else str(v)


class AnswerRow(BaseModel):
    id: str
    answer: str
    abstained: bool
    citations: list[PassageRef] = Field(default_factory=list)
    retrieved: list[PassageRef] = Field(default_factory=list)
    latency_ms: float | None = None

    def to_line(self) -> str:
        return json.dumps(self.model_dump(), ensure_ascii=False)


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a broken line names file and line."""
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: invalid JSON ({e.msg})") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{path}:{n}: expected a JSON object")
            yield n, obj


def read_questions(paths: list[Path]) -> list[tuple[Path, QuestionRow]]:
    out: list[tuple[Path, QuestionRow]] = []
    for path in paths:
        for n, obj in read_jsonl(path):
            try:
                out.append((path, QuestionRow.model_validate(obj)))
            except ValueError as e:
                raise ValueError(f"{path}:{n}: not a question row: {e}") from None
    return out


def write_answers(path: Path, rows: list[AnswerRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(r.to_line() + "\n" for r in rows), encoding="utf-8")
