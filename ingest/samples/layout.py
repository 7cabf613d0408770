"""A tiny page description for the sample papers, free of reportlab.

The sample texts (`texts.py`) say what is printed on each page; `render.py` turns that into a PDF.
Pages are explicit rather than flowed so the printed page ranges on the front sheet are facts we
control: if a page's text ever overflows, rendering fails instead of silently shifting every label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Style = Literal["title", "heading", "subheading", "body", "indent", "small", "table", "space"]


@dataclass(frozen=True)
class Block:
    style: Style
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()  # only for style == "table"; first row is the header
    first_col: float = 0.66  # tables: share of the width for the first column


@dataclass(frozen=True)
class PageSpec:
    label: str | None  # printed footer label ("Page 3" when "3"); None = unnumbered
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SamplePdf:
    filename: str
    title: str
    subject: str
    pages: tuple[PageSpec, ...] = field(default_factory=tuple)


def title(text: str) -> Block:
    return Block("title", text)


def heading(text: str) -> Block:
    return Block("heading", text)


def sub(text: str) -> Block:
    return Block("subheading", text)


def para(text: str) -> Block:
    return Block("body", text)


def indent(text: str) -> Block:
    return Block("indent", text)


def small(text: str) -> Block:
    return Block("small", text)


def space() -> Block:
    return Block("space")


def table(*rows: tuple[str, ...], first_col: float = 0.66) -> Block:
    return Block("table", rows=tuple(rows), first_col=first_col)


def page(label: int | None, *blocks: Block) -> PageSpec:
    return PageSpec(None if label is None else str(label), tuple(blocks))
