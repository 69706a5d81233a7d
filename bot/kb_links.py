"""The key and base URL of the signed `/kb/...` citation links (adapters/kb), from the settings."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from adapters.kb import PassageLinks
from bot.config import Settings

__all__ = ["passage_links"]

KEY_FILE = "link.key"


def _data_dir_key(data_dir: Path) -> bytes:
    """A random key kept in FINBOT_DATA_DIR (created once, readable by its owner only)."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:  # another process made it first
            pass
    return path.read_text(encoding="utf-8").strip().encode()


def passage_links(settings: Settings) -> PassageLinks:
    """Links signed with FINBOT_LINK_SECRET (else the data directory's key), absolute with FINBOT_PUBLIC_URL."""
    secret = settings.link_secret.get_secret_value() if settings.link_secret else None
    key = secret.encode() if secret else _data_dir_key(settings.data_dir)
    return PassageLinks(key=key, base_url=settings.public_url or "")
