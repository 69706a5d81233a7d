"""thread state on the conversation row; LangGraph's checkpoint tables go

What crossed turns in LangGraph checkpoints (pinned route and symbols, the open offer of an advisor) now lives
in `conversations.thread_state`; the graph runs without a checkpointer, so its tables are dropped (they grew by
~16 checkpoint writes per turn and were never pruned).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CHECKPOINT_TABLES = ("checkpoint_writes", "checkpoint_blobs", "checkpoint_migrations", "checkpoints", "writes")
"""langgraph-checkpoint-postgres and -sqlite's tables (whichever the database has)."""


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("conversations")}
    if "thread_state" not in columns:  # absent unless the tables were made from the newest models
        with op.batch_alter_table("conversations", schema=None) as batch_op:
            batch_op.add_column(sa.Column("thread_state", sa.JSON(), nullable=True))
    for table in CHECKPOINT_TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - fixed names


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("thread_state")
