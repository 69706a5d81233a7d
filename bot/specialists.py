"""Wiring of the specialists' services: holdings, market data, the supervisor, the jury, the sample portfolio.

Kept apart from bot/container.py so the composition root only calls these builders.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bot.config import Settings
from bot.privacy import pii_redactor
from core.jury import Jury
from core.llm import make_chat_model
from core.market import DbMarketFeed, KafkaTickConsumer, parse_prices_csv
from core.portfolio import DEMO_OWNER, HoldingsAccess, HoldingStore, parse_holdings_csv, parse_targets_csv
from core.routing import LlmRouter, OfflineClassifier, Supervisor, TextEmbedder
from core.specialists import SpecialistPolicy, SpecialistServices
from core.store import Database

__all__ = [
    "SAMPLE_PORTFOLIO",
    "build_jury",
    "build_kafka_consumer",
    "build_specialist_services",
    "build_supervisor",
    "load_sample_portfolio_if_empty",
]

log = logging.getLogger(__name__)

SAMPLE_PORTFOLIO = Path(__file__).resolve().parent.parent / "examples" / "portfolio"


def build_specialist_services(settings: Settings, db: Database) -> SpecialistServices:
    holdings = HoldingStore(db)
    return SpecialistServices(
        holdings=holdings,
        access=HoldingsAccess(holdings, demo_viewers=settings.demo_user),
        market=DbMarketFeed(db),
        policy=SpecialistPolicy(
            benchmark=settings.benchmark_symbol.upper(),
            stale_after=timedelta(minutes=settings.quote_stale_min),
        ),
    )


def build_supervisor(settings: Settings, embedder: TextEmbedder | None) -> Supervisor:
    """Offline classifier (keywords + the retrieval embedder), plus the LLM router when a model is configured."""
    llm = None
    if settings.llm_enabled and settings.openai_api_key is not None and settings.router != "offline":
        model = make_chat_model(
            api_key=settings.openai_api_key.get_secret_value(),
            model=settings.chat_model,
            base_url=settings.openai_base_url,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            redactor=pii_redactor(settings),
            temperature=0.0,
        )
        llm = LlmRouter(model)
    return Supervisor(OfflineClassifier(embedder), llm=llm, mode=settings.router, timeout_s=settings.llm_timeout_s)


def build_jury(settings: Settings) -> Jury | None:
    """FINBOT_JURY jurors at spread temperatures (0.2 .. 1.0) and a critic at 0, when an LLM is configured."""
    if settings.jury < 2 or not settings.llm_enabled or settings.openai_api_key is None:
        if settings.jury >= 2:
            log.warning("FINBOT_JURY=%d needs a language model (OPENAI_API_KEY); the jury is off", settings.jury)
        return None
    key = settings.openai_api_key.get_secret_value()

    def model(temperature: float) -> Any:
        return make_chat_model(
            api_key=key,
            model=settings.chat_model,
            base_url=settings.openai_base_url,
            timeout_s=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            redactor=pii_redactor(settings),
            temperature=temperature,
        )

    temperatures = [round(float(t), 2) for t in np.linspace(0.2, 1.0, settings.jury)]
    return Jury([model(t) for t in temperatures], model(0.0), model_name=settings.chat_model)


def build_kafka_consumer(settings: Settings, market: DbMarketFeed) -> KafkaTickConsumer | None:
    if not settings.kafka_bootstrap_servers:
        return None
    return KafkaTickConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=settings.market_topic,
        group_id=settings.market_group,
        sink=market.apply_ticks,
    )


async def load_sample_portfolio_if_empty(settings: Settings, services: SpecialistServices) -> None:
    """First start on the embedded default: the demo holdings and the synthetic price history."""
    if not settings.sample_portfolio:
        return
    market = services.market
    if isinstance(market, DbMarketFeed) and await market.count_closes() == 0:
        closes = parse_prices_csv((SAMPLE_PORTFOLIO / "prices.csv").read_text(), source="prices.csv")
        await market.load_closes(closes)
        log.info("loaded the sample price history: %d daily closes", len(closes))
    if not await services.holdings.has_holdings(DEMO_OWNER):
        holdings = parse_holdings_csv((SAMPLE_PORTFOLIO / "holdings.csv").read_text(), source="holdings.csv")
        targets = parse_targets_csv((SAMPLE_PORTFOLIO / "targets.csv").read_text(), source="targets.csv")
        await services.holdings.replace(DEMO_OWNER, holdings, targets=targets)
        log.info("loaded the demo portfolio (%d holdings) for %s", len(holdings), DEMO_OWNER)
