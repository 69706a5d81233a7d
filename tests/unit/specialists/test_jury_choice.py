"""The jury's final choice and agreement, from a critique (pure code over the critic's structured output)."""

from __future__ import annotations

from core.jury import DraftReview, JuryCritique, choose, jury_record_fields


def _critique(best: int, *reviews: tuple[bool, str]) -> JuryCritique:
    return JuryCritique(
        reviews=[DraftReview(draft=i, consistent=ok, position=p) for i, (ok, p) in enumerate(reviews, start=1)],
        best=best,
    )


def test_unanimous_jury_keeps_the_critics_pick_with_full_agreement() -> None:
    chosen, positions, agreement = choose(_critique(2, (True, "Rebalance gradually"), (True, "rebalance  gradually"),
                                                    (True, "rebalance-gradually")), 3)
    assert (chosen, agreement) == (1, 1.0)
    assert set(positions) == {"rebalance gradually"}


def test_the_critics_pick_outside_the_majority_is_overruled() -> None:
    chosen, _, agreement = choose(_critique(3, (True, "hold"), (True, "hold"), (True, "sell everything")), 3)
    assert chosen == 0 and round(agreement, 4) == 0.6667


def test_inconsistent_drafts_do_not_count_as_agreement() -> None:
    chosen, _, agreement = choose(_critique(1, (False, "hold"), (True, "hold"), (True, "buy more")), 3)
    assert chosen in (1, 2) and round(agreement, 4) == 0.3333


def test_no_consistent_draft_means_no_agreement() -> None:
    assert choose(_critique(2, (False, "a"), (False, "b")), 2) == (1, ["a", "b"], 0.0)


def test_record_fields_price_the_jury_tokens() -> None:
    state = {"model": "gpt-x", "jury": {"size": 3, "agreement": 0.5, "latency_ms": 12.5, "tokens_in": 1000,
                                         "tokens_out": 200}}
    fields = jury_record_fields(state, lambda model, *, tokens_in, tokens_out: (tokens_in + 2 * tokens_out) / 1e6)
    assert fields == {"jury_size": 3, "jury_agreement": 0.5, "jury_latency_ms": 12.5, "jury_tokens_in": 1000,
                      "jury_tokens_out": 200, "jury_cost_usd": 0.0014}
    assert jury_record_fields({"jury": None}) == {}
