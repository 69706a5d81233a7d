"""The dashboard as labelled, formatted figures: one wording for the terminal, Slack and Teams."""

from __future__ import annotations

from core.metrics.dashboard import Dashboard

__all__ = ["NA", "fmt_ms", "fmt_pct", "fmt_usd", "headline", "summary_rows"]

NA = "n/a"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return NA
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def fmt_pct(value: float | None) -> str:
    return NA if value is None else f"{value * 100:.1f}%"


def fmt_usd(value: float | None) -> str:
    if value is None:
        return NA
    return f"${value:.4f}" if value < 1 else f"${value:,.2f}"


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return NA
    return f"{value / 60:.1f} min" if value >= 120 else f"{value:.0f} s"


def headline(board: Dashboard) -> str:
    """One line: the period, turns, people and the median latency."""
    return (
        f"finbot, last {board.period}: {board.turns} turns from {board.unique_users} people, "
        f"p50 latency {fmt_ms(board.latency_p50_ms)}"
    )


def summary_rows(board: Dashboard) -> list[tuple[str, str]]:
    """(label, value) pairs in reading order."""
    strategies = ", ".join(
        f"{s.strategy} {fmt_pct(s.share)} (fallback {fmt_pct(s.fallback_rate)})" for s in board.strategies
    )
    routes = ", ".join(f"{route} ({n})" for route, n in board.top_routes)
    thumbs = f"{fmt_pct(board.thumbs_up_share)} of {board.rated} rated" if board.rated else NA
    return [
        ("Turns", str(board.turns)),
        ("Unique users", str(board.unique_users)),
        ("Conversations", str(board.conversations)),
        ("Latency avg", fmt_ms(board.latency_avg_ms)),
        (
            "Latency p50 / p95 / p99",
            f"{fmt_ms(board.latency_p50_ms)} / {fmt_ms(board.latency_p95_ms)} / {fmt_ms(board.latency_p99_ms)}",
        ),
        ("Time to first token p50 / p95", f"{fmt_ms(board.ttft_p50_ms)} / {fmt_ms(board.ttft_p95_ms)}"),
        ("Tokens in / out", f"{board.tokens_in:,} / {board.tokens_out:,}"),
        ("Cost total", fmt_usd(board.cost_usd)),
        ("Cost per conversation", fmt_usd(board.cost_per_conversation)),
        ("Escalation rate", fmt_pct(board.escalation_rate)),
        ("Time to claim p50", _fmt_seconds(board.time_to_claim_p50_s)),
        ("Unrouted hand-over requests", NA if board.unrouted is None else str(board.unrouted)),
        ("Low-confidence rate", fmt_pct(board.low_confidence_rate)),
        ("Fallback rate", fmt_pct(board.fallback_rate)),
        ("Answers blocked by the guard", str(board.guard_blocked)),
        ("Answered by", strategies or NA),
        ("Thumbs up", thumbs),
        ("Top routes", routes or NA),
    ]
