"""manifest/slack.yaml declares everything the code listens to, and points Slack at our one route."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import pytest
import yaml

from adapters.slack.app import LISTENERS
from adapters.slack.routes import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[3] / "manifest" / "slack.yaml"

EVENT_SUBSCRIPTIONS = {
    "message": {"message.im", "message.channels", "message.groups", "message.mpim"},
    "app_mention": {"app_mention"},
    "app_home_opened": {"app_home_opened"},
    "reaction_added": {"reaction_added"},
    "member_joined_channel": {"member_joined_channel"},
    "app_uninstalled": {"app_uninstalled"},
    "tokens_revoked": {"tokens_revoked"},
}
LEGACY_EVENTS = {"assistant_thread_started", "assistant_thread_context_changed"}
"""Sent only to apps still set up with the legacy assistant_view; the manifest declares agent_view."""
EVENT_SCOPES = {  # the bot scope each subscribed event needs (docs.slack.dev/reference/events)
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "reaction_added": "reactions:read",
    "member_joined_channel": "channels:read",
}


class RecordingApp:
    """Stands in for AsyncApp: records what each listener module registers."""

    def __init__(self) -> None:
        self.client = MagicMock(name="client")
        self.events: list[str] = []
        self.commands: list[str] = []
        self.actions: list[str] = []
        self.assistants = 0

    def _record(self, into: list[str], name: Any) -> Callable[[Any], Any]:
        into.append(name)
        return lambda func: func

    def event(self, name: str | dict[str, Any], matchers: Any = None) -> Callable[[Any], Any]:
        return self._record(self.events, name["type"] if isinstance(name, dict) else name)

    def command(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.commands, name)

    def action(self, name: str) -> Callable[[Any], Any]:
        return self._record(self.actions, name)

    def assistant(self, assistant: Any) -> None:
        self.assistants += 1

    def use(self, middleware: Any) -> None:
        """Global middleware registers no event."""


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def registered() -> RecordingApp:
    app = RecordingApp()
    deps = MagicMock(name="deps", advisor_channel="C-ADVISORS")  # every optional feature switched on
    for register in LISTENERS:
        register(app, deps)  # type: ignore[arg-type]
    return app


def test_required_fields(manifest: dict[str, Any]) -> None:
    assert manifest["display_information"]["name"]
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000
    assert manifest["features"]["bot_user"]["display_name"]
    assert "agent_view" in manifest["features"] and "assistant_view" not in manifest["features"]  # agent messaging
    assert manifest["features"]["agent_view"]["agent_description"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"app_mentions:read", "chat:write", "im:history", "commands", "assistant:write"} <= scopes


def test_every_registered_event_command_and_action_is_declared(
    manifest: dict[str, Any], registered: RecordingApp
) -> None:
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    for event in set(registered.events) - LEGACY_EVENTS:
        assert EVENT_SUBSCRIPTIONS[event] <= declared, event
    assert declared <= set().union(*EVENT_SUBSCRIPTIONS.values()), "an event nobody listens to"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {EVENT_SCOPES[e] for e in declared if e in EVENT_SCOPES} <= scopes
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert set(registered.commands) <= commands
    assert registered.actions and manifest["settings"]["interactivity"]["is_enabled"] is True


def test_request_urls_are_our_route(manifest: dict[str, Any]) -> None:
    urls = [
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls), urls
