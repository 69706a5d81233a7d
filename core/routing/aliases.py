"""Names people use for securities that the company list (pytickersymbols) does not give as such.

Two small curated tables, matched in any letter case:
- BRANDS: household names and short forms of US companies ("Google", "Facebook", "Exxon", "JP Morgan"),
  mapped to their primary US listing as published by the exchanges (NASDAQ / NYSE symbol directories).
  Only names that are not ordinary English words, so "tesla" in lower case is still Tesla; ordinary-word
  names ("Target", "Block", "Progressive") are left to the capitalised company list.
- CRYPTO: the largest crypto-assets by market value, by their common names and the tickers the exchanges
  quote them under (CoinMarketCap's listings). finbot's market feed may have no quote for them: the
  answer then says so ("I have no quote for BTC") instead of quoting something else.

Keep both short and boring: a name belongs here only when people ask about it by that name.
"""

from __future__ import annotations

__all__ = ["BRANDS", "CRYPTO", "CRYPTO_SYMBOLS"]

BRANDS: dict[str, str] = {
    "alphabet": "GOOGL",
    "amazon": "AMZN",
    "apple": "AAPL",
    "berkshire": "BRK.B",
    "berkshire hathaway": "BRK.B",
    "boeing": "BA",
    "chevron": "CVX",
    "coca-cola": "KO",
    "costco": "COST",
    "disney": "DIS",
    "exxon": "XOM",
    "exxonmobil": "XOM",
    "exxon mobil": "XOM",
    "facebook": "META",
    "google": "GOOGL",
    "intel": "INTC",
    "jpmorgan": "JPM",
    "jp morgan": "JPM",
    "mcdonald's": "MCD",
    "meta platforms": "META",
    "microsoft": "MSFT",
    "netflix": "NFLX",
    "nvidia": "NVDA",
    "palantir": "PLTR",
    "paypal": "PYPL",
    "pepsico": "PEP",
    "pfizer": "PFE",
    "starbucks": "SBUX",
    "tesla": "TSLA",
    "walmart": "WMT",
}

CRYPTO: dict[str, str] = {
    "bitcoin": "BTC",
    "bitcoins": "BTC",
    "ethereum": "ETH",
    "ether": "ETH",
    "tether": "USDT",
    "solana": "SOL",
    "dogecoin": "DOGE",
    "litecoin": "LTC",
    "cardano": "ADA",
    "ripple": "XRP",
    "usd coin": "USDC",
    "binance coin": "BNB",
}

CRYPTO_SYMBOLS: frozenset[str] = frozenset(CRYPTO.values())
"""Tickers that name a crypto-asset when written in capitals (BTC, ETH...)."""
