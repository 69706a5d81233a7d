"""Offline means offline: during a whole Slack turn (model load, retrieval, answer, delivery) finbot opens no
socket and resolves no name except loopback. Python's audit hooks see every `socket.connect` and
`socket.getaddrinfo` in the process, libraries included; a hook cannot be removed, so it records only while
`_watching` is set."""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.server import start_server
from tests.fakes import FakeSlackWebAPI
from tests.fakes.slack_signing import assistant_thread_payload
from tests.integration.slack.conftest import SlackHarness

_watching = False
_seen: list[tuple[str, str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watching:
        return
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            _seen.append((event, str(address[0])))
    elif event == "socket.getaddrinfo":
        _seen.append((event, str(args[0])))


sys.addaudithook(_audit)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a name other than localhost
        return False


async def test_a_turn_opens_no_socket_but_loopback(
    slack_settings: Callable[..., Any], fake_slack: FakeSlackWebAPI
) -> None:
    global _watching
    payload = assistant_thread_payload("How much does a domestic wire transfer cost?", user="UOFFLINE")
    thread = payload["event"]["thread_ts"]
    _seen.clear()
    _watching = True
    try:
        server = await start_server(slack_settings(SLACK_STREAMING="off"), host="127.0.0.1", port=0)
        try:
            async with aiohttp.ClientSession() as http:
                slack = SlackHarness(server, fake_slack, http)
                assert (await slack.send_event(payload)).status == 200
                await slack.wait_call("chat.postMessage", lambda c: c.args.get("thread_ts") == thread, 60)
        finally:
            await server.stop()
    finally:
        _watching = False
    assert _seen, "the audit hook saw the turn's own loopback connections"
    assert [entry for entry in _seen if not _is_loopback(entry[1])] == []
