"""Our scorer against the rules, and against the independent scorer (../shared/evals/score.py).

The fixture (tests/evals/fixtures) is hand-written so that each rule decides at least one row:
whitespace/no-break space, curly quotes, a meaningful leading space (" adequate" vs "inadequate"),
number boundaries ("10" not in "2010"/"105", "120" not in "1,120", "£518" in "£518,000",
"9.30" in "09.30"), thousands commas, the 120-word limit with [bracketed] citations not counted,
item normalisation ("Item 7", "7.", "Minute 0394", "9A"), string/float pages, path and case in
source names, abstention, a missing row, a duplicate gold id and answers id, an unknown id.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.matching import has_alternative, item_key, words
from evals.scoring import load_answers, load_gold, score, score_files


FIX = Path(__file__).parent / "fixtures"
GOLD = [FIX / "gold_a.jsonl", FIX / "gold_b.jsonl"]
ANSWERS = FIX / "answers.jsonl"


@pytest.mark.unit
@pytest.mark.parametrize(
    "answer, alt, expected",
    [
        ("In the Kennet\u00a0Room", "kennet room", True),
        ("The Children\u2019s Plan", "children's plan", True),
        ("inadequate", " adequate", False),
        ("Adequate", " adequate", True),  # the answer is padded at its edges
        ("in 2010", "10", False),
        ("105 of them", "10", False),
        ("£1,120", "120", False),
        ("£1.120", "120", False),
        ("£518,000", "£518", True),
        ("at 09.30", "9.30", True),
        ("at 10.30", "0.30", False),
        ("£2,250,900", "2250900", True),
        ("2250900", "2,250,900", True),
        ("10%", "10", True),
        ("", "   ", False),
    ],
)
def test_alternative_matching(answer: str, alt: str, expected: bool) -> None:
    assert has_alternative(answer, alt) is expected


@pytest.mark.unit
@pytest.mark.parametrize(
    "raw, key",
    [
        ("Item 7", "7"),
        ("7.", "7"),
        ("Minute 394", "394"),
        ("Minute 0394", "394"),
        ("agenda item 9a", "9a"),
        ("9A", "9a"),
        ("Item No. 12", "12"),
        ("#5", "5"),
        (None, None),
        ("  ", None),
        ("Part II", "part ii"),
    ],
)
def test_item_normalisation(raw: object, key: str | None) -> None:
    assert item_key(raw) == key


@pytest.mark.unit
def test_words_ignore_bracketed_citations() -> None:
    assert words("Approved [doc.pdf p.3 item 7] by the committee [p.4]") == 4


@pytest.mark.unit
def test_fixture_figures_by_hand() -> None:
    rep = score(load_gold(GOLD), load_answers(ANSWERS))
    o = rep.overall
    by_id = {q.id: q for q in rep.per_question}
    assert o["n"] == 21 and o["n_answerable"] == 17 and o["n_unanswerable"] == 4
    assert rep.missing_ids == ["a-missing", "b-un"] and rep.unknown_ids == ["zz-unknown"]
    correct = {i for i, q in by_id.items() if q.correct}
    assert correct == {
        "a-plain",
        "a-curly",
        "a-space-edge",
        "a-comma",
        "a-prefix",
        "a-brackets",
        "a-dup",
        "b-rank",
        "b-deep",
        "b-strpage",
        "b-nomust",
    }
    assert by_id["a-long"].contains and by_id["a-long"].too_long and not by_id["a-long"].correct
    assert by_id["a-long"].first_hit_rank is None  # its hit is at rank 11
    assert by_id["a-space"].first_hit_rank == 5 and by_id["b-deep"].first_hit_rank == 7
    assert by_id["b-rank"].citation_hits == 1 and by_id["a-curly"].item_hit is True
    assert by_id["b-strpage"].item_hit is True and by_id["a-year"].item_hit is True
    assert o["abstention"] == pytest.approx(3 / 4)  # a-un1, a-un2 and missing b-un
    assert o["unanswerable_clean"] == pytest.approx(2 / 4)
    assert o["latency_ms_p50"] == 80.0 and o["latency_ms_p95"] == 160.0
    assert set(rep.by_file) == {"gold_a.jsonl", "gold_b.jsonl"}


def _shared_score(shared: Path, answers: Path, tmp: Path) -> dict:
    out = tmp / "shared.json"
    cmd = [
        sys.executable,
        str(shared / "evals" / "score.py"),
        "--json",
        str(out),
        "--answers",
        str(answers),
        "--quiet-warnings",
    ]
    for g in GOLD:
        cmd += ["--gold", str(g)]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.read_text())


def _same(ours: dict, theirs: dict, where: str) -> None:
    for key, value in theirs.items():
        assert key in ours, f"{where}: we lack {key}"
        if isinstance(value, float):
            assert ours[key] == pytest.approx(value), f"{where}.{key}: {ours[key]} != {value}"
        else:
            assert ours[key] == value, f"{where}.{key}: {ours[key]} != {value}"


@pytest.mark.integration
def test_agrees_with_independent_scorer(shared_dir: Path, tmp_path: Path) -> None:
    theirs = _shared_score(shared_dir, ANSWERS, tmp_path)
    ours = score_files(GOLD, ANSWERS).to_json()
    _same(ours["overall"], theirs["overall"], "overall")
    assert set(ours["by_category"]) == set(theirs["by_category"])
    for cat, m in theirs["by_category"].items():
        _same(ours["by_category"][cat], m, cat)
    for f, m in theirs["by_file"].items():
        _same(ours["by_file"][f], m, f)
    assert ours["missing_ids"] == theirs["missing_ids"] and ours["unknown_ids"] == theirs["unknown_ids"]
    mine = {q["id"]: q for q in ours["per_question"]}
    for q in theirs["per_question"]:
        for key in (
            "correct",
            "contains",
            "too_long",
            "first_hit_rank",
            "citation_hits",
            "item_hit",
            "clean_abstention",
            "words",
        ):
            if key in q:
                assert mine[q["id"]][key] == q[key], f"{q['id']}.{key}"
