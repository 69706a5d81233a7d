"""The Teams adapter assembled: botbuilder's CloudAdapter and authentication, finbot's handler, the registries,
proactive posting, and the background turns. One per process (built in bot/container.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, ServiceClientCredentialsFactory

from adapters.teams.actions import ActionRegistry, CommandRegistry
from adapters.teams.bot import FinbotTeamsBot
from adapters.teams.config import TeamsConfig, sdk_configuration
from adapters.teams.feedback import feedback_handler
from adapters.teams.middleware import ConversationMiddleware
from adapters.teams.proactive import Proactive
from adapters.teams.render import FEEDBACK_VERB
from core.assistant import Assistant
from core.errors import ConfigurationError
from core.store import ConversationStore, EventLog

__all__ = ["TeamsApp"]

log = logging.getLogger(__name__)


class TeamsApp:
    """Everything Teams, behind finbot's own types: `actions`/`commands` to extend, `send_proactive` to post."""

    def __init__(
        self,
        config: TeamsConfig,
        *,
        assistant: Assistant,
        conversations: ConversationStore,
        events: EventLog,
        credentials_factory: ServiceClientCredentialsFactory | None = None,
    ) -> None:
        """`credentials_factory` is the seam for outgoing tokens (default: MSAL with the app id and password)."""
        self.config = config
        if not config.auth_enabled:
            log.warning("Teams auth is OFF: MicrosoftAppId is empty, /api/messages accepts unauthenticated activities")
        try:
            self.auth = ConfigurationBotFrameworkAuthentication(
                sdk_configuration(config), credentials_factory=credentials_factory
            )
        except Exception as exc:  # botbuilder raises a bare Exception naming the missing property
            raise ConfigurationError("MicrosoftAppType", str(exc)) from None
        self.adapter = CloudAdapter(self.auth)
        self.adapter.use(ConversationMiddleware(conversations, events))
        self.actions = ActionRegistry()
        self.commands = CommandRegistry()
        self.actions.register(FEEDBACK_VERB, feedback_handler(assistant))
        self.bot = FinbotTeamsBot(
            assistant, actions=self.actions, commands=self.commands, stream_interval_s=config.stream_interval_s
        )
        self.proactive = Proactive(self.adapter, app_id=config.app_id)
        self._turns: set[asyncio.Task[None]] = set()

    # -- incoming -----------------------------------------------------------------------------------

    def start_turn(self, auth_result: AuthenticateRequestResult, activity: Activity) -> None:
        """Answer an authenticated activity in the background (the HTTP request returns at once)."""
        task = asyncio.create_task(self._turn(auth_result, activity))
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)

    async def _turn(self, auth_result: AuthenticateRequestResult, activity: Activity) -> None:
        try:
            await self.adapter.process_activity(auth_result, activity, self.bot.on_turn)
        except Exception:  # the edge of a background turn: nothing above it would see the error
            log.exception("Teams %s activity %s failed", activity.type, activity.id)

    async def drain(self) -> None:
        """Wait for the turns in flight (tests; shutdown)."""
        while self._turns:
            await asyncio.gather(*list(self._turns), return_exceptions=True)

    # -- proactive ----------------------------------------------------------------------------------

    async def send_proactive(
        self, reference: dict[str, Any], *, text: str | None = None, card: dict[str, Any] | None = None
    ) -> str | None:
        """Post into a stored conversation (`Conversation.reference`); returns the new message's id."""
        return await self.proactive.send(reference, text=text, card=card)

    async def update_proactive(
        self, reference: dict[str, Any], activity_id: str, card: dict[str, Any], *, text: str | None = None
    ) -> None:
        """Replace a message finbot posted earlier in that conversation (e.g. an advisor card once claimed)."""
        await self.proactive.update(reference, activity_id, text=text, card=card)
