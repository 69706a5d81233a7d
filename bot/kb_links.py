"""The key and base URL of the signed `/kb/...` citation links (adapters/kb), from the settings."""

from __future__ import annotations

from adapters.kb import PassageLinks
from bot.config import Settings
from bot.data_keys import data_dir_secret

__all__ = ["passage_links"]

KEY_FILE = "link.key"


def passage_links(settings: Settings) -> PassageLinks:
    """Links signed with FINBOT_LINK_SECRET (else the data directory's key), absolute with FINBOT_PUBLIC_URL."""
    secret = settings.link_secret.get_secret_value() if settings.link_secret else None
    key = (secret or data_dir_secret(settings.data_dir, KEY_FILE)).encode()
    return PassageLinks(key=key, base_url=settings.public_url or "")
