"""Which files an eval runs over, and whether a data directory already holds exactly them.

A data dir made by the runner carries `eval-manifest.json`: the corpus files' sha256 and a
fingerprint of the code and settings that turn files into an index. Same manifest → the
embedded corpus is reused (this is what keeps the CI eval to a few minutes); anything else →
the dir is rebuilt. A stale index would hide a regression (or an improvement) in ingest/index,
so the fingerprint covers their source, not just the PDFs.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from pydantic import BaseModel

from cllr.settings import Settings

MANIFEST = "eval-manifest.json"
BASELINE_SUBDIR = "baseline"
MARKER = ".made-by-cllr-eval"  # written first, so an interrupted build is still known as ours
REPO_ROOT = Path(__file__).resolve().parents[1]
# The code whose output is stored in a data dir; answering code (service/) is rerun every time.
_INDEXING_CODE = ("ingest", "index", "cllr/settings.py")
_SETTINGS_THAT_SHAPE_THE_INDEX = (
    "chunk_tokens",
    "chunk_overlap_tokens",
    "max_pages",
    "embed_model",
    "embed_backend",
    "chroma_collection",
)


class CorpusError(Exception):
    """The corpus or data dir given to the runner cannot be used (one line, names the path)."""


class Manifest(BaseModel):
    files: dict[str, str]  # base name → sha256
    pipeline: str  # fingerprint of the indexing code and settings


def expand_corpus(paths: list[Path]) -> list[Path]:
    """Files and folders → the PDFs, in a stable order; base names must be unique (citations
    and the gold name files by base name)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".pdf")
            if not found:
                raise CorpusError(f"no PDF files in {p}")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise CorpusError(f"corpus path not found: {p}")
    seen: dict[str, Path] = {}
    for f in files:
        if f.name in seen and seen[f.name].resolve() != f.resolve():
            raise CorpusError(f"two corpus files share the name {f.name}: {seen[f.name]} and {f}")
        seen[f.name] = f
    return list(seen.values())


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pipeline_fingerprint(settings: Settings) -> str:
    h = hashlib.sha256()
    for rel in _INDEXING_CODE:
        root = REPO_ROOT / rel
        for f in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            if f.is_file():
                h.update(str(f.relative_to(REPO_ROOT)).encode())
                h.update(f.read_bytes())
    for name in _SETTINGS_THAT_SHAPE_THE_INDEX:
        h.update(f"{name}={getattr(settings, name, None)!r}".encode())
    from index.embedder import bulk_backend  # as resolved on this machine ('auto' depends on the CPU)

    h.update(f"bulk_backend={bulk_backend(settings.embed_bulk_backend, settings.embed_backend)}".encode())
    return h.hexdigest()[:16]


def manifest_for(files: list[Path], settings: Settings) -> Manifest:
    return Manifest(files={f.name: sha256_file(f) for f in files}, pipeline=pipeline_fingerprint(settings))


def prepare_data_dir(data_dir: Path, wanted: Manifest) -> bool:
    """True when `data_dir` already holds exactly `wanted` (reuse it); otherwise clear it (only
    when it is empty already or was made by the runner) and return False."""
    path = data_dir / MANIFEST
    if (data_dir / MARKER).exists():
        if path.exists():
            try:
                if Manifest.model_validate_json(path.read_text()) == wanted:
                    return True
            except ValueError:
                pass
        # The baseline's index lives beside ours with its own manifest (evals/baseline.py): it
        # depends only on the PDFs, so a change to ingest/index code need not rebuild it.
        for child in data_dir.iterdir():
            if child.name != BASELINE_SUBDIR:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    elif data_dir.exists() and any(data_dir.iterdir()):
        raise CorpusError(f"{data_dir} holds data the eval runner did not make; give an empty or new --data-dir")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).touch()
    return False


def record(data_dir: Path, manifest: Manifest) -> None:
    """Written only after every file is ingested, so a half-built dir is never reused."""
    (data_dir / MANIFEST).write_text(manifest.model_dump_json(indent=1))


def cache_dir_for(manifest: Manifest) -> Path:
    """The repo's own cache (gitignored) for a corpus: one dir per set of files."""
    key = hashlib.sha256("".join(sorted(manifest.files.values())).encode()).hexdigest()[:12]
    return REPO_ROOT / ".cache" / "eval" / key
