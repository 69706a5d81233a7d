"""`finbot serve`, `finbot chat`, `finbot ingest`, `finbot doctor`: running and feeding finbot."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from functools import partial
from pathlib import Path
from typing import Any

from bot.config import Settings

__all__ = ["register"]


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve_forever

    await serve_forever(settings, host=args.host, port=args.port)
    return 0


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    """The prompt at once; the assistant loads in the background (heavy imports in a thread)."""
    from adapters.cli import Identity, Terminal, chat_loop

    log_file = _chat_logging(settings)
    identity = Identity()
    opening = asyncio.create_task(_open_chat(settings, identity))
    terminal = Terminal()
    try:
        await chat_loop(terminal, identity, _surface_of(opening))
    finally:
        if not opening.done():
            opening.cancel()
        container = (await asyncio.gather(opening, return_exceptions=True))[0]
        if not isinstance(container, BaseException):
            await container.close()
    terminal.say(f"(log: {log_file})", style="dim")
    return 0


async def _open_chat(settings: Settings, identity: Any) -> Any:
    container_module = await asyncio.to_thread(importlib.import_module, "bot.container")
    cli_surface = await asyncio.to_thread(importlib.import_module, "adapters.cli.surface")
    build = partial(cli_surface.build, user=identity.user, session=identity.session)
    container = await container_module.Container.open(settings, surfaces=(build,))
    await container.ingest_sample_if_empty()
    return container


async def _surface_of(opening: asyncio.Task[Any]) -> Any:
    return (await opening).surface("cli")


def _chat_logging(settings: Settings) -> Path:
    """Log lines stay out of the conversation: everything goes to a file in the data directory."""
    path = settings.data_dir / "logs" / "chat.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    return path


async def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bot.container import Container

    container = await Container.open(settings)
    try:
        if args.delete:
            found = await container.documents.delete_source(args.delete)
            await container.retriever.refresh()
            print("deleted" if found else f"no indexed document with source {args.delete}")
            return 0 if found else 1
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("indexing", total=None)
            report = await container.ingestor.ingest_path(
                Path(args.path), progress=lambda done, total, _src: bar.update(task, completed=done, total=total)
            )
            embedding = bar.add_task("embedding", total=None)
            await container.retriever.refresh(
                progress=lambda done, total, _stage: bar.update(embedding, completed=done, total=total)
            )
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"removed {len(report.removed)}, failed {len(report.failed)} ({report.chunks} chunks written)"
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
            "NONE: nothing is handed over; people get FINBOT_CONTACT_LINE and the request is recorded as unrouted "
            "(set SLACK_ADVISOR_CHANNEL or TEAMS_ADVISOR_CHANNEL)"
        )
    return ", ".join(desks)


async def _unrouted_line(settings: Settings) -> str:
    """Hand-over requests of the last 7 days that no advisor desk could take."""
    from datetime import timedelta

    from sqlalchemy.exc import SQLAlchemyError

    from core.escalation import EscalationStore
    from core.store import Database
    from core.store.models import utcnow

    db = Database(settings.resolved_database_url)
    try:
        if db.is_sqlite and db.sqlite_path and not await asyncio.to_thread(Path(db.sqlite_path).exists):
            return "n/a (no database yet)"
        stats = await EscalationStore(db).stats(since=utcnow() - timedelta(days=7))
    except (SQLAlchemyError, OSError) as exc:
        return f"n/a ({exc.__class__.__name__})"
    finally:
        await db.dispose()
    count = stats.by_status.get("unrouted", 0)
    if not count:
        return "none in the last 7 days"
    return f"{count} in the last 7 days: those people got FINBOT_CONTACT_LINE instead of an advisor (see above)"


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
        ("unrouted", await _unrouted_line(settings)),
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
