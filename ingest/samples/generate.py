"""Write the project's sample papers into ingest/samples/ (or a given folder).

    .venv/bin/python -m ingest.samples.generate [OUT_DIR]

The outputs are committed, so the demo and the tests never need to run this; run it after editing
texts.py, then update README.md here if a fact changed. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.samples.render import render_pdf
from ingest.samples.texts import REPORT_TXT_FILE, agenda_pack, later_minutes, officer_report_txt

SAMPLES_DIR = Path(__file__).resolve().parent


def generate(out_dir: Path = SAMPLES_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for sample in (agenda_pack(), later_minutes()):
        path = out_dir / sample.filename
        path.write_bytes(render_pdf(sample))
        written.append(path)
    txt = out_dir / REPORT_TXT_FILE
    # Explicit newline and encoding: the bytes (and so the doc_id) must not depend on the platform.
    txt.write_bytes(officer_report_txt().encode("utf-8"))
    written.append(txt)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else SAMPLES_DIR
    for path in generate(out_dir):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
