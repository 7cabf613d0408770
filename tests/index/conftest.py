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


@pytest.fixture(scope="session")
def corpus_library(shared_dir: Path, embedder):
    """The shared corpus (seeds + external) ingested once; cached under .cache/ keyed by the files'
    hashes and the ingest/index code, so re-runs skip the minute or two of embedding."""
    from evals.retrieval_eval import REPO, build_library, cache_key, corpus_files

    files = corpus_files([shared_dir / "corpus" / "seeds", shared_dir / "corpus" / "external"])
    key = cache_key(files, getattr(embedder, "backend", None))
    return build_library(files, REPO / ".cache" / "index-corpus" / key, embedder=embedder)
