"""Does a model's sentence say what the passage it cites says? A check for meaning, not shared words.

Counting shared words let "…costing £9 million [P1]" and "The contract was not awarded to X [P1]"
through on a passage that gives no figure and says the contract *was* awarded. A sentence is kept
only when, against the passage it cites (its text and the header the model was shown with it):

- **facts**: every figure (number, money, percentage), date, grade and proper name in the sentence
  is in the passage, however papers write it ("£1.9m" = "£1.9 million" = "£1,900,000";
  "15 per cent" = "15%"; "2017/18" = "2017-2018"; "five" = "5"; "Cllr" = "Councillor");
- **polarity**: it does not deny what the passage states, nor state what the passage denies (a
  negation cue — not, no, never, without, refused, rejected … — governs words it shares with the
  passage's closest sentences on one side only), and it does not turn a rise into a fall;
- **support**: the words it shares with the passage are its content, not padding ("the report
  said", "the committee noted"), and they are found together, in at most `WINDOW_UNITS`
  neighbouring sentences of the passage.

Hand-written rather than an NLI model: it must run offline on CPU in milliseconds per sentence and
say *why* it dropped a sentence; the conventions it reads (how papers print money, dates and grades)
are few and regular. Paraphrase with new words is the price: a true sentence worded far from the
paper can be dropped, never a false figure kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from service.answer.text import STOPWORDS, clean, content_stems, split_units, stem

MIN_SUPPORT = 0.6  # share of the claim's content words found in its evidence window
MIN_SHARED = 2  # ... and at least this many of them (or all, for a shorter claim)
WINDOW_UNITS = 3  # neighbouring sentences of the passage that may support one claim together
NEG_SCOPE = 5  # content words after a negation cue that it governs
DIRECTION_SPAN = 8  # words either side of "increased"/"fell" that say what rose or fell
ROUNDING_SHARE = 0.05  # a rounded figure ("£2.3m") may differ from the paper's by at most this share

# Words that say a paper was written and read, not what it says: sharing them supports nothing.
PADDING = frozenset(
    stem(w)
    for w in """
