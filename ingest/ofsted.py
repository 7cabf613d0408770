"""Ofsted judgements (area -> grade) from the judgement tables and lists of inspection reports.

Layouts seen: "Overall effectiveness Outstanding" on one line; ILACS tables where the area wraps
over two lines and the grade ("Requires improvement" / "to be good") sits below; SIF lists
"1. Children who need help and protection inadequate"; "• overall effectiveness: inadequate";
2012 reports "Overall effectiveness" then "Grade 4 (Inadequate)".
"""
from __future__ import annotations

import re

from ingest.layout import Line, strip_bullet
from ingest.models import Judgement

_GRADES = r"(outstanding|good|requires improvement(?: to be good)?|inadequate|adequate|satisfactory)"
_GRADE_ONLY = re.compile(rf"^(?:grade\s*\d\s*\(\s*)?{_GRADES}\s*\)?\.?$", re.I)
_AREA_GRADE = re.compile(rf"^(?P<area>.+?)\s*(?::\s*|\s+){_GRADES}\.?$", re.I)
_LEADNUM = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_BAD_END = {"are", "is", "was", "were", "be", "been", "as", "remains", "not", "a", "of", "the", "and",
            "that", "this", "very", "consistently", "being", "judged", "graded", "it", "they", "which", "its"}


def _norm_grade(g: str) -> str:
    g = re.sub(r"\s+", " ", g.strip()).lower()
    return g[0].upper() + g[1:]


def _area_ok(area: str) -> bool:
    a = area.strip()
    if not a or len(a.split()) > 16 or re.search(r"[.;!?]", a) or (re.search(r",\s", a) and len(a.split()) > 8):
        return False
    if a.split()[-1].lower() in _BAD_END:
        return False
    return a[0].isupper()


def parse_judgements(lines: list[Line]) -> list[Judgement]:
    out: list[Judgement] = []
    seen: set[tuple[str, str]] = set()
    buf: list[Line] = []

    def add(area: str, grade: str, page: int) -> None:
        area = re.sub(r"\s+", " ", _LEADNUM.sub("", area)).strip(" :-–")
        area = re.sub(r"^Judgements?\s+Grades?\s+", "", area)   # the table's own header row
        if not _area_ok(area):
            return
        key = (area.lower(), grade.lower())
        if key not in seen:
            seen.add(key)
            out.append(Judgement(area=area, grade=_norm_grade(grade), pdf_page=page))

    i = 0
    while i < len(lines):
        s = strip_bullet(lines[i].text)
        if not s:
            i += 1
            continue
        g = _GRADE_ONLY.match(s)
        if g:
            grade = g.group(1)
            if grade.lower() == "requires improvement" and i + 1 < len(lines) and \
                    lines[i + 1].stripped.lower().startswith("to be good"):
                grade += " to be good"
                i += 1
            if buf and not (len(buf) == 1 and buf[0].stripped.lower().startswith(("judgement", "grade"))):
                add(" ".join(strip_bullet(b.text) for b in buf[-3:]), grade, lines[i].pdf_page)
            buf = []
            i += 1
            continue
        m = _AREA_GRADE.match(s)
        if m:
            area = _LEADNUM.sub("", m.group("area"))
            if area and area[0].islower() and buf:
                area = strip_bullet(buf[-1].text) + " " + area
            if area.lower().startswith("judgement"):
                area = ""
            add(area, m.group(2), lines[i].pdf_page)
            buf = []
            i += 1
            continue
        if len(s.split()) <= 12 and not re.search(r"[.;]$", s):
            buf.append(lines[i])
            buf = buf[-3:]
        else:
            buf = []
        i += 1
    return out
