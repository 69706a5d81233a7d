"""`finbot doctor` tells the truth: the knowledge base's size, the backends, every surface and its advisor desk,
and what would stop (or expose) a server; a backend whose extra is missing is named with its install command."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import bot.extras
from bot.cli import main
from bot.config import Settings
from bot.container import Container
from bot.server import check_exposure
from core.errors import ConfigurationError

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - what a deployment sets; nothing listens here


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, list[str]]]:
    code = main(["doctor"])
    lines: dict[str, list[str]] = {}
    for line in capsys.readouterr().out.splitlines():
        name, _, value = line.partition(": ")
        lines.setdefault(name.strip(), []).append(value)
    return code, lines


async def _index_the_sample(data_dir: Path) -> tuple[int, int]:
    container = await Container.open(Settings(_env_file=None, FINBOT_DATA_DIR=data_dir))  # type: ignore[call-arg]
    try:
        await container.ingest_sample_if_empty()
        return await container.documents.count_documents(), len(await container.documents.all_chunks())
    finally:
        await container.close()


def test_doctor_shows_the_index_and_the_backends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FINBOT_DATA_DIR", str(tmp_path / "data"))
    code, lines = _doctor(capsys)
    assert code == 0 and lines["knowledge base"] == [
        "no database yet (`finbot serve` creates it and indexes the sample knowledge base)"
    ]
    assert not (tmp_path / "data" / "finbot.db").exists()  # doctor creates nothing

    documents, chunks = asyncio.run(_index_the_sample(tmp_path / "data"))
    code, lines = _doctor(capsys)
    assert code == 0
    assert lines["knowledge base"] == [f"{documents} documents, {chunks} chunks; {chunks} vectors in the local index"]
    assert lines["embeddings"][0].startswith("local: all-MiniLM-L6-v2")
    assert lines["vector backend"][0].startswith("local: exact search")
    assert lines["web clients"] == ["escalations go to web page /advisor"]
    assert "warning" not in lines and "ERROR" not in lines


def test_doctor_names_each_surfaces_desk(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_ADVISOR_CHANNEL", "C-ADVISORS")
    monkeypatch.setenv("FINBOT_TEAMS", "true")
    code, lines = _doctor(capsys)
    assert code == 0
    assert lines["slack clients"] == ["escalations go to Slack channel C-ADVISORS"]
    assert lines["teams clients"] == ["escalations go to Slack channel C-ADVISORS"]  # Teams has no desk of its own
    assert "web clients" not in lines  # the web chat is off next to Slack and Teams
    assert any("FINBOT_PUBLIC_URL is not set" in w for w in lines["warning"])
    monkeypatch.setenv("TEAMS_ADVISOR_CHANNEL", "19:advisors@thread.tacv2")
    _, lines = _doctor(capsys)
    assert lines["teams clients"] == ["escalations go to Teams channel 19:advisors@thread.tacv2"]
    monkeypatch.setenv("FINBOT_ADVISOR_DESK", "teams")
    _, lines = _doctor(capsys)
    assert lines["slack clients"] == ["escalations go to Teams channel 19:advisors@thread.tacv2"]


def test_an_exposed_host_without_the_advisor_token_is_an_error_like_serve_says(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FINBOT_HOST", ALL_INTERFACES)
    code, lines = _doctor(capsys)
    assert code == 1
    assert any("FINBOT_ADVISOR_TOKEN is required" in e for e in lines["ERROR"])
    assert any("the web chat has no login" in w for w in lines["warning"])
    assert any("GET /metrics is open" in w for w in lines["warning"])
    with pytest.raises(ConfigurationError):  # the server agrees
        check_exposure(Settings(_env_file=None), ALL_INTERFACES)  # type: ignore[call-arg]

    monkeypatch.setenv("FINBOT_ADVISOR_TOKEN", "s3cret")
    monkeypatch.setenv("FINBOT_METRICS_TOKEN", "m3trics")
    code, lines = _doctor(capsys)
    assert code == 0 and "ERROR" not in lines
    assert [w for w in lines["warning"] if "no login" in w]  # still true: the web chat itself has no login
    check_exposure(Settings(_env_file=None), ALL_INTERFACES)  # type: ignore[call-arg]


def test_a_backend_whose_extra_is_missing_is_named_with_its_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As after `pip install -e .` without `[postgres]`: the module is not importable."""
    monkeypatch.setitem(bot.extras.EXTRAS, "postgres", ("finbot_test_no_such_module",))
    monkeypatch.setenv("DATABASE_URL", "postgresql://finbot@127.0.0.1:1/finbot")

    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["finbot: DATABASE_URL: a PostgreSQL DATABASE_URL needs the `postgres` extra: "
                   "pip install 'finbot[postgres]'"]

    code, lines = _doctor(capsys)  # doctor still runs, and says it
    assert code == 1 and any("pip install 'finbot[postgres]'" in e for e in lines["ERROR"])


@pytest.mark.parametrize(
    ("variable", "value", "extra"),
    [("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "kafka"), ("FINBOT_VECTOR_BACKEND", "pinecone", "pinecone")],
)
def test_kafka_and_pinecone_need_their_extras_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, extra: str
) -> None:
    monkeypatch.setitem(bot.extras.EXTRAS, extra, ("finbot_test_no_such_module",))
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    assert f"finbot: {variable}: " in capsys.readouterr().err
    assert bot.extras.missing_extras(Settings(_env_file=None))[0].extra == extra  # type: ignore[call-arg]
