from __future__ import annotations

import pytest
import json

from typer.testing import CliRunner

from cllr.cli import app
from index.library import Library
from tests.index.factories import CARE, TRANSPORT

pytestmark = pytest.mark.integration


def test_cli_search(settings, embedder) -> None:
    lib = Library(settings, embedder=embedder)
    for d in (CARE, TRANSPORT):
        lib.ingest_parsed(d)
    runner = CliRunner()
    res = runner.invoke(
        app, ["search", "School Places Strategy", "--data-dir", str(settings.data_dir), "--json", "-k", "3"]
    )
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout)
    assert hits[0]["minute"] == "394" and hits[0]["pdf_page"] == 3 and hits[0]["page_label"] == "13"
    res = runner.invoke(app, ["search", "transport", "--committee", "cabinet", "--data-dir", str(settings.data_dir)])
    assert res.exit_code == 0 and "transport.pdf" in res.stdout and "care.pdf" not in res.stdout
    assert "pdf p." in res.stdout and "item " in res.stdout
    res = runner.invoke(app, ["search", "x", "--from", "19/12/2017", "--data-dir", str(settings.data_dir)])
    assert res.exit_code == 2 and "is not a date; use YYYY-MM-DD" in res.output
