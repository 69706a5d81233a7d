"""The real path: ingest the sample knowledge base, then questions worded for BM25, for the dense model,
or both find and cite their source; unrelated questions find nothing relevant; re-ingest and restart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.container import SAMPLE_KNOWLEDGE, Container
from core.graph import AnswerPolicy
from core.types import Conversation, IncomingMessage, Person
from tests.conftest import SettingsFactory


@pytest.fixture
async def container(make_settings: SettingsFactory) -> Container:
    container = await Container.open(make_settings())
    await container.ingest_sample_if_empty()
    yield container  # type: ignore[misc]
    await container.close()


async def _top_sources(container: Container, question: str, k: int = 2) -> list[str]:
    min_relevance = AnswerPolicy().min_relevance
    passages = await container.retriever.search(question, 4)
    return [Path(p.source).name for p in passages if p.relevance >= min_relevance][:k]


@pytest.mark.parametrize(
    ("question", "source"),
    [
        # Keyword-only: the dense model cannot place this phrase, BM25 can.
        ("verbal callback", "money-transfers.md"),
        # Paraphrase-only: no content word in common with the 2FA page's key terms.
        ("keep my sign-in safe with an extra step", "security-and-fraud.md"),
        # Mixed: exact terms and meaning together.
        ("How much is an outgoing international wire?", "money-transfers.md"),
        ("Can I move money from my old employer's retirement plan?", "401k-rollovers.md"),
    ],
)
async def test_question_finds_and_ranks_its_source(container: Container, question: str, source: str) -> None:
    assert source in await _top_sources(container, question)


@pytest.mark.parametrize("question", ["What is the capital of Mongolia?", "Who won the 1998 World Cup?"])
async def test_unrelated_questions_find_nothing_relevant(container: Container, question: str) -> None:
    assert await _top_sources(container, question) == []


async def test_answer_cites_the_source_through_the_assistant(container: Container) -> None:
    conversation = Conversation(platform="cli", tenant="local", channel_id="t")
    reply = await container.assistant.respond(
        IncomingMessage(
            event_id="e1",
            person=Person.of("cli", "local", "u1"),
            conversation=conversation,
            text="How much does an outgoing domestic wire cost?",
        )
    )
    assert reply.strategy == "extractive"
    assert "$25" in reply.text
    assert any("money-transfers.md" in c.uri for c in reply.citations)
    assert reply.confidence >= 70


async def test_follow_up_question_uses_the_conversation(container: Container) -> None:
    conversation = Conversation(platform="cli", tenant="local", channel_id="follow-up")
    person = Person.of("cli", "local", "u1")

    async def ask(event_id: str, text: str) -> list[str]:
        reply = await container.assistant.respond(
            IncomingMessage(event_id=event_id, person=person, conversation=conversation, text=text)
        )
        return [c.uri for c in reply.citations]

    await ask("e1", "How do I roll over my 401(k)?")
    cited = await ask("e2", "What about after-tax and Roth money in it?")
    assert any("401k-rollovers.md" in uri for uri in cited)


async def test_reingest_updates_removes_and_leaves_the_rest(make_settings: SettingsFactory, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE_KNOWLEDGE, kb, ignore=shutil.ignore_patterns(".vectors"))
    (kb / "notes.txt").write_text("Our office dog is called Biscuit and greets every visitor.", encoding="utf-8")
    settings = make_settings(FINBOT_SAMPLE_KNOWLEDGE=False)
    container = await Container.open(settings)
    try:
        first = await container.ingestor.ingest_path(kb)
        await container.retriever.refresh()
        assert len(first.added) == 33 and not first.failed
        assert "notes.txt" in await _top_sources(container, "What is the name of the office dog?")

        (kb / "notes.txt").write_text("The office cat is called Pepper.", encoding="utf-8")
        (kb / "glossary.md").unlink()
        second = await container.ingestor.ingest_path(kb)
        await container.retriever.refresh()
        assert [Path(s).name for s in second.updated] == ["notes.txt"]
        assert [Path(s).name for s in second.removed] == ["glossary.md"]
        assert len(second.unchanged) == 31
        assert container.retriever.last_refresh["embedded"] == 1  # only the changed chunk
        assert "notes.txt" in await _top_sources(container, "What is the office cat called?")
        passages = await container.retriever.search("What is the name of the office dog Biscuit?", 10)
        assert not any("Biscuit" in p.text for p in passages)

        assert await container.documents.delete_source(str((kb / "notes.txt").resolve()))
        await container.retriever.refresh()
        assert await _top_sources(container, "What is the office cat called?") == []
    finally:
        await container.close()

    # A restart loads the saved indexes instead of rebuilding or re-embedding anything; with nothing new to
    # embed it never opens the embedding cache (garbage here would fail to load).
    for cached in (settings.data_dir / "index" / "embeddings").iterdir():
        cached.write_bytes(b"not a cache")
    again = await Container.open(settings)
    try:
        info = again.retriever.last_refresh
        assert info["bm25_rebuilt"] is False and info["embedded"] == 0
        assert info["seconds"] < 1.0
        assert "money-transfers.md" in await _top_sources(again, "How much is an outgoing international wire?")
        cited = await again.retriever.search("How much is an outgoing international wire?", 3)
        assert cited and all("/kb/" in p.uri and "sig=" in p.uri for p in cited)  # signed when returned
    finally:
        await again.close()
