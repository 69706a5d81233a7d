"""Example questions per specialist: the embedding half of the offline classifier compares a question
with these. They are deliberately different from the labelled test questions in tests/fixtures/."""

from __future__ import annotations

__all__ = ["PROTOTYPES"]

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "portfolio": (
        "What is the total value of everything I own?",
        "Give me an overview of my account balances and positions",
        "How much of my money is in tech companies?",
        "Am I overweight in any industry?",
        "What percentage of my savings is in stocks versus bonds?",
        "Did my investments make or lose money since I bought them?",
        "Summarise my investment account",
        "What is my exposure to energy companies?",
    ),
    "market": (
        "What is Tesla stock trading at?",
        "How did the Dow and Nasdaq finish?",
        "What did Amazon shares close at on Friday?",
        "How much does a share of Google cost right now?",
        "What is going on in the stock market this morning?",
        "Did Nvidia go up this week?",
        "What is the latest quote for the S&P 500 index fund?",
        "How have oil stocks performed over the past month?",
    ),
    "risk": (
        "How much do my investments swing up and down?",
        "What is the biggest fall my account has had?",
        "If the market crashes, how badly would I be hit?",
        "Is my money spread out enough across different things?",
        "How sensitive is my account to the overall market?",
        "What is the chance of a big loss in a single day?",
        "How stable are my investments?",
        "Do my stocks all move together?",
    ),
    "knowledge": (
        "How long does it take to move money out of my account?",
        "What does the firm charge for managing my money?",
        "How can I update my mailing address?",
        "What documents do I need to open a retirement account?",
        "Is my account protected if the firm fails?",
        "When are statements sent out?",
        "How do I set up automatic contributions?",
        "Who do I contact about a problem with my login?",
    ),
}
