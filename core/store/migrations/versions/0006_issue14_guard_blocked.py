"""issue 14: turn_metrics.guard_blocked, answers the answer guard blocked

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("turn_metrics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guard_blocked", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("turn_metrics", schema=None) as batch_op:
        batch_op.drop_column("guard_blocked")
