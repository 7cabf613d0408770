from __future__ import annotations

import pytest

from tests.fixtures.hostile import HostileCase, generate_hostile


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[HostileCase]:
    return generate_hostile(tmp_path_factory.mktemp("hostile"))
