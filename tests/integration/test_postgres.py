"""The same skeleton on PostgreSQL: storage, checkpointer and answers work on `DATABASE_URL`."""

from __future__ import annotations

from bot.server import start_server
from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask, browser, conversation_of


async def test_web_chat_answers_on_postgresql(make_settings: SettingsFactory, postgres_url: str) -> None:
    server = await start_server(make_settings(DATABASE_URL=postgres_url), host="127.0.0.1", port=0)
    try:
        assert not server.container.db.is_sqlite
        async with browser() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            first = await ask(ws, "What are the trading hours for stocks?")
            second = await ask(ws, "hello")
            history = await server.container.conversations.recent_messages(conversation_of(http), limit=10)
    finally:
        await server.stop()
    assert first.reply["citations"], first.reply
    assert second.reply["strategy"] == "template"
    assert [m.role for m in history] == ["user", "assistant", "user", "assistant"]
