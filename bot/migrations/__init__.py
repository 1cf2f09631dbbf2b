"""Alembic migrations, shipped inside the package so `tongxing db upgrade` works from any folder."""
