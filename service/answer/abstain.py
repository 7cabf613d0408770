"""Whether the evidence supports an answer at all: decided here, and only here.

Two steps. First the conventions a wrong answer would break, whatever the scores: a question
about another council, another year, or a month after every evidence paper's own date is not
answered from the papers at hand (a wrong council is worse than none). Then the calibrated
support: a logistic model over the answer's features (service/answer/scorer.py,
SUPPORT_FEATURES), fitted on held-out answers that were right or wrong, gives P(the answer is
right); below the model's threshold cllr says the papers do not cover it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from service.answer import scorer
from service.answer.extractive import Unit
from service.answer.roles import ROLE_LINES, roles_asked
from service.answer.question import MONTH_RE, RATING_WORDS, Question, held_on_asked_day, month_number


@dataclass
class Support:
    ok: bool
    reason: str
    best: float  # the chosen line's probability of stating the answer
    coverage: float
    p: float = 0.0  # calibrated probability that the answer is right
    features: dict[str, float] = field(default_factory=dict)


def _date_text(u: Unit) -> str:
    h = u.hit
    return " ".join(str(x) for x in (u.text, h.header, getattr(h, "meeting_date", "")) if x)


def coverage_of(chosen: list[Unit], idf: dict[str, float]) -> float:
    total = sum(idf.values()) or 1.0
    covered: set[str] = set().union(*(u.covered for u in chosen)) if chosen else set()
    return sum(idf[s] for s in covered if s in idf) / total


def decide(
    q: Question,
    chosen: list[Unit],
    units: list[Unit],
    idf: dict[str, float],
    model: Any,
    doc_text: Callable[[str], str] | None = None,
    places: set[str] | None = None,
    known_places: frozenset[str] = frozenset(),
) -> Support:
    """known_places: the distinctive words of the councils the library holds papers from (not
    people's names when a question asks "who")."""
    if not chosen:
        return Support(False, "no evidence", 0.0, 0.0)
    best = chosen[0].score
    coverage = coverage_of(chosen, idf)
    gate = _convention_gate(q, chosen, doc_text, places or set())
    if gate:
        return Support(False, gate, best, coverage)
    # The question's rarest words that the evidence does use (a word found nowhere is a paraphrase
    # gap, not what the question is about).
    present = set().union(*(u.stems for u in chosen))
    focus = sorted((st for st in idf if st in present), key=lambda st: -idf[st])[:3]
    missing = missing_kind(q, [u for u in chosen if u.hit is chosen[0].hit], focus, known_places)
    pending = _pending(q, chosen[0])
    feats = scorer.support_features(q, chosen, units, idf, coverage, missing is not None, pending is not None)
    p = model.support(feats)
    if p < model.support_threshold:
        why = "; ".join(x for x in (missing, pending) if x)
        return Support(
            False,
            f"support {p:.2f} below {model.support_threshold:.2f}" + (f" ({why})" if why else ""),
            best,
            coverage,
            p,
            feats,
        )
    return Support(True, "supported", best, coverage, p, feats)


def _convention_gate(
    q: Question, chosen: list[Unit], doc_text: Callable[[str], str] | None, places: set[str]
) -> str | None:
    """Years and month-years: in the evidence itself or on its document's opening pages (where
    papers state their meeting or inspection dates), not anywhere in a long pack, where a
    passing mention of another year would let the wrong meeting answer. The best unit carries
    the answer, so it is the one whose papers must match a question pinned to one year; a
    question spanning years (comparisons) is matched by all the units."""
    later = _after_papers(q, chosen[:1]) or _agenda_before_outcome(q, chosen[0])
    if later:
        return later
    if len(q.years) <= 1:
        chosen = chosen[:1]
    docs = {u.hit.doc_id for u in chosen}
    texts = [_date_text(u) for u in chosen]
    if doc_text is not None:
        texts += [doc_text(d) for d in docs]
    blob = " ".join(texts).lower()
    if len(places) == 1 and next(iter(places)) not in blob:
        return f"{next(iter(places))} not in the evidence's papers"
    # One year: the best unit's paper must be of it. Several (a comparison across papers): at
    # least one of them must be in the evidence.
    if q.years and not any(y in blob for y in q.years):
        return f"year {'/'.join(sorted(q.years))} not in evidence"
    return None


_YES_NO_OUTCOME = re.compile(
    r"^\s*(did|was|were|has|have|had)\b.*\b(succeed\w*|successful|approved|granted|"
    r"awarded|won|win|pass(ed)?|accepted|agreed)\b",
    re.I,
)
_PENDING_TEXT = re.compile(
    r"\b(if successful|if approved|will be|would be|awaiting|await|not yet|is expected|"
    r"are expected|to be decided|pending|has not provided|no decision)\b",
    re.I,
)
# What a meeting did: elections, votes and decisions (recorded in its minutes, not its agenda).
_MEETING_OUTCOME = re.compile(
    r"\b(elected|appointed|voted|chosen|decided?|decision|agreed|approved|resolved|carried|outcome|result)\b", re.I
)


def _pending(q: Question, best: Unit) -> str | None:
    """An outcome the evidence treats as not yet known: "Did the bid succeed?" answered only by
    "if successful, the DfE will award…" (a support feature: such wording is sometimes beside the
    outcome)."""
    if _YES_NO_OUTCOME.search(q.text) and _PENDING_TEXT.search(best.text):
        return "evidence treats the outcome as pending"
    return None


def _agenda_before_outcome(q: Question, best: Unit) -> str | None:
    """What a meeting elected or decided, asked of a named day and answered from that meeting's own
    agenda pack, which was written before the meeting (its minutes would carry a minute number): a
    convention of council papers, so a gate, not a feature. Not for questions asking where in the
    papers something is (the item, its pages, the minute it went to): the agenda is where that is
    answered."""
    if not (_MEETING_OUTCOME.search(q.text) and q.days) or best.hit.minute or "location" in q.kinds:
        return None
    if getattr(best.hit, "doc_type", "") == "agenda_pack" and held_on_asked_day(
        getattr(best.hit, "meeting_date", None), q
    ):
        return "evidence is the meeting's own agenda, written before the outcome"
    return None


_ASKS_OUTCOME = re.compile(
    r"\b(find|found|decide|decided|set|agreed?|rated?|judged?|conclude|concluded|resolved?|"
    r"outcome|result|elected|appointed|approved|happened)\b",
    re.I,
)


_MEETING_DAY = re.compile(
    rf"\b(?:meeting|agm)\b[^?]{{0,30}}?(?:\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTH_RE})|\b(?:{MONTH_RE})\w*\s+\d{{1,2}}\b)",
    re.I,
)


def _after_papers(q: Question, chosen: list[Unit]) -> str | None:
    """A question pinned to a month later than every evidence paper's own date asks what those
    papers could not yet know ("what did Ofsted find at its July 2018 visit" against a June 2018
    report that announces the visit)."""
    if not q.month_years or not _ASKS_OUTCOME.search(q.text):
        return None
    asked = max(f"{y}-{month_number(m)}" for m, y in q.month_years)
    if len(q.days) == 1 and len(q.years) == 1 and _MEETING_DAY.search(q.text):
        # a meeting's whole date ("its meeting of 19 December 2023"): to the day, since an earlier
        # paper of the same month lists the later meeting's date without knowing what it will
        # decide. Not any date ("agree to close the office on 21 December" is decided before it).
        (d, m), y = next(iter(q.days)), next(iter(q.years))
        asked = f"{y}-{month_number(m)}-{int(d):02d}"
    dates = [str(getattr(u.hit, "meeting_date", "") or "")[: len(asked)] for u in chosen]
    if dates and all(d and d < asked for d in dates):
        return f"question is about {asked}, after the papers ({max(dates)})"
    return None


_NUM_TOKEN = re.compile(
    r"£?\d[\d,]*(?:\.\d+)?%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|twenty|thirty|forty|fifty|hundred|half|quarter)\b",
    re.I,
)
# Numbers in council papers that are not quantities: dates ("13th March", "September 5", 2019-03-13,
# 19/03/2019; month names as question.MONTH_RE spells them), times ("7.30pm", "19:00 hrs"), dotted
# references (minute "18.05.1"), the number a line opens with when written as a minute or paragraph
# number, page references ("Pages 7 - 8"), and reference codes and numbers.
_NOT_QUANTITY = re.compile(
    # a line's own number only when written as one ("52.", "4.1", "3)", "(a)"): "12 clients" is a count
    r"^\s*\(?[A-Za-z]?\d+(?:\.\d+)*(?:\.|\))(?=\s)|^\s*\d+\.\d+(?=\s)|\b\d+(?:\.\d+){2,}\b|"
    rf"\b\d{{1,2}}\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH_RE})\b|"
    rf"\b(?:{MONTH_RE})\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    r"(?<![£$\d.])\b\d{1,2}(?:[.:]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.|hrs|hours)\b|:\d{2}\b)|"
    r"\bpages?\s+\d+(?:\s*(?:-|–|to)\s*\d+)?|"
    # reference codes and numbers: planning applications ("E/38405", "SR/042/003"), resolutions
    # ("R2023-223"), "Chq No 1309", "By-Law No. 2023-46", "#1"
    r"\b[A-Z]{1,4}/\d[\w/.-]*|\b[A-Z]{1,3}\d[\w-]*|(?:\bno\.?|\bnumber|\bref\.?|#)\s*\d[\d/-]*",
    re.I,
)


