"""The running region (tests/setup/deployment.py) for the tests that need one: started once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.setup.deployment import Region, missing_packages, running_region

OFFICER = ("agent.jansen", "een lang wachtwoord voor de test")


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Region]:
    """PostgreSQL, the backend workers, nginx and coturn, each from its file in deploy/, on 127.0.0.1; one officer
    (OFFICER). region.https_url, region.websocket_url(path), region.turn give a test the running stack."""
    missing = missing_packages()
    if missing:
        pytest.skip(f"a region needs {', '.join(missing)}: apt-get install {' '.join(missing)}")
    with running_region(tmp_path_factory.mktemp("region"), officers=dict([OFFICER])) as running:
        yield running
