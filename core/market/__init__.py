"""Market data: a feed interface (latest quote, daily history), the database-backed feed, CSV loading,
tick parsing, and the Kafka tick consumer."""

from core.market.csv_loader import DailyClose, parse_prices_csv
from core.market.feed import DailyHistory, MarketFeed, Quote, Tick
from core.market.kafka import KafkaTickConsumer
from core.market.store import DbMarketFeed
from core.market.ticks import TickError, parse_ticks

__all__ = [
    "DailyClose",
    "DailyHistory",
    "DbMarketFeed",
    "KafkaTickConsumer",
    "MarketFeed",
    "Quote",
    "Tick",
    "TickError",
    "parse_prices_csv",
    "parse_ticks",
]
