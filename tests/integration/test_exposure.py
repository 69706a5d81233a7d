"""The open web surfaces (chat, advisor desk) are the embedded default, not a door left open next to Slack."""

from __future__ import annotations

import aiohttp
import pytest

from bot.server import check_exposure, start_server
from core.errors import ConfigurationError
from tests.conftest import SettingsFactory

SLACK = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret", "SLACK_API_BASE_URL": "http://127.0.0.1:9/"}


async def _status(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


async def test_with_slack_configured_the_web_chat_and_advisor_page_are_off(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(**SLACK), host="127.0.0.1", port=0)
    try:
        assert await _status(server.url + "/") == 404
        assert await _status(server.url + "/advisor") == 404
        assert await _status(server.url + "/healthz") == 200
    finally:
        await server.stop()


async def test_finbot_web_true_keeps_them_next_to_slack(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(FINBOT_WEB=True, **SLACK), host="127.0.0.1", port=0)
    try:
        assert await _status(server.url + "/") == 200
        assert await _status(server.url + "/advisor") == 200
    finally:
        await server.stop()


def test_open_advisor_desk_is_refused_off_loopback(make_settings: SettingsFactory) -> None:
    check_exposure(make_settings(), "127.0.0.1")
    check_exposure(make_settings(), "localhost")
    with pytest.raises(ConfigurationError) as info:
        check_exposure(make_settings(), "0.0.0.0")  # noqa: S104 - the case under test
    assert info.value.setting == "FINBOT_ADVISOR_TOKEN"
    check_exposure(make_settings(FINBOT_ADVISOR_TOKEN="s3cret"), "0.0.0.0")  # noqa: S104
    check_exposure(make_settings(FINBOT_WEB=False), "0.0.0.0")  # noqa: S104


def test_teams_anonymous_mode_is_refused_off_loopback(make_settings: SettingsFactory) -> None:
    anonymous = make_settings(FINBOT_TEAMS="true", FINBOT_WEB="false")
    with pytest.raises(ConfigurationError, match="MICROSOFT_APP_ID"):
        check_exposure(anonymous, "0.0.0.0")  # noqa: S104 - what is refused
    check_exposure(anonymous, "127.0.0.1")


async def test_healthz_is_503_while_the_database_is_locked(make_settings: SettingsFactory) -> None:
    import sqlite3

    from bot import server as server_module

    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    original = server_module.HEALTH_TIMEOUT_S
    server_module.HEALTH_TIMEOUT_S = 0.5
    try:
        assert await _status(server.url + "/readyz") == 200
        path = server.container.db.sqlite_path
        assert path
        lock = sqlite3.connect(path, isolation_level=None, timeout=30)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            assert await _status(server.url + "/healthz") == 503
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        assert await _status(server.url + "/healthz") == 200
    finally:
        server_module.HEALTH_TIMEOUT_S = original
        await server.stop()
