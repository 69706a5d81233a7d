"""finbot's one exception tree.

    FinbotError
    ├── ConfigurationError        a setting is missing or invalid (carries `setting`)
    ├── StorageError              the database refused or failed an operation
    ├── ProviderError             the language-model / embeddings provider failed
    │   ├── ProviderTimeout
    │   └── ProviderRateLimited   (carries `retry_after`)
    ├── RetrievalError            the knowledge index could not be read or written
    └── IngestError               a document could not be read (carries `source`)

Adapters catch `FinbotError` at the edge, log it with a correlation id, and show the person
a fixed, kind message; exception text is never shown to people.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "FinbotError",
    "IngestError",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderTimeout",
    "RetrievalError",
    "StorageError",
]


class FinbotError(Exception):
    """Base of every error finbot raises on purpose."""


class ConfigurationError(FinbotError):
    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class StorageError(FinbotError):
    pass


class ProviderError(FinbotError):
    pass


class ProviderTimeout(ProviderError):
    pass


class ProviderRateLimited(ProviderError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RetrievalError(FinbotError):
    pass


class IngestError(FinbotError):
    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