def figures_in(text: str) -> set[str]:
    """The quantities a line states, normalised ("£5,000" -> "5000"), without dates, times and
    references (a line whose only number is its minute number states no figure)."""
    kept = _NOT_QUANTITY.sub(" ", text)
    return {m.group(0).lower().strip("£%").replace(",", "") for m in _NUM_TOKEN.finditer(kept)}


_ASKS_RATING = re.compile(rf"\b({RATING_WORDS}|judgement)\b", re.I)
_GRADE = re.compile(
    r"\b(inadequate|requires? improvement|outstanding|good|adequate|grade \d|"
    r"not yet good|serious weakness|effective)\b",
    re.I,
)


# An overall grade is printed as such ("Overall effectiveness: Requires improvement", "the overall
# judgement is that children's services are inadequate", "Children's services in X are good");
# a table of the other judgements' grades does not give it (the 2026 framework has none).
_ASKS_OVERALL = re.compile(r"\boverall\b", re.I)
_OVERALL_GRADE = re.compile(
    r"\boverall (?:effectiveness|judge?ment|grade|rating|verdict)\b.{0,60}?"
    + _GRADE.pattern
    + r"|\bchildren'?s services\b[^.]{0,60}?\b(?:are|is|were|was)\s+(?:now\s+)?"
    + _GRADE.pattern,
    re.I,
)


