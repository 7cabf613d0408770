"""Shared pytest fixtures. Keep this small and additive: several people edit it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

# Fixtures several test packages use, defined once in tests/fixtures/ and asked for by name
# (importing a fixture into a test module shadows it and hides which one a test gets).
pytest_plugins = ["tests.fixtures.tiers", "tests.fixtures.live", "tests.fixtures.browser"]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repo root (corpus, gold questions, the independent scorer).
    Tests that need it skip only when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is absent")
    return SHARED_DIR
