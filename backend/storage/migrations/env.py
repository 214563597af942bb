"""Alembic environment: always handed a live connection by backend.db.Database.migrate."""

from __future__ import annotations

from alembic import context

from backend.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `python -m backend`, which brings the schema up to date itself")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