council councils committee committees report reports paper papers document documents meeting meetings
member members councillor councillors officer officers item items agenda page pages minute minutes
passage passages note noted notes state stated states say says confirm confirmed discuss discussed
consider considered explain explained mention mentioned according regard regarding refer referred
highlight highlighted inform informed include included including set out outline outlined detail
detailed follow following relate related relating provide provided cited cite explains
""".split()
)

# ---------------------------------------------------------------------------- figures

_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"(?<![\w.])(?P<cur>[£$€])?\s?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?"
    r"(?:\s?(?P<scale>k|m|mn|bn|million|billion|thousand)\b)?"
    r"(?P<pct>\s?(?:%|per\s?cent\b|percent\b))?",
    re.I,
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_NUMBER_WORD = re.compile(r"\b(" + "|".join(w for w in _NUMBER_WORDS if w not in ("zero", "one")) + r")\b", re.I)
# A financial or academic year written with its second year short: "2017/18", "2005-06".
_SHORT_YEAR_PAIR = re.compile(r"\b((?:19|20)\d{2})\s?[/-]\s?(\d{2})\b(?![/\d])")


@dataclass(frozen=True)
class Figure:
    value: float
    tol: float  # how far the paper's figure may be from it: a rounded figure's last digit
    text: str


def _expand_years(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        first, short = m.group(1), m.group(2)
        if int(short) == (int(first) + 1) % 100:
            return f"{first}-{first[:2]}{short}"
        return m.group(0)

    return _SHORT_YEAR_PAIR.sub(sub, text)


def figures(text: str) -> list[Figure]:
    """Every figure in `text` as a value: money with its scale, percentages, counts, years, and the
    number words two to ninety."""
    text = _expand_years(clean(text))
    out: list[Figure] = []
    for m in _NUMBER.finditer(text):
        digits = m.group("int").replace(",", "")
        dec = m.group("dec") or ""
        value = float(f"{digits}.{dec}" if dec else digits)
        scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
        value *= scale
        half_digit = 0.5 * 10 ** (-len(dec)) * scale if (dec or scale > 1) else 0.0
        tol = min(half_digit, ROUNDING_SHARE * value) if scale > 1 else half_digit
        out.append(Figure(value, tol, m.group(0).strip()))
    for m in _NUMBER_WORD.finditer(text):
        out.append(Figure(float(_NUMBER_WORDS[m.group(1).lower()]), 0.0, m.group(0)))
    return out


def _same_figure(claim: Figure, paper: Figure) -> bool:
    return abs(claim.value - paper.value) <= claim.tol + 1e-9 * max(1.0, abs(claim.value))


# ---------------------------------------------------------------------------- dates

_MONTHS = {
    m: i
    for i, ms in enumerate(
        [
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        ],
        1,
    )
    for m in ms.split()
}
_MONTH_ALT = "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATE_PATTERN = (
    rf"(?:\b(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m1>{_MONTH_ALT})\b\.?"
    rf"|\b(?P<m2>{_MONTH_ALT})\b\.?(?:\s+(?P<day2>\d{{1,2}}){_ORD}\b,?)?)"
    rf"(?:,?\s+(?P<year>(?:19|20)\d{{2}})\b)?"
)
_DATE = re.compile(_DATE_PATTERN)  # a claim: month names as written, capitalised
_PAPER_DATE = re.compile(_DATE_PATTERN, re.I)  # a paper: also "19 DECEMBER 2017" in headings
_NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>(?:19|20)?\d{2})\b(?![/.]\d)")
_ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")  # headers' meeting dates


@dataclass(frozen=True)
class Date:
    day: int | None
    month: int
    year: int | None
    text: str
    span: tuple[int, int] = field(compare=False, default=(0, 0))


def dates(text: str, *, paper: bool = False) -> list[Date]:
    """Dates that name a month ("19 December 2017", "Dec 2017", "December 19, 2017", "19/12/2017",
    "2017-12-19"). A bare "May" is a date only beside a day or a year (otherwise it is the verb)."""
    text = clean(text)
    out: list[Date] = []
    for m in (_PAPER_DATE if paper else _DATE).finditer(text):
        word = (m.group("m1") or m.group("m2")).lower()
        day = m.group("day") or m.group("day2")
        if word == "may" and not (day or m.group("year")):
            continue
        out.append(
            Date(
                int(day) if day else None,
                _MONTHS[word],
                int(m.group("year")) if m.group("year") else None,
                m.group(0),
                m.span(),
            )
        )
    for rx in (_NUMERIC_DATE, _ISO_DATE):
        for m in rx.finditer(text):
            d, mo, y = int(m.group("day")), int(m.group("month")), int(m.group("year"))
            if 1 <= d <= 31 and 1 <= mo <= 12:
                out.append(Date(d, mo, y + 2000 if y < 100 else y, m.group(0), m.span()))
    return out


def _date_in(claim: Date, paper: list[Date]) -> bool:
    return any(
        claim.month == p.month
        and (claim.day is None or claim.day == p.day)
        and (claim.year is None or p.year is None or claim.year == p.year)
        for p in paper
    )


# ---------------------------------------------------------------------------- grades

# Inspection grades (Ofsted, CQC) and the statuses of RAG-rated reports. "good" is a grade only where
# something is rated ("was judged good", "Good" in a table), not in "good progress".
_GRADE = re.compile(
    r"\b(requires? improvement|requiring improvement|outstanding|inadequate|adequate|good|"
    r"red|amber|green)\b",
    re.I,
)
_RATED = re.compile(
    r"\b(rated|rating|judged|judgement|graded|grade|grades|as|was|is|be|been|remains|remained|"
    r"effectiveness|status|rag)\W+(\w+\W+){0,2}$",
    re.I,
)
_WEAK_GRADES = ("good", "red", "amber", "green")


def grades(text: str, *, strict: bool) -> set[str]:
    """Grades named in `text`. strict (a claim): "good" and the RAG colours only where something is
    rated; lenient (a paper): also where capitalised ("Good" in a judgement table)."""
    text = re.sub(r"(requires?|requiring) improvement to be good", r"\1 improvement", clean(text), flags=re.I)
    out: set[str] = set()
    for m in _GRADE.finditer(text):
        g = re.sub(r"^requir\w*", "requires", m.group(1).lower())
        if g in _WEAK_GRADES:
            rated = bool(_RATED.search(text[max(0, m.start() - 40) : m.start()]))
            if not (rated or (not strict and m.group(1)[0].isupper())):
                continue
        out.add(g)
    return out


# ---------------------------------------------------------------------------- names

# Sentence openers that are not names (a sentence's first word is otherwise taken as one).
_FUNCTION_WORDS = frozenset(
    """however additionally overall furthermore moreover also further following according
