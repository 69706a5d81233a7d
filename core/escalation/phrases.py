"""What people say to finbot about a hand-over (pure): accepting or declining the offer of an advisor, and
asking to cancel a hand-over and go back to the bot."""

from __future__ import annotations

import re

__all__ = ["ACCEPT_OFFER", "accepts_offer", "cancels_handover", "declines_offer"]

ACCEPT_OFFER = "Yes, please bring in an advisor."
"""What the offer's button says for the person (Slack, Teams, web); typed "yes" means the same (CLI)."""

_YES = re.compile(
    r"^\s*(?:y|yes|yeah|yep|yup|sure|ok|okay|please|yes please|please do|go ahead|do it|ok please|"
    r"sure thing|absolutely|definitely|that would be (?:great|good|helpful)|sounds good|i would like that|"
    r"i'?d like that|yes,? (?:please )?(?:do|connect me|bring (?:one|someone|them|an advis[oe]r) in|"
    r"ask (?:one|them|an advis[oe]r))|(?:please )?(?:bring|get) (?:one|someone|an advis[oe]r) in)"
    r"(?:[\s,]+(?:please|thanks|thank you))?[\s!.]*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\s*(?:n|no|nope|nah|no thanks|no thank you|not now|not yet|maybe later|later|no need|i'?m good|"
    r"i am good|i'?m fine|that'?s ok(?:ay)?|never ?mind)(?:[\s,]+(?:thanks|thank you|i'?m good))?[\s!.]*$",
    re.IGNORECASE,
)
_CANCEL = re.compile(
    r"^\s*(?:please\s+)?(?:cancel(?: (?:that|it|this|the request|my request|the hand-?over|the advis[oe]r))?|"
    r"never ?mind|forget it|stop|back to (?:the )?(?:bot|finbot)|(?:go|take me|switch) back to (?:the )?(?:bot|finbot)|"
    r"i (?:don'?t|do not) need (?:an|the) advis[oe]r(?: any ?more)?|no advis[oe]r(?: needed)?|"
    r"i'?ll (?:talk|speak) to (?:the )?(?:bot|finbot))(?:[\s,]+(?:please|thanks|thank you))?[\s!.]*$",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def accepts_offer(text: str) -> bool:
    """A yes to "Would you like me to bring in an advisor?" (or the offer button's own words)."""
    clean = _clean(text)
    return clean.lower() == ACCEPT_OFFER.lower() or bool(_YES.match(clean))


def declines_offer(text: str) -> bool:
    return bool(_NO.match(_clean(text)))


def cancels_handover(text: str) -> bool:
    """"cancel", "back to the bot", "never mind": release a hand-over nobody has answered yet."""
    return bool(_CANCEL.match(_clean(text)))
