"""The audit trail's table: append-only, hash-chained rows (core.audit writes and verifies them).

The database refuses to change them: on SQLite and PostgreSQL a trigger aborts every UPDATE, and every DELETE of
a row that no purge marker (a `purge` row of the chain itself, see core.audit.retention) lists. On PostgreSQL
the application's role should also hold INSERT and SELECT only on this table (docs/compliance.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, BigInteger, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from core.store.models.base import Base, utcnow

__all__ = ["AUDIT_TRIGGERS_POSTGRESQL", "AUDIT_TRIGGERS_SQLITE", "AuditRow"]

_ID = BigInteger().with_variant(Integer(), "sqlite")


class AuditRow(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=False, doc="1, 2, 3...: the chain order")
    kind: Mapped[str] = mapped_column(String(16), doc="turn, advisor, review, change, hold, release, purge")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    person_id: Mapped[str] = mapped_column(String(200), default="", index=True)
    conversation_key: Mapped[str] = mapped_column(String(400), default="", index=True)
    turn_id: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[dict[str, Any]] = mapped_column(JSON, doc="the record itself (core.audit.entries)")
    prev_hash: Mapped[str] = mapped_column(String(64), doc="the previous row's hash (64 zeros for the first row)")
    hash: Mapped[str] = mapped_column(String(64), doc="sha256 over this row's fields and prev_hash")
    signature: Mapped[str] = mapped_column(String(64), default="", doc="HMAC of the hash (purge markers)")

    __table_args__ = (Index("ix_audit_log_kind_seq", "kind", "seq"),)


_COVERED_SQLITE = (
    "EXISTS (SELECT 1 FROM audit_log m, json_each(m.body, '$.purged') r WHERE m.kind = 'purge' "
    "AND OLD.seq BETWEEN json_extract(r.value, '$[0]') AND json_extract(r.value, '$[1]'))"
)
AUDIT_TRIGGERS_SQLITE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN NOT {_COVERED_SQLITE} "
    "BEGIN SELECT RAISE(ABORT, 'audit_log rows are kept until a purge past retention'); END",
)
AUDIT_TRIGGERS_POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION finbot_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    RAISE EXCEPTION 'audit_log is append-only';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_log m, jsonb_array_elements(m.body::jsonb -> 'purged') r
                 WHERE m.kind = 'purge' AND OLD.seq BETWEEN (r->>0)::bigint AND (r->>1)::bigint) THEN
    RAISE EXCEPTION 'audit_log rows are kept until a purge past retention';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION finbot_audit_guard()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION finbot_audit_guard()",
)

for _sql in AUDIT_TRIGGERS_SQLITE:
    event.listen(AuditRow.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))  # type: ignore[no-untyped-call]
for _sql in AUDIT_TRIGGERS_POSTGRESQL:
    guard = DDL(_sql.replace("%", "%%"))  # type: ignore[no-untyped-call]
    event.listen(AuditRow.__table__, "after_create", guard.execute_if(dialect="postgresql"))
