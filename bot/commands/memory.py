"""`finbot memory export --user ID` (JSON on stdout) and `finbot memory delete --user ID`: data-subject
requests over everything finbot remembers about one person. `finbot users` lists the ids finbot knows."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.config import Settings

__all__ = ["AUDIT_KEPT", "UNKNOWN_PERSON", "register", "run_memory"]

USER_HELP = "finbot person id, e.g. slack:T0123:U0456 (`finbot users` lists them)"
UNKNOWN_PERSON = (
    "finbot knows nobody with the id {id!r}: nothing to {action}. Ids look like slack:T0123:U0456, "
    "teams:<tenant>:<user>, web:local:<session> or cli:local:<login>; `finbot users --search NAME` finds one."
)


AUDIT_KEPT = (
    "Memory and personalisation deleted. The audit trail is not: its {count} rows about this person are the firm's "
    "books and records, kept for FINBOT_AUDIT_RETENTION (docs/compliance.md)."
)


async def _audit_rows(db: Any, user_id: str) -> int:
    from sqlalchemy import func, select

    from core.store.models import AuditRow

    async with db.session() as session:
        return int(await session.scalar(select(func.count()).where(AuditRow.person_id == user_id)) or 0)


def register(commands: Any) -> None:
    """Add `memory` to the `finbot` subcommands."""
    memory = commands.add_parser("memory", help="export or delete what finbot remembers about a person")
    actions = memory.add_subparsers(dest="memory_action", required=True)
    export = actions.add_parser("export", help="print the person's profile, facts, summaries and messages as JSON")
    export.add_argument("--user", required=True, metavar="ID", help=USER_HELP)
    delete = actions.add_parser(
        "delete", help="delete the person's profile, facts, summaries and messages (never the audit trail)"
    )
    delete.add_argument("--user", required=True, metavar="ID", help=USER_HELP)
    delete.add_argument(
        "--keep-history", action="store_true", help="keep their messages (record-keeping); delete memory only"
    )
    memory.set_defaults(handler=run_memory)


async def run_memory(args: argparse.Namespace, settings: Settings) -> int:
    from core.memory.subject import delete_person, export_person, person_known
    from core.store import Database

    db = Database(settings.resolved_database_url)
    try:
        await db.upgrade_schema()
        if not await person_known(db, args.user):
            print(UNKNOWN_PERSON.format(id=args.user, action=args.memory_action), file=sys.stderr)
            return 1
        if args.memory_action == "export":
            print(json.dumps(await export_person(db, args.user), indent=2, ensure_ascii=False))
            return 0
        counts = await delete_person(db, args.user, keep_history=args.keep_history)
        kept = await _audit_rows(db, args.user)
        print(json.dumps({"user_id": args.user, "deleted": counts, "kept": {"audit_rows": kept}}))
        print(AUDIT_KEPT.format(count=kept), file=sys.stderr)
        return 0
    finally:
        await db.dispose()
