"""The built-in card action: thumbs up / down on an answer -> `Assistant.feedback` on that turn."""

from __future__ import annotations

from adapters.teams.actions import ActionHandler, ActionResult, CardAction
from core.assistant import Assistant

__all__ = ["feedback_handler"]

THANKS = "Thanks for the feedback."
UNKNOWN_TURN = "I couldn't find that answer any more, so the feedback was not recorded."


def feedback_handler(assistant: Assistant) -> ActionHandler:
    async def on_feedback(action: CardAction) -> ActionResult | None:
        turn_id, rating = action.data.get("turn_id"), action.data.get("rating")
        if not isinstance(turn_id, str) or rating not in (1, -1, "1", "-1"):
            return ActionResult(text=UNKNOWN_TURN)
        stored = await assistant.feedback(turn_id, 1 if int(rating) > 0 else -1)
        if not action.conversation.is_direct and not action.invoke:
            return None  # Action.Submit in a group chat or channel: a "thanks" would be a message everyone sees
        return ActionResult(text=THANKS if stored else UNKNOWN_TURN)

    return on_feedback
