"""CI floors: the dev eval over the shared corpus must not score below evals/floors.json.

Runs `cllr eval` as a user would (both gold files, seeds + external, the engine, the baseline),
with the embedded corpus cached under .cache/eval/ keyed by the files' hashes (the data dir's
manifest also fingerprints ingest/index code, so a code change re-ingests instead of scoring a
stale index). First run ingests and embeds (a few minutes on 2 cores); later runs reuse it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cllr.settings import Settings
from evals import corpus
from evals.runner import main

pytestmark = pytest.mark.integration

FLOORS = Path(__file__).resolve().parents[2] / "evals" / "floors.json"


def _breaches(got: dict, floors: dict, ceilings: dict) -> list[str]:
    out = []
    for system, sections in floors.items():
        for section, groups in sections.items():
            for group, metrics in groups.items():
                for metric, floor in metrics.items():
                    value = (
                        got[system][section][group][metric] if section != "overall" else got[system]["overall"][metric]
                    )
                    if value is None or value < floor:
                        out.append(f"{system} {group} {metric}: {value} < floor {floor}")
    for system, metrics in ceilings.items():
        for metric, ceiling in metrics.items():
            value = got[system]["overall"][metric]
            if value is None or value > ceiling:
                out.append(f"{system} overall {metric}: {value} > ceiling {ceiling}")
    return out


def _as_sections(floors: dict) -> dict:
    """floors.json: {system: {"overall": {metric: x}, "by_file": {file: {metric: x}}, ...}}."""
    return {
        system: {sec: ({"overall": m} if sec == "overall" else m) for sec, m in secs.items()}
        for system, secs in floors.items()
    }


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_dev_eval_meets_floors(shared_dir: Path, tmp_path: Path) -> None:
    spec = json.loads(FLOORS.read_text())
    golds = [shared_dir / "evals" / "gold_dev.jsonl", shared_dir / "evals" / "gold_dev_external.jsonl"]
    corpora = [shared_dir / "corpus" / "seeds", shared_dir / "corpus" / "external"]
    files = corpus.expand_corpus(corpora)
    data_dir = corpus.cache_dir_for(corpus.manifest_for(files, Settings()))
    out = tmp_path / "eval.json"
    argv = [a for g in golds for a in ("--gold", str(g))] + [a for c in corpora for a in ("--corpus", str(c))]
    argv += [
        "--answers",
        str(tmp_path / "answers.jsonl"),
        "--report",
        str(tmp_path / "report.md"),
        "--json",
        str(out),
        "--data-dir",
        str(data_dir),
        "--baseline",
    ]
    assert main(argv) == 0, "the eval run itself failed (see stderr)"
    got = json.loads(out.read_text())["systems"]
    breaches = _breaches(got, _as_sections(spec["floors"]), spec.get("ceilings", {}))
    assert not breaches, (
        "below the floors in evals/floors.json:\n" + "\n".join(breaches) + f"\n(report: {tmp_path / 'report.md'})"
    )


def test_floor_check_catches_a_drop() -> None:
    got = {"cllr": {"overall": {"hit@10": 0.5, "latency_ms_p95": 900.0}, "by_file": {"a.jsonl": {"correct": 0.2}}}}
    floors = _as_sections({"cllr": {"overall": {"hit@10": 0.6}, "by_file": {"a.jsonl": {"correct": 0.1}}}})
    assert _breaches(got, floors, {"cllr": {"latency_ms_p95": 500}}) == [
        "cllr overall hit@10: 0.5 < floor 0.6",
        "cllr overall latency_ms_p95: 900.0 > ceiling 500",
    ]
    assert _breaches(got, _as_sections({"cllr": {"overall": {"hit@10": 0.5}}}), {}) == []


def test_floors_file_names_real_metrics() -> None:
    from evals.scoring import aggregate

    known = set(aggregate([]))
    spec = json.loads(FLOORS.read_text())
    named = {
        m
        for secs in spec["floors"].values()
        for sec, groups in secs.items()
        for m in (groups if sec == "overall" else {k for g in groups.values() for k in g})
    }
    named |= {m for ms in spec["ceilings"].values() for m in ms}
    assert named and named <= known, named - known
