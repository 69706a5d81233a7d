"""audit trail: append-only, hash-chained audit_log with triggers refusing UPDATE and DELETE

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import core.store.models.base
from core.store.models.audit import AUDIT_TRIGGERS_POSTGRESQL, AUDIT_TRIGGERS_SQLITE

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', _ID, autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', core.store.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.String(length=200), nullable=False),
    sa.Column('conversation_key', sa.String(length=400), nullable=False),
    sa.Column('turn_id', sa.String(length=64), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_conversation_key'), ['conversation_key'], unique=False)
        batch_op.create_index('ix_audit_log_kind_seq', ['kind', 'seq'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in AUDIT_TRIGGERS_SQLITE if dialect == "sqlite" else AUDIT_TRIGGERS_POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS finbot_audit_guard() CASCADE")
    op.drop_table('audit_log')
