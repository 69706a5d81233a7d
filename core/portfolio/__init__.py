"""Holdings per person, CSV import, who may see which holdings, and the portfolio arithmetic."""

from core.portfolio.access import DEMO_OWNER, HoldingsAccess, Owner
from core.portfolio.csv_import import parse_holdings_csv, parse_targets_csv
from core.portfolio.holdings import Holding, HoldingStore

__all__ = [
    "DEMO_OWNER",
    "Holding",
    "HoldingStore",
    "HoldingsAccess",
    "Owner",
    "parse_holdings_csv",
    "parse_targets_csv",
]
