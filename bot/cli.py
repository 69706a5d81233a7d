"""The `finbot` command: serve, chat, ingest, doctor (and more subcommands registered by feature)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.config import Settings, load_settings
from bot.container import Container
from core.errors import FinbotError

__all__ = ["main"]

Handler = Callable[[argparse.Namespace, Settings], Awaitable[int]]


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve_forever

    await serve_forever(settings, host=args.host, port=args.port)
    return 0


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.cli import chat_loop

    container = await Container.open(settings)
    try:
        await container.ingest_sample_if_empty()
        await chat_loop(container.assistant)
    finally:
        await container.close()
    return 0


async def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    container = await Container.open(settings)
    try:
        if args.delete:
            found = await container.documents.delete_source(args.delete)
            await container.retriever.refresh()
            print("deleted" if found else f"no indexed document with source {args.delete}")
            return 0 if found else 1
        columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("ingest", total=None)
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


async def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    lines = [
        ("database", settings.resolved_database_url.split("@")[-1]),
        ("language model", f"{settings.chat_model} via {settings.openai_base_url or 'OpenAI'}"
         if settings.llm_enabled else "none (offline mode: extractive answers)"),
        ("slack", "off (SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET not set)" if not settings.slack_enabled
         else f"on: POST /slack/events, Web API {settings.slack_api_base_url}"
         + (", Socket Mode" if settings.slack_app_token else "")
         + f", streaming {settings.slack_streaming}"
         + (f", advisor channel {settings.slack_advisor_channel}" if settings.slack_advisor_channel else "")),
    ]
    from bot.commands import teams as teams_command

    lines += teams_command.doctor_lines(settings)
    for name, value in lines:
        print(f"{name:>16}: {value}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="finbot", description="finbot: your firm's assistant in Slack and Teams")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (web chat, Slack, Teams) on one port")
    serve.add_argument("--host", default=None, help="interface to listen on (default FINBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default PORT or 3978)")
    serve.set_defaults(handler=_serve)

    chat = commands.add_parser("chat", help="chat with finbot in this terminal")
    chat.set_defaults(handler=_chat)

    ingest = commands.add_parser("ingest", help="index a folder or file of .md/.txt/.html documents")
    ingest.add_argument("path", nargs="?", default=None, help="folder or file to index")
    ingest.add_argument("--delete", metavar="SOURCE", help="remove one indexed document (its path)")
    ingest.set_defaults(handler=_ingest)

    doctor = commands.add_parser("doctor", help="show what is configured")
    doctor.set_defaults(handler=_doctor)

    from bot.commands import eval as eval_command

    eval_command.register(commands)

    from bot.commands import metrics as metrics_command

    metrics_command.register(commands)

    from bot.commands import jobs as jobs_command
    from bot.commands import memory as memory_command

    jobs_command.register(commands)
    memory_command.register(commands)

    from bot.commands import portfolio as portfolio_command

    portfolio_command.register(commands)

    from bot.commands import teams as teams_command

    teams_command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "ingest" and not (args.path or args.delete):
        parser.error("ingest needs a PATH or --delete SOURCE")
    if getattr(args, "delete", None):
        args.delete = str(Path(args.delete).resolve())
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "aiosqlite", "openai", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
        return asyncio.run(args.handler(args, settings))
    except FinbotError as exc:
        print(f"finbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
