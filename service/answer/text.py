"""Words, stems and sentence units: the shared vocabulary of scoring, verification and rewriting.

Council papers come out of PDF extraction as wrapped lines, bullet lists and table rows, so a
"sentence" here is a *unit*: a real sentence, a bullet, or a table row, never longer than a
councillor would read in one breath.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")

# Words that carry no topic. Question words are here too: "who"/"when" steer the answer
# type (see question.py), they are not content to be matched.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought our
ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that
that's the their theirs them themselves then there there's these they they'd they'll they're they've
this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's with won't would wouldn't you
you'd you'll you're you've your yours yourself yourselves
whats thats s t get got say said tell told give gave anything something much many per
will shall may might must also just actually really any one ones whether
""".split()
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]|\d[\d,]*(?:\.\d+)?")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\uf0b7": "•",
    }
)


def clean(text: str) -> str:
    """NFKC, straight quotes, plain dashes: one spelling for matching and display."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word.lower().strip("'-"))


def words(text: str) -> list[str]:
    return _WORD.findall(clean(text))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stopwords out; numbers kept without commas)."""
    out = []
    for w in words(text):
        lw = w.lower()
        if lw.endswith("'s"):
            lw = lw[:-2]
        if lw in STOPWORDS or (len(lw) < 2 and not lw.isdigit()):
            continue
        out.append(lw.replace(",", "") if lw[0].isdigit() else stem(lw))
    return out


def squash(text: str) -> str:
    """Letters and digits only, lower-cased: the form in which a quote is looked up on a page,
    so line breaks, hyphenation spaces and bullet glyphs in the PDF text don't defeat it."""
    return re.sub(r"[^0-9a-z£%]+", "", clean(text).lower())


# --------------------------------------------------------------------------- units

# \x80-\x9f: bullet glyphs that some PDFs' fonts map to C1 control codes, never real text.
_BULLET = re.compile(
    r"^\s*(?:[•●▪◦■□➢✓\x7f\x80-\x9f\uf0b7\uf0a7\uf06e\-\*]|\(?[a-z]\)|\(?[ivx]+\)|\d+(?:\.\d+)*[.)]?\s)\s*"
)
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(£]?[A-Z0-9])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Cllr|No|St|Prof|para|paras|e\.g|i\.e|etc|cf|approx|Rev)\.$", re.I)
# A line or sentence ending in an initial ("proposed by Cllr. J." / "R2023-223 S. Foote, D.") goes on
# with the rest of the name: minutes write movers and seconders with initials in every convention.
_INITIAL = re.compile(r"(?:^|[\s(])[A-Z]\.$")


def _goes_on(text: str) -> bool:
    """Whether a line or sentence ends mid-name: an abbreviation ("Cllr.") or an initial ("J.")."""
    return bool(_ABBREV.search(text) or _INITIAL.search(text))


MAX_UNIT_WORDS = 70


def _titleish(line: str) -> bool:
    """Headings are Title Case or numbered: most words capitalised, or a leading number."""
    ws = [w for w in re.findall(r"[A-Za-z][A-Za-z']*", line) if len(w) > 3]
    caps = sum(1 for w in ws if w[0].isupper())
    return bool(re.match(r"^\d", line)) or (bool(ws) and caps / len(ws) >= 0.6)


def _is_row(line: str) -> bool:
    """A table row or a front-sheet line: several figures and no sentence shape."""
    figures = re.findall(r"\d[\d,.]*%?", line)
    alpha = re.findall(r"[A-Za-z]{2,}", line)
    return len(figures) >= 2 and len(alpha) <= 2 * len(figures) and not line.rstrip().endswith(".")


def split_units(text: str) -> list[str]:  # noqa: C901
    """Split a passage's text into sentences, bullets and table rows."""
    text = clean(text)
    blocks: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            blocks.append(" ".join(buf))
            buf.clear()

    lines = text.splitlines()
    for i, raw in enumerate(lines):
        line = raw.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not line:
            flush()
            continue
        if _BULLET.match(line) or _is_row(line):
            flush()
            buf.append(line)
            if _is_row(line):
                flush()
            continue
        buf.append(line)
        # A short line with no end punctuation is a heading: keep it apart from the text below.
        # (Only when the next line starts afresh: a wrapped sentence continues in lower case.)
        if (
            len(line.split()) <= 8
            and not re.search(r"[.,;:]$", line)
            and len(buf) == 1
            and (not nxt or nxt[0].isupper() or _BULLET.match(nxt))
            and _titleish(line)
        ):
            flush()
        elif re.search(r"[.!?:]$", line) and not _goes_on(line):
            flush()
    flush()
    units: list[str] = []
    for block in blocks:
        block = re.sub(r"\s+", " ", block).strip()
        if not block:
            continue
        parts = _SENT_END.split(block)
        merged: list[str] = []
        for p in parts:
            if merged and _goes_on(merged[-1]):
                merged[-1] = merged[-1] + " " + p
            else:
                merged.append(p)
        for s in merged:
            units.extend(_cap(s))
    return [u for u in units if len(u) >= 3]


def _cap(sentence: str) -> list[str]:
    """Very long units (run-on table text, long lists) are cut at ';' or at a word budget."""
    ws = sentence.split()
    if len(ws) <= MAX_UNIT_WORDS:
        return [sentence]
    pieces = [p.strip() for p in re.split(r"(?<=;)\s+", sentence) if p.strip()]
    out: list[str] = []
    for p in pieces:
        pw = p.split()
        for i in range(0, len(pw), MAX_UNIT_WORDS):
            out.append(" ".join(pw[i : i + MAX_UNIT_WORDS]))
    return out


def word_count(text: str) -> int:
    """Words outside [bracketed] citations: how answer length is measured."""
    return len(re.sub(r"\[[^\]]*\]", " ", text).split())
