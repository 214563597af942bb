"""Migrations match the models on both databases; keys live in files outside the database, owner-only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from backend.services.errors import Broken
from backend.services.keys import DIGEST_FILE, SEALING_FILE, STORAGE_FILE, KeyFileError, NaclKeyring, Unsealable
from backend.settings import SettingsError, load_settings
from backend.storage.db import Database, DatabaseUrlError
from backend.storage.models import Base
from kiosk.delivery.sealing import seal

pytestmark = pytest.mark.both_databases  # about SQL semantics: SQLite and PostgreSQL


def test_migrations_create_exactly_the_models_and_can_run_again(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        db.migrate()
        db.migrate()  # every command migrates first: a second run changes nothing
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
            assert "alembic_version" in inspect(connection).get_table_names()
    finally:
        db.dispose()


def test_the_models_module_alone_holds_every_table(database_url: str) -> None:
    """What Alembic autogenerate sees when it imports backend.storage.models and nothing else: no table may live in a
    module that happens to be imported later (autogenerate would propose dropping it)."""
    listed = subprocess.run(
        [sys.executable, "-c",
         "from backend.storage.models import Base; print(' '.join(sorted(Base.metadata.tables)))"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True,
    )  # fmt: skip
    db = Database(database_url)
    try:
        with db.engine.connect() as connection:
            migrated = set(inspect(connection).get_table_names()) - {"alembic_version"}
    finally:
        db.dispose()
    assert set(listed.stdout.split()) == migrated


def test_database_urls_are_checked() -> None:
    for bad in ("mysql://x/y", "sqlite://", "sqlite:///:memory:", "not a url"):
        with pytest.raises(DatabaseUrlError):
            Database(bad)


def test_keys_are_made_once_owner_only_and_reloaded(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    with ThreadPoolExecutor(max_workers=4) as pool:  # processes starting at once agree on one key set
        rings = list(pool.map(lambda _: NaclKeyring.load(keys_dir), range(8)))
    assert len({ring.public_key for ring in rings}) == 1
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    for name in (SEALING_FILE, STORAGE_FILE, DIGEST_FILE):
        assert stat.S_IMODE((keys_dir / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in keys_dir.iterdir()) == sorted((SEALING_FILE, STORAGE_FILE, DIGEST_FILE))
    again = NaclKeyring.load(keys_dir)
    assert again.unseal(seal(b"hello", rings[0].public_key)) == b"hello"
    assert again.decrypt(rings[0].encrypt(b"at rest")) == b"at rest"
    assert again.digest(b"x") == rings[0].digest(b"x") != NaclKeyring.load(tmp_path / "other").digest(b"x")


def test_damaged_keys_and_foreign_seals_are_refused(tmp_path: Path) -> None:
    ring = NaclKeyring.load(tmp_path / "keys")
    with pytest.raises(Unsealable):
        ring.unseal(seal(b"x", NaclKeyring.load(tmp_path / "other").public_key))
    (tmp_path / "keys" / STORAGE_FILE).write_text("not base64 at all")
    with pytest.raises(KeyFileError):
        NaclKeyring.load(tmp_path / "keys")


def test_data_stored_under_another_storage_key_is_refused_as_the_operators_problem(tmp_path: Path) -> None:
    """A restore with the wrong keys directory: every read of stored data (payloads, notes, identity checks, photos,
    TOTP secrets) says which problem it is instead of failing somewhere as an unexplained error."""
    stored = NaclKeyring.load(tmp_path / "keys").encrypt(b"Anna Oukili")
    assert NaclKeyring.load(tmp_path / "keys").decrypt(stored) == b"Anna Oukili"
    with pytest.raises(Broken) as refused:
        NaclKeyring.load(tmp_path / "other").decrypt(stored)
    assert refused.value.code == "storage_key_mismatch" and "Anna" not in str(refused.value)


def test_settings_come_from_defaults_environment_and_overrides(tmp_path: Path) -> None:
    environ = {"POLITIELOKET_BACKEND_RETENTION_DAYS": "90", "POLITIELOKET_BACKEND_SECURE_COOKIES": "yes",
               "POLITIELOKET_BACKEND_KEYS_DIR": str(tmp_path)}
    settings = load_settings({"retention_days": 30, "port": "9000", "database_url": None}, environ=environ)
    assert settings.retention_days == 30 and settings.port == 9000 and settings.secure_cookies is True
    assert settings.keys_dir == tmp_path and settings.database_url.startswith("sqlite:///")
    with pytest.raises(SettingsError):
        load_settings(environ={"POLITIELOKET_BACKEND_PORT": "eighty"})
    with pytest.raises(SettingsError):
        load_settings({"retention_days": 0}, environ={})
    assert "POLITIELOKET_BACKEND_RETENTION_DAYS" not in os.environ  # nothing leaked into the real environment
