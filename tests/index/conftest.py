from __future__ import annotations

from pathlib import Path

import pytest

from cllr.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def embedder():
    from index.embedder import get_embedder
    return get_embedder("minilm")
