"""Books and records: an append-only, hash-chained audit trail of answers, advisors' messages and decisions.

`AuditTrail` writes (`append_in(session, entry)` inside a transaction, or `append(entry)`), `verify_chain`
checks, `core.audit.retention` purges past retention (skipping legal holds), `core.audit.export` writes JSONL
and RFC 5322 messages for archivers.
"""

from core.audit.entries import AuditEntry, TurnFacts, advisor_entry, turn_entry
from core.audit.trail import AuditTrail
from core.audit.verify import VerifyReport, verify_chain

__all__ = ["AuditEntry", "AuditTrail", "TurnFacts", "VerifyReport", "advisor_entry", "turn_entry", "verify_chain"]
