"""A page of another origin cannot drive the advisor desk: Origin and Host are checked, POSTs are JSON only, and
with no FINBOT_ADVISOR_TOKEN a token generated on the first start (kept in the data dir) is required even on
loopback."""

from __future__ import annotations

import aiohttp

from bot.data_keys import ADVISOR_TOKEN_FILE
from bot.server import advisor_url, start_server
from tests.conftest import SettingsFactory
from tests.integration.ws_client import desk_auth


async def test_cross_origin_and_rebound_requests_to_the_desk_all_fail(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    claim = server.url + "/advisor/api/escalations/e1/claim"
    body = {"advisor_id": "mallory", "advisor_name": "Mallory"}
    attempts = []
    try:
        auth = desk_auth(server)  # even an attacker who had the token gets nowhere from another origin
        async with aiohttp.ClientSession() as http:
            evil = {"Origin": "http://127.0.0.1:9999", **auth}
            async with http.post(claim, json=body, headers=evil) as r:
                attempts.append(r.status)
            async with http.post(claim, data="advisor_id=mallory&advisor_name=M",
                                 headers={"Content-Type": "application/x-www-form-urlencoded", **auth}) as r:
                attempts.append(r.status)
            async with http.post(claim, json=body, headers={"Host": "evil.example:80", **auth}) as r:  # rebinding
                attempts.append(r.status)
            async with http.get(server.url + "/advisor/api/escalations", headers=evil) as r:
                attempts.append(r.status)
            try:
                async with http.ws_connect(server.url + "/advisor/ws", headers=evil) as ws:
                    await ws.close()
                    attempts.append(200)
            except aiohttp.WSServerHandshakeError as exc:
                attempts.append(exc.status)
            async with http.get(server.url + "/advisor/api/escalations", headers=auth) as r:  # the desk's own page
                own = r.status
    finally:
        await server.stop()
    print(f"cross-origin attempts against the advisor desk: {sum(1 for s in attempts if s < 400)} succeeded")
    assert attempts == [403, 415, 403, 403, 403]
    assert own == 200


async def test_without_the_generated_token_the_desk_answers_401_even_on_loopback(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings()
    server = await start_server(settings, host="127.0.0.1", port=0)
    statuses = []
    try:
        token = (settings.data_dir / ADVISOR_TOKEN_FILE).read_text().strip()
        assert len(token) >= 32 and advisor_url(server) == f"{server.url}/advisor?token={token}"
        claim = server.url + "/advisor/api/escalations/e1/claim"
        body = {"advisor_id": "mallory", "advisor_name": "Mallory"}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {token[:-1]}"}):
                async with http.get(server.url + "/advisor/api/escalations", headers=headers) as r:
                    statuses.append(r.status)
                async with http.post(claim, json=body, headers=headers) as r:
                    statuses.append(r.status)
            try:
                async with http.ws_connect(server.url + "/advisor/ws") as ws:
                    await ws.close()
                    statuses.append(200)
            except aiohttp.WSServerHandshakeError as exc:
                statuses.append(exc.status)
            async with http.get(server.url + f"/advisor/api/escalations?token={token}") as r:  # the printed URL's
                with_token = r.status
            async with http.get(server.url + f"/advisor?token={token}") as page:  # the token never leaves as Referer
                assert page.status == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    finally:
        await server.stop()
    assert statuses == [401] * 7
    assert with_token == 200

    again = await start_server(settings, host="127.0.0.1", port=0)  # a restart keeps the token
    try:
        assert advisor_url(again) == f"{again.url}/advisor?token={token}"
    finally:
        await again.stop()
