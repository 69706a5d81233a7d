"""Card actions and text commands: small registries other features add to with one line each.

A card button carries `{"verb": ..., ...data}`. It reaches finbot either as an `Action.Submit` (a `message`
whose `value` is the data, no text) or as an `Action.Execute` (an `adaptiveCard/action` invoke). Both become
one platform-neutral `CardAction` and go to the handler registered for the verb:

    teams.actions.register("claim", claim_handler)        # issue 6: advisor Claim / Close buttons
    teams.commands.register("metrics", metrics_handler)   # issue 9: `metrics [period]` admin message
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from core.types import Conversation, IncomingMessage, Person, Reply

__all__ = [
    "ActionHandler",
    "ActionRegistry",
    "ActionResult",
    "CardAction",
    "CommandHandler",
    "CommandRegistry",
]


@dataclass(frozen=True, slots=True)
class CardAction:
    """A button pressed on one of finbot's cards."""

    verb: str
    data: dict[str, Any]
    person: Person
    conversation: Conversation
    card_activity_id: str | None = None
    """Id of the message holding the card (to update it in place)."""
    invoke: bool = False
    """True for Action.Execute (the answer goes back in the HTTP response)."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What to show after an action: a short text, and/or a card that replaces the one clicked."""

    text: str | None = None
    card: dict[str, Any] | None = None


ActionHandler = Callable[[CardAction], Awaitable[ActionResult | None]]
CommandHandler = Callable[[IncomingMessage, str], Awaitable[Reply | ActionResult | None]]
"""(message, the words after the command) -> a Reply (or an ActionResult: a card and/or text) to send,
or None to let the assistant answer."""


@dataclass(slots=True)
class ActionRegistry:
    handlers: dict[str, ActionHandler] = field(default_factory=dict)

    def register(self, verb: str, handler: ActionHandler) -> None:
        if verb in self.handlers:
            raise ValueError(f"a Teams card action {verb!r} is already registered")
        self.handlers[verb] = handler

    def get(self, verb: str) -> ActionHandler | None:
        return self.handlers.get(verb)


@dataclass(slots=True)
class CommandRegistry:
    handlers: dict[str, CommandHandler] = field(default_factory=dict)

    def register(self, name: str, handler: CommandHandler) -> None:
        key = name.lower()
        if key in self.handlers:
            raise ValueError(f"a Teams command {name!r} is already registered")
        self.handlers[key] = handler

    def match(self, text: str) -> tuple[CommandHandler, str] | None:
        """`metrics 7d` -> (the `metrics` handler, "7d"); None when the first word is no command."""
        word, _, rest = text.strip().partition(" ")
        handler = self.handlers.get(word.lower())
        return (handler, rest.strip()) if handler else None
