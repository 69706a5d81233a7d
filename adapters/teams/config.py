"""What the Teams adapter is told, and the Agents SDK configuration built from it (nothing here reads the
environment: bot/config.py does)."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, AuthTypes

from core.errors import ConfigurationError

__all__ = ["TeamsConfig", "auth_configuration"]

_AUTH_TYPES = {"MultiTenant": AuthTypes.client_secret, "SingleTenant": AuthTypes.client_secret,
               "UserAssignedMSI": AuthTypes.user_managed_identity}


@dataclass(frozen=True, slots=True)
class TeamsConfig:
    app_id: str = ""
    """Microsoft App ID of the bot registration; empty = anonymous mode (no JWT checks, like the Emulator)."""
    app_password: str = ""
    app_tenant_id: str = ""
    app_type: str = "MultiTenant"
    stream_interval_s: float = 1.0
    openid_metadata_url: str | None = None
    """Where the signing keys of incoming tokens are published (None: the Bot Framework's, public cloud)."""
    token_issuer: str | None = None
    """The `iss` incoming tokens must carry (None: the SDK's defaults: the Bot Framework's and the Entra tenant's)."""

    @property
    def auth_enabled(self) -> bool:
        """JWT validation is on exactly when the app id is set (anonymous local mode otherwise)."""
        return bool(self.app_id)


def auth_configuration(config: TeamsConfig) -> AgentAuthConfiguration:
    """The SDK's connection settings: the app id is the audience every incoming token must name, and the
    issuer allow-list is enforced (the SDK leaves it off unless asked: VALIDATE_ISSUER)."""
    if config.app_type not in _AUTH_TYPES:
        raise ConfigurationError("MicrosoftAppType", f"unknown app type {config.app_type!r}")
    return AgentAuthConfiguration(
        auth_type=_AUTH_TYPES[config.app_type],
        client_id=config.app_id or None,
        client_secret=config.app_password or None,
        tenant_id=(config.app_tenant_id or None) if config.app_type == "SingleTenant" else None,
        connection_name="SERVICE_CONNECTION",
        anonymous_allowed=not config.auth_enabled,
        issuers=[config.token_issuer] if config.token_issuer else None,
        validate_issuer=True,
    )
