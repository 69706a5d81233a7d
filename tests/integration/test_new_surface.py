"""A new surface is one package (tests/surfaces/loopback) registered in one list: answers, hand-overs to its own
desk and relays back to its people work with nothing else changed."""

from __future__ import annotations

import aiohttp

from bot.container import SURFACES
from bot.server import start_server
from core.escalation import Advisor
from tests.conftest import SettingsFactory
from tests.surfaces import loopback


async def test_a_new_surface_is_one_package_in_one_list(make_settings: SettingsFactory) -> None:
    server = await start_server(make_settings(), host="127.0.0.1", port=0, surfaces=(*SURFACES, loopback.build))
    try:
        surface = server.container.surface("loopback")
        assert isinstance(surface, loopback.LoopbackSurface)
        async with aiohttp.ClientSession() as http:
            async def say(text: str) -> dict:
                async with http.post(server.url + "/loopback/messages", json={"user": "lee", "text": text}) as r:
                    assert r.status == 200
                    return (await r.json())["frames"]

            answered = await say("How much does a domestic wire cost?")
            handed_over = await say("I want to talk to a person")
        service = server.container.escalations
        assert service is not None
        [card] = surface.desk.cards
        await service.claim(card.id, Advisor("loopback:local:adv", "Ann Advisor"))
        await service.answer(card.id, Advisor("loopback:local:adv", "Ann Advisor"), "Hello Lee, Ann here.")
        stored = await service.get(card.id)
    finally:
        await server.stop()
    reply = answered[-1]["reply"]
    assert any("delta" in f for f in answered) and "$25" in reply["text"] and reply["citations"]
    assert handed_over[-1]["reply"]["escalation"]["reason"] == "asked_for_human"
    assert stored is not None and stored.card is not None and stored.card.platform == "loopback"  # its own desk
    relayed = surface.person_channel.relayed
    assert [text for _, text, _ in relayed][0].startswith("Ann Advisor has picked up your request")
    assert relayed[-1] == ("loopback:local:lee:-", "Hello Lee, Ann here.", "Ann Advisor")
