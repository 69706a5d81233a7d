"""Installations finbot was removed from (Slack `app_uninstalled` / `tokens_revoked`): nothing is posted there.

Checked before every Web API call of that platform, so the answer is cached for a few seconds per process; a
removal recorded by another process is seen within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from core.store.db import Database
from core.store.models import InstallationRow, utcnow

__all__ = ["InstallationStore"]

CACHE_S = 5.0


class InstallationStore:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}

    async def removed(self, platform: str, tenant: str) -> bool:
        key = (platform, tenant)
        cached = self._cache.get(key)
        if cached is not None and self._clock() - cached[0] < CACHE_S:
            return cached[1]
        async with self._db.session() as session:
            row = await session.get(InstallationRow, key)
        removed = bool(row is not None and row.removed)
        self._cache[key] = (self._clock(), removed)
        return removed

    async def mark_removed(self, platform: str, tenant: str, reason: str) -> None:
        await self._set(platform, tenant, removed=True, reason=reason)

    async def restore(self, platform: str, tenant: str) -> None:
        """Events arrive from it again (reinstalled): posting resumes."""
        await self._set(platform, tenant, removed=False, reason="")

    async def _set(self, platform: str, tenant: str, *, removed: bool, reason: str) -> None:
        async with self._db.session() as session:
            row = await session.get(InstallationRow, (platform, tenant))
            if row is None:
                session.add(InstallationRow(platform=platform, tenant=tenant, removed=removed, reason=reason))
            else:
                row.removed, row.reason, row.changed_at = removed, reason, utcnow()
        self._cache[(platform, tenant)] = (self._clock(), removed)
