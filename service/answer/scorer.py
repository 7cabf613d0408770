"""The one scorer of candidate lines: named features, weights fitted on labelled data.

A candidate line (a `Unit`: sentence, bullet, table row, Resolved line, judgement record) gets a
vector of named features (how much of the question it covers, how close it is in meaning, the
passage's search rank, whether it holds the *kind* of thing asked for, ...). Its score is a
logistic model over them: the probability that this line states the answer. The weights come
from `scorer_weights.json`, written by `python -m evals.fit_scorer` (scikit-learn, on
hand-written training questions and gold_dev; gold_dev_external is never used), never set by
hand. Each feature's contribution to a line's score is kept for the answer's debug output.

Features are facts about the line and the question's *shape* (a count, a person, a date...);
none names a council, a person or words of a particular question.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Callable
from typing import Any

from service.answer.question import DATE_MONTH_FIRST, MONTHS, Question, asked_days, days_said, held_on_asked_day
from service.answer.roles import roles_asked
from service.answer.text import STOPWORDS, content_stems

WEIGHTS_PATH = Path(__file__).with_name("scorer_weights.json")

UNIT_FEATURES: tuple[str, ...] = (
    "lexical",  # IDF share of the question's stems the line (or its passage header) has
    "semantic",  # MiniLM cosine of line and question
    "rank_prior",  # 1 / (1 + the passage's search rank)
    "figure_new",  # a count is asked, the line has a figure the question does not
    "figure_missing",  # a count is asked, the line has none
    "figure_counts_asked",  # the figure is followed by a word of the question ("217 foster households")
    "name_new",  # a person is asked, the line names someone the question does not
    "name_missing",
    "role_beside_name",  # the role asked about ("chair", "lead inspector") printed beside a name
    "date_new",  # a date is asked, the line has one the question does not
    "date_missing",
    "other_day",  # the line is dated to another day than the one the question names
    "next_meeting_line",  # the next meeting is asked, the line gives its date ("Next meeting ...")
    "closing_time_line",  # when a meeting ended is asked, the line gives the time it closed
    "place_word",  # a place is asked, the line has a room/hall/postcode
    "place_field",  # ... stated as a front sheet's "Place:"/"Venue:" field
    "decision_word",  # a decision is asked, the line has resolved/agreed/approved/carried...
    "decision_record",  # a decision is asked and the line is a minute's Resolved record
    "vote_line",  # a vote is asked, the line records one (for/against/abstained, carried, unanimous)
    "vote_names",  # ... and names who voted which way
    "amendment_line",  # a decision is asked, the line is about an amendment, not the final motion
    "grade_word",  # a judgement is asked, the line has a grade
    "judgement_record",  # a judgement is asked and the line is a judgement record
    "page_reference",  # a location is asked, the line gives pages
    "kind_held",  # the question asks a figure/person/grade and the line holds one
    "very_short",  # fewer than 4 words
    "long",  # more than 55 words
    "restates_question",  # under a quarter of the line's words are new to the question
    "mostly_restates",  # under two fifths
    "asks_back",  # the line is itself a question (a member's question, a heading)
    "paper_other_year",  # the question is pinned to a year its paper is not of
    "paper_is_attributed_source",  # "according to Ofsted": the line is from the inspectorate's report
    "paper_of_month_named",  # the question names a month and year, the paper is of it
)

SUPPORT_FEATURES: tuple[str, ...] = (
    "best_logit",  # the chosen line's score, before the sigmoid
    "margin",  # how far the best line leads the next one from another page
    "coverage",  # IDF share of the question the chosen lines cover together
    "best_sim",  # closest line in meaning
    "kind_missing",  # a figure/person/grade is asked and no chosen line holds one
    "pending",  # the evidence treats the asked outcome as not yet known
    "asks_present",  # "right now", "currently", "at present", "this year"
    "under_heading",  # the lines are the points under a heading that asks the question
    "unseen_share",  # IDF share of the question's words that no candidate line (or its header) has
    "unseen_names",  # names the question uses (capitalised, not opening it) found in no candidate line
    "day_unmatched",  # the question names a day; no chosen line's meeting was held on it or mentions it
    "year_unmatched",  # the question names a year; no chosen line's meeting, header or text has it
)


@dataclass(frozen=True)
class Selection:
    """How many lines an answer takes, and when a further line joins the best one. Structural
    limits of a short cited answer (words a reader checks, pages they open), not weights."""

    max_units: int = 4
    max_words: int = 95
    same_page_gain: float = 0.15  # share of the question's IDF mass a same-page line must add ...
    same_page_ratio: float = 0.7  # ... scoring at least this share of the best line
    same_page_close: float = 0.5  # or score this close to the best without adding anything
    other_page_gain: float = 0.35  # another page's line must add this much of what is asked
    other_page_ratio: float = 0.7
    short_best_words: int = 20  # a best line shorter than this is read with the next one
    part_max_units: int = 2  # each part of a two-part question gets its own lines
    part_max_words: int = 55
    context_weight: float = 0.4  # a follow-up's carried-over words count less than its own


@dataclass(frozen=True)
class ScorerModel:
    """Fitted weights: a logistic model per line, and a calibrated one per answer."""

    coef: dict[str, float]
    intercept: float
    support_coef: dict[str, float] = field(default_factory=dict)
    support_intercept: float = 0.0
    support_threshold: float = 0.5  # P(answer right) below which cllr says the papers don't say
    selection: Selection = Selection()
    fitted_on: str = ""

    def logit(self, feats: dict[str, float]) -> float:
        return self.intercept + sum(self.coef.get(k, 0.0) * v for k, v in feats.items())

    def contributions(self, feats: dict[str, float]) -> dict[str, float]:
        return {k: round(self.coef.get(k, 0.0) * v, 4) for k, v in feats.items() if v and self.coef.get(k)}

    def support(self, feats: dict[str, float]) -> float:
        z = self.support_intercept + sum(self.support_coef.get(k, 0.0) * v for k, v in feats.items())
        return _sigmoid(z)

    def to_json(self) -> dict[str, Any]:
        return {
            "fitted_on": self.fitted_on,
            "unit": {"intercept": self.intercept, "coef": self.coef},
            "support": {
                "intercept": self.support_intercept,
                "coef": self.support_coef,
                "threshold": self.support_threshold,
            },
            "selection": self.selection.__dict__,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ScorerModel":
        sup = data.get("support") or {}
        return cls(
            coef={k: float(v) for k, v in data["unit"]["coef"].items()},
            intercept=float(data["unit"]["intercept"]),
            support_coef={k: float(v) for k, v in (sup.get("coef") or {}).items()},
            support_intercept=float(sup.get("intercept", 0.0)),
            support_threshold=float(sup.get("threshold", 0.5)),
            selection=Selection(**(data.get("selection") or {})),
            fitted_on=str(data.get("fitted_on", "")),
        )


@lru_cache(maxsize=4)
def load_model(path: str = str(WEIGHTS_PATH)) -> ScorerModel:
    return ScorerModel.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


# --------------------------------------------------------------------------- the cues

_NUMBER = re.compile(r"£\s?\d|\d+(?:\.\d+)?\s?(?:%|m\b|k\b|million|per cent)|\b\d[\d,]*\b")
_BARE_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|hundred|dozen|half|quarter|third)\b",
    re.I,
)
_MONTH_ALT = "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
_DATE_TOKEN = re.compile(
    "|".join(
        [
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_ALT})[a-z]*\b",
            rf"\b(?:{'|'.join(MONTHS)})\s+\d{{4}}\b",
            DATE_MONTH_FIRST.pattern,  # "December 19, 2023", "on December 18th": as a question names days
            rf"\b(?:end|start|beginning|middle) of (?:{'|'.join(MONTHS)})\b",
        ]
    ),
    re.I,
)
# "When is the next meeting?", "when does the board meet next?"
_NEXT_MEETING_WORDS = r"\bnext\s+(?:[\w-]+\s+){0,2}meetings?\b|\bmeets?\s+(?:again|next)\b"
_ASKS_NEXT_MEETING = re.compile(_NEXT_MEETING_WORDS, re.I)
# The line minutes and agendas close with, in its usual wordings: those words ("The next meeting will
# be held on Wednesday 13th December 2017", "Next Meeting Tuesday, 3rd July 2018", "Next regular
# meeting to be held December 19"), "Date of Next Meeting ... Tuesday 19th December", "will meet".
_NEXT_MEETING = re.compile(
    _NEXT_MEETING_WORDS + r"|\bdates?\s+(?:of|for)\s+(?:the\s+)?next\b|\bwill\s+(?:next\s+)?meet\b", re.I
)
CLOSE_WORDS = ("clos", "ended", "finished", "adjourn", "terminated")  # a page's pre-selection (CLOSING_LINE)
# The line minutes end on, in its usual wordings: "The chairman closed the meeting at 8.50pm", "The
# Chairman brought the meeting to a close at 8.35pm", "That the meeting be adjourned. Time: 7:54 p.m.",
# "The Meeting closed at 8.55 pm".
_CLOSE_WORD = r"\b(?:clos(?:e|ed|ing)|ended|finished|adjourn\w*|terminated)\b"
_CLOCK = r"\b\d{1,2}[.:]\d{2}(?![\d.:/]|\s?[./]\d)"  # 8.50pm, 7:54 p.m.; not a date (12.03.2019)
CLOSING_LINE = re.compile(
    rf"\bmeeting\b.*{_CLOSE_WORD}.{{0,40}}?{_CLOCK}|{_CLOSE_WORD}.*\bmeeting\b.{{0,40}}?{_CLOCK}", re.I
)
_DATE_RANGE = re.compile(rf"\b\d{{1,2}}\s*(?:-|–|to)\s*\d{{1,2}}\s+(?:{_MONTH_ALT})[a-z]*\b", re.I)
# Initials and a surname, as minutes write movers and seconders ("R2023-218 S. Kirkey, T. Butler:",
# "proposed by J. Davies"); group 1 is the surname.
INITIALS_NAME = re.compile(r"(?<![A-Za-z.])(?:[A-Z]\.\s?){1,3}([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\b")
_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Professor|Sir|Dame)\.?\s+(?:[A-Z]\.?\s*)*[A-Z][\w'-]+|"
    r"\b[A-Z][a-z]+\s+(?:[A-Z]\.?\s+)?[A-Z][a-z]{2,}\b|" + INITIALS_NAME.pattern
)
_PLACE = re.compile(
    r"\b(Room|Hall|Chamber|Centre|Center|House|Road|Street|Offices?|Venue|Place:)\b|"
    r"\b[A-Z]{1,2}\d{1,2}[A-Z]? ?\d[A-Z]{2}\b"
)
_PLACE_FIELD = re.compile(r"^\s*(Place|Venue|Location)\s*:", re.I)
_DECISION = re.compile(
    r"\b(resolved|agreed|endorsed?|approved?|noted|recommend\w*|decided|"
    r"carried|lost|moved|seconded|postpone\w*|defer\w*|refer\w*|"
    # what a council says of a planning application: "Refuse", "No objection", "Permitted"
    r"refus\w*|granted|permitted|object|objections?|objected|withdrawn)\b",
    re.I,
)
_GRADE = re.compile(r"\b(inadequate|requires? improvement|outstanding|good|adequate|grade \d)\b", re.I)
_PAGES = re.compile(r"\bpages?\s*\d+", re.I)
_ROLE_NEAR = {
    "chair": re.compile(
        r"\((?:Vice[- ])?Chair(?:man|woman|person)?\)|\bChair(?:man|woman|person)?\s*[:,]|"
        r"\bChair(?:man|woman)?\s+(?:Cllr|Councillor|Mr|Mrs|Ms)"
    ),
    "lead": re.compile(r"\blead inspector\b|\breporting inspector\b|\bled by\b|\bleads?\b", re.I),
    "author": re.compile(r"\bauthor|\breport by\b|\bwritten by\b|\bcontact officer", re.I),
    "director": re.compile(r"\bdirector\b", re.I),
    "present": re.compile(r"\bpresent(ed)?\b|\bintroduced\b", re.I),
}
_VOTE_LINE = re.compile(
    r"\b(?:for|against|abstain\w*|in favour)\s*[:\-–(]?\s*\d|\b\d+\s+(?:for|against|"
    r"abstentions?|in favour)\b|\bunanimous\w*|\bnem\.? ?con\b|\b(?:motion|amendment) "
    r"(?:was )?(?:carried|lost|fell|defeated)\b|\bvoted (?:for|against|in favour)\b|"
    r"\brecorded vote\b|\bvoting\b|\b\d+\s+votes?\b|\b(?:carried|lost|defeated)\s+(?:by\s+)?\d+\s*(?:-|–|to)\s*\d+",
    re.I,
)


def records_vote(text: str) -> bool:
    """The line records a vote: counts for and against, names by side, "unanimously", "7 votes"."""
    return bool(_VOTE_LINE.search(text))


_VOTE_NAMES = re.compile(
    r"\b(?:for|against|abstain\w*|in favour)\b[^.]{0,20}?:?\s*(?:Cllrs?\.?|Councillors?|"
    r"Mrs?\.?|Ms\.?|Dr\.?)\s+[A-Z]",
    re.I,
)
_AMENDMENT = re.compile(r"\bamendment\b|\bamended motion\b", re.I)
_PRESENT_TENSE = re.compile(
    r"\b(right now|currently|at present|at the moment|today|this year|nowadays|"
    r"as of now|these days|still)\b",
    re.I,
)


def asks_closing_time(q: Question) -> bool:
    """When a meeting ended: "what time did it end?", "when did the meeting finish?"."""
    return "closing" in q.kinds


def _new(tokens: list[str], qtext: str) -> list[str]:
    """Tokens the question does not already contain: an answer adds something."""
    return [t for t in tokens if t.lower().strip("£%. ") not in qtext]


def asks_present(q: Question) -> bool:
    return bool(_PRESENT_TENSE.search(q.text))


def _count_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    # Dates, page references and leading item numbers are numbers but not amounts.
    plain = _DATE_TOKEN.sub(" ", _DATE_RANGE.sub(" ", text))
    plain = re.sub(r"\bpages?\s*\d+(\s*[-–]\s*\d+)?|^\s*\d+[a-z]?\s+(?=[A-Z])", " ", plain, flags=re.I)
    nums = [m.group(0) for m in _NUMBER.finditer(plain)]
    real = _new([x for x in nums if not _BARE_YEAR.match(x.strip())], qtext)
    has = bool(real or _NUMBER_WORDS.search(plain))
    f["figure_new" if has else "figure_missing"] = 1.0
    asked = set(q.stems)
    for m in re.finditer(r"(?<![\d,.£])(\d[\d,]*)\s+((?:[A-Za-z'-]+\s+){0,2}[A-Za-z'-]+)", plain):
        if (
            not _BARE_YEAR.match(m.group(1))
            and m.group(1).lower() not in qtext
            and set(content_stems(m.group(2))) & asked
        ):
            f["figure_counts_asked"] = 1.0
            break


def _person_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    names = _new(
        [w for w in (m.group(0).split()[-1] for m in _NAME.finditer(text)) if w.lower() not in STOPWORDS], qtext
    )
    f["name_new" if names else "name_missing"] = 1.0
    if names and any(_ROLE_NEAR[r].search(text) for r in roles_asked(qtext)):
        f["role_beside_name"] = 1.0


def _date_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    has = bool(_new([m.group(0) for m in _DATE_TOKEN.finditer(text)], qtext))
    f["date_new" if has else "date_missing"] = 1.0
    if has and _ASKS_NEXT_MEETING.search(qtext) and _NEXT_MEETING.search(text):
        f["next_meeting_line"] = 1.0
    if asks_closing_time(q) and CLOSING_LINE.search(text):
        f["closing_time_line"] = 1.0


def _place_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    if _PLACE.search(text):
        f["place_word"] = 1.0
    if _PLACE_FIELD.match(text):
        f["place_field"] = 1.0


def _resolution_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    if _DECISION.search(text):
        f["decision_word"] = 1.0
    if _AMENDMENT.search(text):
        f["amendment_line"] = 1.0


def _vote_features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
    if _VOTE_LINE.search(text):
        f["vote_line"] = 1.0
        if _VOTE_NAMES.search(text):
            f["vote_names"] = 1.0


def _flag(name: str, rx: re.Pattern[str]) -> Callable[[Question, str, str, dict[str, float]], None]:
    def features(q: Question, text: str, qtext: str, f: dict[str, float]) -> None:
        if rx.search(text):
            f[name] = 1.0

    return features


# One entry per kind of question: what a line must hold to answer that kind.
_KIND_FEATURES: list[tuple[str, Callable[[Question, str, str, dict[str, float]], None]]] = [
    ("count", _count_features),
    ("person", _person_features),
    ("date", _date_features),
    ("place", _place_features),
    ("resolution", _resolution_features),
    ("vote", _vote_features),
    ("judgement", _flag("grade_word", _GRADE)),
    ("location", _flag("page_reference", _PAGES)),
]


def kind_features(q: Question, text: str) -> dict[str, float]:
    """The kind of thing the question asks for, present in the line *and new to the question*
    (a line that only repeats the question's own figure, name or date answers nothing)."""
    qtext = q.text.lower()
    f: dict[str, float] = {}
    for kind, features in _KIND_FEATURES:
        if kind in q.kinds:
            features(q, text, qtext, f)
    if q.days:
        said = days_said(text)
        if said and not said & asked_days(q):
            f["other_day"] = 1.0
    return f


def _cover(u: Any, idf: dict[str, float], header_stems: set[str]) -> None:
    """The share of the question's weighted words the line holds (its `lexical`), and which."""
    total = sum(idf.values()) or 1.0
    got = 0.0
    covered: set[str] = set()
    for s, w in idf.items():
        if s in u.stems:
            got += w
            covered.add(s)
        elif s in header_stems:
            # The passage's header (committee, item title) is context the line inherits.
            got += 0.5 * w
            covered.add(s)
    u.covered = covered
    u.lexical = got / total


def _shape_features(text: str) -> dict[str, float]:
    nwords = len(text.split())
    if nwords < 4:
        return {"very_short": 1.0}
    if nwords > 55:
        return {"long": 1.0}
    return {}


def _restating_features(q: Question, u: Any) -> dict[str, float]:
    f: dict[str, float] = {}
    if u.stems:
        new = len(u.stems - set(q.stems)) / len(u.stems)
        if new < 0.25:
            f["restates_question"] = 1.0
        elif new < 0.4:
            f["mostly_restates"] = 1.0
    else:
        f["restates_question"] = 1.0
    if u.text.rstrip().endswith("?") or u.asked:
        f["asks_back"] = 1.0
    return f


def unit_features(
    q: Question,
    u: Any,
    idf: dict[str, float],
    header_stems: set[str],
    sim: float,
    paper: dict[str, float],
    kind_held: bool | None,
) -> dict[str, float]:
    """All features of one line for one question (absent = 0)."""
    _cover(u, idf, header_stems)
    u.sim = sim
    f: dict[str, float] = {"lexical": u.lexical, "semantic": sim, "rank_prior": 1.0 / (1 + u.rank)}
    f.update(kind_features(q, u.text))
    f.update(_shape_features(u.text))
    if u.resolved and "resolution" in q.kinds:
        f["decision_record"] = 1.0
    if "judgement" in q.kinds and "#judgement" in str(getattr(u.hit, "chunk_id", "")):
        f["judgement_record"] = 1.0
    if kind_held is not None:
        f["kind_held"] = 1.0 if kind_held else 0.0
    f.update(_restating_features(q, u))
    f.update({k: v for k, v in paper.items() if v})
    return {k: v for k, v in f.items() if v}


def header_stems_of(units: list[Any]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for u in units:
        if id(u.hit) not in out:
            out[id(u.hit)] = set(content_stems(u.hit.header or ""))
    return out


def embed_prior(units: list[Any], idf: dict[str, float]) -> list[float]:
    """Which lines are worth embedding when a question has too many (a cost limit, not a score):
    the question's words they share, and their passage's search rank."""
    total = sum(idf.values()) or 1.0
    return [sum(w for s, w in idf.items() if s in u.stems) / total + 1.0 / (1 + u.rank) for u in units]


def score_units(
    units: list[Any],
    q: Question,
    idf: dict[str, float],
    sims: list[float] | None,
    paper: dict[str, dict[str, float]],
    kind_held: Any,
    model: ScorerModel,
) -> None:
    """One pass: each line's features, its logit under the fitted model and its probability
    (`u.score`) of stating the answer."""
    heads = header_stems_of(units)
    for i, u in enumerate(units):
        u.features = unit_features(
            q, u, idf, heads[id(u.hit)], sims[i] if sims else 0.0, paper.get(u.hit.doc_id, {}), kind_held(u)
        )
        u.logit = model.logit(u.features)
        u.score = _sigmoid(u.logit)


_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-Z][A-Za-z'-]{2,}\b")


def question_names(text: str) -> list[str]:
    """The question's capitalised words that do not open a sentence: councils, places, people,
    programmes. A question naming one the papers never mention is about something else."""
    return [
        re.sub(r"['’]s?$", "", m.group(0))
        for m in _CAPITALISED.finditer(text.strip())
        if m.group(0).lower() not in STOPWORDS
    ]


def support_features(
    q: Question,
    chosen: list[Any],
    units: list[Any],
    idf: dict[str, float],
    coverage: float,
    kind_missing: bool,
    pending: bool,
) -> dict[str, float]:
    best = chosen[0]
    here = (best.hit.doc_id, best.hit.pdf_page)
    others = [u.logit for u in units if (u.hit.doc_id, u.hit.pdf_page) != here]
    margin = best.logit - max(others) if others else 4.0
    blob = " ".join(
        " ".join(
            str(x or "")
            for x in (u.text, u.hit.header, getattr(u.hit, "committee", None), getattr(u.hit, "council", None))
        )
        for u in units
    ).lower()
    seen: set[str] = set().union(*(u.stems for u in units)) if units else set()
    total = sum(idf.values()) or 1.0
    f = {
        "unseen_share": sum(w for st, w in idf.items() if st not in seen) / total,
        "unseen_names": float(min(2, sum(1 for n in question_names(q.text) if n.lower() not in blob))),
    }
    f |= {
        "best_logit": best.logit,
        "margin": max(-4.0, min(4.0, margin)),
        "coverage": coverage,
        "best_sim": max((u.sim for u in units), default=0.0),
        "kind_missing": float(kind_missing),
        "pending": float(pending),
        "asks_present": float(asks_present(q)),
        "under_heading": float(bool(best.under_heading)),
    }
    return f | _date_support(q, chosen)


def _date_support(q: Question, chosen: list[Any]) -> dict[str, float]:
    """Whether the day and year the question names are those of the chosen lines: their meeting's
    date, their passage's header, or their own words ("at its meeting on 5 March", "for 2023/24")."""
    f: dict[str, float] = {}
    dates = [str(getattr(u.hit, "meeting_date", None) or "") for u in chosen]
    if q.days:
        held = any(held_on_asked_day(d, q) for d in dates)
        said = any(days_said(u.text) & asked_days(q) for u in chosen)
        f["day_unmatched"] = float(not (held or said))
    if q.years:
        blob = " ".join(dates + [f"{u.hit.header or ''} {u.text}" for u in chosen])
        f["year_unmatched"] = float(not any(y in blob for y in q.years))
    return f
