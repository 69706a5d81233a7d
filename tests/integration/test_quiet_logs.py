"""Quiet, honest logs: a first start says what it indexed once, and scheduled jobs do not log every run."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.jobs import Job, JobScheduler
from bot.server import start_server
from bot.terminal import QUIET_LOGGERS, configure_logging
from tests.conftest import SettingsFactory


@pytest.fixture
def finbot_logging() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    configure_logging()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)


async def test_a_first_start_reports_the_sample_index_once_and_no_empty_one(
    make_settings: SettingsFactory, caplog: pytest.LogCaptureFixture, finbot_logging: None
) -> None:
    caplog.set_level(logging.INFO)
    server = await start_server(make_settings(), host="127.0.0.1", port=0)
    await server.stop()
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    ready = [m for m in messages if m.startswith("knowledge index ready")]
    assert len(ready) == 1 and not ready[0].startswith("knowledge index ready: 0 chunks"), messages
    assert any(m.startswith("indexed the sample knowledge base") for m in messages)
    assert not any("knowledge base is empty" in m for m in messages)


async def test_scheduled_runs_are_not_logged_every_time(
    make_settings: SettingsFactory, caplog: pytest.LogCaptureFixture, finbot_logging: None
) -> None:
    caplog.set_level(logging.INFO)
    server = await start_server(make_settings(FINBOT_JOBS=False), host="127.0.0.1", port=0)
    try:
        async def noop(_container: object) -> None:
            return None

        scheduler = JobScheduler(server.container, jobs={"noop": Job("noop", noop, every_s=lambda _s: 0.05)})
        scheduler.start()
        await scheduler.wait_for_ticks("noop", 3)
        await scheduler.shutdown()
    finally:
        await server.stop()
    assert scheduler.runs["noop"] >= 1
    chatty = [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")]
    assert chatty == []
