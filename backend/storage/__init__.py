"""Storage: every SQLAlchemy model (models.py), the engine and its transactions (db.py), the Alembic migrations."""
