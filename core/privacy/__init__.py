"""Personal data kept from language models: presidio pattern recognizers, stable placeholders, restoration.

`RedactingTransport` sits under the OpenAI client (core.llm.make_chat_model), so no caller can forget it;
`open_ledger` / `current_ledger` collect what a turn sent and how many values of each kind it replaced.
"""

from core.privacy.ledger import PrivacyLedger, current_ledger, open_ledger
from core.privacy.recognizers import ENTITY_KINDS
from core.privacy.redact import Redactor, Vault
from core.privacy.transport import RedactingTransport

__all__ = ["ENTITY_KINDS", "PrivacyLedger", "RedactingTransport", "Redactor", "Vault", "current_ledger", "open_ledger"]
