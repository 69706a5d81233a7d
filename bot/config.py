"""Settings: read once from the environment (and `.env`), validated, handed down.

Only `bot/` reads the environment. Every other package receives values from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from core.errors import ConfigurationError

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """Everything finbot can be told. An adapter is on when its credentials are set."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # --- storage ---
    data_dir: Path = Field(default=Path(".finbot"), alias="FINBOT_DATA_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")

    # --- language model ---
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    chat_model: str = Field(default="gpt-4o-mini", alias="FINBOT_CHAT_MODEL")
    llm_timeout_s: float = Field(default=20.0, gt=0, alias="FINBOT_LLM_TIMEOUT")
    llm_max_retries: int = Field(default=1, ge=0, alias="FINBOT_LLM_MAX_RETRIES")
    embeddings: Literal["local", "openai"] = Field(default="local", alias="FINBOT_EMBEDDINGS")
    embeddings_model: str = Field(default="text-embedding-3-small", alias="FINBOT_EMBEDDINGS_MODEL")

    # --- answering ---
    confidence_threshold: int = Field(default=70, ge=0, le=100, alias="FINBOT_CONFIDENCE_THRESHOLD")
    top_k: int = Field(default=4, ge=1, le=50, alias="FINBOT_TOP_K")
    recent_turns: int = Field(default=5, ge=0, le=50, alias="FINBOT_RECENT_TURNS")
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FINBOT_ADMINS")

    # --- server ---
    host: str = Field(default="127.0.0.1", alias="FINBOT_HOST")
    port: int = Field(default=3978, ge=0, le=65535, alias="PORT")
    sample_knowledge: bool = Field(default=True, alias="FINBOT_SAMPLE_KNOWLEDGE")

    # --- Slack ---
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_base_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_BASE_URL")
    slack_advisor_channel: str | None = Field(default=None, alias="SLACK_ADVISOR_CHANNEL")

    # --- Teams (Bot Framework) ---
    microsoft_app_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID")
    )
    microsoft_app_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    microsoft_app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    microsoft_app_type: str = Field(
        default="MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    teams_enabled: bool = Field(default=True, alias="FINBOT_TEAMS")
    teams_advisor_channel: str | None = Field(default=None, alias="TEAMS_ADVISOR_CHANNEL")

    # --- vectors ---
    pinecone_api_key: SecretStr | None = Field(default=None, alias="PINECONE_API_KEY")
    pinecone_index: str | None = Field(default=None, alias="PINECONE_INDEX")

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: `DATABASE_URL`, or a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'finbot.db').resolve()}"

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and self.slack_signing_secret is not None


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; a bad value raises ConfigurationError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        raise ConfigurationError(name, first["msg"]) from None
    except SettingsError as exc:
        raise ConfigurationError("settings", str(exc)) from None
