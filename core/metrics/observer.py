"""Hooks the Assistant calls as turns finish, so exporters (Prometheus in bot/) stay out of the core."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from core.store.metrics import TurnRecord

__all__ = ["ObserverList", "TurnObserver", "error_kind"]

log = logging.getLogger(__name__)
_SLUG = re.compile(r"[^a-z0-9]+")


def error_kind(failure: str) -> str:
    """'llm: timeout' -> 'llm_timeout'; 'llm: RateLimitError' -> 'llm_ratelimiterror' (a bounded label value)."""
    return _SLUG.sub("_", failure.lower()).strip("_")[:60] or "unknown"


class TurnObserver:
    """Subclass and override what you need. Calls happen off the hot path; they must be quick."""

    def on_turn(self, record: TurnRecord, *, failures: Sequence[str]) -> None:
        """A turn was answered; `failures` are the fallback chain's failed steps ('llm: timeout')."""

    def on_error(self, kind: str) -> None:
        """Something went wrong: 'turn' (the graph raised), 'metrics_write', or a fallback step's failure."""

    def on_feedback(self, value: int) -> None:
        """A person gave a thumbs up (+1) or down (-1) on a turn."""


class ObserverList:
    """Fans each call out to every observer; one observer's bug never reaches the person or the others."""

    def __init__(self, observers: Sequence[TurnObserver] = ()) -> None:
        self._observers = list(observers)

    def add(self, observer: TurnObserver) -> None:
        self._observers.append(observer)

    def turn(self, record: TurnRecord, failures: Sequence[str]) -> None:
        for observer in self._observers:
            try:
                observer.on_turn(record, failures=failures)
                for failure in failures:
                    observer.on_error(error_kind(failure))
            except Exception:
                log.exception("turn observer %r failed", observer)

    def error(self, kind: str) -> None:
        for observer in self._observers:
            try:
                observer.on_error(kind)
            except Exception:
                log.exception("turn observer %r failed", observer)

    def feedback(self, value: int) -> None:
        for observer in self._observers:
            try:
                observer.on_feedback(value)
            except Exception:
                log.exception("turn observer %r failed", observer)
