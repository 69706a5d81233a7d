"""installations: workspaces that removed finbot

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.store.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("tenant", sa.String(length=200), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("changed_at", core.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "tenant"),
    )


def downgrade() -> None:
    op.drop_table("installations")
