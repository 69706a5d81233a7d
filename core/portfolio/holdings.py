"""Holdings and target allocations per owner. Every query filters by the owner's person id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.store.db import Database
from core.store.models import HoldingRow, TargetAllocationRow

__all__ = ["Holding", "HoldingStore"]


@dataclass(frozen=True, slots=True)
class Holding:
    symbol: str
    quantity: float
    cost_basis: float
    """Total cost of the position (not per share)."""
    account: str = ""
    name: str = ""
    asset_class: str = ""
    sector: str = ""


_HOLDING_COLUMNS = (HoldingRow.symbol, HoldingRow.quantity, HoldingRow.cost_basis, HoldingRow.account,
                    HoldingRow.name, HoldingRow.asset_class, HoldingRow.sector)
"""A Holding's fields in its order: columns, not entities, so a turn's read builds no ORM objects."""
_OWN = (select(*_HOLDING_COLUMNS).where(HoldingRow.owner_id == bindparam("owner", type_=String))
        .order_by(HoldingRow.account, HoldingRow.symbol))
_OWNERS = (select(HoldingRow.owner_id, *_HOLDING_COLUMNS)
           .where(HoldingRow.owner_id.in_(bindparam("owners", expanding=True, type_=String)))
           .order_by(HoldingRow.owner_id, HoldingRow.account, HoldingRow.symbol))
"""Built once, bound each turn (building a statement costs more than running it)."""


class HoldingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def replace(
        self, owner_id: str, holdings: Sequence[Holding], *, targets: dict[str, float] | None = None
    ) -> None:
        """Make `holdings` (and `targets`, when given) the owner's whole book, in one transaction."""
        async with self._db.session() as session:
            await session.execute(delete(HoldingRow).where(HoldingRow.owner_id == owner_id))
            session.add_all(
                HoldingRow(
                    owner_id=owner_id,
                    account=h.account,
                    symbol=h.symbol,
                    name=h.name,
                    quantity=h.quantity,
                    cost_basis=h.cost_basis,
                    asset_class=h.asset_class,
                    sector=h.sector,
                )
                for h in holdings
            )
            if targets is not None:
                await session.execute(delete(TargetAllocationRow).where(TargetAllocationRow.owner_id == owner_id))
                session.add_all(
                    TargetAllocationRow(owner_id=owner_id, asset_class=k, weight=w) for k, w in targets.items()
                )

    async def holdings(self, owner_id: str) -> list[Holding]:
        async with self._db.session() as session:
            return await session.run_sync(self.holdings_in, owner_id)

    @staticmethod
    def holdings_in(session: Session, owner_id: str) -> list[Holding]:
        """The owner's holdings inside the caller's transaction (the turn's one read, core.turn)."""
        rows = session.execute(_OWN, {"owner": owner_id})
        return [Holding(*r) for r in rows]

    @staticmethod
    def holdings_of_in(session: Session, owner_ids: Sequence[str]) -> dict[str, list[Holding]]:
        """Several owners' holdings in one statement (owner id -> holdings, in `holdings_in`'s order)."""
        rows = session.execute(_OWNERS, {"owners": list(owner_ids)})
        found: dict[str, list[Holding]] = {}
        for row in rows:
            found.setdefault(row.owner_id, []).append(Holding(*row[1:]))
        return found

    async def targets(self, owner_id: str) -> dict[str, float]:
        async with self._db.session() as session:
            rows = await session.scalars(select(TargetAllocationRow).where(TargetAllocationRow.owner_id == owner_id))
            return {r.asset_class: r.weight for r in rows}

    async def has_holdings(self, owner_id: str) -> bool:
        async with self._db.session() as session:
            return await self.has_holdings_in(session, owner_id)

    @staticmethod
    async def has_holdings_in(session: AsyncSession, owner_id: str) -> bool:
        query = select(func.count()).select_from(HoldingRow).where(HoldingRow.owner_id == owner_id)
        count = await session.scalar(query)
        return bool(count)
