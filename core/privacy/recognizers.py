"""Which personal data finbot keeps from language models, and presidio-analyzer's pattern recognizers that find
it: checksummed cards (Luhn), IBANs and routing numbers, account numbers, SSNs and tax ids, emails, phone numbers
(Google's libphonenumber) and street addresses. No NLP model is loaded: pattern recognizers only."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["ENTITY_KINDS", "PLACEHOLDER_NAMES", "recognizers"]

PLACEHOLDER_NAMES = {
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "ABA_ROUTING_NUMBER": "ROUTING",
    "US_BANK_NUMBER": "ACCOUNT",
    "US_SSN": "SSN",
    "US_ITIN": "TAX_ID",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "STREET_ADDRESS": "ADDRESS",
}
"""presidio entity kind -> the word in its placeholder ("[CARD_1]")."""
ENTITY_KINDS = tuple(PLACEHOLDER_NAMES)

_STREET = (
    r"\b\d{1,6}\s+(?:[A-Z][A-Za-z'.-]*\s+){1,4}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|"
    r"Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[A-Za-z0-9-]+)?"
)


@cache
def _offline_tlds() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=())  # the list shipped in the package: no fetch at run time


def _email_recognizer() -> Any:
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        """presidio's, but checking the domain against the bundled suffix list instead of downloading it."""

        def validate_result(self, pattern_text: str) -> bool:
            return bool(_offline_tlds()(pattern_text).suffix)

    return OfflineEmailRecognizer()


@cache
def recognizers(kinds: tuple[str, ...]) -> tuple[Any, ...]:
    """One presidio recognizer per kind asked for (built once per set of kinds)."""
    from presidio_analyzer import Pattern, PatternRecognizer
    from presidio_analyzer.predefined_recognizers import (
        AbaRoutingRecognizer,
        CreditCardRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        UsBankRecognizer,
        UsItinRecognizer,
        UsSsnRecognizer,
    )

    made: dict[str, Callable[[], Any]] = {
        "CREDIT_CARD": CreditCardRecognizer, "IBAN_CODE": IbanRecognizer, "ABA_ROUTING_NUMBER": AbaRoutingRecognizer,
        "US_BANK_NUMBER": UsBankRecognizer, "US_SSN": UsSsnRecognizer, "US_ITIN": UsItinRecognizer,
        "EMAIL_ADDRESS": _email_recognizer, "PHONE_NUMBER": PhoneRecognizer,
        "STREET_ADDRESS": lambda: PatternRecognizer(
            supported_entity="STREET_ADDRESS", patterns=[Pattern("street address", _STREET, 0.6)]
        ),
    }
    return tuple(made[kind]() for kind in kinds)
