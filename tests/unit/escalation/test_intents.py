"""Asks for a human and sensitive intents go to a person; questions about the same topics do not."""

from __future__ import annotations

import pytest

from core.escalation.intents import detect

ESCALATE = [
    # asks for a human, in plain words, any case
    ("talk to an advisor", "asked_for_human"),
    ("I want to talk to a real person", "asked_for_human"),
    ("speak to someone", "asked_for_human"),
    ("human please", "asked_for_human"),
    ("HUMAN PLEASE", "asked_for_human"),
    ("Can I speak to someone?", "asked_for_human"),
    ("connect me with an advisor", "asked_for_human"),
    ("get me a human", "asked_for_human"),
    ("I need an advisor", "asked_for_human"),
    ("agent", "asked_for_human"),
    ("Can an advisor call me?", "asked_for_human"),
    ("I'd rather not talk to a bot, put me through to a live agent", "asked_for_human"),
    ("How do I talk to an advisor?", "asked_for_human"),
    # complaints
    ("I want to make a complaint", "complaint"),
    ("I'd like to file a complaint about my advisor", "complaint"),
    ("This is unacceptable!", "complaint"),
    ("I'm very unhappy with the service", "complaint"),
    # fraud / compromised account
    ("my account has been hacked", "fraud"),
    ("someone logged into my account last night", "fraud"),
    ("there's an unauthorized transaction on my statement", "fraud"),
    ("I didn't make this withdrawal", "fraud"),
    ("I was scammed", "fraud"),
    ("I clicked a phishing link and entered my password", "fraud"),
    # trades
    ("sell all my Apple shares", "trade_instruction"),
    ("buy 100 shares of MSFT", "trade_instruction"),
    ("can you sell half my tesla position", "trade_instruction"),
    ("Sell 50% of my holdings", "trade_instruction"),
    ("liquidate my portfolio", "trade_instruction"),
    ("Please place a limit order for VTI", "trade_instruction"),
    # transfers
    ("wire $5,000 to my bank", "transfer_instruction"),
    ("Please transfer $2,500 to my savings", "transfer_instruction"),
    ("I want to transfer my IRA to Vanguard", "transfer_instruction"),
    ("move all my money to my checking account", "transfer_instruction"),
    ("withdraw 10k from my brokerage account", "transfer_instruction"),
    # account closure
    ("I want to close my account", "account_closure"),
    ("please close my IRA", "account_closure"),
    # hardship
    ("I lost my job and can't pay my mortgage", "hardship"),
    ("I need a hardship withdrawal", "hardship"),
    ("we're struggling financially", "hardship"),
    # a death in the family
    ("my husband passed away last week", "bereavement"),
    ("What do I do now that my father died?", "bereavement"),
    ("there's been a death in the family", "bereavement"),
    ("When my husband died last year his IRA came to me, what now?", "bereavement"),
]

ANSWER = [
    "what is a transfer fee?",
    "What are the advisory fees?",
    "How long does a wire transfer take?",
    "how do I transfer money to my bank?",
    "What's the fee to transfer an IRA?",
    "What is a wire transfer?",
    "How much does it cost to send an outgoing domestic wire?",
    "can I send money abroad?",
    "How do I roll over my 401k?",
    "What is a hardship withdrawal?",
    "How do you protect against fraud?",
    "How do I report fraud?",
    "What is identity theft?",
    "What happens if my account is hacked?",
    "Should I sell my Tesla shares?",
    "how do I sell shares?",
    "how do I buy a bond?",
    "Can I buy shares in my IRA?",
    "What is a buy order?",
    "Explain stop loss orders",
    "What does an advisor do?",
    "are you a real person?",
    "Who is my advisor?",
    "how many people work at the firm?",
    "How do I close my account?",
    "Is there a fee for closing an account?",
    "What is your complaints procedure?",
    "What happens to an account when the owner dies?",
    "What are the trading hours?",
    "what is the minimum to open an account?",
    "My portfolio is up, how do I check performance?",
    "hello",
    "thanks!",
    "",
]


@pytest.mark.parametrize(("text", "reason"), ESCALATE)
def test_goes_to_a_person(text: str, reason: str) -> None:
    intent = detect(text)
    assert intent is not None, text
    assert intent.reason == reason
    assert intent.matched


@pytest.mark.parametrize("text", ANSWER)
def test_ordinary_questions_stay_with_the_bot(text: str) -> None:
    assert detect(text) is None


def test_curly_apostrophes_and_extra_spaces() -> None:
    intent = detect("I\u2019d   like to   speak with an ADVISOR")
    assert intent is not None and intent.reason == "asked_for_human"


def test_the_most_specific_reason_wins() -> None:
    intent = detect("My account was hacked, let me talk to a real person")
    assert intent is not None and intent.reason == "fraud"
