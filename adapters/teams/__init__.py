"""Microsoft Teams adapter (botbuilder 4.17.1). Every Bot Framework type stays inside this package.

    inbound.py    Activity -> IncomingMessage, conversation references, card actions
    render.py     Reply -> Adaptive Card 1.5
    streaming.py  Teams streaming by hand (1:1), one final message elsewhere
    bot.py        the activity handler: translate, call the core once, render, deliver
    middleware.py exactly-once turns, references stored on every activity
    auth.py       header checks and JWT validation -> 401
    routes.py     POST /api/messages
    proactive.py  posting later into a stored conversation
    actions.py    card-action and text-command registries (extension points)
    manifest.py   the sideload zip (`finbot teams package`)
    app.py        all of the above assembled: TeamsApp
"""

from adapters.teams.actions import ActionHandler, ActionResult, CardAction, CommandHandler
from adapters.teams.app import TeamsApp
from adapters.teams.config import TeamsConfig
from adapters.teams.inbound import teams_conversation
from adapters.teams.proactive import thread_reference
from adapters.teams.render import reply_card, text_card
from adapters.teams.routes import register

__all__ = [
    "ActionHandler",
    "ActionResult",
    "CardAction",
    "CommandHandler",
    "TeamsApp",
    "TeamsConfig",
    "register",
    "reply_card",
    "teams_conversation",
    "text_card",
    "thread_reference",
]
