"""`finbot serve`, `finbot chat`, `finbot ingest`, `finbot doctor`: running and feeding finbot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings

__all__ = ["register"]


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve_forever

    await serve_forever(settings, host=args.host, port=args.port)
    return 0


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.cli import chat_loop
    from bot.container import Container

    container = await Container.open(settings)
    try:
        await container.ingest_sample_if_empty()
        await chat_loop(container.assistant)
    finally:
        await container.close()
    return 0


async def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.container import Container
    from bot.knowledge_sync import announce
    from bot.terminal import StageBars, progress_bars

    container = await Container.open(settings)
    try:
        if args.delete:
            found = await container.documents.delete_source(args.delete)
            await container.retriever.refresh()
            await announce(container.db)
            print("deleted" if found else f"no indexed document with source {args.delete}")
            return 0 if found else 1
        with progress_bars() as bars:
            stages = StageBars(bars, units={"reading": "files", "embedding": "chunks"})
            report = await container.ingestor.ingest_path(Path(args.path), progress=stages.stage("reading files"))
            await container.retriever.refresh(progress=stages.stage("embedding new chunks"))
        await announce(container.db)  # running servers on PostgreSQL refresh now; on SQLite at their next question
        index = container.retriever.last_refresh
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"removed {len(report.removed)}, failed {len(report.failed)} ({report.chunks} chunks written, "
            f"{index.get('embedded', 0)} embedded; the index holds {index.get('chunks', 0)} chunks)"
        )
        for source, problem in report.failed.items():
            print(f"  failed: {source}: {problem}", file=sys.stderr)
        return 0 if not report.failed else 1
    finally:
        await container.close()


def _slack_line(settings: Settings) -> str:
    if not settings.slack_enabled:
        return "off (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET not set)"
    parts = [f"on: POST /slack/events, Web API {settings.slack_api_base_url}"]
    if settings.slack_app_token:
        parts.append("Socket Mode")
    parts.append(f"streaming {settings.slack_streaming}")
    if settings.slack_advisor_channel:
        parts.append(f"advisor channel {settings.slack_advisor_channel}")
    return ", ".join(parts)


def _advisor_desk_line(settings: Settings) -> str:
    desks = []
    if settings.slack_enabled and settings.slack_advisor_channel:
        desks.append(f"Slack channel {settings.slack_advisor_channel}")
    if settings.teams_enabled and settings.teams_advisor_channel:
        desks.append("Teams advisor channel")
    if settings.web_enabled:
        desks.append("web page /advisor")
    if not desks:
        return (
            "NONE: escalations are recorded but no advisor sees them "
            "(set SLACK_ADVISOR_CHANNEL or TEAMS_ADVISOR_CHANNEL)"
        )
    return ", ".join(desks)


async def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import teams as teams_command

    llm = (
        f"{settings.chat_model} via {settings.openai_base_url or 'OpenAI'}"
        if settings.llm_enabled
        else "none (offline mode: extractive answers)"
    )
    lines = [
        ("database", settings.resolved_database_url.split("@")[-1]),
        ("language model", llm),
        ("slack", _slack_line(settings)),
        *teams_command.doctor_lines(settings),
        ("advisor desk", _advisor_desk_line(settings)),
    ]
    for name, value in lines:
        print(f"{name:>16}: {value}")
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the server (web chat, Slack, Teams) on one port")
    serve.add_argument("--host", default=None, help="interface to listen on (default FINBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default PORT or 3978)")
    serve.set_defaults(handler=_serve)

    chat = commands.add_parser("chat", help="chat with finbot in this terminal")
    chat.set_defaults(handler=_chat)

    ingest = commands.add_parser("ingest", help="index a folder or file of .md/.txt/.html/.pdf documents")
    ingest.add_argument("path", nargs="?", default=None, help="folder or file to index")
    ingest.add_argument("--delete", metavar="SOURCE", help="remove one indexed document (its path)")
    ingest.set_defaults(handler=_ingest, validate=_validate_ingest)

    doctor = commands.add_parser("doctor", help="show what is configured")
    doctor.set_defaults(handler=_doctor)


def _validate_ingest(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not (args.path or args.delete):
        parser.error("ingest needs a PATH or --delete SOURCE")
    if args.delete:
        args.delete = str(Path(args.delete).resolve())
