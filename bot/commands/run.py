"""`finbot serve`, `finbot chat`, `finbot ingest`: running and feeding finbot (`finbot doctor`: doctor.py)."""

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
    from bot.listen import serve_forever

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


async def _record_knowledge(container: Any) -> None:
    """The audit trail's change log: the documents this ingest added, changed or removed."""
    if container.audit is not None:
        from core.audit.changes import record_knowledge

        await record_knowledge(container.audit)


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
            await _record_knowledge(container)
            print("deleted" if found else f"no indexed document with source {args.delete}")
            return 0 if found else 1
        with progress_bars() as bars:
            stages = StageBars(bars, units={"reading": "files", "embedding": "chunks"})
            report = await container.ingestor.ingest_path(Path(args.path), progress=stages.stage("reading files"))
            await container.retriever.refresh(progress=stages.stage("embedding new chunks"))
        await announce(container.db)  # running servers on PostgreSQL refresh now; on SQLite at their next question
        await _record_knowledge(container)
        index = container.retriever.last_refresh
        print(
            f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
            f"removed {len(report.removed)}, failed {len(report.failed)} ({report.chunks} chunks written, "
            f"{index.get('embedded', 0)} embedded; the index holds {index.get('chunks', 0)} chunks)"
        )
        for source, problem in report.failed.items():
            print(f"  failed: {source}: {problem}", file=sys.stderr)
        _print_flagged(report, settings.ingest_flagged)
        return 0 if not report.failed else 1
    finally:
        await container.close()


def _print_flagged(report: Any, policy: str) -> None:
    """The documents that look planted (instruction-like or payment-instruction text) and what was found."""
    if not report.flagged:
        return
    done = "kept out of the index" if policy == "skip" else "indexed, its chunks flagged"
    print(f"flagged {len(report.flagged)} document(s) (FINBOT_INGEST_FLAGGED={policy}: {done}):")
    for source, found in report.flagged.items():
        print(f"  flagged: {source}: " + "; ".join(f'{kind} "{text}"' for kind, text in found.items()))


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


def _validate_ingest(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not (args.path or args.delete):
        parser.error("ingest needs a PATH or --delete SOURCE")
    if args.delete:
        args.delete = str(Path(args.delete).resolve())
