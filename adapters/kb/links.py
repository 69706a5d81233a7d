"""Signed links to finbot's page of a cited passage: `<base>/kb/<chunk id>/<file name>?sig=<hmac>#passage`.

The signature (HMAC-SHA256 of the chunk id, 128 bits) makes a link a capability: whoever was given a citation
can open that document, nobody can list or guess the others. The key is FINBOT_LINK_SECRET (the same on every
process that serves links), or a random key kept in FINBOT_DATA_DIR.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["PAGE_PREFIX", "PassageLinks"]

PAGE_PREFIX = "/kb/"


@dataclass(frozen=True, slots=True)
class PassageLinks:
    key: bytes
    base_url: str = ""
    """FINBOT_PUBLIC_URL without a trailing slash (absolute links for Slack and Teams), or '' (root-relative)."""

    def signature(self, chunk_id: str) -> str:
        return hmac.new(self.key, chunk_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def verify(self, chunk_id: str, signature: str) -> bool:
        return hmac.compare_digest(self.signature(chunk_id), signature or "")

    def href(self, chunk_id: str, name: str) -> str:
        """The link a citation of this passage carries (core.retrieval.documents.PassageLink)."""
        path = f"{PAGE_PREFIX}{quote(chunk_id, safe='')}/{quote(name, safe='')}"
        return f"{self.base_url}{path}?sig={self.signature(chunk_id)}#passage"
