"""App Home in Slack's Agent messaging experience (`agent_view` in manifest/slack.yaml).

- `app_home_opened` with `tab == "messages"` (it replaces `assistant_thread_started`): suggested prompts for
  the DM (no `thread_ts`: in agent view a call with one fails silently), and a short greeting the first time.
- `tab == "home"`: the Home tab (`views.publish`) shows the person what finbot remembers about them (profile
  and facts, each with a Forget button) and, for admins (FINBOT_ADMINS), the last 24 hours' figures.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import post_message
from adapters.slack.deps import SlackDeps
from adapters.slack.render import escape_mrkdwn
from core.memory.render import as_you
from core.memory.types import Fact, Profile
from core.types import Person

__all__ = ["EVENTS", "FORGET", "GREETING", "PROMPTS_TITLE", "home_view", "register"]

log = logging.getLogger(__name__)

EVENTS = ("app_home_opened",)
FORGET = "finbot_home_forget"
PROMPTS_TITLE = "Ask finbot about your firm's policies"
GREETING = (
    "Hi, I'm finbot. Ask me about your accounts, fees, transfers or retirement rules: I answer from the firm's "
    "own documents with the sources, say when I'm not sure, and bring in an advisor whenever you ask."
)
MAX_PROMPTS = 4
MAX_FACTS = 40  # a Home tab holds 100 blocks; the rest is one line
SECTION_LIMIT = 3000


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        team, user = str(body.get("team_id") or ""), str(event.get("user") or "")
        if not user:
            return
        if event.get("tab") == "messages":
            await open_messages(client, deps, team=team, user=user, channel=str(event.get("channel") or ""))
        elif event.get("tab") == "home":
            await publish_home(client, deps, team=team, user=user)

    async def on_forget(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        clicker = body.get("user") or {}
        team = str(clicker.get("team_id") or (body.get("team") or {}).get("id") or "")
        user = str(clicker.get("id") or "")
        if deps.memory is not None and str(action.get("value") or "").isdigit():
            await deps.memory.forget_fact(Person.of("slack", team, user).id, int(action["value"]))
        await publish_home(client, deps, team=team, user=user)

    app.event("app_home_opened")(on_home_opened)
    app.action(FORGET)(on_forget)


async def open_messages(client: AsyncWebClient, deps: SlackDeps, *, team: str, user: str, channel: str) -> None:
    """The DM was opened: its suggested prompts, and the greeting once per person."""
    if not channel:
        return
    prompts = [{"title": p[:75], "message": p} for p in deps.suggested_prompts[:MAX_PROMPTS]]
    try:
        if prompts:
            await client.assistant_threads_setSuggestedPrompts(channel_id=channel, prompts=prompts, title=PROMPTS_TITLE)
        spoken = await deps.conversations.latest_in_channel("slack", team, channel, limit=1)
        if not spoken and await deps.events.claim(f"slack:greeted:{Person.of('slack', team, user).id}"):
            await post_message(client, channel, text=GREETING)
    except SlackApiError as exc:
        log.info("could not set up the DM %s: %s", channel, exc.response.get("error"))


async def publish_home(client: AsyncWebClient, deps: SlackDeps, *, team: str, user: str) -> None:
    person_id = Person.of("slack", team, user).id
    profile, facts = (None, []) if deps.memory is None else await deps.memory.shown(person_id)
    admin: list[dict[str, Any]] = []
    if deps.metrics is not None and deps.metrics.is_admin(person_id):
        admin = await _admin_blocks(deps)
    try:
        await client.views_publish(user_id=user, view=home_view(profile, facts, admin=admin))
    except SlackApiError as exc:
        log.info("Home tab not published for %s: %s", person_id, exc.response.get("error"))


def home_view(
    profile: Profile | None, facts: list[Fact], *, admin: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The Home tab's view: what finbot remembers (each fact with Forget), then the admin figures."""
    blocks: list[dict[str, Any]] = [_header("What finbot remembers about you")]
    known = _profile_lines(profile)
    if known:
        blocks.append(_section("\n".join(known)))
    for fact in facts[:MAX_FACTS]:
        blocks.append({
            **_section(escape_mrkdwn(as_you(fact.text))),
            "accessory": {
                "type": "button", "action_id": FORGET, "value": str(fact.id),
                "text": {"type": "plain_text", "text": "Forget"},
                "confirm": {
                    "title": {"type": "plain_text", "text": "Forget this?"},
                    "text": {"type": "plain_text", "text": as_you(fact.text)[:300]},
                    "confirm": {"type": "plain_text", "text": "Forget"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                },
            },
        })
    if len(facts) > MAX_FACTS:
        blocks.append(_context(f"…and {len(facts) - MAX_FACTS} more. Ask me “what do you remember about me?”"))
    if not known and not facts:
        blocks.append(_section("Nothing yet. Tell me your name or how you like your answers, and I'll keep it here."))
    blocks.append(_context("Say “forget everything” in a message to me to clear it all."))
    if admin:
        blocks += [{"type": "divider"}, *admin]
    return {"type": "home", "blocks": blocks[:100]}


def _profile_lines(profile: Profile | None) -> list[str]:
    if profile is None:
        return []
    lines = []
    if profile.name:
        lines.append(f"*Name:* {escape_mrkdwn(profile.name)}")
    if profile.style:
        lines.append(f"*Answers:* {profile.style}")
    if profile.favourite_topics:
        lines.append(f"*You often ask about:* {escape_mrkdwn(', '.join(profile.favourite_topics))}")
    return lines


async def _admin_blocks(deps: SlackDeps) -> list[dict[str, Any]]:
    from adapters.slack.listeners.metrics_command import metrics_blocks

    assert deps.metrics is not None
    try:
        report = await deps.metrics.report()
    except Exception:  # the figures are extra: the Home tab shows without them
        log.exception("metrics for the Home tab failed")
        return [_context("Today's figures are not available just now.")]
    return metrics_blocks(report)[:-1]  # without "Chart below."


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:2000]}]}
