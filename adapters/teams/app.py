"""The Teams adapter assembled on the Microsoft 365 Agents SDK: its CloudAdapter (aiohttp), connection manager
(outgoing tokens: MSAL with the app id and password), JWT validator, and finbot's agent, registries, proactive
posting and background turns. One per process (built in bot/container.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AccessTokenProviderBase, AnonymousTokenProvider, ConnectionManager
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, ClaimsIdentity

from adapters.teams.actions import ActionRegistry, CommandRegistry
from adapters.teams.auth import validator
from adapters.teams.bot import FinbotAgent
from adapters.teams.config import TeamsConfig, auth_configuration
from adapters.teams.feedback import feedback_handler
from adapters.teams.inboxed import CURRENT, InboxTurn, inbox_key, payload_of, restore
from adapters.teams.middleware import ConversationMiddleware
from adapters.teams.proactive import Proactive
from adapters.teams.render import FEEDBACK_VERB
from core.assistant import Assistant
from core.store import ConversationStore, EventLog, Inbox, InboxItem

__all__ = ["TeamsApp", "TokenProviderFactory"]

log = logging.getLogger(__name__)

TokenProviderFactory = Callable[[AgentAuthConfiguration], AccessTokenProviderBase]
"""Makes the provider of outgoing Bot Framework tokens from the connection settings (the seam tests replace)."""


def _msal(config: AgentAuthConfiguration) -> AccessTokenProviderBase:
    from microsoft_agents.authentication.msal import MsalAuth

    return MsalAuth(config)


class TeamsApp:
    """Everything Teams, behind finbot's own types: `actions`/`commands` to extend, `send_proactive` to post."""

    def __init__(
        self,
        config: TeamsConfig,
        *,
        assistant: Assistant,
        conversations: ConversationStore,
        events: EventLog,
        inbox: Inbox | None = None,
        token_provider_factory: TokenProviderFactory | None = None,
    ) -> None:
        self.config = config
        self.inbox = inbox
        if not config.auth_enabled:
            log.warning("Teams auth is OFF: MicrosoftAppId is empty, /api/messages accepts unauthenticated activities")
        self.auth_config = auth_configuration(config)
        self.validator = validator(self.auth_config, openid_metadata_url=config.openid_metadata_url)
        factory = token_provider_factory or (_msal if config.auth_enabled else lambda _: AnonymousTokenProvider())
        self.connections = ConnectionManager(
            factory, connections_configurations={"SERVICE_CONNECTION": self.auth_config}
        )
        self.adapter = CloudAdapter(connection_manager=self.connections)
        self.adapter.on_turn_error = self._on_error  # the SDK's default prints and posts the exception's text
        self.adapter.use(ConversationMiddleware(conversations, events))
        self.actions = ActionRegistry()
        self.commands = CommandRegistry()
        self.actions.register(FEEDBACK_VERB, feedback_handler(assistant))
        self.agent = FinbotAgent(
            assistant, connections=self.connections, events=events, actions=self.actions, commands=self.commands,
            stream_interval_s=config.stream_interval_s, conversations=conversations, inbox=inbox,
        )
        self.agent.error(self._on_error)
        self.proactive = Proactive(self.adapter, app_id=config.app_id)
        self._turns: set[asyncio.Task[bool]] = set()

    @staticmethod
    async def _on_error(context: Any, error: Exception) -> None:
        """The SDK's default posts the exception's text into the chat; finbot logs it and says nothing more."""
        log.error("Teams %s activity %s failed", context.activity.type, context.activity.id,
                  exc_info=(type(error), error, error.__traceback__))
        turn = CURRENT.get()
        if turn is not None:  # left to the inbox sweep
            turn.failed = True

    # -- incoming -----------------------------------------------------------------------------------

    async def accept(self, claims: ClaimsIdentity, activity: Activity) -> tuple[bool, InboxTurn | None]:
        """Store an inboxed activity with its claim (before the 202): (first, its InboxTurn); first is False
        for a repeat (claimed before, by any process); no InboxTurn when the activity is not inboxed."""
        key = inbox_key(activity)
        if self.inbox is None or key is None:
            return True, None
        if not await self.inbox.accept(key, platform="teams", payload=payload_of(claims, activity)):
            return False, None
        return True, InboxTurn(key=key)

    def start_turn(self, claims: ClaimsIdentity, activity: Activity, inboxed: InboxTurn | None = None) -> None:
        """Answer an authenticated activity in the background (the HTTP request returns at once)."""
        task = asyncio.create_task(self._turn(claims, activity, inboxed))
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)

    async def _turn(self, claims: ClaimsIdentity, activity: Activity, inboxed: InboxTurn | None = None) -> bool:
        """One activity through the SDK's pipeline; True when it settled (an inboxed one is then marked done)."""
        token = CURRENT.set(inboxed)
        try:
            await self.adapter.process_activity(claims, activity, self.agent.on_turn)
        except Exception:  # the edge of a background turn: nothing above it would see the error
            log.exception("Teams %s activity %s failed", activity.type, activity.id)
            if inboxed is not None:
                inboxed.failed = True
        finally:
            CURRENT.reset(token)
        if inboxed is None or self.inbox is None:
            return True
        if inboxed.failed:  # the sweep runs it again after its lease
            self.inbox.release(inboxed.key)
            return False
        if inboxed.replay:  # the sweep marks it done itself
            return True
        await self.inbox.done(inboxed.key)
        return True

    async def recover(self, item: InboxItem) -> bool:
        """The inbox sweep: the stored activity through the same pipeline, with the claims it arrived with."""
        claims, activity = restore(item.payload)
        turn = InboxTurn(key=item.event_id, shown_id=(item.delivery or {}).get("id"), replay=True)
        return await asyncio.create_task(self._turn(claims, activity, turn))  # its own context

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
