"""`finbot users [--search TEXT]`: the people finbot has met, with the id every `--user ID` option takes."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.config import Settings

__all__ = ["register", "run_users"]


def register(commands: Any) -> None:
    """Add `users` to the `finbot` subcommands."""
    users = commands.add_parser("users", help="list the people finbot has met and their ids (for --user ID)")
    users.add_argument("--search", default="", metavar="TEXT", help="only ids or names containing TEXT")
    users.add_argument("--limit", type=int, default=50, help="at most this many, most recently seen first")
    users.add_argument("--json", action="store_true", help="print JSON")
    users.set_defaults(handler=run_users)


async def run_users(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table

    from core.memory.subject import list_people
    from core.store import Database

    db = Database(settings.resolved_database_url)
    try:
        await db.upgrade_schema()
        people = await list_people(db, search=args.search, limit=args.limit)
    finally:
        await db.dispose()
    if args.json:
        print(json.dumps([
            {"id": p.id, "name": p.display_name, "platform": p.platform,
             "first_seen": p.first_seen.isoformat(), "last_seen": p.last_seen.isoformat()} for p in people
        ], indent=2, ensure_ascii=False))
        return 0
    if not people:
        print("finbot has met nobody yet" + (f" matching {args.search!r}" if args.search else ""))
        return 1 if args.search else 0
    table = Table(title="People finbot has met (use the id with --user)")
    for column in ("id", "name", "platform", "last seen (UTC)"):
        table.add_column(column)
    for person in people:
        table.add_row(person.id, person.display_name, person.platform, f"{person.last_seen:%Y-%m-%d %H:%M}")
    Console(width=max(120, Console().width)).print(table)
    return 0
