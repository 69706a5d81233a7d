"""The README's sample conversation reproduces: each question asked in the web chat gets the quoted answer.

`...` in the README leaves text out; `(N days old)` stands for the sample prices' age, which grows daily.
"""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from tests.conftest import SettingsFactory
from tests.integration.ws_client import ask

README = Path(__file__).resolve().parents[2] / "README.md"
AGE = re.compile(r"\((?:\d+ (?:minutes|hours|days) old|just now)\)")


def _session() -> list[tuple[str, str, list[str]]]:
    """(question, answer, figure names) from the README's quoted sample conversation."""
    text = README.read_text(encoding="utf-8")
    start = text.index("A sample conversation in the web chat")
    quote = _until_end(text[start:])
    turns: list[tuple[str, str, list[str]]] = []
    for block in "\n".join(quote).split("**You:** ")[1:]:
        question, _, rest = block.partition("\n**finbot:** ")
        answer_lines, figures = [], []
        for line in rest.splitlines():
            if line.startswith("*[") and line.endswith("]*"):
                figures = re.findall(r"\[([^\]]+)\]", line)
            elif line.strip():
                answer_lines.append(line.strip())
        turns.append((question.strip(), " ".join(answer_lines), figures))
    return turns


def _until_end(section: str) -> list[str]:
    lines = section.splitlines()[1:]
    while lines and not lines[0].startswith(">"):
        lines.pop(0)
    quoted = []
    for line in lines:
        if not line.startswith(">"):
            break
        quoted.append(line[1:].removeprefix(" "))
    return quoted


def _pattern(answer: str) -> re.Pattern[str]:
    parts = [re.escape(p.strip()) for p in answer.replace("(N days old)", "\0").split("...")]
    regex = r"\s*.*?\s*".join(parts).replace(re.escape("\0"), "\0").replace("\0", AGE.pattern)
    return re.compile(r"\s*" + regex + r"\s*", re.DOTALL)


async def test_the_readme_sample_conversation_reproduces(make_settings: SettingsFactory) -> None:
    from bot.server import start_server

    turns = _session()
    assert [q for q, _, _ in turns] == ["How is my portfolio doing?", "and what about risk?", "Should I rebalance?"]
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as http, http.ws_connect(server.url + "/ws/chat") as ws:
            for question, answer, figures in turns:
                reply = (await ask(ws, question)).reply
                text = " ".join(reply["text"].split())
                assert _pattern(answer).fullmatch(text), f"{question!r}:\nREADME: {answer}\nfinbot: {text}"
                assert [f["name"] for f in reply["figures"]] == figures, question
    finally:
        await server.stop()