def asks_rating(q: Question) -> bool:
    return bool(_ASKS_RATING.search(q.text))


_HOW_LONG = re.compile(r"\bhow long\b", re.I)
# The titles papers put before a person's name.
_HONORIFIC = r"Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Professor|Sir|Dame|Lord|Baroness"
# Minutes record who put a motion as "It was proposed by Cllr A, seconded by Cllr B", "Mr A proposed
# that ...", "Moved by: A Seconded by: B", or a resolution number with the movers' initials and names
# ("R2023-218 A. Example, B. Other:").
_MOVER_RECORD = re.compile(
    # the verbs as verbs ("proposed by", "moved that", "Mr A Example proposed"), not "the Proposed
    # Residential Development"
    r"(?i:\b(?:proposed|moved)\s+(?:by|that)\b|\bseconded\b|\b(?:mover|proposer|seconder)s?\b)|"
    rf"\b(?:{_HONORIFIC})\.?\s+(?:[A-Z]\.?\s*)*[A-Z][a-z]+\s+(?:proposed|moved)\b|"
    rf"\b[A-Z]{{0,3}}\d{{2,4}}[-/]\d+\s+{scorer.INITIALS_NAME.pattern}",
)
# the name a motion's "Moved by:" / "Seconded by:" field gives
_MOVER_FIELD = re.compile(
    rf"(?i:\b(?:moved|seconded|proposed)\s+by)\s*:?\s*(?:(?:{_HONORIFIC})\.?\s+)?"
    r"((?:[A-Z]\.?\s*)*[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)?)"
)
_DURATION = re.compile(
    r"\b(?:since|from)\s+(?:(?:early|mid|late)[- ])?(?:(?:" + MONTH_RE + r")\w*\s+)?(?:19|20)\d\d\b|"
    r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many)\s+"
    r"(?:(?:more|full|whole)\s+)?(?:years?|months?|weeks?|days?)\b",
    re.I,
)


