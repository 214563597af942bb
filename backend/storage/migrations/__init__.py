"""Alembic migrations, run from code by backend.db.Database.migrate."""