currently previously since although despite under during while whilst within across among therefore thus
instead meanwhile finally first firstly second secondly third lastly yes""".split()
)
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'&-]*[A-Za-z]\b|\b[A-Z]\b")
_ALIASES = {"cllr": "councillor", "councillor": "cllr", "dr": "doctor"}  # titles papers print both ways
_MONTH_WORDS = frozenset(_MONTHS)


def names(text: str) -> list[str]:
    """Capitalised words that name someone or something (people, bodies, companies, places, schemes).
    The sentence's first word counts unless it is a function word: "Capita was awarded …" names
    Capita as surely as "… awarded to Capita"."""
    text = clean(text)
    out: list[str] = []
    for m in _CAPITALISED.finditer(text):
        w = re.sub(r"'s$", "", m.group(0))
        lw = w.lower()
        if len(lw) < 2 or lw in STOPWORDS or lw in _MONTH_WORDS or lw in _FUNCTION_WORDS:
            continue
        out.append(w)
    return out


def _name_in(name: str, paper_words: set[str], paper_stems: set[str]) -> bool:
    lw = name.lower()
    if lw in paper_words or stem(lw) in paper_stems:
        return True
    alias = _ALIASES.get(lw)
    return alias is not None and alias in paper_words


# ---------------------------------------------------------------------------- polarity

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|£?\d[\d,]*(?:\.\d+)?%?|[,;:.]")
# "decline" is a fall (below), "against" a comparison ("against a target of …") as often as a vote.
_NEG_WORDS = frozenset(
    "not no never neither nor without none nothing nobody cannot unable refuse refused refuses "
    "refusing reject rejected rejects rejecting fail failed fails oppose opposed opposes".split()
)
_NOT_NEGATION = re.compile(
    r"\b(not only|not just|no (?:later|more|less|fewer|sooner|earlier) than|"
    r"not (?:more|less|fewer|later) than|no doubt|nothing but)\b",
    re.I,
)
_CLAUSE_END = frozenset(", ; : . but although though whereas while whilst however which who".split())
_UP = frozenset(
    stem(w)
    for w in "increase increased increases increasing rise rises rising rose risen grew grow grows "
    "growing growth higher highest gain gained improve improved improving improvement more above "
    "exceed exceeded overspend overspent surplus".split()
)
_DOWN = frozenset(
    stem(w)
    for w in "decrease decreased decreases decreasing reduce reduced reduces reducing reduction "
    "fall falls falling fell fallen decline declined declining lower lowest drop dropped dropping "
    "cut cuts less fewer below deteriorate deteriorated worsen worsened underspend underspent "
    "deficit".split()
)


@dataclass
class _Reading:
    """A text as a run of tokens, each with its stem and whether a negation cue governs it."""

    stems: list[str]
    negated: list[bool]

    def negated_stems(self) -> set[str]:
        return {s for s, n in zip(self.stems, self.negated, strict=True) if s and n}


def _tokens(text: str) -> list[str]:
    """Words, figures and clause punctuation; "n't" as "not", and "not only", "no later than" …
    (which negate nothing) taken out."""
    text = _NOT_NEGATION.sub(" ", clean(text))
    return _TOKEN.findall(re.sub(r"n't\b", " not", text))


def _read(text: str) -> _Reading:
    raw = _tokens(text)
    stems: list[str] = []
    negated: list[bool] = []
    left = 0
    for tok in raw:
        lw = tok.lower()
        if lw in _CLAUSE_END:
            left = 0
            stems.append("")
            negated.append(False)
            continue
        if lw in _NEG_WORDS:
            left = NEG_SCOPE
            stems.append("")
            negated.append(False)
            continue
        content = lw not in STOPWORDS and (len(lw) > 1 or lw.isdigit())
        s = (lw.replace(",", "").lstrip("£").rstrip("%") if lw[0] in "£0123456789" else stem(lw)) if content else ""
        stems.append(s)
        negated.append(bool(content and left > 0))
        if content and left > 0:
            left -= 1
    return _Reading(stems, negated)


def _negation_conflict(claim: _Reading, evidence: _Reading, shared: set[str]) -> str | None:
    """One side negates something the two share and the other negates nothing they share: "was not
    awarded" against "was awarded", "objections were received" against "no objections were
    received". Both negating ("did not grant" / "refused") agree, whatever words each negates."""
    c_neg = shared & claim.negated_stems()
    e_neg = shared & evidence.negated_stems()
    if c_neg and not e_neg:
        return f"negates what the passage states ('{min(c_neg)}')"
    if e_neg and not c_neg:
        return f"states what the passage denies ('{min(e_neg)}')"
    return None


