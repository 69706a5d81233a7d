"""Whose holdings a person may see: their own, or (demo only) the sample portfolio.

A person never sees another person's holdings: the only owner ids ever resolved are the person's
own id and the demo owner, and the demo owner only for person ids that match the demo pattern
(by default the local web chat, `web:local:*`, whose users are not authenticated anyway).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.portfolio.holdings import Holding, HoldingStore

__all__ = ["DEMO_OWNER", "HoldingsAccess", "Owner"]

DEMO_OWNER = "demo:sample:client"
"""Owner id of the bundled sample portfolio (no platform produces ids in the `demo` namespace)."""


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    is_demo: bool = False


@dataclass(slots=True)
class HoldingsAccess:
    store: HoldingStore
    demo_viewers: str = ""
    """comma-separated fnmatch patterns of person ids that see the demo portfolio when they have none; "" = nobody."""
    demo_owner: str = DEMO_OWNER

    async def owner_for(self, person_id: str) -> Owner | None:
        if await self.store.has_holdings(person_id):
            return Owner(person_id)
        if self.sees_demo(person_id) and await self.store.has_holdings(self.demo_owner):
            return Owner(self.demo_owner, is_demo=True)
        return None

    def sees_demo(self, person_id: str) -> bool:
        patterns = [p.strip() for p in self.demo_viewers.split(",") if p.strip()]
        return any(fnmatch.fnmatchcase(person_id, pattern) for pattern in patterns)

    def owned_in(self, session: Session, person_id: str) -> tuple[Owner | None, list[Holding]]:
        """`owner_for` and that owner's holdings, in one statement inside the caller's transaction (core.turn)."""
        if not self.sees_demo(person_id) or person_id == self.demo_owner:
            own = self.store.holdings_in(session, person_id)
            return (Owner(person_id) if own else None), own
        # one statement for both: their own holdings when they have any, else the demo's
        both = self.store.holdings_of_in(session, [person_id, self.demo_owner])
        if both.get(person_id):
            return Owner(person_id), both[person_id]
        if both.get(self.demo_owner):
            return Owner(self.demo_owner, is_demo=True), both[self.demo_owner]
        return None, []
