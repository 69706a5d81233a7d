"""Secrets finbot makes on its first start and keeps in FINBOT_DATA_DIR when no setting gives them, so a
restart keeps them (citation links, web identities and the advisor desk's token stay valid)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from adapters.base import SurfaceServices
from adapters.web import surface as web_surface
from adapters.web.surface import WebKeys, WebSurface
from bot.config import Settings
from core.errors import ConfigurationError

__all__ = ["ADVISOR_TOKEN_FILE", "WEB_KEY_FILE", "build_web_surface", "data_dir_secret", "web_keys"]

WEB_KEY_FILE = "web.key"
MIN_SECRET = 32
"""Bytes of FINBOT_WEB_SECRET at least (HS256 keys shorter than its hash are weak)."""
ADVISOR_TOKEN_FILE = "advisor.token"  # noqa: S105 - a file name


def data_dir_secret(data_dir: Path, name: str) -> str:
    """A random secret kept in `data_dir/name` (created once, readable by its owner only)."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:  # another process made it first
            pass
    return path.read_text(encoding="utf-8").strip()


def web_keys(settings: Settings) -> WebKeys:
    """The web chat's identity key (FINBOT_WEB_SECRET, else the data dir's) and the advisor desk's token
    (FINBOT_ADVISOR_TOKEN, else one generated on the first start)."""
    secret = settings.web_secret.get_secret_value() if settings.web_secret else ""
    if secret and len(secret.encode()) < MIN_SECRET:
        raise ConfigurationError("FINBOT_WEB_SECRET", f"at least {MIN_SECRET} characters (e.g. `openssl rand -hex 32`)")
    token = settings.advisor_token.get_secret_value() if settings.advisor_token else ""
    public = urlsplit(settings.public_url) if settings.public_url else None
    return WebKeys(
        identity_key=(secret or data_dir_secret(settings.data_dir, WEB_KEY_FILE)).encode(),
        advisor_token=token or data_dir_secret(settings.data_dir, ADVISOR_TOKEN_FILE),
        advisor_token_generated=not token,
        public_origin=f"{public.scheme}://{public.netloc}" if public else None,
    )


def build_web_surface(services: SurfaceServices, settings: Settings) -> WebSurface | None:
    """adapters.web.surface.build with the keys above (SURFACES' web builder)."""
    if not settings.web_enabled:
        return None
    return web_surface.build(services, settings, keys=web_keys(settings))
