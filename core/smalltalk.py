"""Small talk answered as small talk: "hello hello", "cool!!", "testing123", "how are you?", "bye".

Pure functions. These messages carry no question, so searching the knowledge base for them only finds
nothing and makes finbot apologise (or, worse, call an advisor). Greetings, thanks and help on their own are
the fixed templates' (core.compose.templates); this covers the rest of what people type to a chat to see
whether it is there. A message with any real content is not small talk.
"""

from __future__ import annotations

import re

__all__ = ["DECLINED_OFFER", "SMALLTALK_INTENTS", "smalltalk_answer", "smalltalk_intent"]

DECLINED_OFFER = "smalltalk_declined_offer"
"""The person said no to the offer of an advisor (core.escalation.phrases)."""

_WORDS = r"[\s!.,?~]*"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "smalltalk_greeting",
        re.compile(
            rf"^{_WORDS}(?:(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
            rf"(?:{_WORDS}(?:there|all|everyone|again|finbot|bot))?{_WORDS}){{1,4}}$|"
            rf"^{_WORDS}(?:(?:is )?any(?:one|body) (?:there|home)|are you there|you there){_WORDS}$",
            re.IGNORECASE,
        ),
    ),
    (
        "smalltalk_test",
        re.compile(
            rf"^{_WORDS}(?:test(?:ing)?[\s\d]*|ping|asdf\w*|qwerty|1 ?2 ?3|check(?:ing)?,? (?:1 ?2 ?3|one two))"
            rf"{_WORDS}$",
            re.IGNORECASE,
        ),
    ),
    (
        "smalltalk_how_are_you",
        re.compile(
            rf"^{_WORDS}(?:hi|hello|hey)?{_WORDS}(?:how are you(?: doing)?(?: today)?|how'?s it going|"
            rf"how are things|what'?s up|wh?at'?s new|sup){_WORDS}$",
            re.IGNORECASE,
        ),
    ),
    (
        "smalltalk_bye",
        re.compile(
            rf"^{_WORDS}(?:bye(?: ?bye)?|good ?bye|see you(?: later| soon)?|see ya|later|good night|cya|"
            rf"that'?s all(?: for now)?|i'?m done(?: for now)?){_WORDS}(?:thanks|thank you)?{_WORDS}$",
            re.IGNORECASE,
        ),
    ),
    (
        "smalltalk_praise",
        re.compile(
            rf"^{_WORDS}(?:good (?:bot|job)|well done|you'?re (?:great|awesome|the best|helpful|smart)|"
            rf"nice work|love (?:it|this|you)){_WORDS}$",
            re.IGNORECASE,
        ),
    ),
    (
        "smalltalk_ack",
        re.compile(
            rf"^{_WORDS}(?:(?:ok(?:ay)?|k+|cool|nice|great|awesome|perfect|wow|neat|sweet|lol|haha\w*|hehe|"
            rf"alright|all right|got it|gotcha|i see|noted|understood|makes sense|sounds good|good to know|"
            rf"interesting|fair enough|right|sure|fine|yep|yup|yes|yeah|hm+|oh|ah|thumbs up|:\)|:-\)|:d|"
            rf"👍|🙂|😀|😊){_WORDS}){{1,3}}(?:(?:thanks|thank you|thx){_WORDS})?$",
            re.IGNORECASE,
        ),
    ),
)
SMALLTALK_INTENTS = frozenset({name for name, _ in _PATTERNS} | {DECLINED_OFFER})

_ANSWERS = {
    "smalltalk_greeting": "Hello{name}! I'm here. Ask me about your accounts, fees, retirement or transfers.",
    "smalltalk_test": "I'm here and working. Ask me anything about the firm's accounts, fees, transfers or "
    "retirement.",
    "smalltalk_how_are_you": "I'm doing well, thanks for asking{name}! How can I help you today?",
    "smalltalk_bye": "Goodbye{name}! I'm here whenever you need me.",
    "smalltalk_praise": "Thank you{name}! Is there anything else I can help with?",
    "smalltalk_ack": "Glad to help{name}. Anything else I can look up for you?",
    DECLINED_OFFER: "No problem{name}. What else can I help you with?",
}


def smalltalk_intent(text: str) -> str | None:
    """The kind of small talk the whole message is, or None when it says something."""
    clean = " ".join(text.replace("\u2019", "'").split())
    if not clean or len(clean) > 60:
        return None
    for name, pattern in _PATTERNS:
        if pattern.match(clean):
            return name
    return None


def smalltalk_answer(intent: str, *, name: str = "") -> str:
    """The reply to small talk; with the person's name when finbot knows it."""
    if not name:
        return _ANSWERS[intent].format(name="")
    return _ANSWERS[intent].format(name=f" {name}" if intent == "smalltalk_greeting" else f", {name}")
