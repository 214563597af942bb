"""Backend test fixtures: every API test runs against SQLite and against a real PostgreSQL server.

The PostgreSQL server is started once per test session (initdb into a temporary directory, 127.0.0.1,
a free port). The schema is migrated once per session into a template (a PostgreSQL template database and a
SQLite file); each test gets a fresh copy of it, so Alembic does not run again for every test. Tests about the
migrations themselves take `empty_database_url`.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.http.app import create_app
from backend.settings import Settings, load_settings
from backend.storage.db import Database
from backend.wiring import Services
from tests.backend.support import Backend, LiveServer
from tools.backend_process import free_port
from tools.postgres import PostgresServer, find_bin_dir


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


def migrate(url: str) -> None:
    db = Database(url)
    try:
        db.migrate()
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated to head once per session; tests get copies of it."""
    name = "politieloket_template"
    migrate(postgres_server.create_database(name))
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "backend.sqlite"
    migrate(f"sqlite:///{path}")
    return path


def _database(request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "backend.sqlite"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            path.chmod(0o600)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_template") if migrated else None
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name, template)
    try:
        yield url
    finally:
        server.drop_database(name)


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
DATABASE_FIXTURES = ("database_url", "empty_database_url")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A backend test runs on SQLite; one marked `both_databases` (it is about SQL semantics: constraints, races,
    queries, what a column can hold) runs on PostgreSQL too. A test's own parametrize of the fixture wins."""
    chosen = _chosen_by_test(metafunc)
    both = metafunc.definition.get_closest_marker("both_databases") is not None
    for name in DATABASE_FIXTURES:
        if name in metafunc.fixturenames and name not in chosen:
            metafunc.parametrize(name, DATABASES if both else ["sqlite"], indirect=True)


def _chosen_by_test(metafunc: pytest.Metafunc) -> set[str]:
    names: set[str] = set()
    for marker in metafunc.definition.iter_markers("parametrize"):
        argnames = marker.args[0]
        names.update(argnames if not isinstance(argnames, str) else (n.strip() for n in argnames.split(",")))
    return names


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at the current schema (a copy of the session's migrated template)."""
    yield from _database(request, tmp_path, migrated=True)


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database, for tests of the migrations themselves."""
    yield from _database(request, tmp_path, migrated=False)


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


def running_backend(settings: Settings) -> Iterator[Backend]:
    """A backend app on `settings`, closed after use (a fixture's body)."""
    services = Services.start(settings)
    app = create_app(settings, services)
    harness = Backend(services, app)
    try:
        yield harness
    finally:
        harness.close()
        services.close()


@pytest.fixture
def backend(settings: Settings) -> Iterator[Backend]:
    yield from running_backend(settings)


@pytest.fixture
def live(backend: Backend) -> Iterator[LiveServer]:
    with LiveServer(backend.app, free_port()) as server:
        yield server
