"""Optional parts of finbot (pip extras) and the settings that need them.

`pip install -e .` is the embedded default (SQLite, the local index). A setting that chooses another backend
needs its extra; without it finbot stops with one line naming the setting and the install command, instead
of an ImportError deep inside a start.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from bot.config import Settings
from core.errors import ConfigurationError

__all__ = ["EXTRAS", "MissingExtra", "missing_extras", "require_extras"]

EXTRAS: dict[str, tuple[str, ...]] = {
    "postgres": ("psycopg", "psycopg_pool"),
    "kafka": ("aiokafka",),
    "pinecone": ("pinecone",),
}
"""Extra -> the modules it provides (as listed in pyproject.toml's optional-dependencies)."""


@dataclass(frozen=True, slots=True)
class MissingExtra:
    setting: str
    extra: str
    why: str

    @property
    def message(self) -> str:
        return f"{self.why} needs the `{self.extra}` extra: pip install 'finbot[{self.extra}]'"


def _installed(extra: str) -> bool:
    for module in EXTRAS[extra]:
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except ModuleNotFoundError:  # a parent package is missing
            return False
    return True


def _needed(settings: Settings) -> list[tuple[str, str, str]]:
    """(setting, extra, what asks for it) for every backend the settings choose."""
    needed = []
    if settings.database_url and settings.database_url.startswith("postgres"):
        needed.append(("DATABASE_URL", "postgres", "a PostgreSQL DATABASE_URL"))
    if settings.vector_backend == "pgvector":
        needed.append(("FINBOT_VECTOR_BACKEND", "postgres", "FINBOT_VECTOR_BACKEND=pgvector"))
    if settings.vector_backend == "pinecone":
        needed.append(("FINBOT_VECTOR_BACKEND", "pinecone", "FINBOT_VECTOR_BACKEND=pinecone"))
    if settings.kafka_bootstrap_servers:
        needed.append(("KAFKA_BOOTSTRAP_SERVERS", "kafka", "KAFKA_BOOTSTRAP_SERVERS (market ticks from Kafka)"))
    return needed


def missing_extras(settings: Settings) -> list[MissingExtra]:
    """The extras these settings need that are not installed (for `finbot doctor`)."""
    return [MissingExtra(setting, extra, why) for setting, extra, why in _needed(settings) if not _installed(extra)]


def require_extras(settings: Settings) -> None:
    """Raise ConfigurationError naming the first setting whose extra is not installed."""
    missing = missing_extras(settings)
    if missing:
        raise ConfigurationError(missing[0].setting, missing[0].message)
