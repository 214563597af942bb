"""Engine, sessions and schema migration for SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 10_000
# Serialises `alembic upgrade` between processes starting at once on PostgreSQL (any constant will do).
MIGRATION_LOCK_ID = 7_150_347


class DatabaseUrlError(ValueError):
    pass


def create_private_file(path: Path) -> None:
    """The SQLite file, made owner-only before SQLite opens it (its -wal and -shm files copy this mode).

    A directory made here is owner-only too. An existing file keeps the mode its owner gave it.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them; make SQLite file directories."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {url!r}") from None
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise DatabaseUrlError("only sqlite:/// and postgresql:// URLs are supported")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise DatabaseUrlError("SQLite needs a file path: sqlite:///path/to/file.sqlite")
        create_private_file(Path(parsed.database))
    return parsed.render_as_string(hide_password=False)


def is_sqlite_url(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {url!r}") from None


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # purged data is overwritten, not left in free pages
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with "database is locked" when
        # another writer committed in between; writers therefore BEGIN IMMEDIATE and wait their turn.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """Short transactions: `with db.read() as s:` for queries, `with db.write() as s:` for changes."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False}, pool_size=8)
            _configure_sqlite(self.engine)
        else:
            # 20 kept, none beyond: overflow connections are closed as they come back, so a busy worker made
            # PostgreSQL start ~10 new backends a second (bench/scale.py); deploy/postgresql counts 20 + 1 per worker
            self.engine = create_engine(self.url, pool_size=20, max_overflow=0, pool_pre_ping=True)
        self._write_engine = self.engine.execution_options(sqlite_immediate=True)
        # SQLite has one writer at a time; queueing writers in the process avoids the busy handler's sleeps.
        self._write_lock: AbstractContextManager[Any] = threading.Lock() if self.is_sqlite else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._write_lock, Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def migrate(self) -> None:
        """Bring the schema up to date (alembic upgrade head), configured from code: no alembic.ini needed."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._write_lock, self._write_engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()
