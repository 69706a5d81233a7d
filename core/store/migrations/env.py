"""Alembic environment: finbot runs migrations itself (core.store.schema), on a connection it hands in."""

from __future__ import annotations

from alembic import context

from core.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy-and-move
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