def _directions(reading: _Reading, raw_stems: list[str]) -> list[tuple[str, set[str]]]:
    """Each rise/fall word with what rose or fell: the figure it rose or fell to ("increased to
    82.3%"), else the figures around it, else the content words around it."""
    out = []
    for i, s in enumerate(raw_stems):
        kind = "up" if s in _UP else "down" if s in _DOWN else None
        if kind is None:
            continue
        after = [t for t in reading.stems[i + 1 : i + DIRECTION_SPAN + 1] if t and t[0].isdigit()]
        around = [
            t
            for t in reading.stems[max(0, i - DIRECTION_SPAN) : i + DIRECTION_SPAN + 1]
            if t and t not in _UP and t not in _DOWN and t not in PADDING
        ]
        figs = {t for t in around if t[0].isdigit()}
        out.append((kind, {after[0]} if after else figs or set(around)))
    return out


def _raw_stems(text: str) -> list[str]:
    """Stems of every word, stopwords included ("more", "below" are direction words), aligned with
    _read's tokens."""
    return [stem(t.lower()) if t[0].isalpha() else "" for t in _tokens(text)]


def _direction_conflict(claim_text: str, evidence_text: str) -> str | None:
    c_read, e_read = _read(claim_text), _read(evidence_text)
    c_dirs = _directions(c_read, _raw_stems(claim_text))
    e_dirs = _directions(e_read, _raw_stems(evidence_text))
    for kind, ctx in c_dirs:
        if not ctx:
            continue
        same = any(k == kind and ctx & ec for k, ec in e_dirs)
        other = any(k != kind and ctx & ec for k, ec in e_dirs)
        if other and not same:
            return (
                f"reverses the passage's direction ({'a rise' if kind == 'up' else 'a fall'} where it says "
                f"{'a fall' if kind == 'up' else 'a rise'})"
            )
    return None


# ---------------------------------------------------------------------------- the check


@dataclass
class ClaimCheck:
    ok: bool
    reason: str | None  # why the claim was dropped (shown in debug)
    evidence: str  # the passage's sentence closest to the claim: what a citation quotes
    support: float = 0.0


# Words that belong to a figure ("£4 million per annum"): the figure itself is checked as a fact.
_FIGURE_WORDS = frozenset(stem(w) for w in "million billion thousand bn mn cent percent annum pa".split())


