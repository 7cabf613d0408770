"""Crash safety (issue 9): `cllr ingest` killed with SIGKILL at random points while it writes.

Each trial ingests the two sample PDFs and then two more versions of the minutes (same name,
different bytes: two adds, then two replaces) into a fresh data dir and is killed at a seeded random moment inside the write phase
(calibrated from one uninterrupted run). Afterwards:
  - the store has no half-written document and no rows without a document (transactions);
  - after the Library's recovery on open (reconcile + BM25 rebuild), the store, Chroma, BM25 and
    the kept files agree exactly — no orphan chunks, nothing missing;
  - re-running the ingest completes and ends in the same documents as an uninterrupted run.
What the kill left *before* recovery (orphan vectors etc.) is recorded for docs/reliability.md.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cllr.settings import Settings
from tests.fixtures.reports import write_report
from tests.reliability.consistency import problems, raw_state

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "ingest" / "samples"
NAMES = ("northshire_cssc_2025-01-14_agenda_pack.pdf", "northshire_cssc_2025-01-14_minutes.pdf")
TRIALS = int(os.environ.get("CLLR_CRASH_TRIALS", "20"))


def _inputs(root: Path) -> list[Path]:
    """The pack and the minutes, then two more versions of the minutes (replaces): 4 writes."""
    paths = []
    for v in range(3):
        d = root / f"v{v}"
        d.mkdir(parents=True)
        for name in NAMES if v == 0 else NAMES[1:]:
            data = (SAMPLES / name).read_bytes()
            # a comment after %%EOF: the same paper to the parser, new bytes (so a replace) to the index
            (d / name).write_bytes(data + (f"\n% revision {v}\n".encode() if v else b""))
            paths.append(d / name)
    return paths


def _start(paths: list[Path], data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLLR_")}
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("cllr")), "ingest", *map(str, paths), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**env, "COLUMNS": "300"},
    )


def _calibrate(paths: list[Path], data_dir: Path) -> tuple[float, float, list[str]]:
    """(seconds to the first 'added' line, seconds to exit) of an uninterrupted run, and its lines."""
    t0 = time.monotonic()
    p = _start(paths, data_dir)
    assert p.stdout is not None
    first = None
    lines = []
    for line in p.stdout:
        if line.strip():
            lines.append(line.strip())
            first = first or time.monotonic() - t0
    assert p.wait(300) == 0, lines
    return first or 0.0, time.monotonic() - t0, lines


def _final_docs(data_dir: Path) -> set[tuple[str, str]]:
    from index.store import Store

    s = Store(Settings(data_dir=data_dir).sqlalchemy_url)
    try:
        return {(d.source, d.doc_id) for d in s.documents(None, allow_restricted=True)}
    finally:
        s.close()


@pytest.mark.slow
def test_kill_9_during_ingest(tmp_path: Path) -> None:
    from index.embedder import get_embedder
    from index.library import Library

    paths = _inputs(tmp_path / "in")
    first, end, lines = _calibrate(paths, tmp_path / "calibration")
    expected = _final_docs(tmp_path / "calibration")
    assert len(expected) == 2 and len(lines) == 4
    embedder = get_embedder("minilm")
    # the first document's embed + write starts about this long before its line (0.3-0.5 s with the bulk
    # embedder; an earlier start only spends trials on kills before any write)
    lo = max(0.0, first - 0.6)
    report = [
        f"calibration: first document written at {first:.1f}s, run ends at {end:.1f}s; "
        f"kill window [{lo:.1f}s, {end:.1f}s]"
    ]
    consistent = 0
    for seed in range(TRIALS):
        rng = random.Random(seed)
        data_dir = tmp_path / f"trial{seed}"
        delay = rng.uniform(lo, end)
        t0 = time.monotonic()
        p = _start(paths, data_dir)
        while p.poll() is None and time.monotonic() - t0 < delay:
            time.sleep(0.01)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        p.wait(30)
        done = len([line for line in (p.stdout.read() if p.stdout else "").splitlines() if line.strip()])
        settings = Settings(data_dir=data_dir)
        raw = raw_state(settings) if (data_dir / "cllr.db").exists() else None
        if raw is not None:
            assert raw.half_documents == [] and raw.orphan_rows == 0, (seed, raw)
        library = Library(settings, embedder=embedder)
        try:
            found = problems(library, allow_stray_files=True)
            stray = len([f for f in raw_state(settings).files if not f.startswith(".")]) - len(
                library.store.documents(None, allow_restricted=True)
            )
            assert found == [], f"trial {seed} (killed at {delay:.2f}s): {found}"
            for path in paths:  # re-running the ingest completes
                r = library.ingest_file(path)
                assert r.status != "failed", r.summary()
            assert problems(library) == []
        finally:
            library.close()
        assert _final_docs(data_dir) == expected
        consistent += 1
        report.append(
            f"trial {seed:2}: kill at {delay:5.2f}s {'SIGKILL' if killed else 'exited first'}; "
            f"{done} of 4 files reported; before recovery: "
            + (
                f"{raw.documents} docs, {len(raw.orphan_vectors)} orphan vectors, "
                f"{len(raw.missing_vectors)} missing vectors, "
                f"{stray} unreferenced originals, "
                f"{len([f for f in raw.files if f.startswith('.incoming-')])} temp files"
                if raw
                else "no store yet"
            )
        )
    report.insert(0, f"trials {TRIALS} consistent {consistent}")
    write_report("crash", report)