def _follows(u: Unit, before: Unit) -> bool:
    """u is the sentence right after `before` in the same passage."""
    return u.hit is before.hit and u.pos == before.pos + 1


def _person_missing(q: Question, chosen: list[Unit], qtext: str, known_places: frozenset[str]) -> str | None:
    """ "Who …?" wants a person the question does not name; "who moved it?" wants the minutes' record
    of who put the motion."""
    if "person" in q.kinds and "count" not in q.kinds:
        if not any(_new_name(u.text, qtext, known_places) or _role_holder(u.text, qtext) for u in chosen):
            return "no person named in evidence"
    if "mover" in q.kinds and not any(_MOVER_RECORD.search(u.text) for u in chosen):
        return "no mover or seconder recorded in evidence"
    return None


def missing_kind(
    q: Question, chosen: list[Unit], focus: list[str] | None = None, known_places: frozenset[str] = frozenset()
) -> str | None:
    """A question that asks for a figure or a person is answered only by evidence holding a
    figure or a name the question does not already contain: "how big was the overspend" is not
    answered by "the overspend was coming down", nor "who was elected" by "to elect a Chairman"."""
    qtext = q.text.lower()
    if "count" in q.kinds and "location" not in q.kinds:
        # The figure must stand beside what the question is about (its rarest words): "£700m
        # for local authorities" does not say how big the overspend was.
        about = [u for u in chosen if not focus or u.stems & set(focus)]
        # The sentence after one about the subject goes on with it ("... unless they contact a
        # duty worker. At the time, there were over 200 young people in this category.").
        about += [u for u in chosen if u not in about and any(_follows(u, a) for a in about)]
        nums = set().union(*(figures_in(u.text) for u in about)) if about else set()
        nums = {n for n in nums if n and n not in qtext and not re.fullmatch(r"(19|20)\d\d", n)}
        # "How long has she been in post?" is answered by a duration or a start date ("since July 2014").
        lasted = _HOW_LONG.search(qtext) and any(_DURATION.search(u.text) for u in about)
        if not nums and not lasted:
            return "no figure in evidence"
    person = _person_missing(q, chosen, qtext, known_places)
    if person:
        return person
    # "How many voted for it?" / "who voted against?": only a recorded vote says; a minute that
    # records "Carried" (or a mover and seconder) does not.
    by_member = "vote" in q.kinds and re.search(r"\b(?:each|every)\b", qtext)  # "how did each member vote"
    vote_asked = "vote" in q.kinds and ({"count", "person"} & q.kinds or by_member)
    if vote_asked and not any(scorer.records_vote(u.text) for u in chosen):
        return "no vote recorded in evidence"
    if _ASKS_RATING.search(qtext) and not any(_GRADE.search(u.text) for u in chosen):
        return "no grade in evidence"
    if (
        _ASKS_RATING.search(qtext)
        and _ASKS_OVERALL.search(qtext)
        and not any(_OVERALL_GRADE.search(u.text) for u in chosen)
    ):
        return "no overall grade in evidence"
    if "name" in q.kinds and "person" not in q.kinds:
        if not any(_new_name(u.text, qtext, known_places) or _new_title(u.text, qtext) for u in chosen):
            return "no name in evidence"
    return None


# A proper name of a body, scheme or document: two or more Title Case words (small joining words
# allowed between them), or an acronym given in brackets ("... Model (WCF)").
_TITLE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][a-z]+)+\b|\(([A-Z]{2,8})\)")


def _new_title(text: str, qtext: str) -> bool:
    """A name in the text the question does not already hold (at least one of its words is new)."""
    for m in _TITLE.finditer(text):
        words = re.findall(r"[A-Za-z]+", m.group(0))
        if any(len(w) > 2 and w.lower() not in qtext for w in words):
            return True
    return False


_ROLE_WORDS = {"chair", "chairman", "chairwoman", "chairperson", "vice", "cllr", "cllrs", "councillor", "councillors"}


