"""Backend test fixtures: every API test runs against SQLite and against a real PostgreSQL server.

The PostgreSQL server is started once per test session (initdb into a temporary directory, 127.0.0.1,
a free port) and each test gets a fresh database in it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.app import create_app
from backend.services import Services
from backend.settings import Settings, load_settings
from tests.backend.postgres import PostgresServer, find_bin_dir, free_port
from tests.backend.support import Backend, LiveServer


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'backend.sqlite'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


def make_settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "database_url": database_url,
            "keys_dir": tmp_path / "keys",
            "argon2_time_cost": 1,
            "argon2_memory_kib": 1024,  # fast hashes in tests; production keeps argon2's defaults
            "purge_interval_minutes": 0,
        },
        environ={},
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def backend(settings: Settings) -> Iterator[Backend]:
    services = Services.start(settings)
    app = create_app(settings, services)
    harness = Backend(services, app)
    try:
        yield harness
    finally:
        harness.close()
        services.close()


@pytest.fixture
def live(backend: Backend) -> Iterator[LiveServer]:
    with LiveServer(backend.app, free_port()) as server:
        yield server
