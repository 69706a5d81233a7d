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
from core.escalation.policy import DEFAULT_CONTACT_LINE, DEFAULT_HIGH_STAKES_TOPICS, SENSITIVE_REASONS

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

    # --- memory and personalization (core.memory, bot/jobs.py) ---
    context_token_budget: int = Field(default=3000, ge=100, le=100_000, alias="FINBOT_CONTEXT_TOKEN_BUDGET")
    """Tokens for profile + facts + summary + recent turns together (filled in that order)."""
    memory_facts_k: int = Field(default=5, ge=0, le=50, alias="FINBOT_MEMORY_FACTS")
    """Long-term facts put into each answer's context (the most relevant to the question)."""
    summary_interval_min: float = Field(default=5, gt=0, alias="FINBOT_SUMMARY_INTERVAL_MIN")
    """How often the summarize job looks for idle conversations."""
    summary_idle_min: float = Field(default=30, ge=0, alias="FINBOT_SUMMARY_IDLE_MIN")
    """A conversation quiet for this long, with new turns, gets (re)summarized."""
    summary_token_budget: int = Field(default=1000, ge=50, le=20_000, alias="FINBOT_SUMMARY_TOKEN_BUDGET")
    jobs_enabled: bool = Field(default=True, alias="FINBOT_JOBS")
    """Run the scheduled jobs (summaries, reminders) in `finbot serve`; off: only `finbot jobs run NAME`."""

    # --- server ---
    host: str = Field(default="127.0.0.1", alias="FINBOT_HOST")
    port: int = Field(default=3978, ge=0, le=65535, alias="PORT")
    sample_knowledge: bool = Field(default=True, alias="FINBOT_SAMPLE_KNOWLEDGE")
    index_watch_s: float = Field(default=30.0, ge=0, alias="FINBOT_INDEX_WATCH")
    """Seconds between checks that the shared knowledge base changed (0 = never): keeps processes in step."""

    # --- Slack ---
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_base_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_BASE_URL")
    slack_advisor_channel: str | None = Field(default=None, alias="SLACK_ADVISOR_CHANNEL")
    slack_streaming: Literal["stream", "update", "off"] = Field(default="stream", alias="SLACK_STREAMING")
    slack_stream_buffer: int = Field(default=256, ge=1, le=12000, alias="SLACK_STREAM_BUFFER")
    slack_dm_session_min: float = Field(
        default=240,
        gt=0,
        alias="SLACK_DM_SESSION_MIN",
        description="Top-level DMs to finbot continue one conversation (memory, context, at most one hand-over) "
        "until the person has been quiet this many minutes; threads stay one conversation each.",
    )
    suggested_prompts: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FINBOT_SUGGESTED_PROMPTS")
    """Prompts offered in a new Slack assistant thread, separated by `|` (empty: finbot's defaults)."""

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
    teams_setting: bool | None = Field(default=None, alias="FINBOT_TEAMS")
    """FINBOT_TEAMS: unset = on when MicrosoftAppId is set; true = on even without one (anonymous, Emulator-style
    local development: unauthenticated activities are accepted); false = off."""
    teams_advisor_channel: str | None = Field(default=None, alias="TEAMS_ADVISOR_CHANNEL")
    teams_stream_interval_s: float = Field(default=1.0, ge=0, le=10, alias="FINBOT_TEAMS_STREAM_INTERVAL")
    """Seconds between Teams streaming updates (Teams allows about one per second)."""
    teams_openid_metadata_url: str | None = Field(default=None, alias="TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL")
    teams_token_issuer: str | None = Field(default=None, alias="TO_BOT_FROM_CHANNEL_TOKEN_ISSUER")
    """Where incoming Bot Framework tokens come from; only for sovereign clouds and tests (default: public cloud)."""

    # --- escalation to advisors (core.escalation) ---
    advisor_desk: Literal["auto", "slack", "teams", "web"] = Field(default="auto", alias="FINBOT_ADVISOR_DESK")
    """Where escalation cards go; auto: the person's own platform when it has an advisor channel, else the first
    of Slack, Teams, the web advisor page."""
    business_hours: str = Field(default="Mon-Fri 08:30-17:30 America/New_York", alias="FINBOT_BUSINESS_HOURS")
    holiday_calendar: str = Field(
        default="NYSE",
        alias="FINBOT_HOLIDAY_CALENDAR",
        description="Days the advisors' desk is closed, from the `holidays` package: a market (NYSE, LSE...), "
        "a country (US) or a country and subdivision (US-NY); `none` for no holidays.",
    )
    holidays: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        alias="FINBOT_HOLIDAYS",
        description="The firm's own closed days, comma-separated ISO dates (2026-12-24,2026-12-31).",
    )
    escalation_remind_min: float = Field(default=15, gt=0, alias="FINBOT_ESCALATION_REMIND_MIN")
    escalation_expire_hours: float = Field(
        default=24,
        gt=0,
        alias="FINBOT_ESCALATION_EXPIRE_HOURS",
        description="An unclaimed hand-over expires after this many hours: the person is told and finbot "
        "answers again.",
    )
    escalate_low_confidence: bool = Field(
        default=True,
        alias="FINBOT_ESCALATE_LOW_CONFIDENCE",
        description="Hand an unsure answer on a high-stakes topic (FINBOT_HIGH_STAKES_TOPICS) to an advisor; "
        "false: only offer one.",
    )
    escalate_no_answer: bool = Field(
        default=True,
        alias="FINBOT_ESCALATE_NO_ANSWER",
        description="Offer an advisor when finbot cannot answer; false: say so and offer nothing.",
    )
    handover_topics: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(SENSITIVE_REASONS),
        alias="FINBOT_HANDOVER_TOPICS",
        description="Sensitive intents handed to an advisor at once (comma-separated; an explicit ask for a person "
        "always is); the others are answered with the offer of an advisor. Default: all of "
        + ", ".join(SENSITIVE_REASONS) + ".",
    )
    high_stakes_topics: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_HIGH_STAKES_TOPICS),
        alias="FINBOT_HIGH_STAKES_TOPICS",
        description="Word stems (comma-separated): an unsure answer about one of these goes to an advisor instead "
        "of only offering one. Default: " + ", ".join(DEFAULT_HIGH_STAKES_TOPICS) + ".",
    )
    contact_line: str = Field(
        default=DEFAULT_CONTACT_LINE,
        alias="FINBOT_CONTACT_LINE",
        description="What a person is told when no advisor desk can take their request (e.g. the client service "
        "phone number and hours); the request is recorded as unrouted.",
    )
    advisor_token: SecretStr | None = Field(default=None, alias="FINBOT_ADVISOR_TOKEN")
    """When set, the web advisor page's API needs `Authorization: Bearer <token>` (required off loopback)."""
    web_setting: bool | None = Field(default=None, alias="FINBOT_WEB")
    """FINBOT_WEB: the web chat (/, /ws/chat) and advisor page (/advisor). Unset = on only when neither Slack
    nor Teams is configured (the embedded default); true/false force it."""

    # --- knowledge retrieval ---
    chunk_size: int = Field(default=1200, ge=200, le=20000, alias="FINBOT_CHUNK_SIZE")
    chunk_overlap: int = Field(default=150, ge=0, le=5000, alias="FINBOT_CHUNK_OVERLAP")
    fusion: Literal["dense-boost", "convex", "rrf", "weighted"] = Field(default="dense-boost", alias="FINBOT_FUSION")
    query_rewrite: Literal["off", "heuristic", "llm"] = Field(default="heuristic", alias="FINBOT_QUERY_REWRITE")
    grounding_judge: bool = Field(default=False, alias="FINBOT_GROUNDING_JUDGE")
    extractive_timeout_s: float = Field(default=5.0, gt=0, alias="FINBOT_EXTRACTIVE_TIMEOUT")

    # --- vectors ---
    vector_backend: Literal["local", "pinecone", "pgvector"] = Field(default="local", alias="FINBOT_VECTOR_BACKEND")
    pinecone_api_key: SecretStr | None = Field(default=None, alias="PINECONE_API_KEY")
    pinecone_index: str | None = Field(default=None, alias="PINECONE_INDEX")
    pinecone_host: str | None = Field(default=None, alias="PINECONE_HOST")
    pgvector_url: str | None = Field(default=None, alias="FINBOT_PGVECTOR_URL")

    # --- metrics ---
    prices: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        alias="FINBOT_PRICES",
        description='USD per 1M tokens by model, JSON: {"gpt-4o-mini": {"input": 0.15, "output": 0.6}} '
        "(over the built-in table in core.metrics.prices)",
    )
    metrics_token: SecretStr | None = Field(default=None, alias="FINBOT_METRICS_TOKEN")
    """When set, GET /metrics needs `Authorization: Bearer <token>` (Prometheus `authorization` config)."""

    # --- portfolio, market data, specialists (core.portfolio, core.market, core.risk, core.routing, core.jury) ---
    sample_portfolio: bool = Field(default=True, alias="FINBOT_SAMPLE_PORTFOLIO")
    """Load examples/portfolio (demo holdings + synthetic prices) into an empty database on start."""
    demo_user: str = Field(default="web:local:*", alias="FINBOT_DEMO_USER")
    """Person ids (comma-separated fnmatch patterns) who see the demo portfolio when they have no holdings of
    their own. Default: the local web chat only (unauthenticated demo users); "" turns the demo off."""
    market_token: SecretStr | None = Field(default=None, alias="FINBOT_MARKET_TOKEN")
    """Shared token for POST /market/ticks (`Authorization: Bearer <token>`); unset = the route is not mounted."""
    kafka_bootstrap_servers: str | None = Field(default=None, alias="KAFKA_BOOTSTRAP_SERVERS")
    market_topic: str = Field(default="finbot.market.ticks", alias="FINBOT_MARKET_TOPIC")
    market_group: str = Field(default="finbot-market", alias="FINBOT_MARKET_GROUP")
    benchmark_symbol: str = Field(default="SPY", alias="FINBOT_BENCHMARK_SYMBOL")
    quote_stale_min: float = Field(default=15, gt=0, alias="FINBOT_QUOTE_STALE_MIN")
    """A quote older than this many minutes is labelled with its age."""
    router: Literal["auto", "llm", "offline"] = Field(default="auto", alias="FINBOT_ROUTER")
    """Who picks the specialists: auto = the LLM when the offline classifier sees a data question."""
    jury: int = Field(default=0, ge=0, le=7, alias="FINBOT_JURY")
    """Jurors for high-stakes answers (needs an LLM); 0 = off, 3 = three drafts + a critique."""
    disclaimer: str = Field(
        default=(
            "This is general information computed from your holdings and market data, not personalised "
            "investment advice or a recommendation to buy or sell any security."
        ),
        alias="FINBOT_DISCLAIMER",
    )

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("holidays", "high_stakes_topics", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("handover_topics", mode="before")
    @classmethod
    def _known_topics(cls, value: object) -> object:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [v for v in value if v not in SENSITIVE_REASONS] if isinstance(value, list) else []
        if unknown:
            raise ValueError(f"unknown topic(s) {', '.join(unknown)}; use any of {', '.join(SENSITIVE_REASONS)}")
        return value

    @field_validator("suggested_prompts", mode="before")
    @classmethod
    def _split_prompts(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split("|") if item.strip()]
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
    def web_enabled(self) -> bool:
        """The unauthenticated web chat is the embedded default, not something to expose next to Slack/Teams."""
        if self.web_setting is not None:
            return self.web_setting
        return not (self.slack_enabled or self.teams_enabled)

    @property
    def teams_enabled(self) -> bool:
        """Teams is on when its credentials are set, or when FINBOT_TEAMS=true asks for anonymous local mode."""
        if self.teams_setting is not None:
            return self.teams_setting
        return bool(self.microsoft_app_id)

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