def _role_holder(text: str, qtext: str) -> bool:
    """The role the question asks about, printed beside a name the question does not hold, as
    roles.py reads it: members' lists write the chair with one bare initial ("Councillors D
    Example (Chair), N Other", "Cllrs R Sample (Chairman), D Other"), which is no name to
    `_new_name` (a lone capital is as often a word: "A Report")."""
    for _, pattern in (ROLE_LINES[r] for r in roles_asked(qtext) if r in ROLE_LINES):
        for m in pattern.finditer(text):
            words = re.findall(r"[A-Z][A-Za-z'-]{2,}", m.group(0))
            if any(w.lower() not in qtext and w.lower() not in _ROLE_WORDS for w in words):
                return True
    return False


def _new_name(text: str, qtext: str, known_places: frozenset[str] = frozenset()) -> bool:
    """A person named in the text and not in the question: an honorific and a surname, a name
    with a role in brackets ("A Lowe HMI", "Pat Example, Independent Chair"), or initials
    and a surname ("A C Fenwick"). Title Case phrases alone are not names here: council papers
    are full of them ("National Children and Adult Services Conference")."""
    not_names = _NOT_NAMES | known_places
    strict = (m.group("surname") or m.group("surname2") for m in _PERSON_STRICT.finditer(text))
    pairs = (m.group(2) for m in _PAIR.finditer(text) if not {m.group(1).lower(), m.group(2).lower()} & not_names)
    # initials and a surname, as movers and seconders are written ("S. Foote, D. Yemm", "Cllr. O. Williams")
    initials = (m.group(1) for m in scorer.INITIALS_NAME.finditer(text) if m.group(1).lower() not in not_names)
    # whoever a motion's fields name ("Moved by: Alex Example Seconded by: Bo Other That …"), where
    # the next capitalised word stops the pair above from reading them as names
    fields = (m.group(1).split()[-1] for m in _MOVER_FIELD.finditer(text))
    # "Who delivers/provides ..." is as often answered by a body as by a person.
    bodies = (m.group(0).split()[0] for m in _ORG.finditer(text))
    return any(w and w.lower() not in qtext for names in (strict, pairs, initials, fields, bodies) for w in names)


_PAIR = re.compile(r"\b([A-Z][a-z]{2,})\s+([A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)\b(?!\s+[A-Z])")
_ORG = re.compile(
    r"\b(?:[A-Z][A-Za-z&'-]+\s+){1,4}(?:Trust|Agency|Health|NHS|Partnership|Foundation|Ltd|Limited|"
    r"plc|Company|Group|England|Alliance|Consortium|Academy|College|University|Commission)\b"
)
# Title Case words of council papers that are not people's names.
_NOT_NAMES = frozenset(
    """
the this that these those there their our his her its a an and or of in on at for to by with from as
council county district borough city town parish committee cabinet panel board group select scrutiny
overview children childrens children's young people family families adult adults services service
social care education health safeguarding school schools learning skills national local authority
executive director directorate corporate assistant associate head chief officer member members cllr
chairman chair vice leader deputy government department secretary state minister ministry public
agenda item items minutes minute page pages report reports appendix annex part meeting meetings
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday strategy plan policy programme project update review
inspection inspections ofsted framework improvement performance budget capital revenue financial
finance development management planning transport highways housing community communities public
independent interim acting senior lead principal team teams unit partnership partnerships trust
looked after leavers leaver special educational needs disabilities send early help support
county hall house room chamber centre road street shire
north south east west england english wales welsh scotland scottish british royal his majesty majesty's
majestys inspector inspectors quality commission care act children and
""".split()
)


_PERSON_STRICT = re.compile(
    rf"\b(?:{_HONORIFIC})\.?\s+(?:[A-Z]\.?\s+){{0,3}}"
    r"(?:[A-Z][a-z]+\s+)?(?P<surname>[A-Z][A-Za-z'-]+)|"
    r"\b[A-Z][a-z]+\s+(?P<surname2>[A-Z][a-z]{2,})\s*(?:HMI|\(|,\s*(?:the\s+)?(?:Independent|Interim|Acting|Chair|"
    r"Director|Head|Corporate|Cabinet|Leader|Lead|Assistant|Executive|Chief|Senior|Service|Deputy))"
)
