"""How a row's hash is made: sha256 over its canonical JSON, which includes the previous row's hash.

Changing any field of any row changes its hash, and so breaks the link to every row after it. Anyone can
recompute the chain; only the holder of the signing key can make a signature (purge markers carry one, so a
forged marker is told apart from the firm's own purge).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

__all__ = ["GENESIS", "canonical", "row_hash", "sign"]

GENESIS = "0" * 64
"""The `prev_hash` of the first row."""


def canonical(fields: dict[str, Any]) -> bytes:
    """One byte string per record, whatever the database or the key order."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def row_hash(
    *,
    seq: int,
    kind: str,
    created_at: datetime,
    person_id: str,
    conversation_key: str,
    turn_id: str,
    body: dict[str, Any],
    prev_hash: str,
) -> str:
    fields = {
        "seq": seq, "kind": kind, "at": created_at.astimezone(UTC).isoformat(), "person": person_id,
        "conversation": conversation_key, "turn": turn_id, "body": body, "prev": prev_hash,
    }
    return hashlib.sha256(canonical(fields)).hexdigest()


def sign(key: bytes, digest: str) -> str:
    """HMAC-SHA256 of a row's hash with the firm's audit key ("" without a key)."""
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest() if key else ""
