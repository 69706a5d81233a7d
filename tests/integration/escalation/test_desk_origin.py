"""A page of another origin cannot drive the advisor desk: Origin and Host are checked, POSTs are JSON only."""

from __future__ import annotations

import aiohttp

from bot.server import start_server
from tests.conftest import SettingsFactory


async def test_cross_origin_and_rebound_requests_to_the_desk_all_fail(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    claim = server.url + "/advisor/api/escalations/e1/claim"
    body = {"advisor_id": "mallory", "advisor_name": "Mallory"}
    attempts = []
    try:
        async with aiohttp.ClientSession() as http:
            evil = {"Origin": "http://127.0.0.1:9999"}
            async with http.post(claim, json=body, headers=evil) as r:
                attempts.append(r.status)
            async with http.post(claim, data="advisor_id=mallory&advisor_name=M",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}) as r:
                attempts.append(r.status)
            async with http.post(claim, json=body, headers={"Host": "evil.example:80"}) as r:  # DNS rebinding
                attempts.append(r.status)
            async with http.get(server.url + "/advisor/api/escalations", headers=evil) as r:
                attempts.append(r.status)
            try:
                async with http.ws_connect(server.url + "/advisor/ws", headers=evil) as ws:
                    await ws.close()
                    attempts.append(200)
            except aiohttp.WSServerHandshakeError as exc:
                attempts.append(exc.status)
            async with http.get(server.url + "/advisor/api/escalations") as r:  # the desk's own page still works
                own = r.status
    finally:
        await server.stop()
    print(f"cross-origin attempts against the advisor desk: {sum(1 for s in attempts if s < 400)} succeeded")
    assert attempts == [403, 415, 403, 403, 403]
    assert own == 200