def _core(claim: str) -> list[str]:
    """The claim's content: its stems less padding and the figures (checked as facts)."""
    return list(
        dict.fromkeys(
            s for s in content_stems(claim) if s not in PADDING and s not in _FIGURE_WORDS and not s[0].isdigit()
        )
    )


def _best_window(units: list[str], core: set[str]) -> tuple[int, int, set[str]]:
    """The run of at most WINDOW_UNITS neighbouring units sharing most of the claim's content
    (shortest first on a tie): where the claim is said, if the passage says it."""
    unit_stems = [set(content_stems(u)) for u in units]
    best = (0, 1, unit_stems[0] if unit_stems else set())
    best_hits = -1
    for size in range(1, WINDOW_UNITS + 1):
        for i in range(max(1, len(units) - size + 1)):
            stems_ = set().union(*unit_stems[i : i + size]) if unit_stems else set()
            hits = len(core & stems_)
            if hits > best_hits:
                best, best_hits = (i, i + size, stems_), hits
    return best


def check(claim: str, passage: str, header: str = "") -> ClaimCheck:  # noqa: C901
    """Whether `claim` says what `passage` says (see the module docstring), with the reason when not."""
    claim = clean(claim).strip()
    paper = clean(passage)
    whole = f"{header}\n{paper}" if header else paper
    units = split_units(paper) or [paper]
    core = _core(claim)
    lo, hi, window_stems = _best_window(units, set(core))
    unit_stems = [set(content_stems(u)) for u in units[lo:hi]]
    evidence = units[lo:hi][max(range(hi - lo), key=lambda k: len(set(core) & unit_stems[k]))] if hi > lo else paper
    window = " ".join(units[lo:hi])

    # facts
    paper_figures = figures(whole)
    claim_dates = dates(claim)
    undated = claim
    for d in sorted(claim_dates, key=lambda d: -d.span[0]):
        undated = undated[: d.span[0]] + " " + undated[d.span[1] :]
    for f in figures(undated):
        if not any(_same_figure(f, p) for p in paper_figures):
            return ClaimCheck(False, f"figure '{f.text}' is not in the passage", evidence)
    paper_dates = dates(whole, paper=True)
    paper_years = {p.value for p in paper_figures}
    for d in claim_dates:
        if not _date_in(d, paper_dates) or (d.year is not None and float(d.year) not in paper_years):
            return ClaimCheck(False, f"date '{d.text}' is not in the passage", evidence)
    missing_grades = grades(claim, strict=True) - grades(whole, strict=False)
    if missing_grades:
        return ClaimCheck(False, f"grade '{min(missing_grades)}' is not in the passage", evidence)
    whole_words = {re.sub(r"'s$", "", w.lower()) for w in re.findall(r"[A-Za-z][A-Za-z'&-]*[A-Za-z]|[A-Za-z]", whole)}
    whole_stems = set(content_stems(whole))
    for n in names(claim):
        if not _name_in(n, whole_words, whole_stems):
            return ClaimCheck(False, f"name '{n}' is not in the passage", evidence)

    # support: the claim's content, found together
    header_stems = set(content_stems(header))
    found = set(core) & (window_stems | header_stems)
    support = len(found) / len(core) if core else 0.0
    if not core:
        if not (figures(undated) or claim_dates or names(claim)):
            return ClaimCheck(False, "says nothing the passage could support", evidence)
    elif support < MIN_SUPPORT or len(set(core) & window_stems) < min(MIN_SHARED, len(core)):
        return ClaimCheck(
            False, f"shares too little of its content with the passage (support {support:.2f})", evidence, support
        )

    # polarity
    shared = {s for s in found if s in window_stems}
    conflict = _negation_conflict(_read(claim), _read(window), shared) or _direction_conflict(claim, window)
    if conflict:
        return ClaimCheck(False, conflict, evidence, support)
    return ClaimCheck(True, None, evidence, support)
