"""`cllr bench` end to end on the shipped sample papers with tiny sizes: every phase runs (both
pipelines in their own processes, the incremental pack, `cllr serve` on loopback, a synthetic archive
and the serving RSS) and the JSON holds the figures the table prints. Speed itself is not asserted:
this machine is shared and the figures are the bench's job to report, not a test's to gate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import bench

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.timeout(1200),
]  # 1-1.5 min quiet, 3-4 min under load


def test_bench_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    assert pdfs, "the sample papers are missing"
    args = [a for p in pdfs for a in ("--corpus", str(p))]
    rc = bench.main(
        args
        + [
            "--sizes",
            "500",
            "--queries",
            "5",
            "--answers",
            "3",
            "--requests",
            "4",
            "--concurrency",
            "2",
            "--json",
            str(out),
            "--work-dir",
            str(tmp_path),
        ]
    )
    res = json.loads(out.read_text())
    assert rc == 0, res["errors"]
    ing = res["ingest"]
    assert ing["files"] == len(pdfs) and ing["pages"] > 0
    for name in ("plain", "cllr"):
        r = ing[name]
        assert r["chunks"] > 0 and r["pages_per_s"] > 0 and r["peak_rss_mb"] > 0
        assert 0 < r["embedded_share"] <= 1
    # cllr's chunks are sized to the model's window; the plain pipeline's 1024-token ones are not
    assert ing["cllr"]["embedded_share"] == 1.0
    assert ing["plain"]["embedded_share"] < 1.0
    assert ing["ratio_cllr_over_plain"]["pages_per_s"] is not None
    inc = res["incremental"]
    assert inc["add_status"] == "added" and inc["add_chunks"] > 0
    assert inc["reoffer_unchanged"] == inc["reoffer_files"] == len(pdfs)
    svc = res["service"]
    assert svc["sequential"]["errors"] == 0 and svc["concurrent"]["errors"] == 0
    assert svc["sequential"]["req_per_s"] > 0 and svc["stream"]["first_token"]["p50_ms"] is not None
    r500 = res["retrieval"]["500"]
    assert r500["chunks"] == 500
    assert set(r500["search"]) == set(r500["answer"]) and all(
        v["p99_ms"] >= v["p50_ms"] for v in r500["search"].values()
    )
    assert res["serving_rss"]["after_queries"]["rss_mb"] > 0
    printed = capsys.readouterr().out
    assert "cllr / plain" in printed and "/v1/ask on loopback" in printed


def test_absent_corpus_is_skipped_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = bench.main(["--corpus", str(tmp_path / "nowhere"), "--skip", "retrieval"])
    assert rc == 0
    assert "no corpus files" in capsys.readouterr().err
