from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.hostile import HostileCase, generate_hostile


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[HostileCase]:
    return generate_hostile(tmp_path_factory.mktemp("hostile"))


def write_report(name: str, lines: list[str]) -> None:
    """Figures for docs/reliability.md, kept under .cache so a run can be compared with the doc."""
    out = Path(__file__).resolve().parents[2] / ".cache" / "reliability"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
