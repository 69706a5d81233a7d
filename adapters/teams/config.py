"""What the Teams adapter is told, and the configuration object botbuilder reads it from.

`ConfigurationBotFrameworkAuthentication` reads attributes (APP_ID, APP_PASSWORD, ...) off any object;
`sdk_configuration` builds that object from our own values, so nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

__all__ = ["TeamsConfig", "sdk_configuration"]


@dataclass(frozen=True, slots=True)
class TeamsConfig:
    app_id: str = ""
    """Microsoft App ID of the bot registration; empty = anonymous mode (no JWT checks, like the Emulator)."""
    app_password: str = ""
    app_tenant_id: str = ""
    app_type: str = "MultiTenant"
    stream_interval_s: float = 1.0
    openid_metadata_url: str | None = None
    token_issuer: str | None = None

    @property
    def auth_enabled(self) -> bool:
        """botbuilder turns JWT validation off exactly when the app id is empty (`is_authentication_disabled`)."""
        return bool(self.app_id)


def sdk_configuration(config: TeamsConfig) -> SimpleNamespace:
    """The attribute bag `ConfigurationBotFrameworkAuthentication` and its credential factory expect."""
    values: dict[str, str] = {
        "APP_ID": config.app_id,
        "APP_PASSWORD": config.app_password,
        "APP_TENANTID": config.app_tenant_id,
        "APP_TYPE": config.app_type,
    }
    # Setting either switches botbuilder to its parameterized authentication (sovereign clouds, tests).
    if config.openid_metadata_url:
        values["TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL"] = config.openid_metadata_url
    if config.token_issuer:
        values["TO_BOT_FROM_CHANNEL_TOKEN_ISSUER"] = config.token_issuer
    return SimpleNamespace(**values)
